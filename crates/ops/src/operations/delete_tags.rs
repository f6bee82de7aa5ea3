//! `DeleteTags`: removes tags by key (`sagemaker-tagging.md` §3.3).

use serde::{Deserialize, Serialize};

use sagetag_store as store;

use super::{missing_resource_or, resource_does_not_exist};
use crate::arn::in_callers_scope;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::tags;

/// `DeleteTagsInput`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteTagsInput {
    /// The resource to untag.
    pub resource_arn: String,
    /// The keys to remove; absent keys are ignored.
    pub tag_keys: Vec<String>,
}

/// `DeleteTagsOutput`: no members, `{}` on the wire.
#[derive(Debug, Serialize)]
pub struct DeleteTagsOutput {}

/// Runs `DeleteTags`.
///
/// # Errors
/// `ValidationException` for a resource the caller cannot see or an `aws:` key
/// (the whole request is refused, O4).
pub async fn handle(
    ctx: &Ctx,
    caller: &Caller,
    input: DeleteTagsInput,
) -> Result<DeleteTagsOutput, Error> {
    let arn = input.resource_arn;

    if let Err(rule) = tags::check_keys_to_delete(&input.tag_keys) {
        return Err(missing_resource_or(ctx, caller, &arn, rule).await);
    }
    if !in_callers_scope(caller, &arn) {
        return Err(resource_does_not_exist());
    }

    match ctx
        .store
        .delete_tags(&caller.account, &arn, &input.tag_keys)
        .await
    {
        Ok(()) => Ok(DeleteTagsOutput {}),
        Err(store::Error::NotFound) => Err(resource_does_not_exist()),
        Err(err) => Err(Error::backend(err)),
    }
}
