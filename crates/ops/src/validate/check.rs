//! The walk of a request body along its input shape.
//!
//! One pass in model member order. A JSON type error ends the walk at once (it
//! becomes a `SerializationException`); constraint violations are collected and
//! the walk goes on, so that every one of them is reported
//! (`sagemaker-tagging.md` §5).

use std::cmp::Ordering;

use base64::Engine as _;
use serde_json::{Map, Number, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::model::{Kind, Length, Member, Model, ShapeId, StringRules, ValueRange};

/// Nesting guard. The generated shapes have no cycles and nest 9 levels at most,
/// so this is never reached today; it keeps a future recursive shape from
/// recursing without bound.
pub(super) const MAX_DEPTH: usize = 32;

/// `Err` carries the `SerializationException` message that ends the walk.
pub(super) type Outcome = Result<(), String>;

pub(super) struct Walk<'m> {
    model: &'m Model,
    /// Constraint violations so far, each a full message item.
    pub(super) items: Vec<String>,
}

impl<'m> Walk<'m> {
    pub(super) fn new(model: &'m Model) -> Self {
        Walk {
            model,
            items: Vec::new(),
        }
    }

    /// Checks the members of a structure at `parent` (`""` for the body itself).
    /// Unknown members are ignored; `null` counts as absent.
    pub(super) fn structure(
        &mut self,
        members: &[Member],
        object: &Map<String, Value>,
        parent: &str,
        depth: usize,
    ) -> Outcome {
        for member in members {
            let path = if parent.is_empty() {
                member.path.clone()
            } else {
                format!("{parent}.{}", member.path)
            };
            match object.get(&member.name) {
                None | Some(Value::Null) => {
                    if member.required {
                        self.items.push(null_item(&path));
                    }
                }
                Some(value) => self.value(member.shape, value, &path, depth + 1)?,
            }
        }
        Ok(())
    }

    /// Checks one present, non-null value against its shape.
    pub(super) fn value(
        &mut self,
        id: ShapeId,
        value: &Value,
        path: &str,
        depth: usize,
    ) -> Outcome {
        if depth > MAX_DEPTH {
            return Err(format!(
                "Cannot deserialize value at '{path}': nesting deeper than {MAX_DEPTH} levels."
            ));
        }
        let model = self.model;
        match &model.shapes[id].kind {
            Kind::String(rules) => {
                let Value::String(text) = value else {
                    return Err(type_error(path, "string", value));
                };
                self.string(rules, text, path);
            }
            Kind::Blob(length) => {
                let bytes = blob(value, path)?;
                self.length(length, bytes, value, path);
            }
            Kind::Integer { long, range } => self.range(range, integer(value, *long, path)?, path),
            Kind::Float(range) => {
                let Value::Number(number) = value else {
                    return Err(type_error(path, "number", value));
                };
                self.range(range, number, path);
            }
            Kind::Boolean => {
                if !value.is_boolean() {
                    return Err(type_error(path, "boolean", value));
                }
            }
            Kind::Timestamp => timestamp(value, path)?,
            Kind::List { member, length } => {
                let Value::Array(items) = value else {
                    return Err(type_error(path, "list", value));
                };
                self.length(length, items.len() as u64, value, path);
                for (index, item) in items.iter().enumerate() {
                    let item_path = format!("{path}.{}.member", index + 1);
                    self.element(*member, item, &item_path, depth)?;
                }
            }
            Kind::Map {
                key,
                value: value_shape,
                length,
            } => {
                let Value::Object(entries) = value else {
                    return Err(type_error(path, "map", value));
                };
                self.length(length, entries.len() as u64, value, path);
                for (name, entry) in entries {
                    if let Kind::String(rules) = &model.shapes[*key].kind {
                        self.string(rules, name, &format!("{path}.{name}.key"));
                    }
                    self.element(*value_shape, entry, &format!("{path}.{name}.member"), depth)?;
                }
            }
            Kind::Structure(members) => {
                let Value::Object(object) = value else {
                    return Err(type_error(path, "structure", value));
                };
                self.structure(members, object, path, depth)?;
            }
        }
        Ok(())
    }

    /// A list item or map value: never null (lists and maps are not sparse).
    fn element(&mut self, id: ShapeId, value: &Value, path: &str, depth: usize) -> Outcome {
        if value.is_null() {
            self.items.push(null_item(path));
            return Ok(());
        }
        self.value(id, value, path, depth + 1)
    }

