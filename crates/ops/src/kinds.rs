//! The nine taggable kinds, as data: their members, list shapes and the errors
//! SageMaker answers for them (`resources.md` §1–4). Operations read this table
//! instead of repeating the same logic per kind.

use crate::arn::ResourceKind;
use crate::context::Caller;
use crate::error::Error;

/// How a missing or duplicate resource of a kind is answered.
#[derive(Clone, Copy, Debug)]
pub enum Answer {
    /// `ValidationException` with this text; `{arn}` and `{name}` are filled in.
    Validation(&'static str),
    /// `ResourceNotFound` with this text.
    NotFound(&'static str),
    /// `ResourceInUse` with this text.
    InUse(&'static str),
}

impl Answer {
    /// The error for the resource `name` of `kind` seen by `caller`.
    pub fn error(self, kind: ResourceKind, caller: &Caller, name: &str) -> Error {
        let fill = |text: &str| {
            text.replace("{arn}", &kind.arn(caller, name))
                .replace("{name}", name)
        };
        match self {
            Answer::Validation(t) => Error::Validation(fill(t)),
            Answer::NotFound(t) => Error::ResourceNotFound(fill(t)),
            Answer::InUse(t) => Error::ResourceInUse(fill(t)),
        }
    }
}

/// Everything generic operations need to know about a kind.
#[derive(Debug)]
pub struct KindSpec {
    /// The kind.
    pub kind: ResourceKind,
    /// Words for the kind in messages (`notebook instance`).
    pub noun: &'static str,
    /// The input and output member holding the name (`EndpointName`).
    pub name_member: &'static str,
    /// The output member holding the ARN (`EndpointArn`).
    pub arn_member: &'static str,
    /// The output member holding the status, for kinds that have one.
    pub status_member: Option<&'static str>,
    /// The output member holding the creation time.
    pub created_member: &'static str,
    /// The output member holding the last modification time, if the kind has one.
    pub modified_member: Option<&'static str>,
    /// The member of the `List*` output that holds the summaries.
    pub list_member: &'static str,
    /// The members of one summary, taken from the Describe view by name.
    pub summary_members: &'static [&'static str],
    /// The answer when Describe, Stop or Delete names no such resource.
    pub missing: Answer,
    /// The answer when Create names an existing resource (case-insensitively).
    pub duplicate: Answer,
}

impl KindSpec {
    /// The error for a missing resource of this kind.
    pub fn missing(&self, caller: &Caller, name: &str) -> Error {
        self.missing.error(self.kind, caller, name)
    }

    /// The error for a duplicate name of this kind.
    pub fn duplicate(&self, caller: &Caller, name: &str) -> Error {
        self.duplicate.error(self.kind, caller, name)
    }
}

/// Models: no status (`resources.md` §3–4; messages R, the pattern of O16–O17).
pub static MODEL: KindSpec = KindSpec {
    kind: ResourceKind::Model,
    noun: "model",
    name_member: "ModelName",
    arn_member: "ModelArn",
    status_member: None,
    created_member: "CreationTime",
    modified_member: None,
    list_member: "Models",
    summary_members: &["ModelName", "ModelArn", "CreationTime"],
    missing: Answer::Validation("Could not find model \"{arn}\"."),
    duplicate: Answer::Validation("Cannot create already existing model \"{arn}\"."),
};

/// Endpoint configurations (O18 for the duplicate message).
pub static ENDPOINT_CONFIG: KindSpec = KindSpec {
    kind: ResourceKind::EndpointConfig,
    noun: "endpoint configuration",
    name_member: "EndpointConfigName",
    arn_member: "EndpointConfigArn",
    status_member: None,
    created_member: "CreationTime",
    modified_member: None,
    list_member: "EndpointConfigs",
    summary_members: &["EndpointConfigName", "EndpointConfigArn", "CreationTime"],
    missing: Answer::Validation("Could not find endpoint configuration \"{arn}\"."),
    duplicate: Answer::Validation(
        "Cannot create already existing endpoint configuration \"{arn}\".",
    ),
};

/// Endpoints (O16, O17).
pub static ENDPOINT: KindSpec = KindSpec {
    kind: ResourceKind::Endpoint,
    noun: "endpoint",
    name_member: "EndpointName",
    arn_member: "EndpointArn",
    status_member: Some("EndpointStatus"),
    created_member: "CreationTime",
    modified_member: Some("LastModifiedTime"),
    list_member: "Endpoints",
    summary_members: &[
        "EndpointName",
        "EndpointArn",
        "CreationTime",
        "LastModifiedTime",
        "EndpointStatus",
    ],
    missing: Answer::Validation("Could not find endpoint \"{arn}\"."),
    duplicate: Answer::Validation("Cannot create already existing endpoint \"{arn}\"."),
};

/// Notebook instances. SageMaker answers a missing one with the bare text
/// `RecordNotFound`; the duplicate text is ours (R).
pub static NOTEBOOK_INSTANCE: KindSpec = KindSpec {
    kind: ResourceKind::NotebookInstance,
    noun: "Notebook Instance",
    name_member: "NotebookInstanceName",
    arn_member: "NotebookInstanceArn",
    status_member: Some("NotebookInstanceStatus"),
    created_member: "CreationTime",
    modified_member: Some("LastModifiedTime"),
    list_member: "NotebookInstances",
    summary_members: &[
        "NotebookInstanceName",
        "NotebookInstanceArn",
        "NotebookInstanceStatus",
        "Url",
        "InstanceType",
        "CreationTime",
        "LastModifiedTime",
        "NotebookInstanceLifecycleConfigName",
        "DefaultCodeRepository",
        "AdditionalCodeRepositories",
    ],
    missing: Answer::Validation("RecordNotFound"),
    duplicate: Answer::Validation("Cannot create a duplicate Notebook Instance ({arn})"),
};

/// Training jobs (O13, O14 for missing; O19 for duplicates).
pub static TRAINING_JOB: KindSpec = KindSpec {
    kind: ResourceKind::TrainingJob,
    noun: "training job",
    name_member: "TrainingJobName",
    arn_member: "TrainingJobArn",
    status_member: Some("TrainingJobStatus"),
    created_member: "CreationTime",
    modified_member: Some("LastModifiedTime"),
    list_member: "TrainingJobSummaries",
    summary_members: &[
        "TrainingJobName",
        "TrainingJobArn",
        "CreationTime",
        "TrainingEndTime",
        "LastModifiedTime",
        "TrainingJobStatus",
        "SecondaryStatus",
    ],
    missing: Answer::Validation("Requested resource not found."),
    duplicate: Answer::InUse(
        "Training job names must be unique within an AWS account and region, and a \
         training job with this name already exists ({arn})",
    ),
};

/// Hyperparameter tuning jobs (O15 for missing; O20 for duplicates).
pub static TUNING_JOB: KindSpec = KindSpec {
    kind: ResourceKind::HyperParameterTuningJob,
    noun: "hyperparameter tuning job",
    name_member: "HyperParameterTuningJobName",
    arn_member: "HyperParameterTuningJobArn",
    status_member: Some("HyperParameterTuningJobStatus"),
    created_member: "CreationTime",
    modified_member: Some("LastModifiedTime"),
    list_member: "HyperParameterTuningJobSummaries",
    summary_members: &[
        "HyperParameterTuningJobName",
        "HyperParameterTuningJobArn",
        "HyperParameterTuningJobStatus",
        "Strategy",
        "CreationTime",
        "HyperParameterTuningEndTime",
        "LastModifiedTime",
        "TrainingJobStatusCounters",
        "ObjectiveStatusCounters",
        "ResourceLimits",
    ],
    missing: Answer::NotFound(
        "Amazon SageMaker can't find a tuning job called {name}. Type another name.",
    ),
    duplicate: Answer::InUse(
        "A hyperparameter tuning job with the name, {name}, already exists. Choose a \
         different name.",
    ),
};

/// Batch transform jobs (R: answered like training jobs).
pub static TRANSFORM_JOB: KindSpec = KindSpec {
    kind: ResourceKind::TransformJob,
    noun: "transform job",
    name_member: "TransformJobName",
    arn_member: "TransformJobArn",
    status_member: Some("TransformJobStatus"),
    created_member: "CreationTime",
    modified_member: Some("LastModifiedTime"),
    list_member: "TransformJobSummaries",
    summary_members: &[
        "TransformJobName",
        "TransformJobArn",
        "CreationTime",
        "TransformEndTime",
        "LastModifiedTime",
        "TransformJobStatus",
    ],
    missing: Answer::Validation("Requested resource not found."),
    duplicate: Answer::InUse(
        "Transform job names must be unique within an AWS account and region, and a \
         transform job with this name already exists ({arn})",
    ),
};

/// Labeling jobs (R: ResourceNotFound, which the model lists for Describe).
pub static LABELING_JOB: KindSpec = KindSpec {
    kind: ResourceKind::LabelingJob,
    noun: "labeling job",
    name_member: "LabelingJobName",
    arn_member: "LabelingJobArn",
    status_member: Some("LabelingJobStatus"),
    created_member: "CreationTime",
    modified_member: Some("LastModifiedTime"),
    list_member: "LabelingJobSummaryList",
    summary_members: &[
        "LabelingJobName",
        "LabelingJobArn",
        "CreationTime",
        "LastModifiedTime",
        "LabelingJobStatus",
        "LabelCounters",
        "WorkteamArn",
        "PreHumanTaskLambdaArn",
        "AnnotationConsolidationLambdaArn",
        "InputConfig",
    ],
    missing: Answer::NotFound("Could not find labeling job with name {name}."),
    duplicate: Answer::InUse(
        "A labeling job with the name {name} already exists in this account and region.",
    ),
};

/// Private work teams. Describe and List nest the members in a `Workteam` object
/// with `CreateDate` and `LastUpdatedDate`.
pub static WORKTEAM: KindSpec = KindSpec {
    kind: ResourceKind::Workteam,
    noun: "workteam",
    name_member: "WorkteamName",
    arn_member: "WorkteamArn",
    status_member: None,
    created_member: "CreateDate",
    modified_member: Some("LastUpdatedDate"),
    list_member: "Workteams",
    summary_members: &[],
    missing: Answer::Validation("Could not find workteam \"{arn}\"."),
    duplicate: Answer::InUse("A workteam with the name {name} already exists."),
};
