//! `ListTags`: a resource's tags in insertion order (`sagemaker-tagging.md` §3.2).

use serde::{Deserialize, Serialize};

use sagetag_store::{self as store, Tag};

use super::resource_does_not_exist;
use crate::arn::in_callers_scope;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::token;

/// Page size when `MaxResults` is absent (Q5).
const DEFAULT_PAGE: i64 = 50;

/// `ListTagsInput`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsInput {
    /// The resource whose tags to list.
    pub resource_arn: String,
    /// Where the previous page ended.
    pub next_token: Option<String>,
    /// Page size; the shape sets a minimum of 50 and no maximum.
    pub max_results: Option<i64>,
}

/// `ListTagsOutput`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsOutput {
    /// The tags of this page (always present, possibly empty).
    pub tags: Vec<Tag>,
    /// Present when more tags follow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Runs `ListTags`.
///
/// # Errors
/// `ValidationException` for a resource the caller cannot see or a token that
/// was not made for this resource.
pub async fn handle(
    ctx: &Ctx,
    caller: &Caller,
    input: ListTagsInput,
) -> Result<ListTagsOutput, Error> {
    let arn = input.resource_arn;
    if !in_callers_scope(caller, &arn) {
        return Err(resource_does_not_exist());
    }

    let after = match input.next_token.as_deref() {
        None | Some("") => None,
        Some(t) => Some(parse_position(&token::decode(t, "ListTags", &arn)?)?),
    };
    // A resource holds at most 50 tags, so any page size past that is one page.
    let limit = input.max_results.unwrap_or(DEFAULT_PAGE).clamp(1, 1000) as usize;

    match ctx
        .store
        .list_tags(&caller.account, &arn, after, limit)
        .await
    {
        Ok(page) => Ok(ListTagsOutput {
            tags: page.tags,
            next_token: page
                .next
                .map(|p| token::encode("ListTags", &arn, &p.to_string())),
        }),
        Err(store::Error::NotFound) => Err(resource_does_not_exist()),
        Err(err) => Err(Error::backend(err)),
    }
}

fn parse_position(text: &str) -> Result<i64, Error> {
    text.parse()
        .map_err(|_| Error::Validation(token::INVALID_TOKEN.to_owned()))
}
