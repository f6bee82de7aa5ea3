//! `ListWorkteams`: whole `Workteam` objects, by creation date ascending unless
//! asked otherwise.

use serde_json::{Map, Value};

use sagetag_store::SortKey;

use super::resource::{self, ListDefaults};
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::WORKTEAM;

const DEFAULTS: ListDefaults = ListDefaults {
    sort_by: SortKey::CreationTime,
    descending: false,
    page: 10,
};

/// Runs `ListWorkteams`.
///
/// # Errors
/// `ValidationException` `Invalid pagination token.`
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let input = resource::typed(input)?;
    let listed = resource::list(
        ctx,
        caller,
        &WORKTEAM,
        "ListWorkteams",
        input,
        DEFAULTS,
        None,
    )
    .await?;
    Ok(resource::list_output(&WORKTEAM, listed, |team| {
        Value::Object(resource::view(&WORKTEAM, team))
    }))
}
