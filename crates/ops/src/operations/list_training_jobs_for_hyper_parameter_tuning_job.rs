//! `ListTrainingJobsForHyperParameterTuningJob`: the training jobs a tuning job
//! launched, by name ascending and ten a page unless asked otherwise (M).

use serde::Deserialize;
use serde_json::{Map, Value};

use sagetag_store::SortKey;

use super::resource::{self, ListDefaults, ListInput};
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::{TRAINING_JOB, TUNING_JOB};
use crate::tuning;

/// The input: the tuning job, and the usual list members.
#[derive(Debug, Deserialize)]
struct Input {
    #[serde(rename = "HyperParameterTuningJobName")]
    name: String,
    #[serde(flatten)]
    list: ListInput,
}

const DEFAULTS: ListDefaults = ListDefaults {
    sort_by: SortKey::Name,
    descending: false,
    page: 10,
};

/// Runs `ListTrainingJobsForHyperParameterTuningJob`. `SortBy`
/// `FinalObjectiveMetricValue` sorts by name: sagetag trains nothing and has no
/// metric values.
///
/// # Errors
/// `ResourceNotFound` for a missing tuning job.
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let input: Input = resource::typed(input)?;
    let job = resource::find(ctx, caller, &TUNING_JOB, &input.name).await?;

    let operation = "ListTrainingJobsForHyperParameterTuningJob";
    let parent = Some(job.arn.clone());
    let listed = resource::list(
        ctx,
        caller,
        &TRAINING_JOB,
        operation,
        input.list,
        DEFAULTS,
        parent,
    )
    .await?;

    let tuned = tuning::tuned_names(&job.document);
    let summaries = listed
        .items
        .iter()
        .map(|c| tuning::training_summary(c, &job.name, &tuned))
        .collect();
    let token = listed.next_token;
    Ok(resource::page_output(
        "TrainingJobSummaries",
        summaries,
        token,
    ))
}
