//! `AddTags`: adds or overwrites tags (`API_AddTags.md`, `sagemaker-tagging.md` §3.1).

use serde::{Deserialize, Serialize};

use sagetag_store::{self as store, Tag, MAX_TAGS_PER_RESOURCE};

use super::{missing_resource_or, resource_does_not_exist};
use crate::arn::in_callers_scope;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::tags::{self, TagInput, TAG_LIMIT_MESSAGE};

/// `AddTagsInput`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AddTagsInput {
    /// The resource to tag.
    pub resource_arn: String,
    /// The tags to add or overwrite.
    pub tags: Vec<TagInput>,
}

/// `AddTagsOutput`: the request's tags as stored, in request order (Q3).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AddTagsOutput {
    /// The tags of the request, missing values shown as `""`.
    pub tags: Vec<Tag>,
}

/// Runs `AddTags`.
///
/// # Errors
/// `ValidationException` for a resource the caller cannot see, an `aws:` key, a
/// duplicate key, or a result of more than 50 tags (nothing changes then).
pub async fn handle(
    ctx: &Ctx,
    caller: &Caller,
    input: AddTagsInput,
) -> Result<AddTagsOutput, Error> {
    let arn = input.resource_arn;
    let tags = tags::normalize(input.tags);

    if let Err(rule) = tags::check_new_tags(&tags) {
        return Err(missing_resource_or(ctx, caller, &arn, rule).await);
    }
    if !in_callers_scope(caller, &arn) {
        return Err(resource_does_not_exist());
    }

    // Existence and the 50-tag cap are checked inside the store's transaction, so
    // a racing delete or a racing AddTags cannot slip between check and write.
    let added = ctx
        .store
        .add_tags(&caller.account, &arn, &tags, MAX_TAGS_PER_RESOURCE)
        .await;
    match added {
        Ok(()) => Ok(AddTagsOutput { tags }),
        Err(store::Error::NotFound) => Err(resource_does_not_exist()),
        Err(store::Error::TagLimitExceeded { .. }) => {
            Err(Error::Validation(TAG_LIMIT_MESSAGE.to_owned()))
        }
        Err(err) => Err(Error::backend(err)),
    }
}
