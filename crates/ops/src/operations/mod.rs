//! One file per operation. Each handler reads as steps: check what the shape
//! cannot → look up → commit → answer. Shape validation has already run.

pub mod add_tags;
pub mod create_endpoint;
pub mod create_endpoint_config;
pub mod create_hyper_parameter_tuning_job;
pub mod create_labeling_job;
pub mod create_model;
pub mod create_notebook_instance;
pub mod create_training_job;
pub mod create_transform_job;
pub mod create_workteam;
pub mod delete_endpoint;
pub mod delete_endpoint_config;
pub mod delete_hyper_parameter_tuning_job;
pub mod delete_model;
pub mod delete_notebook_instance;
pub mod delete_tags;
pub mod delete_training_job;
pub mod delete_workteam;
pub mod describe_endpoint;
pub mod describe_endpoint_config;
pub mod describe_hyper_parameter_tuning_job;
pub mod describe_labeling_job;
pub mod describe_model;
pub mod describe_notebook_instance;
pub mod describe_training_job;
pub mod describe_transform_job;
pub mod describe_workteam;
pub mod list_endpoint_configs;
pub mod list_endpoints;
pub mod list_hyper_parameter_tuning_jobs;
pub mod list_labeling_jobs;
pub mod list_labeling_jobs_for_workteam;
pub mod list_models;
pub mod list_notebook_instances;
pub mod list_tags;
pub mod list_training_jobs;
pub mod list_training_jobs_for_hyper_parameter_tuning_job;
pub mod list_transform_jobs;
pub mod list_workteams;
mod notebook_transition;
pub mod resource;
pub mod start_notebook_instance;
pub mod stop_hyper_parameter_tuning_job;
pub mod stop_labeling_job;
pub mod stop_notebook_instance;
pub mod stop_training_job;
pub mod stop_transform_job;

use serde_json::Value;

use sagetag_store as store;

use crate::arn::in_callers_scope;
use crate::context::{Caller, Ctx};
use crate::error::{Error, RESOURCE_DOES_NOT_EXIST};

/// The answer for a tag operation on a resource the caller cannot see.
pub(crate) fn resource_does_not_exist() -> Error {
    Error::Validation(RESOURCE_DOES_NOT_EXIST.to_owned())
}

/// Picks the error to answer when a tag request breaks a semantic rule.
///
/// The spec's check order (`sagemaker-tagging.md` §3.4) looks the resource up
/// before the semantic checks, so a missing resource wins over `rule`. The lookup
/// runs only on this error path; the happy path's existence check happens inside
/// the store's atomic write.
pub(crate) async fn missing_resource_or(
    ctx: &Ctx,
    caller: &Caller,
    arn: &str,
    rule: Error,
) -> Error {
    if !in_callers_scope(caller, arn) {
        return resource_does_not_exist();
    }
    match ctx.store.list_tags(&caller.account, arn, None, 1).await {
        Ok(_) => rule,
        Err(store::Error::NotFound) => resource_does_not_exist(),
        Err(err) => Error::backend(err),
    }
}

/// A timestamp as SageMaker prints it: epoch seconds with the fraction.
pub(crate) fn epoch(seconds: f64) -> Value {
    serde_json::Number::from_f64(seconds).map_or(Value::Null, Value::Number)
}
