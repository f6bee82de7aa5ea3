//! `DeleteEndpoint`: `Deleting`, then gone (`resources.md` §4).

use serde_json::{Map, Value};

use super::resource;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::ENDPOINT;

/// Statuses from which an endpoint may be deleted: all but `Deleting`.
const DELETABLE: &[&str] = &[
    "OutOfService",
    "Creating",
    "Updating",
    "SystemUpdating",
    "RollingBack",
    "InService",
    "Failed",
    "UpdateRollbackFailed",
];

/// Runs `DeleteEndpoint`; the output has no members.
///
/// # Errors
/// `ValidationException` `Could not find endpoint "<arn>".` (O16), also while it
/// is already being deleted.
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let name = resource::name_of(&input, &ENDPOINT);
    resource::transition(ctx, caller, &ENDPOINT, &name, DELETABLE, "Deleting", |_| {
        ENDPOINT.missing(caller, &name)
    })
    .await?;
    Ok(Value::Object(Map::new()))
}