    /// Length, then pattern, then enum (§5: length before pattern).
    fn string(&mut self, rules: &StringRules, text: &str, path: &str) {
        let code_points = text.chars().count() as u64;
        if let Some(rule) = length_rule(&rules.length, code_points) {
            self.items.push(item(text, path, &rule));
        }
        if let Some(index) = rules.pattern {
            let pattern = &self.model.patterns[index];
            if !pattern.is_match(text) {
                let rule = format!("satisfy regular expression pattern: {}", pattern.source());
                self.items.push(item(text, path, &rule));
            }
        }
        if let Some(values) = &rules.enum_values {
            if !values.iter().any(|allowed| allowed == text) {
                let rule = format!("satisfy enum value set: [{}]", values.join(", "));
                self.items.push(item(text, path, &rule));
            }
        }
    }

    /// The length rule of a list, map or blob, whose value is shown as
    /// [`value_text`] prints it.
    fn length(&mut self, length: &Length, actual: u64, value: &Value, path: &str) {
        if let Some(rule) = length_rule(length, actual) {
            self.items.push(item(&value_text(value), path, &rule));
        }
    }

    fn range(&mut self, range: &ValueRange, number: &Number, path: &str) {
        let text = number.to_string();
        if let Some(min) = &range.min {
            if compare(number, min) == Ordering::Less {
                let rule = format!("have value greater than or equal to {min}");
                self.items.push(item(&text, path, &rule));
            }
        }
        if let Some(max) = &range.max {
            if compare(number, max) == Ordering::Greater {
                let rule = format!("have value less than or equal to {max}");
                self.items.push(item(&text, path, &rule));
            }
        }
    }
}

fn length_rule(length: &Length, actual: u64) -> Option<String> {
    match (length.min, length.max) {
        (Some(min), _) if actual < min => {
            Some(format!("have length greater than or equal to {min}"))
        }
        (_, Some(max)) if actual > max => Some(format!("have length less than or equal to {max}")),
        _ => None,
    }
}

/// One item of a `ValidationException` message.
fn item(value: &str, path: &str, rule: &str) -> String {
    format!("Value '{value}' at '{path}' failed to satisfy constraint: Member must {rule}")
}

fn null_item(path: &str) -> String {
    format!("Value null at '{path}' failed to satisfy constraint: Member must not be null")
}

/// The `SerializationException` message for a value of the wrong JSON type.
pub(super) fn type_error(path: &str, expected: &str, found: &Value) -> String {
    let found = match found {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    format!("Cannot deserialize value at '{path}': expected {expected}, found {found}.")
}

/// How a value is shown between the quotes of `Value '…'`: strings as they are,
/// numbers and booleans as JSON text, a list of scalars as `[a, b]` (its items shown
/// the same way), and anything else (lists of structures, maps, structures) as
/// compact JSON text in the client's member order.
pub(super) fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) if items.iter().all(|v| !v.is_array() && !v.is_object()) => {
            let items: Vec<String> = items.iter().map(value_text).collect();
            format!("[{}]", items.join(", "))
        }
        _ => value.to_string(),
    }
}

/// An `integer` (32-bit) or `long` (64-bit): a JSON integer that fits. `1.5` and
/// also `1.0` or `1e2` are refused, as the operations' serde types refuse them.
fn integer<'v>(value: &'v Value, long: bool, path: &str) -> Result<&'v Number, String> {
    let fits = |number: &Number| match number.as_i64() {
        Some(n) => long || i32::try_from(n).is_ok(),
        None => false,
    };
    match value {
        Value::Number(number) if fits(number) => Ok(number),
        _ => Err(type_error(path, "integer", value)),
    }
}

/// Epoch seconds (what SDKs send for AWS JSON 1.1), or an RFC 3339 string, which
/// some hand-written clients send; `crate::timestamp` reads the same two forms.
fn timestamp(value: &Value, path: &str) -> Outcome {
    match value {
        Value::Number(_) => Ok(()),
        Value::String(text) if OffsetDateTime::parse(text, &Rfc3339).is_ok() => Ok(()),
        _ => Err(type_error(path, "timestamp", value)),
    }
}

/// A blob is a base64 string; its length rule counts decoded bytes. No input shape
/// of the implemented operations has a blob today.
fn blob(value: &Value, path: &str) -> Result<u64, String> {
    let Value::String(text) = value else {
        return Err(type_error(path, "string", value));
    };
    match base64::engine::general_purpose::STANDARD.decode(text) {
        Ok(bytes) => Ok(bytes.len() as u64),
        Err(_) => Err(format!(
            "Cannot deserialize value at '{path}': expected base64-encoded string, found string."
        )),
    }
}

/// Orders two JSON numbers exactly when both are integers, else as `f64`.
fn compare(a: &Number, b: &Number) -> Ordering {
    if let (Some(a), Some(b)) = (a.as_i64(), b.as_i64()) {
        return a.cmp(&b);
    }
    if let (Some(a), Some(b)) = (a.as_u64(), b.as_u64()) {
        return a.cmp(&b);
    }
    let (a, b) = (
        a.as_f64().unwrap_or(f64::NAN),
        b.as_f64().unwrap_or(f64::NAN),
    );
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}
