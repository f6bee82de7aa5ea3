//! `StopHyperParameterTuningJob`: stops the tuning job and its running training
//! jobs with it (`resources.md` §2).

use serde_json::{Map, Value};

use super::resource;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::TUNING_JOB;

/// Runs `StopHyperParameterTuningJob`; the output has no members.
///
/// # Errors
/// `ResourceNotFound`, or `ValidationException` when it is not running.
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    resource::stop_job(ctx, caller, &TUNING_JOB, &input, &["InProgress"]).await
}
