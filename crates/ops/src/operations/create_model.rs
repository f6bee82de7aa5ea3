//! `CreateModel` (`resources.md` §3): a model with optional tags.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use sagetag_store::{self as store, NewResource};

use super::pick;
use crate::arn::ResourceKind;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::tags::{self, TagInput};

/// The members of `CreateModelInput` that `DescribeModel` returns as given.
pub(crate) const DESCRIBED_MEMBERS: &[&str] = &[
    "PrimaryContainer",
    "Containers",
    "InferenceExecutionConfig",
    "ExecutionRoleArn",
    "VpcConfig",
    "EnableNetworkIsolation",
];

/// `CreateModelInput`: the name and tags typed, the rest kept as sent.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateModelInput {
    /// The model's name.
    pub model_name: String,
    /// Tags to create it with; every AddTags rule applies (`resources.md` §3).
    #[serde(default)]
    pub tags: Option<Vec<TagInput>>,
    /// Every other member of the request.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// `CreateModelOutput`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateModelOutput {
    /// The new model's ARN.
    pub model_arn: String,
}

/// Runs `CreateModel`.
///
/// # Errors
/// `ValidationException` for an `aws:` or duplicate tag key, or when a model of
/// that name exists (`Cannot create already existing model "<arn>".`, the
/// pattern SageMaker uses for endpoints, O17/O18).
pub async fn handle(
    ctx: &Ctx,
    caller: &Caller,
    input: CreateModelInput,
) -> Result<CreateModelOutput, Error> {
    let tags = tags::normalize(input.tags.unwrap_or_default());
    tags::check_new_tags(&tags)?;

    let kind = ResourceKind::Model;
    let arn = kind.arn(caller, &input.model_name);
    let resource = NewResource {
        scope: caller.scope(),
        kind: kind.arn_type().to_owned(),
        name: input.model_name,
        arn: arn.clone(),
        status: None,
        document: Value::Object(pick(&input.rest, DESCRIBED_MEMBERS)),
        created_at: ctx.now(),
        tags,
    };

    match ctx.store.create_resource(resource).await {
        Ok(_) => Ok(CreateModelOutput { model_arn: arn }),
        Err(store::Error::AlreadyExists) => Err(Error::Validation(format!(
            "Cannot create already existing model \"{arn}\"."
        ))),
        Err(err) => Err(Error::backend(err)),
    }
}
