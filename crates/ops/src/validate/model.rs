//! The shape graph: `sagemaker-shapes.json` (written by `scripts/gen-shapes.py`),
//! parsed once, with sagetag's departures from the model applied on top.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::{Map, Number, Value};

use super::pattern::Pattern;

/// The input shapes of every implemented operation, cut from botocore's model.
const SHAPES_JSON: &str = include_str!("sagemaker-shapes.json");

/// The model, loaded on first use. The JSON is embedded at build time and the tests
/// load it, so a failure here is a build defect, never a property of a request.
pub(super) static MODEL: LazyLock<Model> = LazyLock::new(|| {
    Model::parse(SHAPES_JSON).unwrap_or_else(|err| panic!("sagemaker-shapes.json: {err}"))
});

/// Index of a shape in [`Model::shapes`].
pub(super) type ShapeId = usize;

/// Every shape reachable from the operations' inputs, resolved to indices.
pub(super) struct Model {
    /// Operation name → its input shape, which is always a structure.
    operations: HashMap<String, ShapeId>,
    pub(super) shapes: Vec<Shape>,
    /// Distinct pattern texts; several shapes share most of them.
    pub(super) patterns: Vec<Pattern>,
}

pub(super) struct Shape {
    pub(super) name: String,
    pub(super) kind: Kind,
}

/// A shape's JSON type and the constraints the model gives it.
pub(super) enum Kind {
    String(StringRules),
    Blob(Length),
    /// `integer` (32-bit) or `long` (64-bit).
    Integer {
        long: bool,
        range: ValueRange,
    },
    /// `float` or `double`.
    Float(ValueRange),
    Boolean,
    Timestamp,
    List {
        member: ShapeId,
        length: Length,
    },
    Map {
        key: ShapeId,
        value: ShapeId,
        length: Length,
    },
    Structure(Vec<Member>),
}

/// A string's rules, checked in this order: length, pattern, enum.
pub(super) struct StringRules {
    pub(super) length: Length,
    /// Index into [`Model::patterns`].
    pub(super) pattern: Option<usize>,
    pub(super) enum_values: Option<Vec<String>>,
}

/// Length bounds: code points of a string, items of a list, entries of a map.
#[derive(Default)]
pub(super) struct Length {
    pub(super) min: Option<u64>,
    pub(super) max: Option<u64>,
}

/// Value bounds of a number, kept as the model's JSON numbers so that messages
/// print them as the model does.
#[derive(Default)]
pub(super) struct ValueRange {
    pub(super) min: Option<Number>,
    pub(super) max: Option<Number>,
}

pub(super) struct Member {
    /// The wire name, as in the model (`ResourceArn`).
    pub(super) name: String,
    /// The name used in error paths (`resourceArn`).
    pub(super) path: String,
    pub(super) shape: ShapeId,
    pub(super) required: bool,
}

impl Model {
    /// The input shape of `operation`: its id and its members.
    pub(super) fn input(&self, operation: &str) -> Option<(ShapeId, &[Member])> {
        let id = *self.operations.get(operation)?;
        match &self.shapes[id].kind {
            Kind::Structure(members) => Some((id, members)),
            _ => None,
        }
    }

    fn parse(text: &str) -> Result<Model, String> {
        let mut document: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let Some(Value::Object(mut shapes)) = document.get_mut("shapes").map(Value::take) else {
            return Err("no \"shapes\" object".into());
        };
        apply_overrides(&mut shapes)?;

        let ids: HashMap<&str, ShapeId> = shapes
            .keys()
            .enumerate()
            .map(|(i, name)| (name.as_str(), i))
            .collect();
        let mut builder = Builder {
            ids: &ids,
            patterns: Vec::new(),
        };
        let mut built = Vec::with_capacity(shapes.len());
        for (name, shape) in shapes.iter() {
            let kind = builder
                .kind(shape)
                .map_err(|e| format!("shape {name}: {e}"))?;
            built.push(Shape {
                name: name.clone(),
                kind,
            });
        }

        let operations = document
            .get("operations")
            .and_then(Value::as_object)
            .ok_or("no \"operations\" object")?;
        let mut inputs = HashMap::new();
        for (operation, input) in operations {
            let name = input
                .as_str()
                .ok_or_else(|| format!("{operation}: no input shape"))?;
            let id = builder.id(name)?;
            if !matches!(built[id].kind, Kind::Structure(_)) {
                return Err(format!("{operation}: input {name} is not a structure"));
            }
            inputs.insert(operation.clone(), id);
        }
        let patterns = builder.patterns.into_iter().map(Pattern::new).collect();
        Ok(Model {
            operations: inputs,
            shapes: built,
            patterns,
        })
    }
}

/// sagetag's departures from the generated model, all of them, in one place.
///
/// `sagemaker-tagging.md` §0: where `API_AddTags.md`, the document this project
/// implements, disagrees with the current model, the document wins:
///
/// - `Tag.Value` is optional. The model requires it; the document says a missing
///   value is stored as `""` (the AddTags handler does that; `null` counts as missing).
/// - The `ResourceArn` shape is matched against the document's `arn:.*`, and error
///   messages print that text. Its length limit (max 256) is the model's and stays.
///   Well-formed ARNs that name no resource of the caller get `Resource does not
///   exist.` from the operations.
///
/// Each override first checks that the model still says what is being overridden,
/// so that a regenerated model that moved on fails the tests instead of being
/// patched blindly.
fn apply_overrides(shapes: &mut Map<String, Value>) -> Result<(), String> {
    const MODEL_ARN_PATTERN: &str = "arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+";
    const DOCUMENT_ARN_PATTERN: &str = "arn:.*";

    let required = shapes
        .get_mut("Tag")
        .and_then(|tag| tag.get_mut("required"))
        .and_then(Value::as_array_mut)
        .ok_or("override: shape Tag has no required list")?;
    let before = required.len();
    required.retain(|member| member != "Value");
    if required.len() == before {
        return Err("override: the model no longer requires Tag.Value".into());
    }

    let arn = shapes
        .get_mut("ResourceArn")
        .and_then(Value::as_object_mut)
        .ok_or("override: shape ResourceArn is missing")?;
    if arn.get("pattern").and_then(Value::as_str) != Some(MODEL_ARN_PATTERN) {
        return Err("override: the ResourceArn pattern of the model has changed".into());
    }
    arn.insert("pattern".into(), DOCUMENT_ARN_PATTERN.into());
    Ok(())
}

