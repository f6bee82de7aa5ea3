//! `DescribeWorkteam`: the team nested in a `Workteam` member.

use serde_json::{json, Map, Value};

use super::resource;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::WORKTEAM;

/// Runs `DescribeWorkteam`.
///
/// # Errors
/// `ValidationException` for a missing team.
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let team = resource::describe(ctx, caller, &WORKTEAM, &input).await?;
    Ok(json!({ "Workteam": team }))
}
