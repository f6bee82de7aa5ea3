//! `CreateHyperParameterTuningJob`: launches its first training jobs before it
//! returns, each with the tags given here (`sagemaker-tagging.md` §8).

use serde_json::{json, Map, Value};

use sagetag_store::Resource;

use super::resource::{self, CreateRequest, Extras};
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::TUNING_JOB;
use crate::tuning::{self, Limits};

/// Runs `CreateHyperParameterTuningJob`.
///
/// # Errors
/// `ValidationException` unless exactly one of `TrainingJobDefinition` and
/// `TrainingJobDefinitions` is given; `ResourceInUse` for a duplicate name (O20).
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let request = CreateRequest::parse(&TUNING_JOB, input)?;
    let single = request.document.contains_key("TrainingJobDefinition");
    let many = request.document.contains_key("TrainingJobDefinitions");
    if single == many {
        return Err(Error::Validation(
            "Exactly one of TrainingJobDefinition and TrainingJobDefinitions must be \
             specified."
                .to_owned(),
        ));
    }

    // The first round is launched in the same transaction as the tuning job, with
    // the tags of this request (the tuning job has no others yet).
    let now = ctx.now();
    let launcher = Resource {
        scope: caller.scope(),
        kind: TUNING_JOB.kind.arn_type().to_owned(),
        name: request.name.clone(),
        arn: TUNING_JOB.kind.arn(caller, &request.name),
        status: None,
        document: Value::Object(request.document.clone()),
        created_at: now,
        modified_at: now,
        parent: None,
    };
    let limits = Limits::of(&launcher.document);
    let children = tuning::launch(&launcher, 1, limits.parallel, now, request.tags.clone());

    let extras = Extras {
        children,
        ..Extras::default()
    };
    let arn = resource::create(ctx, caller, &TUNING_JOB, request, extras).await?;
    Ok(json!({ "HyperParameterTuningJobArn": arn }))
}
