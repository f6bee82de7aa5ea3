//! Cases for lifecycles: schedules, due steps and updates of one resource
//! (`resources.md` §2–4).

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::json;
use tokio::task::JoinSet;

use super::{all_steps, all_tags, apply, change, create, get, home, members, new_resource};
use super::{numbered_tags, pair, scope, step, step_id, step_names, tag, training, tuning};
use super::{Subject, T0, TRAINING, TUNING};
use crate::{ChildrenUpdate, Error, Update, MAX_TAGS_PER_RESOURCE};

/// A create with a schedule and children makes them all at once: each child
/// has its own tags and steps and the parent the caller gave it, and a
/// child's own children are ignored.
pub async fn create_with_schedule_and_children(store: Subject) {
    let mut new = tuning("tune", "InProgress");
    let parent = new.arn.clone();
    new.tags = vec![tag("team", "a")];
    new.schedule = vec![step(T0 + 30.0, "Completed"), step(T0 + 10.0, "Launch")];
    let mut first = training(Some(&parent), "tune-001", Some("InProgress"));
    first.tags = vec![tag("k", "1"), tag("j", "2")];
    first.schedule = vec![step(T0 + 20.0, "Completed")];
    let mut second = training(Some(&parent), "tune-002", Some("InProgress"));
    second.children = vec![training(None, "grandchild", None)];
    new.children = vec![first.clone(), second];
    let created = create(&store, new).await;
    assert_eq!(created.parent, None);

    let child = get(&store, TRAINING, "TUNE-001").await.expect("tune-001");
    assert_eq!(child.parent.as_deref(), Some(parent.as_str()));
    assert_eq!(child.status.as_deref(), Some("InProgress"));
    assert_eq!((child.created_at, child.modified_at), (T0, T0));
    assert_eq!(
        all_tags(&store, &home().account, &child.arn).await,
        first.tags
    );
    let child = get(&store, TRAINING, "tune-002").await.expect("tune-002");
    assert_eq!(child.parent.as_deref(), Some(parent.as_str()));
    assert_eq!(all_tags(&store, &home().account, &child.arn).await, []);
    assert_eq!(get(&store, TRAINING, "grandchild").await, None);

    let steps = all_steps(&store).await;
    let seen: Vec<_> = steps
        .iter()
        .map(|s| {
            (
                s.kind.as_str(),
                s.name.as_str(),
                s.due_at,
                s.action.as_str(),
            )
        })
        .collect();
    let expected = [
        (TUNING, "tune", T0 + 10.0, "Launch"),
        (TRAINING, "tune-001", T0 + 20.0, "Completed"),
        (TUNING, "tune", T0 + 30.0, "Completed"),
    ];
    assert_eq!(seen, expected);
    assert!(steps.iter().all(|s| s.scope == home()), "{steps:?}");
}

/// A create whose child cannot be made stores nothing: neither the parent,
/// nor the other children, nor any step.
pub async fn create_with_a_bad_child_stores_nothing(store: Subject) {
    create(&store, training(None, "taken", None)).await;
    let mut new = tuning("tune", "InProgress");
    new.schedule = vec![step(T0, "Completed")];
    let mut good = training(Some(&new.arn), "good", None);
    good.schedule = vec![step(T0, "Completed")];

    let mut crowded = training(Some(&new.arn), "crowded", None);
    crowded.tags = numbered_tags("k", MAX_TAGS_PER_RESOURCE + 1);
    let bad_children = [training(Some(&new.arn), "TAKEN", None), crowded];
    for bad in bad_children {
        let mut attempt = new.clone();
        attempt.children = vec![good.clone(), bad.clone()];
        let err = store.create_resource(attempt).await.expect_err(&bad.name);
        let expected = match bad.name.as_str() {
            "TAKEN" => matches!(err, Error::AlreadyExists),
            _ => matches!(err, Error::TagLimitExceeded { would_have: 51, .. }),
        };
        assert!(expected, "{}: {err:?}", bad.name);

        assert_eq!(get(&store, TUNING, "tune").await, None);
        assert_eq!(get(&store, TRAINING, "good").await, None);
        assert_eq!(get(&store, TRAINING, "crowded").await, None);
        assert_eq!(all_steps(&store).await, []);
        assert_eq!(store.next_step_due().await.expect("next_step_due"), None);
    }
}

