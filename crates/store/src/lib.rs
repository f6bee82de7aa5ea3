//! The storage contract of sagetag: what every backend must do, and nothing about how.
//!
//! This crate owns the [`Store`] trait, the records it moves ([`NewResource`],
//! [`Resource`], [`Tag`], [`Step`]), the changes it applies ([`Update`]), the
//! queries it answers ([`ListQuery`]) and its error enum ([`Error`]). It knows
//! nothing of HTTP, SigV4 or the SageMaker wire format; the operations layer
//! (`sagetag-ops`) decides what a resource and a step's action mean, and the
//! backends (`sagetag-store-sqlite`, later PostgreSQL) decide how they are kept.
//!
//! Every backend runs the same conformance suite, [`testsuite`], behind the
//! `testsuite` feature.
#![deny(missing_docs)]

mod error;
mod types;

#[cfg(feature = "testsuite")]
pub mod testsuite;

pub use error::Error;
pub use types::{
    ChildrenUpdate, Counts, Exported, ListQuery, NewResource, NewStep, Page, Resource, Scope,
    SortKey, Step, Tag, TagPage, Update, MAX_TAGS_PER_RESOURCE,
};

use async_trait::async_trait;
use tokio::sync::mpsc;

/// A durable home for resources, their tags and their pending lifecycle steps.
///
/// Every method that changes state returns only after the change is durable:
/// an acknowledged write survives a crash of the process or the machine.
/// Every method that changes state is atomic: it happens whole or not at all.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Creates a resource with its initial tags in one atomic step.
    ///
    /// # Errors
    /// [`Error::AlreadyExists`] when a resource of the same kind and name exists in
    /// the scope (names compare case-insensitively), or when the ARN is taken;
    /// [`Error::TagLimitExceeded`] when `tags` holds more than
    /// [`MAX_TAGS_PER_RESOURCE`] distinct keys.
    async fn create_resource(&self, resource: NewResource) -> Result<Resource, Error>;

    /// Looks a resource up by kind and name, case-insensitively.
    ///
    /// # Errors
    /// Only backend failures; a missing resource is `Ok(None)`.
    async fn get_resource(
        &self,
        scope: &Scope,
        kind: &str,
        name: &str,
    ) -> Result<Option<Resource>, Error>;

    /// Looks a resource up by its exact ARN within `account`.
    ///
    /// # Errors
    /// Only backend failures; a missing resource is `Ok(None)`.
    async fn get_resource_by_arn(
        &self,
        account: &str,
        arn: &str,
    ) -> Result<Option<Resource>, Error>;

    /// Applies one change to one resource atomically and returns the resource as
    /// it is afterwards (for a delete: as it was when removed, with the rest of
    /// the update applied).
    ///
    /// # Errors
    /// [`Error::NotFound`], [`Error::StatusConflict`], [`Error::StepGone`], or
    /// [`Error::AlreadyExists`] / [`Error::TagLimitExceeded`] for a spawned
    /// resource; nothing changes then.
    async fn update_resource(&self, update: Update) -> Result<Resource, Error>;

    /// Steps due at or before `now`, earliest first (equal times in creation
    /// order), at most `limit`. Nothing is consumed: a step stays until an
    /// update names it in [`Update::step`], or its resource cancels or loses it.
    ///
    /// # Errors
    /// Only backend failures.
    async fn due_steps(&self, now: f64, limit: usize) -> Result<Vec<Step>, Error>;

    /// The due time of the earliest pending step, if any.
    ///
    /// # Errors
    /// Only backend failures.
    async fn next_step_due(&self) -> Result<Option<f64>, Error>;

    /// Deletes a resource with all its tags and steps in one atomic step. Resources
    /// it launched stay, detached (their `parent` becomes `None`).
    ///
    /// # Errors
    /// [`Error::NotFound`] when no such resource exists.
    async fn delete_resource(&self, scope: &Scope, kind: &str, name: &str) -> Result<(), Error>;

    /// Lists resources of one kind in a scope, filtered, sorted and paged.
    ///
    /// # Errors
    /// [`Error::InvalidCursor`] when `query.after` is not a cursor this backend made.
    async fn list_resources(
        &self,
        scope: &Scope,
        kind: &str,
        query: &ListQuery,
    ) -> Result<Page<Resource>, Error>;

    /// Adds or overwrites tags on the resource with this exact ARN in `account`.
    ///
    /// A key already present keeps its position and takes the new value; new keys
    /// go after all existing ones, in the order given. Keys in `tags` are distinct
    /// (the caller checks). The whole call is refused when the resource would end
    /// up with more than `max_tags` tags.
    ///
    /// # Errors
    /// [`Error::NotFound`] when no resource has this ARN in `account`;
    /// [`Error::TagLimitExceeded`] when the limit would be crossed (nothing changes).
    async fn add_tags(
        &self,
        account: &str,
        arn: &str,
        tags: &[Tag],
        max_tags: usize,
    ) -> Result<(), Error>;

    /// Reads up to `limit` tags of a resource in insertion order, starting after
    /// the position `after` (a value from an earlier [`TagPage::next`]).
    ///
    /// # Errors
    /// [`Error::NotFound`] when no resource has this ARN in `account`.
    async fn list_tags(
        &self,
        account: &str,
        arn: &str,
        after: Option<i64>,
        limit: usize,
    ) -> Result<TagPage, Error>;

    /// Removes the given keys from a resource; keys it does not have are ignored.
    ///
    /// # Errors
    /// [`Error::NotFound`] when no resource has this ARN in `account`.
    async fn delete_tags(&self, account: &str, arn: &str, keys: &[String]) -> Result<(), Error>;

    /// Wipes every resource, tag and step of every account (test suites only).
    ///
    /// # Errors
    /// Only backend failures.
    async fn reset(&self) -> Result<(), Error>;

    /// Checks that the backend can serve reads and writes.
    ///
    /// # Errors
    /// [`Error::Unavailable`] when it cannot.
    async fn health(&self) -> Result<(), Error>;

    /// How many resources of each kind and how many tags the store holds, over
    /// every account (read when metrics are scraped). It may take a pass over
    /// the data, but must not block writers. The default answers `None`, which
    /// leaves those metrics out, so a backend need not implement it.
    ///
    /// # Errors
    /// Only backend failures.
    async fn counts(&self) -> Result<Option<Counts>, Error> {
        Ok(None)
    }

    /// Sends every resource of every account into `sink` with its tags and
    /// pending steps, in creation order, and returns how many it sent.
    ///
    /// The export is one consistent snapshot: a write that commits while it
    /// runs is in it whole or not at all, and writers are not blocked. It
    /// streams: the backend reads ahead only as far as `sink` has room. When
    /// the receiver goes away the export stops early, without error.
    ///
    /// # Errors
    /// Only backend failures.
    async fn export(&self, sink: mpsc::Sender<Exported>) -> Result<u64, Error>;

    /// Creates `batch` exactly as given, in order, in one atomic step: status,
    /// document, times and parent as recorded, tags in their order, steps as
    /// pending steps. This loads an export into an empty store; unlike
    /// [`Store::create_resource`] it keeps `modified_at`.
    ///
    /// # Errors
    /// [`Error::AlreadyExists`] when a name or ARN is taken (in the store or
    /// twice in `batch`); [`Error::TagLimitExceeded`] when a resource has more
    /// than [`MAX_TAGS_PER_RESOURCE`] tags. Nothing of the batch is kept then.
    async fn import(&self, batch: Vec<Exported>) -> Result<(), Error>;

    /// Called once after the last [`Store::import`] batch of a load, so that
    /// the backend can bring what it knows of the data up to date (the
    /// PostgreSQL planner's statistics). Does nothing by default.
    ///
    /// # Errors
    /// Only backend failures; the imported data is kept either way.
    async fn finish_import(&self) -> Result<(), Error> {
        Ok(())
    }
}
