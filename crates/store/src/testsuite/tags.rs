//! Cases for tags: add or overwrite, the 50-tag limit, paging, delete
//! (`sagemaker-tagging.md` §3.1–3.3, Q1 and Q4).

use super::{all_tags, create, home, keys, new_resource, numbered_tags, scope, tag};
use super::{Subject, Tag};
use crate::{Error, MAX_TAGS_PER_RESOURCE};

const ACCOUNT: &str = "111122223333";

/// Creates `name` in the home scope with `tags` and returns its ARN.
async fn tagged(store: &Subject, name: &str, tags: Vec<Tag>) -> String {
    let mut new = new_resource(&home(), "model", name);
    new.tags = tags;
    create(store, new).await.arn
}

async fn add(store: &Subject, arn: &str, tags: &[Tag]) -> Result<(), Error> {
    store
        .add_tags(ACCOUNT, arn, tags, MAX_TAGS_PER_RESOURCE)
        .await
}

/// An ARN nobody has, or somebody else's, is NotFound, even for an empty list.
pub async fn add_tags_to_unknown_or_foreign_arn_is_not_found(store: Subject) {
    let arn = tagged(&store, "mine", Vec::new()).await;
    let missing = format!("{arn}-missing");

    for tags in [vec![tag("k", "v")], Vec::new()] {
        let err = add(&store, &missing, &tags).await;
        assert!(matches!(err, Err(Error::NotFound)), "unknown ARN: {err:?}");
        let err = store.add_tags("444455556666", &arn, &tags, 50).await;
        assert!(
            matches!(err, Err(Error::NotFound)),
            "other account: {err:?}"
        );
    }
    // The exact ARN is the identity: a differently cased ARN is another one.
    let err = add(&store, &arn.to_uppercase(), &[tag("k", "v")]).await;
    assert!(
        matches!(err, Err(Error::NotFound)),
        "upper-cased ARN: {err:?}"
    );

    assert_eq!(all_tags(&store, ACCOUNT, &arn).await, Vec::new());
    add(&store, &arn, &[])
        .await
        .expect("empty add on a real resource");
}

/// Overwriting a key changes its value and keeps its place.
pub async fn add_tags_overwrite_keeps_position(store: Subject) {
    let arn = tagged(
        &store,
        "r",
        vec![tag("a", "1"), tag("b", "2"), tag("c", "3")],
    )
    .await;

    add(&store, &arn, &[tag("b", "two")])
        .await
        .expect("overwrite");
    let expected = vec![tag("a", "1"), tag("b", "two"), tag("c", "3")];
    assert_eq!(all_tags(&store, ACCOUNT, &arn).await, expected);

    // Keys are case-sensitive: `A` is a new key, not an overwrite of `a`.
    add(&store, &arn, &[tag("A", "new"), tag("a", "")])
        .await
        .expect("mixed");
    let expected = vec![
        tag("a", ""),
        tag("b", "two"),
        tag("c", "3"),
        tag("A", "new"),
    ];
    assert_eq!(all_tags(&store, ACCOUNT, &arn).await, expected);
}

/// New keys go after all existing ones, in the order the request gave them.
pub async fn add_tags_appends_new_keys_in_order(store: Subject) {
    let arn = tagged(&store, "r", vec![tag("m", "0")]).await;

    add(&store, &arn, &[tag("z", "1"), tag("b", "2")])
        .await
        .expect("add");
    add(&store, &arn, &[tag("y", "3"), tag("m", "4"), tag("a", "5")])
        .await
        .expect("add");

    let got = all_tags(&store, ACCOUNT, &arn).await;
    assert_eq!(keys(&got), ["m", "z", "b", "y", "a"]);
    assert_eq!(got[0].value, "4");
}

/// Exactly 50 tags fit, whether added at once or a few at a time.
pub async fn add_tags_up_to_the_limit_succeeds(store: Subject) {
    let at_once = tagged(&store, "at-once", Vec::new()).await;
    let tags = numbered_tags("k", MAX_TAGS_PER_RESOURCE);
    add(&store, &at_once, &tags).await.expect("50 at once");
    assert_eq!(all_tags(&store, ACCOUNT, &at_once).await, tags);

    let stepwise = tagged(&store, "stepwise", numbered_tags("k", 1)).await;
    for chunk in tags[1..].chunks(7) {
        add(&store, &stepwise, chunk).await.expect("a chunk");
    }
    assert_eq!(all_tags(&store, ACCOUNT, &stepwise).await, tags);
}

