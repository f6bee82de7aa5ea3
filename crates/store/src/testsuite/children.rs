//! Cases for resources that another launched: the children update, spawning
//! with a snapshot of the parent's tags (`sagemaker-tagging.md` §8), and
//! listing by parent.

use std::sync::Arc;

use serde_json::{json, Map};

use super::{all_steps, all_tags, apply, arn, change, create, get, home, keys, list_all};
use super::{members, names, new_resource, numbered_tags, pair, scope, step, step_id};
use super::{step_names, tag, training, tuning, Subject, T0, TRAINING, TUNING};
use crate::{ChildrenUpdate, Error, ListQuery, NewResource, Update};

/// A children update changes exactly this resource's children whose status is
/// in `from` (status, patch, modification time, and their steps when asked);
/// other children, other resources' children and unrelated resources stay.
pub async fn children_update_touches_only_children_in_from(store: Subject) {
    let mut new = tuning("tune", "InProgress");
    let parent = new.arn.clone();
    let child = |name: &str, status: Option<&str>| {
        let mut child = training(Some(&parent), name, status);
        child.schedule = vec![step(T0 + 1.0, "Completed")];
        child
    };
    new.children = vec![
        child("running", Some("InProgress")),
        child("stopping", Some("Stopping")),
        child("done", Some("Completed")),
        child("blank", None),
    ];
    create(&store, new).await;
    let mut other = tuning("other", "InProgress");
    other.children = vec![training(Some(&other.arn), "foreign", Some("InProgress"))];
    create(&store, other).await;
    create(&store, training(None, "loner", Some("InProgress"))).await;
    let mut before = Vec::new();
    for name in ["done", "blank", "foreign", "loner"] {
        before.push(get(&store, TRAINING, name).await.expect(name));
    }

    let update = Update {
        children: Some(ChildrenUpdate {
            from: vec!["Stopping".to_owned()],
            status: "Stopped".to_owned(),
            patch: members(json!({ "Name": null, "StoppedBy": "tune" })),
            cancel_steps: false,
        }),
        modified_at: T0 + 5.0,
        ..change("tune")
    };
    apply(&store, update).await;
    let stopped = get(&store, TRAINING, "stopping").await.expect("stopping");
    assert_eq!(stopped.status.as_deref(), Some("Stopped"));
    assert_eq!(all_steps(&store).await.len(), 4, "no step was cancelled");

    let update = Update {
        children: Some(ChildrenUpdate {
            from: vec!["InProgress".to_owned(), "Stopped".to_owned(), String::new()],
            status: "Stopping".to_owned(),
            patch: Map::new(),
            cancel_steps: true,
        }),
        modified_at: T0 + 6.0,
        ..change("tune")
    };
    apply(&store, update).await;

    let running = get(&store, TRAINING, "running").await.expect("running");
    assert_eq!(running.status.as_deref(), Some("Stopping"));
    assert_eq!(running.modified_at, T0 + 6.0);
    let stopping = get(&store, TRAINING, "stopping").await.expect("stopping");
    assert_eq!(stopping.status.as_deref(), Some("Stopping"));
    assert_eq!(stopping.modified_at, T0 + 6.0);
    let expected = json!({ "Nested": { "b": [1, 2.5, null], "a": "x" }, "StoppedBy": "tune" });
    assert_eq!(stopping.document.to_string(), expected.to_string());
    for old in before {
        assert_eq!(get(&store, TRAINING, &old.name).await, Some(old));
    }
    let expected = [pair("done", "Completed"), pair("blank", "Completed")];
    assert_eq!(step_names(&store).await, expected);

    // Children spawned by the same update are not among those it changes.
    let update = Update {
        children: Some(ChildrenUpdate {
            from: vec!["InProgress".to_owned()],
            status: "Stopped".to_owned(),
            ..ChildrenUpdate::default()
        }),
        spawn: vec![training(Some(&parent), "fresh", Some("InProgress"))],
        ..change("tune")
    };
    apply(&store, update).await;
    let fresh = get(&store, TRAINING, "fresh").await.expect("fresh");
    assert_eq!(
        (fresh.status.as_deref(), fresh.modified_at),
        (Some("InProgress"), T0)
    );
}

