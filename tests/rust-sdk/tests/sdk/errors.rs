//! AWS errors as the SDK surfaces them: generic codes and modeled variants.

use aws_sdk_sagemaker::error::ProvideErrorMetadata;
use aws_sdk_sagemaker::operation::describe_hyper_parameter_tuning_job as describe_tuning_job;
use aws_sdk_sagemaker::operation::RequestId;

use crate::server::{Server, ALICE};
use crate::tags::tag;

#[tokio::test]
async fn a_refused_tag_is_a_validation_exception_with_status_400() {
    let server = Server::start();
    let sm = server.client(&ALICE).await;
    let arn = sm
        .create_model()
        .model_name("m")
        .send()
        .await
        .expect("CreateModel")
        .model_arn()
        .expect("CreateModel answers ModelArn")
        .to_owned();

    let err = sm
        .add_tags()
        .resource_arn(&arn)
        .tags(tag("aws:reserved", "x"))
        .send()
        .await
        .expect_err("aws: keys are reserved");
    assert_eq!(err.code(), Some("ValidationException"));
    assert_eq!(
        err.message(),
        Some("System prefix 'aws:' reserved for AWS usage in tag key: aws:reserved")
    );
    let status = err.raw_response().map(|r| r.status().as_u16());
    assert_eq!(status, Some(400));
    assert!(err.request_id().is_some(), "x-amzn-RequestId is read");
}

#[tokio::test]
async fn tags_of_a_missing_resource_are_a_validation_exception() {
    let server = Server::start();
    let sm = server.client(&ALICE).await;

    let err = sm
        .list_tags()
        .resource_arn(format!(
            "arn:aws:sagemaker:us-east-1:{}:model/nope",
            ALICE.id
        ))
        .send()
        .await
        .expect_err("no such model");
    assert_eq!(err.code(), Some("ValidationException"));
    assert_eq!(err.message(), Some("Resource does not exist."));
}

#[tokio::test]
async fn a_missing_tuning_job_is_the_modeled_resource_not_found() {
    let server = Server::start();
    let sm = server.client(&ALICE).await;

    let err = sm
        .describe_hyper_parameter_tuning_job()
        .hyper_parameter_tuning_job_name("no-such-job")
        .send()
        .await
        .expect_err("no such tuning job")
        .into_service_error();
    match &err {
        describe_tuning_job::DescribeHyperParameterTuningJobError::ResourceNotFound(not_found) => {
            let expected = "Amazon SageMaker can't find a tuning job called no-such-job. \
                            Type another name.";
            assert_eq!(not_found.message(), Some(expected));
        }
        other => panic!("expected ResourceNotFound, got {other:?}"),
    }
    assert_eq!(err.code(), Some("ResourceNotFound"));
}