/// Due steps come earliest first, equal times in creation order, at most
/// `limit`; a step due exactly now is due; reading consumes nothing.
pub async fn due_steps_come_earliest_first(store: Subject) {
    assert_eq!(store.due_steps(f64::MAX, 10).await.expect("due"), []);
    assert_eq!(store.next_step_due().await.expect("next"), None);

    let mut a = tuning("a", "InProgress");
    a.schedule = vec![step(T0 + 5.0, "a5"), step(T0 + 1.0, "a1")];
    let mut b = tuning("b", "InProgress");
    b.schedule = vec![step(T0 + 5.0, "b5"), step(T0 + 3.0, "b3")];
    let mut c = new_resource(&scope("444455556666", "eu-west-1"), TUNING, "c");
    c.schedule = vec![step(T0 + 2.0, "c2")];
    for new in [a, b, c] {
        create(&store, new).await;
    }

    let due = |now: f64, limit: usize| {
        let store = Arc::clone(&store);
        async move {
            let steps = store.due_steps(now, limit).await.expect("due_steps");
            steps.into_iter().map(|s| s.action).collect::<Vec<_>>()
        }
    };
    assert_eq!(due(T0 + 5.0, 10).await, ["a1", "c2", "b3", "a5", "b5"]);
    assert_eq!(due(T0 + 5.0, 10).await, ["a1", "c2", "b3", "a5", "b5"]);
    assert_eq!(due(T0 + 3.0, 10).await, ["a1", "c2", "b3"]);
    assert_eq!(due(T0 + 4.9, 2).await, ["a1", "c2"]);
    assert_eq!(due(T0 + 0.5, 10).await, Vec::<String>::new());
    assert_eq!(due(T0 + 5.0, 0).await, Vec::<String>::new());
    assert_eq!(store.next_step_due().await.expect("next"), Some(T0 + 1.0));

    let steps = all_steps(&store).await;
    let ids: BTreeSet<i64> = steps.iter().map(|s| s.id).collect();
    assert_eq!(ids.len(), 5, "ids are distinct: {steps:?}");
    let c2 = steps.iter().find(|s| s.action == "c2").expect("c2");
    assert_eq!(c2.scope, scope("444455556666", "eu-west-1"));
    assert_eq!((c2.kind.as_str(), c2.name.as_str()), (TUNING, "c"));
}

/// An update that finds another status than it expects changes nothing, not
/// even its step, and reports the status it found.
pub async fn update_with_unexpected_status_changes_nothing(store: Subject) {
    let mut new = tuning("tune", "InProgress");
    new.tags = vec![tag("team", "a")];
    new.schedule = vec![step(T0 + 1.0, "Completed")];
    new.children = vec![training(Some(&new.arn), "tune-001", Some("InProgress"))];
    let parent = new.arn.clone();
    let before = create(&store, new).await;
    let child = get(&store, TRAINING, "tune-001").await;
    let steps = all_steps(&store).await;

    let update = Update {
        expect_status: Some(vec!["Stopping".to_owned(), "inprogress".to_owned()]),
        step: Some(step_id(&store, "tune").await),
        status: Some("Stopped".to_owned()),
        patch: members(json!({ "Name": null, "Extra": 1 })),
        cancel_steps: true,
        schedule: vec![step(T0 + 2.0, "Later")],
        spawn: vec![training(Some(&parent), "tune-002", None)],
        inherit_tags: true,
        children: Some(ChildrenUpdate {
            from: vec!["InProgress".to_owned()],
            status: "Stopped".to_owned(),
            ..ChildrenUpdate::default()
        }),
        delete: true,
        ..change("tune")
    };
    let err = store.update_resource(update).await.expect_err("conflict");
    assert!(
        matches!(&err, Error::StatusConflict { current: Some(s) } if s == "InProgress"),
        "{err:?}"
    );

    assert_eq!(get(&store, TUNING, "tune").await, Some(before));
    assert_eq!(get(&store, TRAINING, "tune-001").await, child);
    assert_eq!(get(&store, TRAINING, "tune-002").await, None);
    assert_eq!(all_steps(&store).await, steps);

    // A resource without a status matches no expectation; None expects nothing.
    create(&store, new_resource(&home(), TUNING, "plain")).await;
    let update = Update {
        expect_status: Some(vec![String::new()]),
        ..change("plain")
    };
    let err = store.update_resource(update).await;
    assert!(
        matches!(err, Err(Error::StatusConflict { current: None })),
        "{err:?}"
    );
    let updated = apply(&store, change("plain")).await;
    assert_eq!(updated.modified_at, T0 + 100.0);
}

