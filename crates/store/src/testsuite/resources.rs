//! Cases for the resource lifecycle: create, get, delete, reset, health.

use super::{all_tags, arn, create, home, keys, new_resource, numbered_tags, scope, tag};
use super::{Subject, T0};
use crate::{Error, MAX_TAGS_PER_RESOURCE};

/// A resource is found by any casing of its name and keeps the case it was
/// created with; every field comes back as stored.
pub async fn create_then_get_ignores_name_case(store: Subject) {
    let mut new = new_resource(&home(), "model", "MyModel");
    new.status = Some("InService".to_owned());
    let created = create(&store, new.clone()).await;

    assert_eq!(created.name, "MyModel");
    assert_eq!(created.arn, new.arn);
    assert_eq!(created.created_at, T0);
    assert_eq!(created.modified_at, T0);
    for spelling in ["MyModel", "mymodel", "MYMODEL", "mYmOdEl"] {
        let found = store.get_resource(&home(), "model", spelling).await;
        assert_eq!(
            found.expect("get_resource").as_ref(),
            Some(&created),
            "{spelling}"
        );
    }

    // The document keeps its member order (the server relies on it for output).
    let found = store.get_resource(&home(), "model", "mymodel").await;
    let document = found.expect("get_resource").expect("present").document;
    assert_eq!(document.to_string(), new.document.to_string());
}

/// A lookup never crosses account, region or kind.
pub async fn get_misses_other_scope_and_kind(store: Subject) {
    create(&store, new_resource(&home(), "model", "m1")).await;

    let misses = [
        (scope("444455556666", "us-east-1"), "model", "m1"),
        (scope("111122223333", "eu-west-1"), "model", "m1"),
        (home(), "endpoint", "m1"),
        (home(), "model", "m2"),
        (home(), "model", "m"),
    ];
    for (scope, kind, name) in misses {
        let found = store.get_resource(&scope, kind, name).await;
        assert_eq!(
            found.expect("get_resource"),
            None,
            "{scope:?} {kind} {name}"
        );
    }
}

/// Names are unique per scope and kind regardless of case (`resources.md` §1).
pub async fn duplicate_name_in_other_case_is_refused(store: Subject) {
    let first = create(&store, new_resource(&home(), "model", "Alpha")).await;

    for name in ["Alpha", "alpha", "ALPHA"] {
        let mut dup = new_resource(&home(), "model", name);
        dup.arn = format!("{}-other", dup.arn);
        let err = store.create_resource(dup).await.expect_err(name);
        assert!(matches!(err, Error::AlreadyExists), "{name}: {err:?}");
    }
    let found = store.get_resource(&home(), "model", "alpha").await;
    assert_eq!(found.expect("get_resource"), Some(first));
}

/// The same name in another account, region or kind is another resource.
pub async fn same_name_in_other_scope_or_kind_is_allowed(store: Subject) {
    let places = [
        (home(), "model"),
        (scope("444455556666", "us-east-1"), "model"),
        (scope("111122223333", "eu-west-1"), "model"),
        (home(), "endpoint"),
    ];
    for (scope, kind) in &places {
        create(&store, new_resource(scope, kind, "Shared")).await;
    }
    for (scope, kind) in &places {
        let found = store.get_resource(scope, kind, "shared").await;
        let found = found.expect("get_resource").expect("present");
        assert_eq!(found.arn, arn(scope, kind, "Shared"));
    }
}

/// An ARN names one resource in the whole store.
pub async fn duplicate_arn_is_refused(store: Subject) {
    let first = new_resource(&home(), "model", "one");
    create(&store, first.clone()).await;

    let mut second = new_resource(&home(), "model", "two");
    second.arn = first.arn.clone();
    let err = store.create_resource(second).await.expect_err("same ARN");
    assert!(matches!(err, Error::AlreadyExists), "{err:?}");
    let found = store.get_resource(&home(), "model", "two").await;
    assert_eq!(found.expect("get_resource"), None);
}

/// Initial tags are stored with the resource, in the order given.
pub async fn create_keeps_initial_tags_in_order(store: Subject) {
    let mut new = new_resource(&home(), "model", "tagged");
    new.tags = vec![
        tag("zeta", "1"),
        tag("Alpha", ""),
        tag("alpha", "3"),
        tag("mid", "2"),
    ];
    let created = create(&store, new.clone()).await;

    assert_eq!(
        all_tags(&store, "111122223333", &created.arn).await,
        new.tags
    );

    let mut full = new_resource(&home(), "model", "full");
    full.tags = numbered_tags("k", MAX_TAGS_PER_RESOURCE);
    let created = create(&store, full.clone()).await;
    assert_eq!(
        all_tags(&store, "111122223333", &created.arn).await,
        full.tags
    );
}

