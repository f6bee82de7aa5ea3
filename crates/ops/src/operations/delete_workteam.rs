//! `DeleteWorkteam`: answers `{"Success": true}` (`resources.md` §2).

use serde_json::{json, Map, Value};

use super::resource;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::WORKTEAM;

/// Runs `DeleteWorkteam`.
///
/// # Errors
/// `ValidationException` for a missing team.
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let name = resource::name_of(&input, &WORKTEAM);
    resource::delete_now(ctx, caller, &WORKTEAM, &name).await?;
    Ok(json!({ "Success": true }))
}
