//! `ListTrainingJobs`: filtered, sorted, paged; newest first by default (`resources.md` §2).

use serde_json::{Map, Value};

use super::resource::{self, NEWEST_FIRST};
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::TRAINING_JOB;

/// Runs `ListTrainingJobs`.
///
/// # Errors
/// `ValidationException` `Invalid pagination token.`
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    resource::list_summaries(
        ctx,
        caller,
        &TRAINING_JOB,
        "ListTrainingJobs",
        input,
        NEWEST_FIRST,
    )
    .await
}
