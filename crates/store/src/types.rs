//! Records and queries that cross the store boundary.

use serde::{Deserialize, Serialize};

/// The most tags one resource may carry (`sagemaker-tagging.md` §3.1, Q1).
pub const MAX_TAGS_PER_RESOURCE: usize = 50;

/// The account and region every resource lives in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Scope {
    /// Twelve-digit AWS account id.
    pub account: String,
    /// Region name, e.g. `us-east-1`.
    pub region: String,
}

/// One tag: a key and its value (an absent value is stored as `""`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// Tag key, case-sensitive.
    #[serde(rename = "Key")]
    pub key: String,
    /// Tag value, case-sensitive; `""` when the caller gave none.
    #[serde(rename = "Value")]
    pub value: String,
}

/// A resource to create.
#[derive(Clone, Debug)]
pub struct NewResource {
    /// Where it lives.
    pub scope: Scope,
    /// Its kind, e.g. `model` (the ARN resource type).
    pub kind: String,
    /// Its name as the caller spelled it.
    pub name: String,
    /// Its canonical ARN, unique across the store.
    pub arn: String,
    /// Its lifecycle status, for kinds that have one.
    pub status: Option<String>,
    /// The members Describe returns, as the operations layer wants them kept.
    pub document: serde_json::Value,
    /// Creation time, epoch seconds.
    pub created_at: f64,
    /// Initial tags, distinct keys, in order.
    pub tags: Vec<Tag>,
    /// The ARN of the resource that launched this one (a tuning job's training
    /// jobs), listed by [`ListQuery::parent`].
    pub parent: Option<String>,
    /// Lifecycle steps to run later, created in the same transaction.
    pub schedule: Vec<NewStep>,
    /// Resources created in the same transaction, each with its own tags and
    /// schedule (a tuning job's first training jobs). The caller sets their
    /// `parent`; their own `children` are ignored. If any of them cannot be
    /// created, nothing is.
    pub children: Vec<NewResource>,
}

/// A stored resource.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    /// Where it lives.
    pub scope: Scope,
    /// Its kind.
    pub kind: String,
    /// Its name as created.
    pub name: String,
    /// Its canonical ARN.
    pub arn: String,
    /// Its lifecycle status, for kinds that have one.
    pub status: Option<String>,
    /// The members Describe returns.
    pub document: serde_json::Value,
    /// Creation time, epoch seconds.
    pub created_at: f64,
    /// Last modification time, epoch seconds; equal to `created_at` on creation.
    /// Tag changes do not move it.
    pub modified_at: f64,
    /// The ARN of the resource that launched this one, if any.
    pub parent: Option<String>,
}

/// What to sort a resource listing by.
///
/// Items with equal sort values come out in a fixed order, the same on every page,
/// so paging never loses or repeats one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SortKey {
    /// By name, case-insensitively.
    Name,
    /// By creation time (the SageMaker default for most `List*` operations).
    #[default]
    CreationTime,
    /// By status, then name; a resource with no status sorts as if its status
    /// were the empty string.
    Status,
}

/// Filters, order and paging for [`crate::Store::list_resources`].
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    /// Keep names containing this text, case-insensitively.
    pub name_contains: Option<String>,
    /// Keep resources created strictly before this time (epoch seconds).
    pub created_before: Option<f64>,
    /// Keep resources created strictly after this time (epoch seconds).
    pub created_after: Option<f64>,
    /// Keep resources modified strictly before this time (epoch seconds).
    pub modified_before: Option<f64>,
    /// Keep resources modified strictly after this time (epoch seconds).
    pub modified_after: Option<f64>,
    /// Keep resources with exactly this status.
    pub status_equals: Option<String>,
    /// Keep resources launched by the resource with this ARN.
    pub parent: Option<String>,
    /// Sort key.
    pub sort_by: SortKey,
    /// Descending order when true.
    pub descending: bool,
    /// Page size, at least 1 (a backend treats 0 as 1).
    pub limit: usize,
    /// Resume after this cursor (from an earlier [`Page::next`]).
    pub after: Option<String>,
}

/// One page of a listing.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items, in order.
    pub items: Vec<T>,
    /// An opaque cursor to resume after the last item, when more may follow.
    pub next: Option<String>,
}

/// One page of a resource's tags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagPage {
    /// The tags, in insertion order.
    pub tags: Vec<Tag>,
    /// The position to resume after, present exactly when more tags follow.
    pub next: Option<i64>,
}

/// A lifecycle step to run at a time: the operations layer decides what
/// `action` means; the store only keeps it durable and hands it out when due.
#[derive(Clone, Debug, PartialEq)]
pub struct NewStep {
    /// When it is due, epoch seconds.
    pub due_at: f64,
    /// What to do, in the operations layer's words (e.g. `"InService"`).
    pub action: String,
}

