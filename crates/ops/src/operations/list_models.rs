//! `ListModels`: filtered, sorted and paged (`resources.md` §2).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use sagetag_store::{self as store, ListQuery, SortKey};

use super::epoch;
use crate::arn::ResourceKind;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::timestamp;
use crate::token;

/// Page size when `MaxResults` is absent.
const DEFAULT_PAGE: i64 = 10;

/// `ListModelsInput`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListModelsInput {
    /// `Name` or `CreationTime` (the default).
    pub sort_by: Option<String>,
    /// `Ascending` or `Descending` (the default).
    pub sort_order: Option<String>,
    /// Where the previous page ended.
    pub next_token: Option<String>,
    /// Page size, 1–100.
    pub max_results: Option<i64>,
    /// Keep names containing this, case-insensitively.
    pub name_contains: Option<String>,
    /// Keep models created before this time.
    #[serde(default, deserialize_with = "timestamp::deserialize_opt")]
    pub creation_time_before: Option<f64>,
    /// Keep models created after this time.
    #[serde(default, deserialize_with = "timestamp::deserialize_opt")]
    pub creation_time_after: Option<f64>,
}

/// `ModelSummary`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ModelSummary {
    /// The name as created.
    pub model_name: String,
    /// The ARN.
    pub model_arn: String,
    /// Creation time, epoch seconds.
    pub creation_time: Value,
}

/// `ListModelsOutput`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListModelsOutput {
    /// This page of models.
    pub models: Vec<ModelSummary>,
    /// Present when more models follow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Runs `ListModels`.
///
/// # Errors
/// `ValidationException` `Invalid pagination token.` for a token not made here.
pub async fn handle(
    ctx: &Ctx,
    caller: &Caller,
    input: ListModelsInput,
) -> Result<ListModelsOutput, Error> {
    let after = match input.next_token.as_deref() {
        None | Some("") => None,
        Some(t) => Some(token::decode(t, "ListModels", "")?),
    };
    let query = ListQuery {
        name_contains: input.name_contains,
        created_before: input.creation_time_before,
        created_after: input.creation_time_after,
        status_equals: None,
        sort_by: match input.sort_by.as_deref() {
            Some("Name") => SortKey::Name,
            _ => SortKey::CreationTime,
        },
        descending: input.sort_order.as_deref() != Some("Ascending"),
        limit: input.max_results.unwrap_or(DEFAULT_PAGE).clamp(1, 100) as usize,
        after,
    };

    let kind = ResourceKind::Model.arn_type();
    let page = match ctx
        .store
        .list_resources(&caller.scope(), kind, &query)
        .await
    {
        Ok(page) => page,
        Err(store::Error::InvalidCursor) => {
            return Err(Error::Validation(token::INVALID_TOKEN.to_owned()))
        }
        Err(err) => return Err(Error::backend(err)),
    };

    Ok(ListModelsOutput {
        models: page
            .items
            .into_iter()
            .map(|m| ModelSummary {
                model_name: m.name,
                model_arn: m.arn,
                creation_time: epoch(m.created_at),
            })
            .collect(),
        next_token: page.next.map(|c| token::encode("ListModels", "", &c)),
    })
}
