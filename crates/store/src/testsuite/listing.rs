//! Cases for `list_resources`: filters, sort orders, paging and cursors.

use std::cmp::Ordering;

use super::{create, home, list_all, names, new_resource, scope, Subject, T0};
use crate::{Error, ListQuery, Resource, SortKey};

/// Creates a model named `name` in the home scope.
async fn model(store: &Subject, name: &str, created_at: f64, status: Option<&str>) -> Resource {
    let mut new = new_resource(&home(), "model", name);
    new.created_at = created_at;
    new.status = status.map(str::to_owned);
    create(store, new).await
}

fn query(limit: usize) -> ListQuery {
    ListQuery {
        limit,
        ..ListQuery::default()
    }
}

/// Names selected by `q`, sorted by name so that the order does not matter.
async fn selected(store: &Subject, q: ListQuery) -> Vec<String> {
    let mut got = names(&list_all(store, &home(), "model", &q).await);
    got.sort_by_key(|n| n.to_lowercase());
    got
}

/// Each filter narrows the listing; filters combine with AND; the listing never
/// leaves its scope and kind.
pub async fn list_resources_filters(store: Subject) {
    model(&store, "MyModel", T0, Some("InService")).await;
    model(&store, "model-b", T0 + 10.0, Some("Failed")).await;
    model(&store, "other", T0 + 20.0, Some("InService")).await;
    model(&store, "Last-MODEL", T0 + 30.0, None).await;
    create(&store, new_resource(&home(), "endpoint", "model-endpoint")).await;
    create(
        &store,
        new_resource(&scope("444455556666", "us-east-1"), "model", "model-x"),
    )
    .await;
    create(
        &store,
        new_resource(&scope("111122223333", "eu-west-1"), "model", "model-y"),
    )
    .await;

    let all = selected(&store, query(50)).await;
    assert_eq!(all, ["Last-MODEL", "model-b", "MyModel", "other"]);

    let q = ListQuery {
        name_contains: Some("oDeL".to_owned()),
        ..query(50)
    };
    assert_eq!(
        selected(&store, q).await,
        ["Last-MODEL", "model-b", "MyModel"]
    );

    // Time bounds are strict: a resource created exactly at the bound is out.
    let q = ListQuery {
        created_after: Some(T0),
        created_before: Some(T0 + 30.0),
        ..query(50)
    };
    assert_eq!(selected(&store, q).await, ["model-b", "other"]);
    let q = ListQuery {
        created_before: Some(T0 + 10.0),
        ..query(50)
    };
    assert_eq!(selected(&store, q).await, ["MyModel"]);

    let q = ListQuery {
        status_equals: Some("InService".to_owned()),
        ..query(50)
    };
    assert_eq!(selected(&store, q).await, ["MyModel", "other"]);
    let q = ListQuery {
        status_equals: Some("inservice".to_owned()),
        ..query(50)
    };
    assert_eq!(selected(&store, q).await, Vec::<String>::new());

    let q = ListQuery {
        name_contains: Some("model".to_owned()),
        status_equals: Some("InService".to_owned()),
        created_after: Some(T0 - 1.0),
        ..query(50)
    };
    assert_eq!(selected(&store, q).await, ["MyModel"]);
}

/// The reference order of the contract: name case-insensitively, creation time,
/// or status (a missing one as `""`) then name.
fn reference_cmp(sort: SortKey, a: &Resource, b: &Resource) -> Ordering {
    let name = |r: &Resource| r.name.to_lowercase();
    let status = |r: &Resource| r.status.clone().unwrap_or_default();
    match sort {
        SortKey::Name => name(a).cmp(&name(b)),
        SortKey::CreationTime => a.created_at.total_cmp(&b.created_at),
        SortKey::Status => status(a)
            .cmp(&status(b))
            .then_with(|| name(a).cmp(&name(b))),
    }
}

