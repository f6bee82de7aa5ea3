//! `DeleteHyperParameterTuningJob`: removes only the tuning job, not the training
//! jobs it launched (`resources.md` §2), through `Deleting`.

use serde_json::{Map, Value};

use super::resource;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::TUNING_JOB;

/// Statuses a tuning job may be deleted from.
const FINISHED: &[&str] = &["Completed", "Failed", "Stopped", "DeleteFailed"];

/// Runs `DeleteHyperParameterTuningJob`; the output has no members.
///
/// # Errors
/// `ResourceNotFound`, or `ValidationException` for a job still running.
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let name = resource::name_of(&input, &TUNING_JOB);
    resource::transition(
        ctx,
        caller,
        &TUNING_JOB,
        &name,
        FINISHED,
        "Deleting",
        |current| {
            Error::Validation(format!(
                "Hyperparameter tuning job {name} is in status {current} and cannot be deleted. \
             Stop it first."
            ))
        },
    )
    .await?;
    Ok(Value::Object(Map::new()))
}
