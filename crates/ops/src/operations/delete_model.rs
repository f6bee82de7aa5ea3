//! `DeleteModel`: removes a model and its tags (`resources.md` §2, §4).

use serde::{Deserialize, Serialize};

use sagetag_store as store;

use super::describe_model::not_found;
use crate::arn::ResourceKind;
use crate::context::{Caller, Ctx};
use crate::error::Error;

/// `DeleteModelInput`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteModelInput {
    /// The model to delete (case-insensitive).
    pub model_name: String,
}

/// `DeleteModel` has no output members: `{}` on the wire.
#[derive(Debug, Serialize)]
pub struct DeleteModelOutput {}

/// Runs `DeleteModel`.
///
/// # Errors
/// `ValidationException` `Could not find model "<arn>".`
pub async fn handle(
    ctx: &Ctx,
    caller: &Caller,
    input: DeleteModelInput,
) -> Result<DeleteModelOutput, Error> {
    let kind = ResourceKind::Model.arn_type();
    match ctx
        .store
        .delete_resource(&caller.scope(), kind, &input.model_name)
        .await
    {
        Ok(()) => Ok(DeleteModelOutput {}),
        Err(store::Error::NotFound) => Err(not_found(caller, &input.model_name)),
        Err(err) => Err(Error::backend(err)),
    }
}
