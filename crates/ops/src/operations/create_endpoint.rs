//! `CreateEndpoint`: `Creating` → `InService` (`resources.md` §3–4).

use serde_json::{json, Map, Value};

use super::resource::{self, CreateRequest, Extras};
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::{ENDPOINT, ENDPOINT_CONFIG};

/// Runs `CreateEndpoint`.
///
/// # Errors
/// `Could not find endpoint configuration "<arn>".` when its configuration is
/// missing; `Cannot create already existing endpoint "<arn>".` (O17).
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let request = CreateRequest::parse(&ENDPOINT, input)?;

    let config_name = request
        .str("EndpointConfigName")
        .unwrap_or_default()
        .to_owned();
    let config = resource::require(ctx, caller, &ENDPOINT_CONFIG, &config_name).await?;

    let mut computed = Map::new();
    computed.insert(
        "ProductionVariants".into(),
        variant_summaries(&config.document),
    );
    let extras = Extras {
        computed,
        ..Extras::default()
    };
    let arn = resource::create(ctx, caller, &ENDPOINT, request, extras).await?;
    Ok(json!({ "EndpointArn": arn }))
}

/// `ProductionVariantSummary` of each variant of the configuration, deployed as
/// asked.
fn variant_summaries(config: &Value) -> Value {
    let variants = config["ProductionVariants"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let summaries = variants
        .iter()
        .map(|v| {
            let weight = v.get("InitialVariantWeight").cloned().unwrap_or(json!(1.0));
            let count = v.get("InitialInstanceCount").cloned().unwrap_or(json!(1));
            json!({
                "VariantName": v["VariantName"],
                "CurrentWeight": weight,
                "DesiredWeight": weight,
                "CurrentInstanceCount": count,
                "DesiredInstanceCount": count,
            })
        })
        .collect();
    Value::Array(summaries)
}