/// Turns JSON shapes into [`Kind`]s, resolving names and collecting patterns.
struct Builder<'a> {
    ids: &'a HashMap<&'a str, ShapeId>,
    patterns: Vec<String>,
}

impl Builder<'_> {
    fn kind(&mut self, shape: &Value) -> Result<Kind, String> {
        let kind = match shape.get("type").and_then(Value::as_str) {
            Some("string") => Kind::String(StringRules {
                length: length(shape)?,
                pattern: self.pattern(shape)?,
                enum_values: enum_values(shape)?,
            }),
            Some("blob") => Kind::Blob(length(shape)?),
            Some("integer") => Kind::Integer {
                long: false,
                range: range(shape)?,
            },
            Some("long") => Kind::Integer {
                long: true,
                range: range(shape)?,
            },
            Some("float" | "double") => Kind::Float(range(shape)?),
            Some("boolean") => Kind::Boolean,
            Some("timestamp") => Kind::Timestamp,
            Some("list") => Kind::List {
                member: self.target(shape, "member")?,
                length: length(shape)?,
            },
            Some("map") => Kind::Map {
                key: self.target(shape, "key")?,
                value: self.target(shape, "value")?,
                length: length(shape)?,
            },
            Some("structure") => Kind::Structure(self.members(shape)?),
            other => return Err(format!("unsupported type {other:?}")),
        };
        Ok(kind)
    }

    fn members(&self, shape: &Value) -> Result<Vec<Member>, String> {
        let required: Vec<&str> = match shape.get("required") {
            None => Vec::new(),
            Some(list) => list
                .as_array()
                .and_then(|names| names.iter().map(Value::as_str).collect())
                .ok_or("required is not a list of names")?,
        };
        let members = match shape.get("members") {
            None => return Ok(Vec::new()),
            Some(members) => members.as_object().ok_or("members is not an object")?,
        };
        members
            .iter()
            .map(|(name, reference)| {
                Ok(Member {
                    path: lower_camel(name),
                    shape: self.reference(reference)?,
                    required: required.contains(&name.as_str()),
                    name: name.clone(),
                })
            })
            .collect()
    }

    /// The shape that `shape[key]` (`member`, `key` or `value`) refers to.
    fn target(&self, shape: &Value, key: &str) -> Result<ShapeId, String> {
        self.reference(shape.get(key).ok_or_else(|| format!("no {key}"))?)
    }

    fn reference(&self, reference: &Value) -> Result<ShapeId, String> {
        let name = reference.get("shape").and_then(Value::as_str);
        self.id(name.ok_or("a reference without a shape name")?)
    }

    fn id(&self, name: &str) -> Result<ShapeId, String> {
        self.ids
            .get(name)
            .copied()
            .ok_or_else(|| format!("unknown shape {name}"))
    }

    fn pattern(&mut self, shape: &Value) -> Result<Option<usize>, String> {
        let Some(text) = shape.get("pattern") else {
            return Ok(None);
        };
        let text = text.as_str().ok_or("pattern is not a string")?;
        let index = match self.patterns.iter().position(|known| known == text) {
            Some(index) => index,
            None => {
                self.patterns.push(text.to_owned());
                self.patterns.len() - 1
            }
        };
        Ok(Some(index))
    }
}

fn length(shape: &Value) -> Result<Length, String> {
    let bound = |key: &str| match shape.get(key) {
        None => Ok(None),
        Some(n) => n
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("{key} is not a count")),
    };
    Ok(Length {
        min: bound("min")?,
        max: bound("max")?,
    })
}

fn range(shape: &Value) -> Result<ValueRange, String> {
    let bound = |key: &str| match shape.get(key) {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(Some(n.clone())),
        Some(_) => Err(format!("{key} is not a number")),
    };
    Ok(ValueRange {
        min: bound("min")?,
        max: bound("max")?,
    })
}

fn enum_values(shape: &Value) -> Result<Option<Vec<String>>, String> {
    let Some(values) = shape.get("enum") else {
        return Ok(None);
    };
    let values = values.as_array().and_then(|values| {
        values
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
    });
    values
        .map(Some)
        .ok_or_else(|| "enum is not a list of strings".into())
}

/// The path spelling of a member name: first letter lower-cased, the rest kept
/// (`ResourceArn` → `resourceArn`, `VpcConfig` → `vpcConfig`).
fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_camel_lowers_only_the_first_letter() {
        assert_eq!(lower_camel("ResourceArn"), "resourceArn");
        assert_eq!(lower_camel("VpcConfig"), "vpcConfig");
        assert_eq!(lower_camel("KmsKeyId"), "kmsKeyId");
        assert_eq!(lower_camel("IAMRole"), "iAMRole");
        assert_eq!(lower_camel(""), "");
    }
}
