//! `ListLabelingJobsForWorkteam`: the labeling jobs that use a work team.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use sagetag_store::{self as store, SortKey};

use super::resource::{self, ListDefaults, ListInput};
use crate::arn::ResourceKind;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::LABELING_JOB;

#[derive(Debug, Deserialize)]
struct Input {
    #[serde(rename = "WorkteamArn")]
    workteam: String,
    #[serde(rename = "JobReferenceCodeContains")]
    code_contains: Option<String>,
    #[serde(flatten)]
    list: ListInput,
}

const DEFAULTS: ListDefaults = ListDefaults {
    sort_by: SortKey::CreationTime,
    descending: true,
    page: 10,
};

/// Runs `ListLabelingJobsForWorkteam`. `JobReferenceCodeContains` filters each
/// page after it is read, so a filtered page may hold fewer than `MaxResults`
/// items while `NextToken` says more follow.
///
/// # Errors
/// `ResourceNotFound` for a work team the caller does not have.
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let input: Input = resource::typed(input)?;
    let found = resource::find_by_arn(ctx, caller, ResourceKind::Workteam, &input.workteam);
    let Some(workteam) = found.await? else {
        return Err(Error::ResourceNotFound(format!(
            "Could not find workteam \"{}\".",
            input.workteam
        )));
    };

    let operation = "ListLabelingJobsForWorkteam";
    let parent = Some(workteam.arn.clone());
    let listed = resource::list(
        ctx,
        caller,
        &LABELING_JOB,
        operation,
        input.list,
        DEFAULTS,
        parent,
    )
    .await?;

    let wanted = input.code_contains.unwrap_or_default();
    let summaries = listed
        .items
        .iter()
        .filter(|job| {
            let code = job.document["JobReferenceCode"]
                .as_str()
                .unwrap_or_default();
            code.contains(wanted.as_str())
        })
        .map(|job| summary(job, &caller.account))
        .collect();
    let token = listed.next_token;
    Ok(resource::page_output(
        "LabelingJobSummaryList",
        summaries,
        token,
    ))
}

/// `LabelingJobForWorkteamSummary`.
fn summary(job: &store::Resource, account: &str) -> Value {
    let workers = &job.document["HumanTaskConfig"]["NumberOfHumanWorkersPerDataObject"];
    json!({
        "LabelingJobName": job.name,
        "JobReferenceCode": job.document["JobReferenceCode"],
        "WorkRequesterAccountId": account,
        "CreationTime": super::epoch(job.created_at),
        "LabelCounters": { "HumanLabeled": 0, "PendingHuman": 0, "Total": 0 },
        "NumberOfHumanWorkersPerDataObject": workers,
    })
}
