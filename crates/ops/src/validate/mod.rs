//! Input validation against SageMaker's own shapes.
//!
//! Every request body is checked against the input shape of its operation, as cut
//! from botocore 1.44.8's SageMaker model by `scripts/gen-shapes.py` into
//! `sagemaker-shapes.json` (embedded at build time). Nothing here is written per
//! field: the types, `required`, lengths, patterns, enums and value ranges all come
//! from the model. The only departures are sagetag's two overrides from
//! `sagemaker-tagging.md` §0, applied in one place (`model::apply_overrides`).
//!
//! It uses no other module of the crate (no store, no HTTP): only the model file.
//!
//! # What is checked
//!
//! The body must be a JSON object. Members are looked up by their model name
//! (`ResourceArn`); unknown members are ignored and `null` counts as absent. JSON
//! types: string; integer and long take a JSON integer that fits 32 or 64 bits;
//! float and double any number; boolean; timestamp a number of epoch seconds or an
//! RFC 3339 string; blob a base64 string; list an array; map and structure an
//! object. A wrong type ends validation with [`ValidationError::Serialization`].
//! Otherwise every constraint violation is collected, in model member order,
//! depth first, into [`ValidationError::Constraints`] (`sagemaker-tagging.md` §5).
//!
//! # Paths
//!
//! - a member: its model name with the first letter lower-cased (`resourceArn`,
//!   `vpcConfig`), joined to its parent by `.` (`vpcConfig.subnets`);
//! - a list item: `<list>.<1-based index>.member` (`tags.1.member.key`,
//!   `tagKeys.2.member`, `productionVariants.1.member.modelName`);
//! - a map entry, named by its key as sent: `<map>.<key>.key` for the key itself
//!   and `<map>.<key>.member` for its value (`primaryContainer.environment.PATH.member`).
//!   A key that contains `.` makes the path ambiguous; the value text still shows it.
//! - the body itself, in serialization errors only: `(root)`.
//!
//! # Values
//!
//! Between the quotes of `Value '…'`: a string as it is; a number as its JSON
//! text; a list of scalars as `[a, b]`; a list of structures, a map or a structure
//! as compact JSON text in the client's order (`[{"Key":"k","Value":"v"}]`).
//! Values are never truncated. A missing required member reads `Value null at …`,
//! and so does a `null` list item or map value (lists and maps are not sparse):
//! `Value null at 'tags.1.member' failed to satisfy constraint: Member must not be
//! null`.

mod check;
mod model;
mod pattern;
#[cfg(test)]
mod tests;

use serde_json::Value;

use check::Walk;
use model::MODEL;

/// Why a request body does not fit the input shape of its operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    /// A member (or the body) has the wrong JSON type: answer
    /// `SerializationException`. The message names the path, e.g. `Cannot
    /// deserialize value at 'maxResults': expected integer, found string.`
    #[error("{0}")]
    Serialization(String),

    /// One or more model constraints are violated: answer `ValidationException`
    /// with [`ValidationError::message`]. Each item reads `Value '…' at '…' failed to
    /// satisfy constraint: Member must …`; there is at least one.
    #[error("{}", constraints_message(.0))]
    Constraints(Vec<String>),
}

impl ValidationError {
    /// The text for the client: `1 validation error detected: <item>` or
    /// `<N> validation errors detected: <item>; <item>` for constraints, the
    /// serialization message as it is.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

fn constraints_message(items: &[String]) -> String {
    let noun = if items.len() == 1 { "error" } else { "errors" };
    format!(
        "{} validation {noun} detected: {}",
        items.len(),
        items.join("; ")
    )
}

/// Checks `input`, the parsed body of a request to `operation` (`"AddTags"`),
/// against the operation's input shape.
///
/// # Errors
///
/// [`ValidationError::Serialization`] for the first value of a wrong JSON type (or
/// a body that is not an object), else [`ValidationError::Constraints`] with every
/// violated constraint.
///
/// An `operation` without an input shape (not in `sagemaker-shapes.json`) is
/// refused with [`ValidationError::Serialization`], so that nothing goes through
/// unchecked. Requests cannot cause it when operations are dispatched first: it
/// means a handler validates under a name the generator was not given (the list is
/// in `scripts/gen-shapes.py`), and `operation_input_shape` lets a test catch that.
pub fn validate_input(operation: &str, input: &Value) -> Result<(), ValidationError> {
    let model = &*MODEL;
    let Some((_, members)) = model.input(operation) else {
        let message = format!("No input shape is known for operation {operation}.");
        return Err(ValidationError::Serialization(message));
    };
    let Value::Object(body) = input else {
        let message = check::type_error("(root)", "structure", input);
        return Err(ValidationError::Serialization(message));
    };
    let mut walk = Walk::new(model);
    walk.structure(members, body, "", 0)
        .map_err(ValidationError::Serialization)?;
    if walk.items.is_empty() {
        Ok(())
    } else {
        Err(ValidationError::Constraints(walk.items))
    }
}

/// The model name of the input shape of `operation` (`"AddTagsInput"` for
/// `"AddTags"`), or `None` for an operation not in `sagemaker-shapes.json`.
pub fn operation_input_shape(operation: &str) -> Option<&'static str> {
    let model: &'static model::Model = &MODEL;
    model
        .input(operation)
        .map(|(id, _)| model.shapes[id].name.as_str())
}

/// Removes from a validated `input` of `operation` every structure member that the
/// model does not know, at any depth, so that what is kept and echoed back by
/// Describe is only what SageMaker would keep (unknown members are ignored,
/// `sagemaker-tagging.md` §1). Values of the wrong type are left alone; run
/// [`validate_input`] first.
pub fn prune_unknown(operation: &str, input: &mut Value) {
    let model = &*MODEL;
    if let Some((id, _)) = model.input(operation) {
        prune(model, id, input, 0);
    }
}

fn prune(model: &model::Model, id: model::ShapeId, value: &mut Value, depth: usize) {
    // The shapes have no cycles and nest at most 9 deep; the guard is for safety.
    if depth > 64 {
        return;
    }
    match (&model.shapes[id].kind, value) {
        (model::Kind::Structure(members), Value::Object(object)) => {
            object.retain(|name, _| members.iter().any(|m| &m.name == name));
            for member in members {
                if let Some(v) = object.get_mut(&member.name) {
                    prune(model, member.shape, v, depth + 1);
                }
            }
        }
        (model::Kind::List { member, .. }, Value::Array(items)) => {
            for item in items {
                prune(model, *member, item, depth + 1);
            }
        }
        (model::Kind::Map { value: shape, .. }, Value::Object(entries)) => {
            for v in entries.values_mut() {
                prune(model, *shape, v, depth + 1);
            }
        }
        _ => {}
    }
}
