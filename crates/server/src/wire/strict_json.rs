//! JSON parsing that refuses what serde_json quietly accepts: an object that
//! names the same member twice.
//!
//! RFC 8259 §4 leaves the meaning of duplicate names to the receiver, and
//! receivers differ (serde_json keeps the last, others keep the first), so a
//! signed body that says `"ResourceArn"` twice may mean one resource to a proxy
//! or a log reader and another to us. We refuse it as `SerializationException`
//! instead of picking one. Depth is still bounded by serde_json's own recursion
//! limit (128 nested arrays or objects), which applies to this visitor too.

use std::cell::RefCell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Longest member name quoted back in a message, in characters.
const MAX_QUOTED: usize = 128;

/// Why a body is not acceptable JSON.
#[derive(Debug)]
pub(crate) enum JsonError {
    /// An object names this member twice (cut to 128 characters).
    Duplicate {
        /// The member name.
        name: String,
        /// 1-based line of the second occurrence's end.
        line: usize,
        /// 1-based column there.
        column: usize,
    },
    /// Anything serde_json refuses: syntax, bad UTF-8, nesting over 128 levels.
    Syntax(serde_json::Error),
}

/// Parses one JSON document, refusing duplicate member names at any depth.
pub(crate) fn parse(body: &[u8]) -> Result<Value, JsonError> {
    let duplicate = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(body);
    let parsed = StrictValue {
        duplicate: &duplicate,
    }
    .deserialize(&mut de)
    .and_then(|value| de.end().map(|()| value));
    parsed.map_err(|err| match duplicate.into_inner() {
        Some(name) => JsonError::Duplicate {
            name,
            line: err.line(),
            column: err.column(),
        },
        None => JsonError::Syntax(err),
    })
}

/// A [`Value`] seed that records the first duplicate member name it meets.
#[derive(Clone, Copy)]
struct StrictValue<'a> {
    duplicate: &'a RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for StrictValue<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // JSON text cannot spell a non-finite number; serde_json refuses 1e999.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            if members.contains_key(&name) {
                *self.duplicate.borrow_mut() = Some(cut(&name));
                return Err(A::Error::custom("duplicate member name"));
            }
            let value = map.next_value_seed(self)?;
            members.insert(name, value);
        }
        Ok(Value::Object(members))
    }
}

/// `text` cut to [`MAX_QUOTED`] characters, with `...` when cut.
fn cut(text: &str) -> String {
    match text.char_indices().nth(MAX_QUOTED) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn duplicate_name(body: &str) -> Option<String> {
        match parse(body.as_bytes()) {
            Err(JsonError::Duplicate { name, .. }) => Some(name),
            _ => None,
        }
    }

    #[test]
    fn same_values_as_serde_json_when_names_are_unique() {
        let body =
            r#"{"a":[1,-2,3.5,"x",true,null,{"b":{}}],"c":"\u00e9","d":18446744073709551615}"#;
        let ours = parse(body.as_bytes()).unwrap();
        let theirs: Value = serde_json::from_str(body).unwrap();
        assert_eq!(ours, theirs);
        // Member order is kept, as serde_json's preserve_order does.
        let keys: Vec<_> = ours.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["a", "c", "d"]);
    }

    #[test]
    fn duplicate_names_are_refused_at_any_depth() {
        assert_eq!(duplicate_name(r#"{"a":1,"a":2}"#).as_deref(), Some("a"));
        assert_eq!(
            duplicate_name(r#"{"a":1,"b":2,"a":1}"#).as_deref(),
            Some("a")
        );
        assert_eq!(
            duplicate_name(r#"{"Tags":[{"Key":"k","Key":"j"}]}"#).as_deref(),
            Some("Key")
        );
        assert_eq!(
            duplicate_name(r#"{"x":{"y":{"z":0,"z":0}}}"#).as_deref(),
            Some("z")
        );
        // Escapes are decoded before comparing: "\u0061" is "a".
        assert_eq!(
            duplicate_name(r#"{"a":1,"\u0061":2}"#).as_deref(),
            Some("a")
        );
    }

    #[test]
    fn same_name_in_sibling_objects_is_fine() {
        assert!(parse(br#"{"Tags":[{"Key":"a"},{"Key":"b"}],"x":{"Key":1}}"#).is_ok());
        assert!(parse(br#"{"a":1,"A":2}"#).is_ok());
    }

    #[test]
    fn quoted_names_are_bounded() {
        let long = "n".repeat(10_000);
        let body = format!(r#"{{"{long}":1,"{long}":2}}"#);
        let name = duplicate_name(&body).unwrap();
        assert_eq!(name.len(), MAX_QUOTED + 3);
    }

    #[test]
    fn nesting_beyond_serde_json_limit_is_a_syntax_error() {
        let deep = "[".repeat(100_000);
        match parse(deep.as_bytes()) {
            Err(JsonError::Syntax(err)) => {
                assert!(
                    err.to_string().starts_with("recursion limit exceeded"),
                    "{err}"
                );
            }
            other => panic!("{other:?}"),
        }
        let ok = format!("{}{}", "[".repeat(127), "]".repeat(127));
        assert!(parse(ok.as_bytes()).is_ok());
    }

    #[test]
    fn invalid_utf8_and_trailing_data_are_syntax_errors() {
        for body in [&b"{\"a\":\"\xff\"}"[..], b"{} {}", b"{\"a\":1e999}"] {
            assert!(matches!(parse(body), Err(JsonError::Syntax(_))), "{body:?}");
        }
    }
}
