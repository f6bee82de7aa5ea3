//! Records and queries that cross the store boundary.

use serde::{Deserialize, Serialize};

/// The most tags one resource may carry (`sagemaker-tagging.md` §3.1, Q1).
pub const MAX_TAGS_PER_RESOURCE: usize = 50;

/// The account and region every resource lives in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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
    /// Keep resources with exactly this status.
    pub status_equals: Option<String>,
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
