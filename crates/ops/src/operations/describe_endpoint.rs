//! `DescribeEndpoint`: what was created, its ARN, status and times (`resources.md` §4).

use serde_json::{Map, Value};

use super::resource;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::ENDPOINT;

/// Runs `DescribeEndpoint`.
///
/// # Errors
/// The kind's missing-resource answer (`resources.md` §4).
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    resource::describe(ctx, caller, &ENDPOINT, &input).await
}
