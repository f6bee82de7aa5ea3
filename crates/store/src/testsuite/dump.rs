//! Cases for export and import: what a backup holds, that loading it gives
//! the same store back, and that an export is one snapshot.

use serde_json::json;
use tokio::sync::mpsc;

use super::{all_steps, all_tags, apply, arn, change, create, get, home, keys, new_resource};
use super::{numbered_tags, scope, step, tag, training, tuning, Subject, T0, TRAINING, TUNING};
use crate::{Error, Exported, Update, MAX_TAGS_PER_RESOURCE};

/// Everything `store` exports, read through a channel with room for `room`.
async fn export_all(store: &Subject, room: usize) -> Vec<Exported> {
    let (sink, mut source) = mpsc::channel(room);
    let exporter = {
        let store = Subject::clone(store);
        tokio::spawn(async move { store.export(sink).await })
    };
    let mut items = Vec::new();
    while let Some(item) = source.recv().await {
        items.push(item);
    }
    let sent = exporter.await.expect("export task").expect("export");
    assert_eq!(sent, items.len() as u64, "export counts what it sent");
    items
}

/// A store with a bit of everything a backup must keep: two accounts and
/// regions, statuses, a parent and its child, tags reordered by overwrites and
/// deletes, a changed document and modification time, pending steps.
async fn populate(store: &Subject) {
    let mut model = new_resource(&home(), "model", "Model-A");
    model.tags = numbered_tags("k", 5);
    create(store, model).await;
    let mut other = new_resource(&scope("444455556666", "eu-west-1"), "model", "b");
    other.tags = vec![tag("Unicode ✓", "välue"), tag("empty", "")];
    create(store, other).await;

    let mut parent = tuning("tune", "InProgress");
    parent.tags = vec![tag("team", "ml")];
    parent.schedule = vec![step(T0 + 30.0, "Completed"), step(T0 + 10.0, "Tick")];
    let mut child = training(Some(&parent.arn), "tune-001", Some("InProgress"));
    child.tags = vec![tag("team", "ml")];
    child.schedule = vec![step(T0 + 5.0, "Completed")];
    parent.children = vec![child];
    create(store, parent).await;

    let model_arn = arn(&home(), "model", "Model-A");
    store
        .add_tags(
            "111122223333",
            &model_arn,
            &[tag("k01", "new"), tag("z", "last")],
            50,
        )
        .await
        .expect("add_tags");
    store
        .delete_tags("111122223333", &model_arn, &["k00".to_owned()])
        .await
        .expect("delete_tags");

    let mut update = change("tune");
    update.patch.insert("Extra".to_owned(), json!({ "n": 1.5 }));
    apply(store, update).await;
}

/// An empty store exports nothing.
pub async fn export_of_an_empty_store_is_empty(store: Subject) {
    assert!(export_all(&store, 4).await.is_empty());
}

/// An export holds every resource of every account in creation order, each
/// with its record as stored, its tags in their order and its pending steps
/// in creation order.
pub async fn export_holds_every_resource_tag_and_step(store: Subject) {
    populate(&store).await;

    let items = export_all(&store, 2).await;
    let names: Vec<&str> = items.iter().map(|e| e.resource.name.as_str()).collect();
    assert_eq!(names, ["Model-A", "b", "tune", "tune-001"]);

    let model = &items[0];
    let stored = get(&store, "model", "model-a").await.expect("Model-A");
    assert_eq!(model.resource, stored);
    assert_eq!(
        keys(&model.tags),
        ["k01", "k02", "k03", "k04", "z"],
        "order kept through an overwrite and a delete"
    );
    assert_eq!(model.tags[0].value, "new");
    assert!(model.steps.is_empty());

    assert_eq!(items[1].resource.scope, scope("444455556666", "eu-west-1"));
    assert_eq!(items[1].tags, [tag("Unicode ✓", "välue"), tag("empty", "")]);

    let tune = &items[2];
    assert_eq!(tune.resource.modified_at, T0 + 100.0);
    assert_eq!(tune.resource.document["Extra"], json!({ "n": 1.5 }));
    let actions: Vec<&str> = tune.steps.iter().map(|s| s.action.as_str()).collect();
    assert_eq!(
        actions,
        ["Completed", "Tick"],
        "creation order, not due order"
    );
    assert_eq!(tune.steps[0].due_at, T0 + 30.0);

    let child = &items[3];
    assert_eq!(
        child.resource.parent.as_deref(),
        Some(tune.resource.arn.as_str())
    );
    assert_eq!(child.tags, [tag("team", "ml")]);
    assert_eq!(child.steps, [step(T0 + 5.0, "Completed")]);
}

