//! The operations sagetag implements, keyed by their `X-Amz-Target` name, and the
//! one place that runs any of them.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::operations;
use crate::validate::{self, ValidationError};

macro_rules! operations {
    ($($name:ident => $module:ident),* $(,)?) => {
        /// One SageMaker operation, named as in the service model.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Operation {
            $(
                #[doc = concat!("`SageMaker.", stringify!($name), "`")]
                $name,
            )*
        }

        impl Operation {
            /// Every operation, in table order.
            pub const ALL: &'static [Operation] = &[$(Operation::$name),*];

            /// The operation named `name` (the part of `X-Amz-Target` after
            /// `SageMaker.`), if sagetag implements it.
            pub fn from_name(name: &str) -> Option<Operation> {
                match name {
                    $(stringify!($name) => Some(Operation::$name),)*
                    _ => None,
                }
            }

            /// The operation's name as in the service model.
            pub fn name(self) -> &'static str {
                match self {
                    $(Operation::$name => stringify!($name),)*
                }
            }

            /// Validates `input` against the operation's input shape, runs it, and
            /// returns its output as the JSON body of the answer.
            ///
            /// # Errors
            /// Whatever the operation answers instead of its output.
            pub async fn execute(
                self,
                ctx: &Ctx,
                caller: &Caller,
                input: Value,
            ) -> Result<Vec<u8>, Error> {
                validate::validate_input(self.name(), &input).map_err(Error::from)?;
                let mut input = input;
                validate::prune_unknown(self.name(), &mut input);
                match self {
                    $(Operation::$name => {
                        let input = decode(input)?;
                        encode(operations::$module::handle(ctx, caller, input).await?)
                    })*
                }
            }
        }
    };
}

operations! {
    AddTags => add_tags,
    CreateEndpoint => create_endpoint,
    CreateEndpointConfig => create_endpoint_config,
    CreateHyperParameterTuningJob => create_hyper_parameter_tuning_job,
    CreateLabelingJob => create_labeling_job,
    CreateModel => create_model,
    CreateNotebookInstance => create_notebook_instance,
    CreateTrainingJob => create_training_job,
    CreateTransformJob => create_transform_job,
    CreateWorkteam => create_workteam,
    DeleteEndpoint => delete_endpoint,
    DeleteEndpointConfig => delete_endpoint_config,
    DeleteHyperParameterTuningJob => delete_hyper_parameter_tuning_job,
    DeleteModel => delete_model,
    DeleteNotebookInstance => delete_notebook_instance,
    DeleteTags => delete_tags,
    DeleteTrainingJob => delete_training_job,
    DeleteWorkteam => delete_workteam,
    DescribeEndpoint => describe_endpoint,
    DescribeEndpointConfig => describe_endpoint_config,
    DescribeHyperParameterTuningJob => describe_hyper_parameter_tuning_job,
    DescribeLabelingJob => describe_labeling_job,
    DescribeModel => describe_model,
    DescribeNotebookInstance => describe_notebook_instance,
    DescribeTrainingJob => describe_training_job,
    DescribeTransformJob => describe_transform_job,
    DescribeWorkteam => describe_workteam,
    ListEndpointConfigs => list_endpoint_configs,
    ListEndpoints => list_endpoints,
    ListHyperParameterTuningJobs => list_hyper_parameter_tuning_jobs,
    ListLabelingJobs => list_labeling_jobs,
    ListLabelingJobsForWorkteam => list_labeling_jobs_for_workteam,
    ListModels => list_models,
    ListNotebookInstances => list_notebook_instances,
    ListTags => list_tags,
    ListTrainingJobs => list_training_jobs,
    ListTrainingJobsForHyperParameterTuningJob => list_training_jobs_for_hyper_parameter_tuning_job,
    ListTransformJobs => list_transform_jobs,
    ListWorkteams => list_workteams,
    StartNotebookInstance => start_notebook_instance,
    StopHyperParameterTuningJob => stop_hyper_parameter_tuning_job,
    StopLabelingJob => stop_labeling_job,
    StopNotebookInstance => stop_notebook_instance,
    StopTrainingJob => stop_training_job,
    StopTransformJob => stop_transform_job,
}

impl From<ValidationError> for Error {
    fn from(err: ValidationError) -> Self {
        match err {
            ValidationError::Serialization(message) => Error::Serialization(message),
            ValidationError::Constraints(_) => Error::Validation(err.message()),
        }
    }
}

/// Reads a validated input into its typed form. The validator has checked every
/// member's type, so a failure here is a gap between the shape and the type.
fn decode<T: DeserializeOwned>(input: Value) -> Result<T, Error> {
    serde_json::from_value(input).map_err(|e| Error::Serialization(e.to_string()))
}

/// Writes an output shape straight to JSON bytes. Going through a
/// `serde_json::Value` first built a map per member (an `IndexMap` per tag of
/// a ListTags page, with `preserve_order`) only to drop it after writing: 14%
/// of the server's CPU at 64 ListTags clients. The bytes are the same: a
/// struct's members come out in declaration order either way.
fn encode<T: Serialize>(output: T) -> Result<Vec<u8>, Error> {
    // A full ListTags page is about 2 KiB; starting there saves the buffer
    // growing four times from serde_json's default of 128 bytes.
    let mut body = Vec::with_capacity(2048);
    serde_json::to_writer(&mut body, &output).map_err(|e| Error::Serialization(e.to_string()))?;
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_every_operation_has_an_input_shape() {
        for &op in Operation::ALL {
            assert_eq!(Operation::from_name(op.name()), Some(op));
            assert!(
                validate::operation_input_shape(op.name()).is_some(),
                "{op:?}"
            );
        }
        assert_eq!(Operation::from_name("addTags"), None);
        assert_eq!(Operation::from_name(""), None);
    }
}