/// A spawned resource inherits the tags its parent has at that moment, before
/// its own (a key it also gives takes its value in the parent's place); tags
/// added to or deleted from the parent later do not reach it.
pub async fn spawn_inherits_a_snapshot_of_the_tags(store: Subject) {
    let mut new = tuning("tune", "InProgress");
    new.tags = vec![tag("team", "a"), tag("stage", "dev"), tag("owner", "x")];
    let parent = create(&store, new).await;
    let account = home().account;

    let mut first = training(Some(&parent.arn), "tune-001", Some("InProgress"));
    first.tags = vec![tag("stage", "prod"), tag("extra", "1")];
    first.schedule = vec![step(T0 + 1.0, "Completed")];
    first.created_at = T0 + 3.0;
    let update = Update {
        spawn: vec![first],
        inherit_tags: true,
        ..change("tune")
    };
    let updated = apply(&store, update).await;
    assert_eq!(updated.arn, parent.arn);
    let child = get(&store, TRAINING, "tune-001").await.expect("tune-001");
    assert_eq!(child.parent.as_deref(), Some(parent.arn.as_str()));
    assert_eq!((child.created_at, child.modified_at), (T0 + 3.0, T0 + 3.0));
    assert_eq!(step_names(&store).await, [pair("tune-001", "Completed")]);
    let expected = [
        tag("team", "a"),
        tag("stage", "prod"),
        tag("owner", "x"),
        tag("extra", "1"),
    ];
    assert_eq!(all_tags(&store, &account, &child.arn).await, expected);

    store
        .add_tags(&account, &parent.arn, &[tag("late", "1")], 50)
        .await
        .expect("add_tags");
    store
        .delete_tags(&account, &parent.arn, &["team".to_owned()])
        .await
        .expect("delete_tags");
    assert_eq!(all_tags(&store, &account, &child.arn).await, expected);

    // Each spawn takes a new snapshot; without `inherit_tags` there is none.
    let update = Update {
        spawn: vec![training(Some(&parent.arn), "tune-002", None)],
        inherit_tags: true,
        ..change("tune")
    };
    apply(&store, update).await;
    let mut third = training(Some(&parent.arn), "tune-003", None);
    third.tags = vec![tag("own", "1")];
    let update = Update {
        spawn: vec![third],
        ..change("tune")
    };
    apply(&store, update).await;
    for (name, expected) in [
        ("tune-002", vec!["stage", "owner", "late"]),
        ("tune-003", vec!["own"]),
    ] {
        let arn = arn(&home(), TRAINING, name);
        assert_eq!(keys(&all_tags(&store, &account, &arn).await), expected);
    }
}

/// Inherited and own tags together obey the 50-tag limit, and a spawn past it
/// fails the whole update.
pub async fn spawn_past_the_tag_limit_changes_nothing(store: Subject) {
    let mut new = tuning("tune", "InProgress");
    new.tags = numbered_tags("k", 45);
    let before = create(&store, new).await;

    let mut over = training(Some(&before.arn), "tune-001", None);
    over.tags = numbered_tags("own", 6);
    let update = |spawn: NewResource| Update {
        status: Some("Completed".to_owned()),
        spawn: vec![spawn],
        inherit_tags: true,
        ..change("tune")
    };
    let err = store.update_resource(update(over.clone())).await;
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
    assert_eq!(get(&store, TUNING, "tune").await, Some(before.clone()));
    assert_eq!(get(&store, TRAINING, "tune-001").await, None);

    // Own tags that repeat inherited keys do not count twice: 45 + 5 new.
    over.tags = numbered_tags("k", 3);
    over.tags.extend(numbered_tags("own", 5));
    apply(&store, update(over)).await;
    let child = arn(&home(), TRAINING, "tune-001");
    assert_eq!(all_tags(&store, &home().account, &child).await.len(), 50);
}

/// A spawned resource whose name is taken refuses the whole update: no status
/// change, no step consumed or added, no other resource spawned, no child
/// changed.
pub async fn spawn_of_a_taken_name_changes_nothing(store: Subject) {
    let taken = create(&store, training(None, "tune-002", Some("Completed"))).await;
    let mut new = tuning("tune", "InProgress");
    new.schedule = vec![step(T0 + 1.0, "Launch")];
    new.children = vec![training(Some(&new.arn), "tune-000", Some("InProgress"))];
    let parent = new.arn.clone();
    let before = create(&store, new).await;
    let child = get(&store, TRAINING, "tune-000").await;
    let steps = all_steps(&store).await;

    let update = Update {
        step: Some(step_id(&store, "tune").await),
        status: Some("Completed".to_owned()),
        patch: members(json!({ "Launched": 2 })),
        schedule: vec![step(T0 + 2.0, "Launch")],
        spawn: vec![
            training(Some(&parent), "tune-001", None),
            training(Some(&parent), "TUNE-002", None),
        ],
        inherit_tags: true,
        children: Some(ChildrenUpdate {
            from: vec!["InProgress".to_owned()],
            status: "Stopped".to_owned(),
            ..ChildrenUpdate::default()
        }),
        ..change("tune")
    };
    let err = store.update_resource(update).await;
    assert!(matches!(err, Err(Error::AlreadyExists)), "{err:?}");

    assert_eq!(get(&store, TUNING, "tune").await, Some(before));
    assert_eq!(get(&store, TRAINING, "tune-000").await, child);
    assert_eq!(get(&store, TRAINING, "tune-001").await, None);
    assert_eq!(get(&store, TRAINING, "tune-002").await, Some(taken));
    assert_eq!(all_steps(&store).await, steps);
}

