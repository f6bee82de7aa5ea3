//! `DescribeHyperParameterTuningJob`: with counts of its training jobs by status.

use serde_json::{Map, Value};

use super::resource;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::TUNING_JOB;
use crate::tuning;

/// Runs `DescribeHyperParameterTuningJob`.
///
/// # Errors
/// `ResourceNotFound` (O15).
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let name = resource::name_of(&input, &TUNING_JOB);
    let job = resource::find(ctx, caller, &TUNING_JOB, &name).await?;
    let mut view = resource::view(&TUNING_JOB, &job);
    view.extend(tuning::computed(ctx, &job).await?);
    Ok(Value::Object(view))
}