/// A create with more than 50 tags is refused whole: no resource, no tags.
pub async fn create_with_too_many_tags_stores_nothing(store: Subject) {
    let mut new = new_resource(&home(), "model", "crowded");
    new.tags = numbered_tags("k", MAX_TAGS_PER_RESOURCE + 1);
    let err = store
        .create_resource(new.clone())
        .await
        .expect_err("51 tags");
    assert!(
        matches!(
            err,
            Error::TagLimitExceeded {
                would_have: 51,
                max: 50
            }
        ),
        "{err:?}"
    );

    let found = store.get_resource(&home(), "model", "crowded").await;
    assert_eq!(found.expect("get_resource"), None);
    let err = store.list_tags("111122223333", &new.arn, None, 50).await;
    assert!(matches!(err, Err(Error::NotFound)), "{err:?}");

    // Neither the name nor the ARN was taken by the refused call.
    new.tags.truncate(2);
    create(&store, new.clone()).await;
    assert_eq!(all_tags(&store, "111122223333", &new.arn).await, new.tags);
}

/// Delete removes the resource and its tags; its ARN then names nothing.
pub async fn delete_removes_resource_and_tags(store: Subject) {
    let mut new = new_resource(&home(), "model", "Doomed");
    new.tags = numbered_tags("k", 3);
    create(&store, new.clone()).await;
    create(&store, new_resource(&home(), "model", "bystander")).await;

    store
        .delete_resource(&home(), "model", "DOOMED")
        .await
        .expect("delete by another casing");

    let found = store.get_resource(&home(), "model", "doomed").await;
    assert_eq!(found.expect("get_resource"), None);
    let listed = store.list_tags("111122223333", &new.arn, None, 50).await;
    assert!(matches!(listed, Err(Error::NotFound)), "{listed:?}");
    let added = store
        .add_tags("111122223333", &new.arn, &[tag("a", "b")], 50)
        .await;
    assert!(matches!(added, Err(Error::NotFound)), "{added:?}");
    let found = store.get_resource(&home(), "model", "bystander").await;
    assert!(
        found.expect("get_resource").is_some(),
        "the other resource survives"
    );
}

/// Deleting what is not there is NotFound, also for another scope or kind.
pub async fn delete_missing_is_not_found(store: Subject) {
    let err = store.delete_resource(&home(), "model", "ghost").await;
    assert!(matches!(err, Err(Error::NotFound)), "{err:?}");

    create(&store, new_resource(&home(), "model", "real")).await;
    let elsewhere = [
        (scope("444455556666", "us-east-1"), "model"),
        (scope("111122223333", "eu-west-1"), "model"),
        (home(), "endpoint"),
    ];
    for (scope, kind) in elsewhere {
        let err = store.delete_resource(&scope, kind, "real").await;
        assert!(
            matches!(err, Err(Error::NotFound)),
            "{scope:?} {kind}: {err:?}"
        );
    }
    store
        .delete_resource(&home(), "model", "real")
        .await
        .expect("delete");
    let err = store.delete_resource(&home(), "model", "real").await;
    assert!(
        matches!(err, Err(Error::NotFound)),
        "second delete: {err:?}"
    );
}

/// A resource created again after a delete does not inherit the old tags.
pub async fn recreate_after_delete_starts_without_tags(store: Subject) {
    let mut new = new_resource(&home(), "model", "phoenix");
    new.tags = numbered_tags("old", 5);
    create(&store, new.clone()).await;
    store
        .delete_resource(&home(), "model", "phoenix")
        .await
        .expect("delete");

    new.tags = Vec::new();
    create(&store, new.clone()).await;
    assert_eq!(all_tags(&store, "111122223333", &new.arn).await, Vec::new());

    store
        .add_tags("111122223333", &new.arn, &[tag("fresh", "1")], 50)
        .await
        .expect("add_tags");
    assert_eq!(
        keys(&all_tags(&store, "111122223333", &new.arn).await),
        ["fresh"]
    );
}

/// Reset wipes every account; the store is usable afterwards.
pub async fn reset_wipes_everything(store: Subject) {
    let other = scope("444455556666", "eu-west-1");
    let mut a = new_resource(&home(), "model", "a");
    a.tags = numbered_tags("k", 4);
    let mut b = new_resource(&other, "endpoint", "b");
    b.tags = numbered_tags("k", 2);
    create(&store, a.clone()).await;
    create(&store, b.clone()).await;

    store.reset().await.expect("reset");

    assert_eq!(
        store
            .get_resource(&home(), "model", "a")
            .await
            .expect("get"),
        None
    );
    assert_eq!(
        store
            .get_resource(&other, "endpoint", "b")
            .await
            .expect("get"),
        None
    );
    let listed = store.list_tags("111122223333", &a.arn, None, 50).await;
    assert!(matches!(listed, Err(Error::NotFound)), "{listed:?}");
    let query = crate::ListQuery {
        limit: 50,
        ..Default::default()
    };
    let page = store.list_resources(&home(), "model", &query).await;
    assert_eq!(page.expect("list_resources").items, Vec::new());

    a.tags = Vec::new();
    create(&store, a.clone()).await;
    assert_eq!(all_tags(&store, "111122223333", &a.arn).await, Vec::new());
}

/// A fresh store reports itself healthy.
pub async fn health_is_ok(store: Subject) {
    store.health().await.expect("health");
}
