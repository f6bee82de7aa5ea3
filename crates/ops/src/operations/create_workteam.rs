//! `CreateWorkteam`: a private work team, at most 25 per account and region
//! (`resources.md` §3).

use serde_json::{json, Map, Value};

use sagetag_store::ListQuery;

use super::resource::{self, CreateRequest, Extras};
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::WORKTEAM;

/// The most work teams an account may have in a region (M doc).
const MAX_WORKTEAMS: usize = 25;

/// Runs `CreateWorkteam`.
///
/// # Errors
/// `ResourceLimitExceeded` past 25 teams; `ResourceInUse` for a duplicate name.
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let request = CreateRequest::parse(&WORKTEAM, input)?;

    // The quota is checked outside the create's transaction, so two racing creates
    // at 24 teams may both pass, as eventually consistent quotas also allow.
    let query = ListQuery {
        limit: MAX_WORKTEAMS,
        ..ListQuery::default()
    };
    let existing = ctx
        .store
        .list_resources(&caller.scope(), WORKTEAM.kind.arn_type(), &query)
        .await
        .map_err(Error::backend)?;
    if existing.items.len() >= MAX_WORKTEAMS {
        return Err(Error::ResourceLimitExceeded(format!(
            "The account-level service limit 'Maximum number of workteams' is {MAX_WORKTEAMS} \
             Workteams, with current utilization of {MAX_WORKTEAMS} Workteams and a request \
             delta of 1 Workteams."
        )));
    }

    let mut computed = Map::new();
    let subdomain = uuid::Uuid::new_v4().simple().to_string();
    computed.insert(
        "SubDomain".into(),
        Value::String(format!(
            "{}.labeling.{}.sagemaker.aws",
            &subdomain[..10],
            caller.region
        )),
    );
    computed.insert(
        "WorkforceArn".into(),
        Value::String(format!(
            "arn:{}:sagemaker:{}:{}:workforce/default",
            caller.partition(),
            caller.region,
            caller.account
        )),
    );
    let extras = Extras {
        computed,
        ..Extras::default()
    };
    let arn = resource::create(ctx, caller, &WORKTEAM, request, extras).await?;
    Ok(json!({ "WorkteamArn": arn }))
}