/// The 51st distinct key refuses the whole call, overwrites included.
pub async fn add_tags_past_the_limit_changes_nothing(store: Subject) {
    let full = numbered_tags("k", MAX_TAGS_PER_RESOURCE);
    let arn = tagged(&store, "r", full.clone()).await;

    let err = add(&store, &arn, &[tag("extra", "x")]).await;
    assert!(
        matches!(
            err,
            Err(Error::TagLimitExceeded {
                would_have: 51,
                max: 50
            })
        ),
        "{err:?}"
    );
    let err = add(&store, &arn, &[tag("k00", "changed"), tag("extra", "x")]).await;
    assert!(
        matches!(err, Err(Error::TagLimitExceeded { .. })),
        "{err:?}"
    );
    assert_eq!(all_tags(&store, ACCOUNT, &arn).await, full);

    // 45 present, 3 overwrites and 6 new keys: 51, refused with nothing applied.
    let arn = tagged(&store, "r2", numbered_tags("k", 45)).await;
    let mut request = vec![tag("k00", "x"), tag("k10", "x"), tag("k44", "x")];
    request.extend(numbered_tags("new", 6));
    let err = add(&store, &arn, &request).await;
    assert!(
        matches!(
            err,
            Err(Error::TagLimitExceeded {
                would_have: 51,
                max: 50
            })
        ),
        "{err:?}"
    );
    assert_eq!(
        all_tags(&store, ACCOUNT, &arn).await,
        numbered_tags("k", 45)
    );
}

/// Overwrites do not count towards the limit (Q1).
pub async fn add_tags_counts_only_new_keys(store: Subject) {
    let full = numbered_tags("k", MAX_TAGS_PER_RESOURCE);
    let arn = tagged(&store, "full", full.clone()).await;
    let rewrite: Vec<Tag> = full.iter().map(|t| tag(&t.key, "rewritten")).collect();
    add(&store, &arn, &rewrite)
        .await
        .expect("50 overwrites on a full resource");
    assert_eq!(all_tags(&store, ACCOUNT, &arn).await, rewrite);

    // 40 present, 10 overwrites and 10 new keys: exactly 50.
    let arn = tagged(&store, "forty", numbered_tags("k", 40)).await;
    let mut request: Vec<Tag> = (30..40).map(|i| tag(&format!("k{i:02}"), "o")).collect();
    request.extend(numbered_tags("new", 10));
    add(&store, &arn, &request)
        .await
        .expect("10 overwrites + 10 new keys");
    let got = all_tags(&store, ACCOUNT, &arn).await;
    assert_eq!(got.len(), 50);
    assert_eq!(got[39], tag("k39", "o"));
    assert_eq!(got[40..], numbered_tags("new", 10)[..]);
}

/// The limit is the caller's `max_tags`, not a constant.
pub async fn add_tags_honours_the_given_limit(store: Subject) {
    let arn = tagged(&store, "r", numbered_tags("k", 2)).await;

    let err = store
        .add_tags(ACCOUNT, &arn, &numbered_tags("n", 2), 3)
        .await;
    assert!(
        matches!(
            err,
            Err(Error::TagLimitExceeded {
                would_have: 4,
                max: 3
            })
        ),
        "{err:?}"
    );
    store
        .add_tags(ACCOUNT, &arn, &numbered_tags("n", 1), 3)
        .await
        .expect("3 of 3");
    assert_eq!(all_tags(&store, ACCOUNT, &arn).await.len(), 3);
}

