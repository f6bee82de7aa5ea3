//! The tagging operations: create with tags → AddTags → ListTags → DeleteTags.

use aws_sdk_sagemaker::types::Tag;
use aws_sdk_sagemaker::Client;

use crate::server::{Server, ALICE, BOB};

/// A tag as the SDK's builder makes it.
pub fn tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build()
}

/// Every tag of a resource, as (key, value) pairs in the order listed.
pub async fn tags_of(sm: &Client, arn: &str) -> Vec<(String, String)> {
    let output = sm
        .list_tags()
        .resource_arn(arn)
        .send()
        .await
        .expect("ListTags");
    output
        .tags()
        .iter()
        .map(|t| {
            let text = |s: Option<&str>| s.unwrap_or_default().to_owned();
            (text(t.key()), text(t.value()))
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn tags_are_created_added_listed_and_deleted() {
    let server = Server::start();
    let sm = server.client(&ALICE).await;

    let created = sm
        .create_model()
        .model_name("churn")
        .tags(tag("team", "ml"))
        .send()
        .await
        .expect("CreateModel");
    let arn = created.model_arn().expect("CreateModel answers ModelArn");
    assert_eq!(
        arn,
        format!("arn:aws:sagemaker:us-east-1:{}:model/churn", ALICE.id)
    );
    assert_eq!(tags_of(&sm, arn).await, pairs(&[("team", "ml")]));

    let added = sm
        .add_tags()
        .resource_arn(arn)
        .tags(tag("cost-center", "42"))
        .tags(tag("team", "ml-platform"))
        .send()
        .await
        .expect("AddTags");
    assert_eq!(
        added.tags().len(),
        2,
        "AddTags answers with the request's tags"
    );
    // An overwrite keeps its place; a new key goes last.
    assert_eq!(
        tags_of(&sm, arn).await,
        pairs(&[("team", "ml-platform"), ("cost-center", "42")])
    );

    sm.delete_tags()
        .resource_arn(arn)
        .tag_keys("team")
        .tag_keys("no-such-key")
        .send()
        .await
        .expect("DeleteTags");
    assert_eq!(tags_of(&sm, arn).await, pairs(&[("cost-center", "42")]));

    let described = sm
        .describe_model()
        .model_name("churn")
        .send()
        .await
        .expect("DescribeModel");
    assert_eq!(described.model_name(), Some("churn"));
}

#[tokio::test]
async fn another_account_cannot_see_the_tags() {
    let server = Server::start();
    let alice = server.client(&ALICE).await;
    let bob = server.client(&BOB).await;
    let created = alice
        .create_model()
        .model_name("private")
        .tags(tag("owner", "alice"))
        .send()
        .await
        .expect("CreateModel");

    let arn = created.model_arn().expect("CreateModel answers ModelArn");
    let err = bob
        .list_tags()
        .resource_arn(arn)
        .send()
        .await
        .expect_err("Bob must not read Alice's tags");
    let err = err.into_service_error();
    assert_eq!(
        aws_sdk_sagemaker::error::ProvideErrorMetadata::code(&err),
        Some("ValidationException")
    );
    assert_eq!(tags_of(&alice, arn).await.len(), 1);
}