/// A stored lifecycle step.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Its id, unique in the store and never reused, so that a late duplicate
    /// of the update that consumed it cannot consume a newer step;
    /// [`Update::step`] consumes it.
    pub id: i64,
    /// Where its resource lives.
    pub scope: Scope,
    /// Its resource's kind.
    pub kind: String,
    /// Its resource's name.
    pub name: String,
    /// When it is due, epoch seconds.
    pub due_at: f64,
    /// What to do.
    pub action: String,
}

/// A change to every child of a resource whose status is one of `from`.
///
/// The children are the resources whose `parent` is the updated resource's ARN
/// and that existed before the update: those it spawns are not touched. Each
/// child changed also takes the update's `modified_at`.
#[derive(Clone, Debug, Default)]
pub struct ChildrenUpdate {
    /// The statuses a child must have to be changed; a child without a status
    /// is never changed.
    pub from: Vec<String>,
    /// Its new status.
    pub status: String,
    /// Top-level members to set in each child's document (`null` removes one).
    pub patch: serde_json::Map<String, serde_json::Value>,
    /// Drop the pending steps of each child changed (a stopped training job
    /// must not complete later).
    pub cancel_steps: bool,
}

/// One atomic change to one resource, named by scope, kind and name.
///
/// The store checks, then applies, in this order: `expect_status`, `step`,
/// `cancel_steps`, then `status`, `patch` and `modified_at`, `schedule`,
/// `children`, `spawn`, and last `delete`. Any failure undoes the whole update.
#[derive(Clone, Debug, Default)]
pub struct Update {
    /// Where the resource lives.
    pub scope: Scope,
    /// Its kind.
    pub kind: String,
    /// Its name (case-insensitive).
    pub name: String,
    /// Refuse with [`crate::Error::StatusConflict`] unless the current status is
    /// one of these (a resource without a status matches none); `None` accepts
    /// any.
    pub expect_status: Option<Vec<String>>,
    /// The step this update carries out. It is removed in the same transaction;
    /// if it is already gone (another server ran it) the update is refused with
    /// [`crate::Error::StepGone`], so each step takes effect exactly once. A
    /// step of another resource counts as gone (and is left alone).
    pub step: Option<i64>,
    /// The new status, if it changes.
    pub status: Option<String>,
    /// Top-level members to set in the document (`null` removes one). A member
    /// already there keeps its position; a new one goes last. The document
    /// must be a JSON object when the patch is not empty.
    pub patch: serde_json::Map<String, serde_json::Value>,
    /// The modification time to record, epoch seconds; recorded by every
    /// update, whatever else it changes.
    pub modified_at: f64,
    /// Drop the resource's pending steps before adding `schedule`.
    pub cancel_steps: bool,
    /// Steps to add.
    pub schedule: Vec<NewStep>,
    /// Resources to create in the same transaction, with `parent` set to this
    /// resource's ARN by the caller, each as [`crate::Store::create_resource`]
    /// would (with its own schedule and children). With `inherit_tags`, each
    /// also gets this resource's tags as they are inside the transaction,
    /// before its own.
    pub spawn: Vec<NewResource>,
    /// Whether spawned resources inherit this resource's current tags: those
    /// come first, in their order; a key the resource also gives itself keeps
    /// the inherited position and takes its own value. The tag limit counts
    /// the result.
    pub inherit_tags: bool,
    /// A change to this resource's children.
    pub children: Option<ChildrenUpdate>,
    /// Delete the resource (and its tags and steps) after everything else.
    /// Its children, spawned or older, stay, detached (`parent` becomes `None`),
    /// so a new resource of the same name does not take them over.
    pub delete: bool,
}

/// How much a store holds, over every account and region (for metrics).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Resources by kind (the ARN resource type, e.g. `model`), kinds in
    /// ascending order; a kind with none is absent.
    pub resources: Vec<(String, u64)>,
    /// Tags on all resources together.
    pub tags: u64,
}

/// A resource as a backup holds it: the record with its tags, in order, and
/// the lifecycle steps it still has to run. [`crate::Store::export`] sends
/// these and [`crate::Store::import`] takes them back.
#[derive(Clone, Debug, PartialEq)]
pub struct Exported {
    /// The resource, with its times, status and parent as stored.
    pub resource: Resource,
    /// Its tags in insertion order (positions are not kept, only the order).
    pub tags: Vec<Tag>,
    /// Its pending steps, in creation order.
    pub steps: Vec<NewStep>,
}
