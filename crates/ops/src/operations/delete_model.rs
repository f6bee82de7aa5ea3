//! `DeleteModel`: removes a model and its tags at once (`resources.md` §2).

use serde_json::{Map, Value};

use super::resource;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::MODEL;

/// Runs `DeleteModel`; the output has no members.
///
/// # Errors
/// `ValidationException` `Could not find model "<arn>".`
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let name = resource::name_of(&input, &MODEL);
    resource::delete_now(ctx, caller, &MODEL, &name).await?;
    Ok(Value::Object(Map::new()))
}
