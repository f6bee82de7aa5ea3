//! `DescribeLabelingJob`: the only Describe of the nine that returns `Tags`, which
//! must match ListTags (`resources.md` §4).

use serde_json::{Map, Value};

use sagetag_store::MAX_TAGS_PER_RESOURCE;

use super::resource;
use crate::context::{Caller, Ctx};
use crate::error::Error;
use crate::kinds::LABELING_JOB;

/// Runs `DescribeLabelingJob`.
///
/// # Errors
/// `ResourceNotFound`.
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    let name = resource::name_of(&input, &LABELING_JOB);
    let job = resource::find(ctx, caller, &LABELING_JOB, &name).await?;
    let page = ctx
        .store
        .list_tags(&caller.account, &job.arn, None, MAX_TAGS_PER_RESOURCE)
        .await
        .map_err(Error::backend)?;

    let mut view = resource::view(&LABELING_JOB, &job);
    let tags = serde_json::to_value(page.tags).map_err(|e| Error::Serialization(e.to_string()))?;
    view.insert("Tags".into(), tags);
    Ok(Value::Object(view))
}
