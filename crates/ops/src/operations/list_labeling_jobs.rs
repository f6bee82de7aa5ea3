//! `ListLabelingJobs`: summaries carry members of `HumanTaskConfig` at top level.

use serde_json::{Map, Value};

use sagetag_store::Resource;

use super::resource::{self, NEWEST_FIRST};
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::LABELING_JOB;

/// Runs `ListLabelingJobs`.
///
/// # Errors
/// `ValidationException` `Invalid pagination token.`
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let input = resource::typed(input)?;
    let operation = "ListLabelingJobs";
    let listed = resource::list(
        ctx,
        caller,
        &LABELING_JOB,
        operation,
        input,
        NEWEST_FIRST,
        None,
    )
    .await?;
    Ok(resource::list_output(&LABELING_JOB, listed, summary))
}

/// `LabelingJobSummary`.
fn summary(job: &Resource) -> Value {
    let mut summary = resource::summary(&LABELING_JOB, job);
    let task = &job.document["HumanTaskConfig"];
    let lifted = [
        ("WorkteamArn", &task["WorkteamArn"]),
        ("PreHumanTaskLambdaArn", &task["PreHumanTaskLambdaArn"]),
        (
            "AnnotationConsolidationLambdaArn",
            &task["AnnotationConsolidationConfig"]["AnnotationConsolidationLambdaArn"],
        ),
    ];
    for (member, value) in lifted {
        if !value.is_null() {
            summary[member] = value.clone();
        }
    }
    summary
}
