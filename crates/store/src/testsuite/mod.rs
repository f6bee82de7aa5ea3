//! The conformance suite: what every [`Store`] backend must pass, written once.
//!
//! Each case is a `pub async fn` that takes a fresh, empty store and panics when
//! the backend breaks the contract. A backend's test file runs them all with
//! [`store_conformance_tests!`](crate::store_conformance_tests), one
//! `#[tokio::test]` per case:
//!
//! ```ignore
//! async fn fresh() -> (MyStore, tempfile::TempDir) {
//!     let dir = tempfile::tempdir().unwrap();
//!     (MyStore::open(dir.path()).unwrap(), dir)
//! }
//!
//! sagetag_store::store_conformance_tests!(fresh());
//! ```
//!
//! The cases are grouped by concern: [`resources`] (create, get, delete, reset),
//! [`tags`] (add, list, delete), [`listing`] (filters, order, paging),
//! [`concurrency`] (races that the backend must serialize), [`lifecycle`]
//! (schedules, due steps, updates) and [`children`] (resources launched by
//! another: children updates, spawning, listing by parent) and [`dump`]
//! (export and import).

pub mod children;
pub mod concurrency;
pub mod dump;
pub mod lifecycle;
pub mod listing;
pub mod resources;
pub mod tags;

pub use children::*;
pub use concurrency::*;
pub use dump::*;
pub use lifecycle::*;
pub use listing::*;
pub use resources::*;
pub use tags::*;

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::{ListQuery, NewResource, NewStep, Resource, Scope, Step, Store, Tag, Update};

/// Expands into one `#[tokio::test]` per conformance case.
///
/// `$make` is an expression whose value is a future of `(store, guard)`: `store`
/// is a fresh, empty backend and `guard` is anything that must outlive it (a
/// temporary directory, a database handle), dropped when the case ends. It is
/// evaluated once per case. The calling crate needs `tokio` as a dependency.
#[macro_export]
macro_rules! store_conformance_tests {
    ($make:expr) => {
        $crate::__store_conformance_cases!(
            $make;
            create_then_get_ignores_name_case,
            get_misses_other_scope_and_kind,
            duplicate_name_in_other_case_is_refused,
            same_name_in_other_scope_or_kind_is_allowed,
            duplicate_arn_is_refused,
            create_keeps_initial_tags_in_order,
            create_with_too_many_tags_stores_nothing,
            delete_removes_resource_and_tags,
            delete_missing_is_not_found,
            recreate_after_delete_starts_without_tags,
            reset_wipes_everything,
            health_is_ok,
            add_tags_to_unknown_or_foreign_arn_is_not_found,
            add_tags_overwrite_keeps_position,
            add_tags_appends_new_keys_in_order,
            add_tags_up_to_the_limit_succeeds,
            add_tags_past_the_limit_changes_nothing,
            add_tags_counts_only_new_keys,
            add_tags_honours_the_given_limit,
            list_tags_pages_in_insertion_order,
            list_tags_of_unknown_or_foreign_arn_is_not_found,
            delete_tags_keeps_order_of_the_rest,
            delete_tags_of_unknown_arn_is_not_found,
            list_resources_filters,
            list_resources_sorts_both_ways,
            list_resources_pages_without_loss_or_repeat,
            list_resources_rejects_garbage_cursors,
            concurrent_add_tags_respect_the_limit,
            concurrent_creates_of_distinct_names_all_succeed,
            concurrent_creates_of_one_name_admit_one,
            create_with_schedule_and_children,
            create_with_a_bad_child_stores_nothing,
            due_steps_come_earliest_first,
            update_with_unexpected_status_changes_nothing,
            a_step_is_consumed_once,
            concurrent_updates_consume_a_step_once,
            cancel_steps_drops_only_this_resources_steps,
            patch_merges_top_level_members,
            children_update_touches_only_children_in_from,
            deleting_a_parent_detaches_its_children,
            spawn_inherits_a_snapshot_of_the_tags,
            spawn_past_the_tag_limit_changes_nothing,
            spawn_of_a_taken_name_changes_nothing,
            delete_by_update_removes_resource_tags_and_steps,
            update_of_a_missing_resource_is_not_found,
            get_resource_by_arn_is_exact_and_account_scoped,
            list_resources_by_parent_and_modified_time,
            delete_and_reset_remove_steps,
            export_of_an_empty_store_is_empty,
            export_holds_every_resource_tag_and_step,
            import_of_an_export_gives_the_same_store,
            import_refuses_a_bad_batch_whole,
            export_is_one_snapshot,
            export_stops_when_the_receiver_goes,
        );
    };
}

/// The case list behind [`store_conformance_tests!`]; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __store_conformance_cases {
    ($make:expr; $($case:ident),+ $(,)?) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                let (store, _guard) = $make.await;
                let store: ::std::sync::Arc<dyn $crate::Store> = ::std::sync::Arc::new(store);
                $crate::testsuite::$case(store).await;
            }
        )+
    };
}

/// The store handle every case takes; shared with the tasks a case spawns.
pub type Subject = Arc<dyn Store>;

/// A creation time the cases use when the exact value does not matter.
const T0: f64 = 1_700_000_000.25;

fn scope(account: &str, region: &str) -> Scope {
    Scope {
        account: account.to_owned(),
        region: region.to_owned(),
    }
}

fn home() -> Scope {
    scope("111122223333", "us-east-1")
}

