//! The status rule shared by Start, Stop and Delete of a notebook instance.

use serde_json::{Map, Value};

use super::resource;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::NOTEBOOK_INSTANCE;

/// Moves a notebook instance from one of `from` to `to`, answering a wrong status
/// the way SageMaker words it: `Status (InService) not in ([Stopped, Failed]).
/// Unable to transition to (Deleting) for Notebook Instance (<arn>).`
///
/// # Errors
/// `RecordNotFound`, or the status message above.
pub async fn transition(
    ctx: &Ctx,
    caller: &Caller,
    input: &Map<String, Value>,
    from: &[&str],
    to: &str,
) -> Result<Value, Error> {
    let spec = &NOTEBOOK_INSTANCE;
    let name = resource::name_of(input, spec);
    resource::transition(ctx, caller, spec, &name, from, to, |current| {
        Error::Validation(format!(
            "Status ({current}) not in ([{}]). Unable to transition to ({to}) for Notebook \
             Instance ({}).",
            from.join(", "),
            spec.kind.arn(caller, &name)
        ))
    })
    .await?;
    Ok(Value::Object(Map::new()))
}
