//! `StopNotebookInstance`: `InService` → `Stopping` → `Stopped` (`resources.md` §2, §4).

use serde_json::{Map, Value};

use super::notebook_transition::transition;
use crate::context::{Caller, Ctx};
use crate::error::Error;

/// Runs `StopNotebookInstance`; the output has no members.
///
/// # Errors
/// `RecordNotFound`, or `ValidationException` naming the status it is in.
pub async fn handle(ctx: &Ctx, caller: &Caller, input: Map<String, Value>) -> Result<Value, Error> {
    transition(ctx, caller, &input, &["InService"], "Stopping").await
}
