//! `CreateTransformJob`: runs a model, `InProgress` → `Completed`
//! (`resources.md` §3–4).

use serde_json::{json, Map, Value};

use super::epoch;
use super::resource::{self, CreateRequest, Extras};
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::{MODEL, TRANSFORM_JOB};

/// Runs `CreateTransformJob`.
///
/// # Errors
/// `Could not find model "<arn>".` when its model is missing; `ResourceInUse` for
/// a duplicate name.
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let request = CreateRequest::parse(&TRANSFORM_JOB, input)?;

    // A transform job needs its model.
    let model = request.str("ModelName").unwrap_or_default().to_owned();
    resource::require(ctx, caller, &MODEL, &model).await?;

    let mut computed = Map::new();
    computed.insert("TransformStartTime".into(), epoch(ctx.now()));
    let extras = Extras {
        computed,
        ..Extras::default()
    };
    let arn = resource::create(ctx, caller, &TRANSFORM_JOB, request, extras).await?;
    Ok(json!({ "TransformJobArn": arn }))
}