/// Every page size from 1 to 50 walks the tags in insertion order, and `next`
/// is present exactly when more tags follow.
pub async fn list_tags_pages_in_insertion_order(store: Subject) {
    let empty = tagged(&store, "empty", Vec::new()).await;
    let page = store
        .list_tags(ACCOUNT, &empty, None, 50)
        .await
        .expect("list");
    assert_eq!((page.tags, page.next), (Vec::new(), None));

    // Build 50 tags with a history: overwrites, deletes and re-adds.
    let arn = tagged(&store, "r", numbered_tags("a", 30)).await;
    store
        .delete_tags(ACCOUNT, &arn, &["a03".to_owned(), "a17".to_owned()])
        .await
        .expect("delete");
    add(&store, &arn, &numbered_tags("b", 21))
        .await
        .expect("add");
    add(&store, &arn, &[tag("a05", "again"), tag("a03", "back")])
        .await
        .expect("add");
    let expected = all_tags(&store, ACCOUNT, &arn).await;
    assert_eq!(expected.len(), 50);
    assert_eq!(expected[4], tag("a05", "again"));
    assert_eq!(expected[49], tag("a03", "back"));

    for limit in 1..=50 {
        let mut got = Vec::new();
        let mut after = None;
        loop {
            let page = store
                .list_tags(ACCOUNT, &arn, after, limit)
                .await
                .expect("list");
            assert!(page.tags.len() <= limit, "limit {limit}");
            got.extend(page.tags);
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
            assert!(got.len() < 50, "limit {limit}: a cursor after the last tag");
        }
        assert_eq!(got, expected, "limit {limit}");
    }
}

/// Listing tags needs the exact ARN in the caller's account.
pub async fn list_tags_of_unknown_or_foreign_arn_is_not_found(store: Subject) {
    let arn = tagged(&store, "r", numbered_tags("k", 2)).await;
    let attempts = [(ACCOUNT, format!("{arn}x")), ("444455556666", arn.clone())];
    for (account, arn) in attempts {
        let err = store.list_tags(account, &arn, None, 50).await;
        assert!(
            matches!(err, Err(Error::NotFound)),
            "{account} {arn}: {err:?}"
        );
    }
}

/// Present keys go, absent keys are ignored, the rest keep their order; a key
/// added again after its delete goes to the end.
pub async fn delete_tags_keeps_order_of_the_rest(store: Subject) {
    let arn = tagged(&store, "r", numbered_tags("k", 6)).await;
    let other = tagged(&store, "other", numbered_tags("k", 6)).await;

    let doomed = ["k01", "absent", "k04", "K02"].map(str::to_owned);
    store
        .delete_tags(ACCOUNT, &arn, &doomed)
        .await
        .expect("delete");
    assert_eq!(
        keys(&all_tags(&store, ACCOUNT, &arn).await),
        ["k00", "k02", "k03", "k05"]
    );

    add(&store, &arn, &[tag("k01", "back")])
        .await
        .expect("re-add");
    assert_eq!(
        keys(&all_tags(&store, ACCOUNT, &arn).await),
        ["k00", "k02", "k03", "k05", "k01"]
    );
    store
        .delete_tags(ACCOUNT, &arn, &["nothing".to_owned()])
        .await
        .expect("no-op");
    assert_eq!(
        all_tags(&store, ACCOUNT, &other).await,
        numbered_tags("k", 6)
    );
}

/// Deleting tags of an ARN nobody has, or somebody else's, is NotFound.
pub async fn delete_tags_of_unknown_arn_is_not_found(store: Subject) {
    let arn = tagged(&store, "r", numbered_tags("k", 2)).await;
    let keys = ["k00".to_owned()];

    let err = store.delete_tags(ACCOUNT, &format!("{arn}x"), &keys).await;
    assert!(matches!(err, Err(Error::NotFound)), "{err:?}");
    let err = store.delete_tags("444455556666", &arn, &keys).await;
    assert!(matches!(err, Err(Error::NotFound)), "{err:?}");
    let other_region = scope(ACCOUNT, "eu-west-1");
    let elsewhere = super::arn(&other_region, "model", "r");
    let err = store.delete_tags(ACCOUNT, &elsewhere, &keys).await;
    assert!(matches!(err, Err(Error::NotFound)), "{err:?}");
    assert_eq!(all_tags(&store, ACCOUNT, &arn).await, numbered_tags("k", 2));
}
