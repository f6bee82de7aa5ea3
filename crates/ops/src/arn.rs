//! ARNs of the nine taggable kinds (`resources.md` §1, `sagemaker-tagging.md` §7).

use crate::context::Caller;

/// The nine resource kinds that SageMaker's AddTags accepts (`API_AddTags.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    /// `notebook-instance/<name>`
    NotebookInstance,
    /// `training-job/<name>`
    TrainingJob,
    /// `hyper-parameter-tuning-job/<name>`
    HyperParameterTuningJob,
    /// `transform-job/<name>`
    TransformJob,
    /// `model/<name>`
    Model,
    /// `labeling-job/<name>`
    LabelingJob,
    /// `workteam/private-crowd/<name>`
    Workteam,
    /// `endpoint-config/<name>`
    EndpointConfig,
    /// `endpoint/<name>`
    Endpoint,
}

impl ResourceKind {
    /// The resource-type part of the ARN, which is also the store's kind label.
    pub fn arn_type(self) -> &'static str {
        match self {
            ResourceKind::NotebookInstance => "notebook-instance",
            ResourceKind::TrainingJob => "training-job",
            ResourceKind::HyperParameterTuningJob => "hyper-parameter-tuning-job",
            ResourceKind::TransformJob => "transform-job",
            ResourceKind::Model => "model",
            ResourceKind::LabelingJob => "labeling-job",
            ResourceKind::Workteam => "workteam/private-crowd",
            ResourceKind::EndpointConfig => "endpoint-config",
            ResourceKind::Endpoint => "endpoint",
        }
    }

    /// The kind whose store label (ARN resource type) is `arn_type`.
    pub fn from_arn_type(arn_type: &str) -> Option<ResourceKind> {
        ResourceKind::ALL
            .iter()
            .copied()
            .find(|k| k.arn_type() == arn_type)
    }

    /// All nine kinds.
    pub const ALL: [ResourceKind; 9] = [
        ResourceKind::NotebookInstance,
        ResourceKind::TrainingJob,
        ResourceKind::HyperParameterTuningJob,
        ResourceKind::TransformJob,
        ResourceKind::Model,
        ResourceKind::LabelingJob,
        ResourceKind::Workteam,
        ResourceKind::EndpointConfig,
        ResourceKind::Endpoint,
    ];

    /// Whether the ARN carries the name lower-cased. Observed for endpoints (O10,
    /// O11); chosen for the other hosting kinds (`sagemaker-tagging.md` Q6).
    pub fn lowercases_name(self) -> bool {
        matches!(
            self,
            ResourceKind::NotebookInstance
                | ResourceKind::Model
                | ResourceKind::EndpointConfig
                | ResourceKind::Endpoint
        )
    }

    /// The canonical ARN of a resource of this kind created by `caller`.
    pub fn arn(self, caller: &Caller, name: &str) -> String {
        let name = if self.lowercases_name() {
            name.to_ascii_lowercase()
        } else {
            name.to_owned()
        };
        format!(
            "arn:{}:sagemaker:{}:{}:{}/{}",
            caller.partition(),
            caller.region,
            caller.account,
            self.arn_type(),
            name
        )
    }
}

/// Whether `arn` could name a resource of `caller`: same partition, region and
/// account. Anything else cannot exist for this caller (`sagemaker-tagging.md` Q7),
/// so tag operations answer `Resource does not exist.` without a store lookup.
pub fn in_callers_scope(caller: &Caller, arn: &str) -> bool {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("sagemaker"), Some(region), Some(account)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    partition == caller.partition() && region == caller.region && account == caller.account
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(region: &str) -> Caller {
        Caller {
            account: "123456789012".into(),
            region: region.into(),
        }
    }

    #[test]
    fn hosting_kinds_lowercase_the_name_and_jobs_keep_it() {
        let c = caller("us-east-1");
        assert_eq!(
            ResourceKind::Model.arn(&c, "My-Model"),
            "arn:aws:sagemaker:us-east-1:123456789012:model/my-model"
        );
        assert_eq!(
            ResourceKind::TrainingJob.arn(&c, "Job-A"),
            "arn:aws:sagemaker:us-east-1:123456789012:training-job/Job-A"
        );
        assert_eq!(
            ResourceKind::Workteam.arn(&c, "Team"),
            "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/Team"
        );
    }

    #[test]
    fn partition_follows_the_region() {
        assert_eq!(
            ResourceKind::Endpoint.arn(&caller("cn-north-1"), "E"),
            "arn:aws-cn:sagemaker:cn-north-1:123456789012:endpoint/e"
        );
        assert_eq!(caller("us-gov-west-1").partition(), "aws-us-gov");
    }

    #[test]
    fn scope_check_needs_partition_region_and_account_to_match() {
        let c = caller("us-east-1");
        assert!(in_callers_scope(
            &c,
            "arn:aws:sagemaker:us-east-1:123456789012:model/m"
        ));
        assert!(!in_callers_scope(
            &c,
            "arn:aws:sagemaker:us-west-2:123456789012:model/m"
        ));
        assert!(!in_callers_scope(
            &c,
            "arn:aws:sagemaker:us-east-1:999999999999:model/m"
        ));
        assert!(!in_callers_scope(
            &c,
            "arn:aws-cn:sagemaker:us-east-1:123456789012:model/m"
        ));
        assert!(!in_callers_scope(
            &c,
            "arn:aws:s3:us-east-1:123456789012:model/m"
        ));
        assert!(!in_callers_scope(&c, "arn:"));
    }
}
