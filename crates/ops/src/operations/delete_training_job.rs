//! `DeleteTrainingJob`: only a finished job, through `Deleting`; the name may be
//! used again afterwards (`resources.md` §2).

use serde_json::{Map, Value};

use super::resource;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::TRAINING_JOB;

/// Statuses a training job may be deleted from.
const FINISHED: &[&str] = &["Completed", "Failed", "Stopped"];

/// Runs `DeleteTrainingJob`; the output has no members.
///
/// # Errors
/// `Requested resource not found.`, or `ValidationException` naming the status of
/// a job that has not finished.
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let name = resource::name_of(&input, &TRAINING_JOB);
    resource::transition(
        ctx,
        caller,
        &TRAINING_JOB,
        &name,
        FINISHED,
        "Deleting",
        |current| {
            Error::Validation(format!(
                "Training job {name} is in status {current} and cannot be deleted. Only jobs in \
             status Completed, Failed or Stopped can be deleted."
            ))
        },
    )
    .await?;
    Ok(Value::Object(Map::new()))
}
