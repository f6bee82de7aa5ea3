//! `CreateNotebookInstance`: `Pending` → `InService` (`resources.md` §3–4).

use serde_json::{json, Map, Value};

use super::resource::{self, CreateRequest, Extras};
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::NOTEBOOK_INSTANCE;

/// Runs `CreateNotebookInstance`.
///
/// # Errors
/// `ValidationException` for a duplicate name or bad tags.
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let request = CreateRequest::parse(&NOTEBOOK_INSTANCE, input)?;

    // What SageMaker fills in when the request leaves it out.
    let mut computed = Map::new();
    let url = format!(
        "{}.notebook.{}.sagemaker.aws",
        request.name.to_ascii_lowercase(),
        caller.region
    );
    computed.insert("Url".into(), Value::String(url));
    let defaults = [
        ("DirectInternetAccess", json!("Enabled")),
        ("VolumeSizeInGB", json!(5)),
        ("RootAccess", json!("Enabled")),
        ("PlatformIdentifier", json!("notebook-al2-v3")),
    ];
    for (member, value) in defaults {
        if !request.document.contains_key(member) {
            computed.insert(member.into(), value);
        }
    }

    let extras = Extras {
        computed,
        ..Extras::default()
    };
    let arn = resource::create(ctx, caller, &NOTEBOOK_INSTANCE, request, extras).await?;
    Ok(json!({ "NotebookInstanceArn": arn }))
}
