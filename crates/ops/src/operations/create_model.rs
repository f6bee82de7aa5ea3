//! `CreateModel` (`resources.md` §3): a model with optional tags.

use serde_json::{json, Map, Value};

use super::resource::{self, CreateRequest, Extras};
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::MODEL;

/// Runs `CreateModel`.
///
/// # Errors
/// `ValidationException` for an `aws:` or duplicate tag key, or when a model of
/// that name exists (`Cannot create already existing model "<arn>".`).
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let request = CreateRequest::parse(&MODEL, input)?;
    let arn = resource::create(ctx, caller, &MODEL, request, Extras::default()).await?;
    Ok(json!({ "ModelArn": arn }))
}
