//! `CreateTrainingJob`: `InProgress` → `Completed` (`resources.md` §3–4).

use serde_json::{json, Map, Value};

use super::epoch;
use super::resource::{self, CreateRequest, Extras};
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::TRAINING_JOB;

/// Runs `CreateTrainingJob`.
///
/// # Errors
/// `ResourceInUse` for a duplicate name (O19); `ValidationException` for bad tags.
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let request = CreateRequest::parse(&TRAINING_JOB, input)?;
    let output_path = request.document["OutputDataConfig"]["S3OutputPath"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let extras = Extras {
        computed: computed_members(&request.name, &output_path, ctx.now()),
        ..Extras::default()
    };
    let arn = resource::create(ctx, caller, &TRAINING_JOB, request, extras).await?;
    Ok(json!({ "TrainingJobArn": arn }))
}

/// What SageMaker computes for a training job: where its model will be, and when
/// it started (also used for the training jobs a tuning job launches).
pub fn computed_members(name: &str, output_path: &str, now: f64) -> Map<String, Value> {
    let artifacts = format!(
        "{}/{name}/output/model.tar.gz",
        output_path.trim_end_matches('/')
    );
    let mut out = Map::new();
    out.insert(
        "ModelArtifacts".into(),
        json!({ "S3ModelArtifacts": artifacts }),
    );
    out.insert("TrainingStartTime".into(), epoch(now));
    out
}
