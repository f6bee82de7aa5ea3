//! `CreateLabelingJob`: needs its work team; `Initializing` → `InProgress` →
//! `Completed` (`resources.md` §3–4).

use serde_json::{json, Map, Value};

use super::resource::{self, CreateRequest, Extras};
use crate::arn::ResourceKind;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::LABELING_JOB;

/// Runs `CreateLabelingJob`.
///
/// # Errors
/// `Could not find workteam "<arn>".` when `HumanTaskConfig.WorkteamArn` names no
/// work team of the caller; `ResourceInUse` for a duplicate name.
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let request = CreateRequest::parse(&LABELING_JOB, input)?;

    // A labeling job needs its work team; it is listed under it afterwards.
    let workteam = request.document["HumanTaskConfig"]["WorkteamArn"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let found = resource::find_by_arn(ctx, caller, ResourceKind::Workteam, &workteam).await?;
    if found.is_none() {
        return Err(Error::Validation(format!(
            "Could not find workteam \"{workteam}\"."
        )));
    }

    let mut computed = Map::new();
    let code = uuid::Uuid::new_v4().simple().to_string();
    computed.insert("JobReferenceCode".into(), Value::String(code));
    computed.insert(
        "LabelCounters".into(),
        json!({
            "TotalLabeled": 0,
            "HumanLabeled": 0,
            "MachineLabeled": 0,
            "FailedNonRetryableError": 0,
            "Unlabeled": 0,
        }),
    );
    let extras = Extras {
        computed,
        parent: Some(workteam),
        ..Extras::default()
    };
    let arn = resource::create(ctx, caller, &LABELING_JOB, request, extras).await?;
    Ok(json!({ "LabelingJobArn": arn }))
}