/// Listing keeps a parent's children, or resources modified strictly before
/// or after a time; `modified_at` moves with updates, not with tag changes.
pub async fn list_resources_by_parent_and_modified_time(store: Subject) {
    let tune_a = arn(&home(), TUNING, "tune-a");
    let tune_b = arn(&home(), TUNING, "tune-b");
    for (parent, name) in [
        (Some(&tune_a), "a-2"),
        (Some(&tune_a), "a-1"),
        (Some(&tune_b), "b-1"),
        (None, "loner"),
    ] {
        create(&store, training(parent.map(String::as_str), name, None)).await;
    }
    let other = scope("444455556666", "us-east-1");
    let mut foreign = new_resource(&other, TRAINING, "a-3");
    foreign.parent = Some(tune_a.clone());
    create(&store, foreign).await;

    let selected = |query: ListQuery| {
        let store = Arc::clone(&store);
        async move {
            let query = ListQuery { limit: 1, ..query };
            let mut got = names(&list_all(&store, &home(), TRAINING, &query).await);
            got.sort();
            got
        }
    };
    let by_parent = |arn: &str| ListQuery {
        parent: Some(arn.to_owned()),
        ..ListQuery::default()
    };
    assert_eq!(selected(by_parent(&tune_a)).await, ["a-1", "a-2"]);
    assert_eq!(selected(by_parent(&tune_b)).await, ["b-1"]);
    let loner = arn(&home(), TRAINING, "loner");
    assert_eq!(selected(by_parent(&loner)).await, Vec::<String>::new());

    for (name, at) in [("a-1", T0 + 10.0), ("b-1", T0 + 20.0)] {
        let update = Update {
            kind: TRAINING.to_owned(),
            modified_at: at,
            ..change(name)
        };
        apply(&store, update).await;
    }
    store
        .add_tags(&home().account, &loner, &[tag("k", "v")], 50)
        .await
        .expect("add_tags");
    let modified = |after: Option<f64>, before: Option<f64>| ListQuery {
        modified_after: after,
        modified_before: before,
        ..ListQuery::default()
    };
    assert_eq!(selected(modified(Some(T0), None)).await, ["a-1", "b-1"]);
    let got = selected(modified(None, Some(T0 + 20.0))).await;
    assert_eq!(got, ["a-1", "a-2", "loner"]);
    assert_eq!(selected(modified(Some(T0), Some(T0 + 20.0))).await, ["a-1"]);
    let query = ListQuery {
        parent: Some(tune_a.clone()),
        ..modified(None, Some(T0 + 10.0))
    };
    assert_eq!(selected(query).await, ["a-2"]);
}

/// Deleting a resource, directly or through an update, detaches its children:
/// they stay, with no parent, and a new resource of the same name starts with
/// none of them.
pub async fn deleting_a_parent_detaches_its_children(store: Subject) {
    let tune = arn(&home(), TUNING, "tune");
    create(&store, tuning("tune", "Completed")).await;
    create(&store, training(Some(&tune), "t-1", None)).await;
    let by_parent = ListQuery {
        parent: Some(tune.clone()),
        limit: 10,
        ..ListQuery::default()
    };

    store
        .delete_resource(&home(), TUNING, "tune")
        .await
        .expect("delete");
    let child = get(&store, TRAINING, "t-1").await.expect("child stays");
    assert_eq!(child.parent, None);
    create(&store, tuning("tune", "InProgress")).await;
    assert!(list_all(&store, &home(), TRAINING, &by_parent)
        .await
        .is_empty());

    create(&store, training(Some(&tune), "t-2", None)).await;
    let update = Update {
        kind: TUNING.to_owned(),
        delete: true,
        ..change("tune")
    };
    apply(&store, update).await;
    let child = get(&store, TRAINING, "t-2").await.expect("child stays");
    assert_eq!(child.parent, None);
}