/// Importing an export into an empty store gives the same export back, and
/// the imported store works like the original: steps come due, tags page,
/// a new tag goes last, names stay taken.
pub async fn import_of_an_export_gives_the_same_store(store: Subject) {
    populate(&store).await;
    let exported = export_all(&store, 8).await;
    let steps_before = all_steps(&store).await.len();
    store.reset().await.expect("reset");

    let (first, rest) = exported.split_at(1);
    store.import(first.to_vec()).await.expect("import 1");
    store.import(rest.to_vec()).await.expect("import 2");
    assert_eq!(export_all(&store, 8).await, exported);

    let steps = all_steps(&store).await;
    assert_eq!(steps.len(), steps_before);
    let due: Vec<(&str, &str)> = steps.iter().map(|s| (&*s.name, &*s.action)).collect();
    assert_eq!(due[0], ("tune-001", "Completed"), "earliest first");

    let model_arn = arn(&home(), "model", "Model-A");
    store
        .add_tags("111122223333", &model_arn, &[tag("after", "import")], 50)
        .await
        .expect("add_tags");
    let tags = all_tags(&store, "111122223333", &model_arn).await;
    assert_eq!(keys(&tags), ["k01", "k02", "k03", "k04", "z", "after"]);
    let page = store
        .list_tags("111122223333", &model_arn, None, 2)
        .await
        .expect("list_tags");
    let rest = store
        .list_tags("111122223333", &model_arn, page.next, 50)
        .await
        .expect("list_tags");
    assert_eq!(keys(&page.tags), ["k01", "k02"]);
    assert_eq!(keys(&rest.tags), ["k03", "k04", "z", "after"]);

    let taken = store
        .create_resource(new_resource(&home(), "model", "MODEL-a"))
        .await;
    assert!(matches!(taken, Err(Error::AlreadyExists)), "{taken:?}");
    let update = Update {
        delete: true,
        ..change("tune")
    };
    apply(&store, update).await;
    let child = get(&store, TRAINING, "tune-001")
        .await
        .expect("child stays");
    assert_eq!(
        child.parent, None,
        "deleting the imported parent detaches it"
    );
    assert!(get(&store, TUNING, "tune").await.is_none());
}

/// A batch with a taken name, a repeated ARN or too many tags on one resource
/// is refused whole.
pub async fn import_refuses_a_bad_batch_whole(store: Subject) {
    populate(&store).await;
    let exported = export_all(&store, 8).await;
    store.reset().await.expect("reset");
    store.import(exported[..1].to_vec()).await.expect("import");

    let taken = store.import(exported[..2].to_vec()).await;
    assert!(matches!(taken, Err(Error::AlreadyExists)), "{taken:?}");
    let twice = vec![exported[1].clone(), exported[1].clone()];
    let twice = store.import(twice).await;
    assert!(matches!(twice, Err(Error::AlreadyExists)), "{twice:?}");

    let mut crowded = exported[1].clone();
    crowded.tags = numbered_tags("t", MAX_TAGS_PER_RESOURCE + 1);
    let crowded = store.import(vec![exported[2].clone(), crowded]).await;
    assert!(
        matches!(
            crowded,
            Err(Error::TagLimitExceeded {
                would_have: 51,
                max: 50
            })
        ),
        "{crowded:?}"
    );

    let left: Vec<String> = export_all(&store, 8)
        .await
        .into_iter()
        .map(|e| e.resource.name)
        .collect();
    assert_eq!(left, ["Model-A"], "nothing of a refused batch stays");
    assert_eq!(all_steps(&store).await.len(), 0);
}

/// Writes that commit while an export runs are not in it: the export is the
/// store as it was when it started, even when a resource it has not reached
/// yet is deleted or a new one is created.
pub async fn export_is_one_snapshot(store: Subject) {
    for i in 0..20 {
        let mut new = new_resource(&home(), "model", &format!("m{i:02}"));
        new.tags = vec![tag("i", &i.to_string())];
        create(&store, new).await;
    }
    let (sink, mut source) = mpsc::channel(1);
    let exporter = {
        let store = Subject::clone(&store);
        tokio::spawn(async move { store.export(sink).await })
    };
    let first = source.recv().await.expect("first item");
    assert_eq!(first.resource.name, "m00");

    store
        .delete_resource(&home(), "model", "m19")
        .await
        .expect("delete");
    create(&store, new_resource(&home(), "model", "late")).await;
    let m10 = arn(&home(), "model", "m10");
    store
        .add_tags("111122223333", &m10, &[tag("late", "x")], 50)
        .await
        .expect("add_tags");

    let mut names = vec![first.resource.name];
    let mut m10_tags = Vec::new();
    while let Some(item) = source.recv().await {
        if item.resource.name == "m10" {
            m10_tags = keys(&item.tags);
        }
        names.push(item.resource.name);
    }
    assert_eq!(exporter.await.expect("task").expect("export"), 20);
    let expected: Vec<String> = (0..20).map(|i| format!("m{i:02}")).collect();
    assert_eq!(names, expected);
    assert_eq!(m10_tags, ["i"]);
}

/// An export whose receiver goes away stops without error.
pub async fn export_stops_when_the_receiver_goes(store: Subject) {
    for i in 0..10 {
        create(&store, new_resource(&home(), "model", &format!("m{i}"))).await;
    }
    let (sink, mut source) = mpsc::channel(1);
    let exporter = {
        let store = Subject::clone(&store);
        tokio::spawn(async move { store.export(sink).await })
    };
    source.recv().await.expect("first item");
    drop(source);
    let sent = exporter.await.expect("task").expect("export");
    assert!(sent < 10, "stopped early, sent {sent}");
}