/// A resource with no tags and no status; the ARN keeps the name's case so that
/// two names differing only in case get distinct ARNs.
fn new_resource(scope: &Scope, kind: &str, name: &str) -> NewResource {
    NewResource {
        scope: scope.clone(),
        kind: kind.to_owned(),
        name: name.to_owned(),
        arn: arn(scope, kind, name),
        status: None,
        document: serde_json::json!({ "Name": name, "Nested": { "b": [1, 2.5, null], "a": "x" } }),
        created_at: T0,
        tags: Vec::new(),
        parent: None,
        schedule: Vec::new(),
        children: Vec::new(),
    }
}

fn arn(scope: &Scope, kind: &str, name: &str) -> String {
    format!(
        "arn:aws:sagemaker:{}:{}:{kind}/{name}",
        scope.region, scope.account
    )
}

fn tag(key: &str, value: &str) -> Tag {
    Tag {
        key: key.to_owned(),
        value: value.to_owned(),
    }
}

/// `count` tags `<prefix>00=v00`, `<prefix>01=v01`, … in that order.
fn numbered_tags(prefix: &str, count: usize) -> Vec<Tag> {
    (0..count)
        .map(|i| tag(&format!("{prefix}{i:02}"), &format!("v{i:02}")))
        .collect()
}

async fn create(store: &Subject, new: NewResource) -> Resource {
    let name = new.name.clone();
    match store.create_resource(new).await {
        Ok(created) => created,
        Err(err) => panic!("creating {name}: {err:?}"),
    }
}

/// Every tag of a resource, read in pages of 50.
async fn all_tags(store: &Subject, account: &str, arn: &str) -> Vec<Tag> {
    let mut tags = Vec::new();
    let mut after = None;
    for _ in 0..100 {
        let page = store
            .list_tags(account, arn, after, 50)
            .await
            .expect("list_tags");
        tags.extend(page.tags);
        match page.next {
            Some(next) => after = Some(next),
            None => return tags,
        }
    }
    panic!("list_tags never ended");
}

fn keys(tags: &[Tag]) -> Vec<String> {
    tags.iter().map(|t| t.key.clone()).collect()
}

/// Every resource a query selects, read page by page, checking the page rules:
/// no page is larger than `limit`, a page with a cursor is full, and only the
/// last page may be empty.
async fn list_all(store: &Subject, scope: &Scope, kind: &str, query: &ListQuery) -> Vec<Resource> {
    let mut query = query.clone();
    let mut items = Vec::new();
    for _ in 0..10_000 {
        let page = store
            .list_resources(scope, kind, &query)
            .await
            .expect("list_resources");
        assert!(
            page.items.len() <= query.limit,
            "page larger than its limit"
        );
        let done = page.next.is_none();
        assert!(
            done || page.items.len() == query.limit,
            "short page with a cursor"
        );
        assert!(done || !page.items.is_empty(), "empty page with a cursor");
        items.extend(page.items);
        if done {
            return items;
        }
        query.after = page.next;
    }
    panic!("list_resources never ended");
}

fn names(items: &[Resource]) -> Vec<String> {
    items.iter().map(|r| r.name.clone()).collect()
}

// ---- lifecycle helpers: a tuning job launches training jobs, which point
// back at it through `parent` (the case `sagemaker-tagging.md` §8 describes).

const TUNING: &str = "hyper-parameter-tuning-job";
const TRAINING: &str = "training-job";

/// A tuning job in the home scope with this status.
fn tuning(name: &str, status: &str) -> NewResource {
    let mut new = new_resource(&home(), TUNING, name);
    new.status = Some(status.to_owned());
    new
}

/// A training job of `parent` in the home scope with this status.
fn training(parent: Option<&str>, name: &str, status: Option<&str>) -> NewResource {
    let mut new = new_resource(&home(), TRAINING, name);
    new.status = status.map(str::to_owned);
    new.parent = parent.map(str::to_owned);
    new
}

fn step(due_at: f64, action: &str) -> NewStep {
    NewStep {
        due_at,
        action: action.to_owned(),
    }
}

/// An update of the tuning job `name` that changes nothing but `modified_at`.
fn change(name: &str) -> Update {
    Update {
        scope: home(),
        kind: TUNING.to_owned(),
        name: name.to_owned(),
        modified_at: T0 + 100.0,
        ..Update::default()
    }
}

fn members(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(members) => members,
        other => panic!("not an object: {other}"),
    }
}

async fn apply(store: &Subject, update: Update) -> Resource {
    let name = update.name.clone();
    match store.update_resource(update).await {
        Ok(updated) => updated,
        Err(err) => panic!("updating {name}: {err:?}"),
    }
}

async fn get(store: &Subject, kind: &str, name: &str) -> Option<Resource> {
    store
        .get_resource(&home(), kind, name)
        .await
        .expect("get_resource")
}

/// Every step in the store, earliest first.
async fn all_steps(store: &Subject) -> Vec<Step> {
    store.due_steps(f64::MAX, 10_000).await.expect("due_steps")
}

/// The `(name, action)` of every step in the store, earliest first.
async fn step_names(store: &Subject) -> Vec<(String, String)> {
    let steps = all_steps(store).await;
    steps.into_iter().map(|s| (s.name, s.action)).collect()
}

/// The id of the only step of resource `name`.
async fn step_id(store: &Subject, name: &str) -> i64 {
    let steps = all_steps(store).await;
    let mut ids = steps.iter().filter(|s| s.name == name).map(|s| s.id);
    match (ids.next(), ids.next()) {
        (Some(id), None) => id,
        _ => panic!("{name} has not exactly one step: {steps:?}"),
    }
}

fn pair(name: &str, action: &str) -> (String, String) {
    (name.to_owned(), action.to_owned())
}