/// Every sort key in both directions gives the contract's order.
pub async fn list_resources_sorts_both_ways(store: Subject) {
    let specs = [
        ("charlie", 3.0, Some("Failed")),
        ("Alpha", 5.0, Some("InService")),
        ("bravo", 1.0, None),
        ("Delta", 4.0, Some("Creating")),
        ("echo", 2.0, Some("Failed")),
        ("Foxtrot", 6.0, Some("Creating")),
    ];
    let mut all = Vec::new();
    for (name, offset, status) in specs {
        all.push(model(&store, name, T0 + offset, status).await);
    }

    for sort in [SortKey::Name, SortKey::CreationTime, SortKey::Status] {
        for descending in [false, true] {
            let mut expected = all.clone();
            expected.sort_by(|a, b| reference_cmp(sort, a, b));
            if descending {
                expected.reverse();
            }
            let q = ListQuery {
                sort_by: sort,
                descending,
                ..query(50)
            };
            let got = list_all(&store, &home(), "model", &q).await;
            assert_eq!(
                names(&got),
                names(&expected),
                "{sort:?} descending={descending}"
            );
        }
    }
}

/// Paging with any page size returns the same items, in the same order, as one
/// big page: nothing lost, nothing repeated, also across equal sort values.
pub async fn list_resources_pages_without_loss_or_repeat(store: Subject) {
    let statuses = [Some("InService"), Some("Failed"), None, Some("Creating")];
    for i in 0..23 {
        // Creation times repeat in threes and statuses in fours, so every sort
        // key has ties that the order must break the same way on every page.
        let at = T0 + f64::from(i / 3);
        let name = if i % 2 == 0 {
            format!("Res-{i:02}")
        } else {
            format!("res-{i:02}")
        };
        model(&store, &name, at, statuses[(i % 4) as usize]).await;
    }

    for sort in [SortKey::Name, SortKey::CreationTime, SortKey::Status] {
        for descending in [false, true] {
            let base = ListQuery {
                sort_by: sort,
                descending,
                ..query(1000)
            };
            let whole = list_all(&store, &home(), "model", &base).await;
            assert_eq!(whole.len(), 23);
            for pair in whole.windows(2) {
                let order = reference_cmp(sort, &pair[0], &pair[1]);
                let expected = if descending {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
                assert_ne!(order, expected, "{sort:?} descending={descending}");
            }
            for limit in [1, 2, 3, 5, 7, 22, 23, 24] {
                let q = ListQuery {
                    limit,
                    ..base.clone()
                };
                let paged = list_all(&store, &home(), "model", &q).await;
                assert_eq!(
                    names(&paged),
                    names(&whole),
                    "{sort:?} {descending} {limit}"
                );
            }

            // Paging also holds under a filter.
            let filtered = ListQuery {
                name_contains: Some("RES-1".to_owned()),
                ..base.clone()
            };
            let whole = list_all(&store, &home(), "model", &filtered).await;
            assert_eq!(whole.len(), 10);
            let q = ListQuery {
                limit: 3,
                ..filtered
            };
            let paged = list_all(&store, &home(), "model", &q).await;
            assert_eq!(
                names(&paged),
                names(&whole),
                "{sort:?} {descending} filtered"
            );
        }
    }
}

/// A cursor the backend did not make is refused, never misread.
pub async fn list_resources_rejects_garbage_cursors(store: Subject) {
    for i in 0..3 {
        model(&store, &format!("m{i}"), T0 + f64::from(i), None).await;
    }
    let garbage = [
        "garbage",
        "%%%%",
        "eyJub3QiOiAiYSBjdXJzb3IifQ",
        "eyJub3QiOiAiYSBjdXJzb3IifQ==",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "\u{0}\u{1f}é",
    ];
    for sort in [SortKey::Name, SortKey::CreationTime, SortKey::Status] {
        for cursor in garbage {
            let q = ListQuery {
                sort_by: sort,
                after: Some(cursor.to_owned()),
                ..query(1)
            };
            let got = store.list_resources(&home(), "model", &q).await;
            assert!(
                matches!(got, Err(Error::InvalidCursor)),
                "{cursor:?}: {got:?}"
            );
        }
    }
}