/// A step takes effect once: a second update naming it is StepGone and
/// changes nothing, also when the first one scheduled a new step (whose id
/// must differ); a step of another resource is StepGone and stays.
pub async fn a_step_is_consumed_once(store: Subject) {
    let mut other = tuning("other", "InProgress");
    other.schedule = vec![step(T0 + 1.0, "Completed")];
    create(&store, other).await;
    // Created last, so its step has the highest id so far.
    let mut new = tuning("tune", "InProgress");
    new.schedule = vec![step(T0 + 1.0, "Completed")];
    create(&store, new).await;
    let (mine, theirs) = (
        step_id(&store, "tune").await,
        step_id(&store, "other").await,
    );

    let carry_out = |at: f64| Update {
        expect_status: Some(vec!["InProgress".to_owned(), "Completed".to_owned()]),
        step: Some(mine),
        status: Some("Completed".to_owned()),
        schedule: vec![step(T0 + 9.0, "Cleanup")],
        modified_at: at,
        ..change("tune")
    };
    let first = apply(&store, carry_out(T0 + 10.0)).await;
    assert_eq!(first.status.as_deref(), Some("Completed"));
    let next = step_id(&store, "tune").await;
    assert_ne!(next, mine, "a consumed step's id was handed out again");

    let err = store.update_resource(carry_out(T0 + 20.0)).await;
    assert!(matches!(err, Err(Error::StepGone)), "{err:?}");
    assert_eq!(get(&store, TUNING, "tune").await, Some(first.clone()));
    assert_eq!(step_id(&store, "tune").await, next);

    let foreign = Update {
        step: Some(theirs),
        ..change("tune")
    };
    let err = store.update_resource(foreign).await;
    assert!(matches!(err, Err(Error::StepGone)), "{err:?}");
    assert_eq!(step_id(&store, "other").await, theirs);
    assert_eq!(get(&store, TUNING, "tune").await, Some(first));
}

/// Of 16 updates racing to carry out one step, exactly one takes effect.
pub async fn concurrent_updates_consume_a_step_once(store: Subject) {
    let mut new = tuning("tune", "InProgress");
    new.schedule = vec![step(T0 + 1.0, "Completed")];
    create(&store, new).await;
    let id = step_id(&store, "tune").await;

    let start = Arc::new(tokio::sync::Barrier::new(16));
    let mut tasks = JoinSet::new();
    for i in 0..16u32 {
        let (store, start) = (Arc::clone(&store), Arc::clone(&start));
        tasks.spawn(async move {
            let update = Update {
                step: Some(id),
                patch: members(json!({ "Winner": i })),
                modified_at: T0 + f64::from(i),
                ..change("tune")
            };
            start.wait().await;
            (i, store.update_resource(update).await)
        });
    }
    let mut winners = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined.expect("task") {
            (i, Ok(_)) => winners.push(i),
            (_, Err(Error::StepGone)) => {}
            (i, Err(err)) => panic!("{i}: {err:?}"),
        }
    }
    let [winner] = winners[..] else {
        panic!("winners: {winners:?}");
    };
    let stored = get(&store, TUNING, "tune").await.expect("tune");
    assert_eq!(stored.document["Winner"], json!(winner));
    assert_eq!(stored.modified_at, T0 + f64::from(winner));
    assert_eq!(all_steps(&store).await, []);
}

