//! `DescribeModel` (`resources.md` §4).

use serde::Deserialize;
use serde_json::{Map, Value};

use super::epoch;
use crate::arn::ResourceKind;
use crate::context::{Caller, Ctx};
use crate::error::Error;

/// `DescribeModelInput`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeModelInput {
    /// The model to describe (case-insensitive).
    pub model_name: String,
}

/// Runs `DescribeModel`: what was created, plus `ModelArn` and `CreationTime`.
///
/// # Errors
/// `ValidationException` `Could not find model "<arn>".` (R, the pattern of O16).
pub async fn handle(ctx: &Ctx, caller: &Caller, input: DescribeModelInput) -> Result<Value, Error> {
    let kind = ResourceKind::Model;
    let found = ctx
        .store
        .get_resource(&caller.scope(), kind.arn_type(), &input.model_name)
        .await
        .map_err(Error::backend)?;
    let Some(model) = found else {
        return Err(not_found(caller, &input.model_name));
    };

    let mut out = Map::new();
    out.insert("ModelName".into(), Value::String(model.name));
    if let Value::Object(document) = model.document {
        out.extend(document);
    }
    out.insert("CreationTime".into(), epoch(model.created_at));
    out.insert("ModelArn".into(), Value::String(model.arn));
    Ok(Value::Object(out))
}

/// The answer for a model that does not exist.
pub(crate) fn not_found(caller: &Caller, name: &str) -> Error {
    let arn = ResourceKind::Model.arn(caller, name);
    Error::Validation(format!("Could not find model \"{arn}\"."))
}
