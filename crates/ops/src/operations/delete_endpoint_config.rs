//! `DeleteEndpointConfig`: removes a configuration and its tags at once. Endpoints
//! created from it keep running, as in SageMaker.

use serde_json::{Map, Value};

use super::resource;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::ENDPOINT_CONFIG;

/// Runs `DeleteEndpointConfig`; the output has no members.
///
/// # Errors
/// `ValidationException` `Could not find endpoint configuration "<arn>".`
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let name = resource::name_of(&input, &ENDPOINT_CONFIG);
    resource::delete_now(ctx, caller, &ENDPOINT_CONFIG, &name).await?;
    Ok(Value::Object(Map::new()))
}
