//! One file per operation. Each handler reads as steps: check what the shape
//! cannot → look up → commit → answer. Shape validation has already run.

pub mod add_tags;
pub mod create_model;
pub mod delete_model;
pub mod delete_tags;
pub mod describe_model;
pub mod list_models;
pub mod list_tags;

use serde_json::{Map, Value};

use sagetag_store as store;

use crate::arn::in_callers_scope;
use crate::context::{Caller, Ctx};
use crate::error::{Error, RESOURCE_DOES_NOT_EXIST};

/// The answer for a tag operation on a resource the caller cannot see.
pub(crate) fn resource_does_not_exist() -> Error {
    Error::Validation(RESOURCE_DOES_NOT_EXIST.to_owned())
}

/// Picks the error to answer when a tag request breaks a semantic rule.
///
/// The spec's check order (`sagemaker-tagging.md` §3.4) looks the resource up
/// before the semantic checks, so a missing resource wins over `rule`. The lookup
/// runs only on this error path; the happy path's existence check happens inside
/// the store's atomic write.
pub(crate) async fn missing_resource_or(
    ctx: &Ctx,
    caller: &Caller,
    arn: &str,
    rule: Error,
) -> Error {
    if !in_callers_scope(caller, arn) {
        return resource_does_not_exist();
    }
    match ctx.store.list_tags(&caller.account, arn, None, 1).await {
        Ok(_) => rule,
        Err(store::Error::NotFound) => resource_does_not_exist(),
        Err(err) => Error::backend(err),
    }
}

/// Copies the named members of a request into a Describe document, leaving out
/// absent and null ones, and members sagetag does not keep (unknown members are
/// ignored, `sagemaker-tagging.md` §1).
pub(crate) fn pick(input: &Map<String, Value>, members: &[&str]) -> Map<String, Value> {
    members
        .iter()
        .filter_map(|&m| match input.get(m) {
            None | Some(Value::Null) => None,
            Some(v) => Some((m.to_owned(), v.clone())),
        })
        .collect()
}

/// A timestamp as SageMaker prints it: epoch seconds with the fraction.
pub(crate) fn epoch(seconds: f64) -> Value {
    serde_json::Number::from_f64(seconds).map_or(Value::Null, Value::Number)
}
