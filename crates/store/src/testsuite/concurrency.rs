//! Cases for races: the backend must serialize what touches the same row.

use std::collections::BTreeSet;
use std::sync::Arc;

use tokio::task::JoinSet;

use super::{all_tags, create, home, list_all, new_resource, tag, Subject};
use crate::{Error, ListQuery, MAX_TAGS_PER_RESOURCE};

/// 80 tasks each add one distinct key to the same resource at once: exactly 50
/// are acknowledged, 30 hit the limit, and the resource holds exactly the 50
/// acknowledged keys.
pub async fn concurrent_add_tags_respect_the_limit(store: Subject) {
    let arn = create(&store, new_resource(&home(), "model", "contended"))
        .await
        .arn;
    let start = Arc::new(tokio::sync::Barrier::new(80));

    let mut tasks = JoinSet::new();
    for i in 0..80 {
        let (store, arn, start) = (Arc::clone(&store), arn.clone(), Arc::clone(&start));
        tasks.spawn(async move {
            let key = format!("key-{i:02}");
            start.wait().await;
            let added = store
                .add_tags(
                    &home().account,
                    &arn,
                    &[tag(&key, "v")],
                    MAX_TAGS_PER_RESOURCE,
                )
                .await;
            (key, added)
        });
    }

    let mut acknowledged = BTreeSet::new();
    let mut refused = 0;
    while let Some(joined) = tasks.join_next().await {
        match joined.expect("task") {
            (key, Ok(())) => {
                acknowledged.insert(key);
            }
            (_, Err(Error::TagLimitExceeded { .. })) => refused += 1,
            (key, Err(err)) => panic!("{key}: {err:?}"),
        }
    }
    assert_eq!((acknowledged.len(), refused), (50, 30));

    let stored = all_tags(&store, &home().account, &arn).await;
    let stored: BTreeSet<String> = stored.into_iter().map(|t| t.key).collect();
    assert_eq!(stored, acknowledged);
}

/// 200 creates of distinct names at once all succeed and are all listed.
pub async fn concurrent_creates_of_distinct_names_all_succeed(store: Subject) {
    let mut tasks = JoinSet::new();
    for i in 0..200 {
        let store = Arc::clone(&store);
        tasks.spawn(async move {
            let name = format!("model-{i:03}");
            let created = store
                .create_resource(new_resource(&home(), "model", &name))
                .await;
            (name, created)
        });
    }
    while let Some(joined) = tasks.join_next().await {
        let (name, created) = joined.expect("task");
        if let Err(err) = created {
            panic!("{name}: {err:?}");
        }
    }

    let query = ListQuery {
        limit: 50,
        ..ListQuery::default()
    };
    let listed = list_all(&store, &home(), "model", &query).await;
    let names: BTreeSet<String> = listed.into_iter().map(|r| r.name).collect();
    let expected: BTreeSet<String> = (0..200).map(|i| format!("model-{i:03}")).collect();
    assert_eq!(names, expected);
}

/// 16 creates of one name (in different cases, with distinct ARNs) at once:
/// exactly one wins, the others get AlreadyExists, and the winner is stored.
pub async fn concurrent_creates_of_one_name_admit_one(store: Subject) {
    let start = Arc::new(tokio::sync::Barrier::new(16));
    let mut tasks = JoinSet::new();
    for i in 0..16u32 {
        let (store, start) = (Arc::clone(&store), Arc::clone(&start));
        tasks.spawn(async move {
            // Each task flips the case of a different subset of the letters.
            let name: String = "samename"
                .chars()
                .enumerate()
                .map(|(bit, c)| {
                    if (i >> (bit % 4)) & 1 == 1 {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    }
                })
                .collect();
            start.wait().await;
            let created = store
                .create_resource(new_resource(&home(), "model", &name))
                .await;
            (name, created)
        });
    }

    let mut winners = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined.expect("task") {
            (_, Ok(created)) => winners.push(created),
            (_, Err(Error::AlreadyExists)) => {}
            (name, Err(err)) => panic!("{name}: {err:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "{winners:?}");
    let stored = store.get_resource(&home(), "model", "SAMENAME").await;
    assert_eq!(stored.expect("get_resource").as_ref(), winners.first());
}
