//! `ListHyperParameterTuningJobs`.
//!
//! SageMaker returns the ARNs here lower-cased, although Create and Describe keep
//! the name's case, so a lower-cased ARN then fails in ListTags (`resources.md`
//! §1, O2). sagetag does the same, so that code which works around it is tested.

use serde_json::{Map, Value};

use super::resource::{self, NEWEST_FIRST};
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::TUNING_JOB;
use crate::tuning;

/// Runs `ListHyperParameterTuningJobs`.
///
/// # Errors
/// `ValidationException` `Invalid pagination token.`
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let input = resource::typed(input)?;
    let operation = "ListHyperParameterTuningJobs";
    let listed = resource::list(
        ctx,
        caller,
        &TUNING_JOB,
        operation,
        input,
        NEWEST_FIRST,
        None,
    )
    .await?;

    let mut summaries = Vec::with_capacity(listed.items.len());
    for job in &listed.items {
        let mut summary = resource::summary(&TUNING_JOB, job);
        let config = &job.document["HyperParameterTuningJobConfig"];
        summary["Strategy"] = config["Strategy"].clone();
        summary["ResourceLimits"] = config["ResourceLimits"].clone();
        summary["HyperParameterTuningJobArn"] = Value::String(job.arn.to_lowercase());
        for (member, value) in tuning::computed(ctx, job).await? {
            if member != "BestTrainingJob" {
                summary[member.as_str()] = value;
            }
        }
        summaries.push(summary);
    }

    let token = listed.next_token;
    Ok(resource::page_output(
        TUNING_JOB.list_member,
        summaries,
        token,
    ))
}