/// `cancel_steps` drops the resource's pending steps, not another resource's,
/// and not those the same update schedules.
pub async fn cancel_steps_drops_only_this_resources_steps(store: Subject) {
    let mut new = tuning("tune", "InProgress");
    new.schedule = vec![step(T0 + 1.0, "Completed"), step(T0 + 2.0, "Other")];
    let mut other = tuning("other", "InProgress");
    other.schedule = vec![step(T0 + 1.5, "Completed")];
    create(&store, new).await;
    create(&store, other).await;

    let update = Update {
        status: Some("Stopping".to_owned()),
        cancel_steps: true,
        schedule: vec![step(T0 + 3.0, "Stopped")],
        ..change("TUNE")
    };
    apply(&store, update).await;
    let expected = [pair("other", "Completed"), pair("tune", "Stopped")];
    assert_eq!(step_names(&store).await, expected);

    // Without `cancel_steps` the pending steps stay and new ones join them.
    let update = Update {
        schedule: vec![step(T0 + 0.5, "Early")],
        ..change("tune")
    };
    apply(&store, update).await;
    let expected = [
        pair("tune", "Early"),
        pair("other", "Completed"),
        pair("tune", "Stopped"),
    ];
    assert_eq!(step_names(&store).await, expected);
}

/// A patch sets top-level members (in place, or last when new), replaces a
/// nested value whole, and removes members set to null, keeping the order of
/// the rest; a missing `status` keeps the status; `created_at` never moves.
pub async fn patch_merges_top_level_members(store: Subject) {
    let mut new = tuning("tune", "InProgress");
    new.document = json!({ "Name": "tune", "A": 1, "Nested": { "x": 1, "y": 2 }, "B": 2, "C": 3 });
    create(&store, new).await;

    let update = Update {
        patch: members(json!({
            "A": null, "B": "two", "Nested": { "z": 3 }, "New": [true], "Absent": null
        })),
        modified_at: T0 + 7.0,
        ..change("tune")
    };
    let updated = apply(&store, update).await;
    // Removing `A` must not move `C` into its place.
    let expected = r#"{"Name":"tune","Nested":{"z":3},"B":"two","C":3,"New":[true]}"#;
    assert_eq!(updated.document.to_string(), expected);
    assert_eq!(updated.status.as_deref(), Some("InProgress"));
    assert_eq!((updated.created_at, updated.modified_at), (T0, T0 + 7.0));
    let stored = get(&store, TUNING, "tune").await.expect("tune");
    assert_eq!(stored, updated);
    assert_eq!(stored.document.to_string(), expected);

    // An empty patch leaves the document alone; the status still changes.
    let update = Update {
        status: Some("Completed".to_owned()),
        ..change("tune")
    };
    let updated = apply(&store, update).await;
    assert_eq!(updated.document.to_string(), expected);
    assert_eq!(updated.status.as_deref(), Some("Completed"));
    assert_eq!(get(&store, TUNING, "tune").await, Some(updated));
}

/// An update with `delete` removes the resource, its tags and its steps, and
/// returns it as it was when removed; its children stay and keep `parent`;
/// the name is free again.
pub async fn delete_by_update_removes_resource_tags_and_steps(store: Subject) {
    let mut new = tuning("tune", "Stopped");
    new.tags = numbered_tags("k", 3);
    new.schedule = vec![step(T0 + 1.0, "Delete"), step(T0 + 9.0, "Other")];
    let mut child = training(Some(&new.arn), "tune-001", Some("Completed"));
    child.schedule = vec![step(T0 + 5.0, "Cleanup")];
    new.children = vec![child];
    let parent = new.arn.clone();
    create(&store, new.clone()).await;

    let update = Update {
        expect_status: Some(vec!["Stopped".to_owned()]),
        step: Some(all_steps(&store).await[0].id),
        status: Some("Deleting".to_owned()),
        delete: true,
        ..change("tune")
    };
    let removed = apply(&store, update).await;
    assert_eq!(
        (removed.name.as_str(), removed.arn.as_str()),
        ("tune", parent.as_str())
    );
    assert_eq!(removed.status.as_deref(), Some("Deleting"));
    assert_eq!(removed.modified_at, T0 + 100.0);

    assert_eq!(get(&store, TUNING, "tune").await, None);
    let by_arn = store.get_resource_by_arn(&home().account, &parent).await;
    assert_eq!(by_arn.expect("get_resource_by_arn"), None);
    let listed = store.list_tags(&home().account, &parent, None, 50).await;
    assert!(matches!(listed, Err(Error::NotFound)), "{listed:?}");
    assert_eq!(step_names(&store).await, [pair("tune-001", "Cleanup")]);
    let child = get(&store, TRAINING, "tune-001").await.expect("child");
    assert_eq!(
        child.parent, None,
        "a deleted parent's children are detached"
    );

    let err = store.update_resource(change("tune")).await;
    assert!(matches!(err, Err(Error::NotFound)), "{err:?}");
    new.tags.clear();
    new.schedule.clear();
    new.children.clear();
    let again = create(&store, new).await;
    assert_eq!(all_tags(&store, &home().account, &again.arn).await, []);
}

