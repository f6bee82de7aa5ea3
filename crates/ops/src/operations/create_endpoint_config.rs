//! `CreateEndpointConfig`: production variants over existing models
//! (`resources.md` §3).

use serde_json::{json, Map, Value};

use super::resource::{self, CreateRequest, Extras};
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::{ENDPOINT_CONFIG, MODEL};

/// Runs `CreateEndpointConfig`.
///
/// # Errors
/// `Could not find model "<arn>".` for a variant naming a missing model; the
/// duplicate answer of O18 when the name is taken.
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let request = CreateRequest::parse(&ENDPOINT_CONFIG, input)?;

    // An endpoint configuration needs its models to exist.
    let variants = request
        .document
        .get("ProductionVariants")
        .and_then(Value::as_array);
    for variant in variants.into_iter().flatten() {
        if let Some(model) = variant.get("ModelName").and_then(Value::as_str) {
            resource::require(ctx, caller, &MODEL, model).await?;
        }
    }

    let arn = resource::create(ctx, caller, &ENDPOINT_CONFIG, request, Extras::default()).await?;
    Ok(json!({ "EndpointConfigArn": arn }))
}
