//! `StopTrainingJob`: `InProgress` → `Stopping` → `Stopped` (`resources.md` §2, §4).

use serde_json::{Map, Value};

use super::resource;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::TRAINING_JOB;

/// Runs `StopTrainingJob`.
///
/// # Errors
/// The kind's missing answer, or `ValidationException` when it is not running.
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    resource::stop_job(ctx, caller, &TRAINING_JOB, &input, &["InProgress"]).await
}