/// An update names its resource by scope, kind and name (in any case); any
/// other is NotFound.
pub async fn update_of_a_missing_resource_is_not_found(store: Subject) {
    create(&store, tuning("Tune", "InProgress")).await;
    let misses = [
        Update {
            scope: scope("444455556666", "us-east-1"),
            ..change("Tune")
        },
        Update {
            scope: scope(&home().account, "eu-west-1"),
            ..change("Tune")
        },
        Update {
            kind: TRAINING.to_owned(),
            ..change("Tune")
        },
        change("Tune-1"),
    ];
    for update in misses {
        let label = format!("{:?} {} {}", update.scope, update.kind, update.name);
        let err = store.update_resource(update).await;
        assert!(matches!(err, Err(Error::NotFound)), "{label}: {err:?}");
    }
    let updated = apply(&store, change("tUNE")).await;
    assert_eq!(
        (updated.name.as_str(), updated.modified_at),
        ("Tune", T0 + 100.0)
    );
}

/// A lookup by ARN takes the exact ARN and never crosses accounts.
pub async fn get_resource_by_arn_is_exact_and_account_scoped(store: Subject) {
    let mut new = new_resource(&home(), "model", "MyModel");
    new.parent = Some("arn:aws:sagemaker:us-east-1:111122223333:model/origin".to_owned());
    let created = create(&store, new).await;
    let foreign = create(
        &store,
        new_resource(&scope("444455556666", "us-east-1"), "model", "MyModel"),
    )
    .await;

    let found = store
        .get_resource_by_arn(&home().account, &created.arn)
        .await;
    assert_eq!(found.expect("get_resource_by_arn"), Some(created.clone()));
    let misses = [
        (home().account, created.arn.to_lowercase()),
        (home().account, format!("{}x", created.arn)),
        (home().account, foreign.arn.clone()),
        ("444455556666".to_owned(), created.arn.clone()),
    ];
    for (account, arn) in misses {
        let found = store.get_resource_by_arn(&account, &arn).await;
        assert_eq!(found.expect("get_resource_by_arn"), None, "{account} {arn}");
    }
}

/// Deleting a resource deletes its steps, and a reset deletes every step.
pub async fn delete_and_reset_remove_steps(store: Subject) {
    let mut a = tuning("a", "InProgress");
    a.schedule = vec![step(T0 + 1.0, "a1"), step(T0 + 4.0, "a4")];
    let mut b = tuning("b", "InProgress");
    b.schedule = vec![step(T0 + 2.0, "b2")];
    create(&store, a).await;
    create(&store, b).await;

    store
        .delete_resource(&home(), TUNING, "A")
        .await
        .expect("delete_resource");
    assert_eq!(step_names(&store).await, [pair("b", "b2")]);
    assert_eq!(store.next_step_due().await.expect("next"), Some(T0 + 2.0));

    store.reset().await.expect("reset");
    assert_eq!(all_steps(&store).await, []);
    assert_eq!(store.next_step_due().await.expect("next"), None);
}
