//! Listing cursors: where the last page ended, as opaque text private to this
//! backend.
//!
//! A cursor is URL-safe base64 of a small JSON object: a format tag, the sort
//! key and direction it was made for, and the last item's sort values plus its
//! id (the tie-breaker). It holds no filter and no offset, so it stays valid
//! while rows come and go, and any server of a deployment can resume a listing
//! another one started. A cursor made for another order, or by anything else,
//! is refused rather than reinterpreted.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sagetag_store::{Error, SortKey};
use serde::{Deserialize, Serialize};

/// Longer text is not a cursor we made (ours stay well under 1 KiB for names
/// of SageMaker's length).
const MAX_CURSOR_LEN: usize = 4096;

/// The format tag; a later format gets another one.
const FORMAT: &str = "pg1";

/// The last item's position in the listing order.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Position {
    /// Its lower-cased name.
    Name(String),
    /// Its creation time.
    Created(f64),
    /// Its status (`""` when it has none), then its lower-cased name.
    Status(String, String),
}

/// Where the previous page ended.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Cursor {
    /// Descending order.
    pub(crate) desc: bool,
    /// The last item's sort values.
    pub(crate) position: Position,
    /// The last item's id.
    pub(crate) id: i64,
}

/// The wire form: every field present, nothing else allowed.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    f: String,
    /// `n`, `c` or `s`: the sort key.
    by: String,
    desc: bool,
    id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    at: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<String>,
}

impl Cursor {
    /// The sort key this cursor belongs to.
    fn sort(&self) -> SortKey {
        match self.position {
            Position::Name(_) => SortKey::Name,
            Position::Created(_) => SortKey::CreationTime,
            Position::Status(..) => SortKey::Status,
        }
    }

    /// Encodes the cursor as opaque text.
    pub(crate) fn encode(&self) -> String {
        let mut wire = Wire {
            f: FORMAT.to_owned(),
            by: String::new(),
            desc: self.desc,
            id: self.id,
            name: None,
            at: None,
            status: None,
        };
        match &self.position {
            Position::Name(name) => {
                wire.by = "n".to_owned();
                wire.name = Some(name.clone());
            }
            Position::Created(at) => {
                wire.by = "c".to_owned();
                wire.at = Some(*at);
            }
            Position::Status(status, name) => {
                wire.by = "s".to_owned();
                wire.status = Some(status.clone());
                wire.name = Some(name.clone());
            }
        }
        // Strings, integers and a float cannot fail to serialize (a
        // non-finite float becomes null, which `decode` refuses).
        let json = serde_json::to_vec(&wire).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    /// Decodes a cursor made for a listing sorted by `sort` in this direction.
    ///
    /// # Errors
    /// [`Error::InvalidCursor`] for anything else.
    pub(crate) fn decode(text: &str, sort: SortKey, desc: bool) -> Result<Cursor, Error> {
        if text.len() > MAX_CURSOR_LEN {
            return Err(Error::InvalidCursor);
        }
        let json = URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| Error::InvalidCursor)?;
        let wire: Wire = serde_json::from_slice(&json).map_err(|_| Error::InvalidCursor)?;
        if wire.f != FORMAT {
            return Err(Error::InvalidCursor);
        }
        let position = match (wire.by.as_str(), wire.name, wire.at, wire.status) {
            ("n", Some(name), None, None) => Position::Name(name),
            ("c", None, Some(at), None) if at.is_finite() => Position::Created(at),
            ("s", Some(name), None, Some(status)) => Position::Status(status, name),
            _ => return Err(Error::InvalidCursor),
        };
        let cursor = Cursor {
            desc: wire.desc,
            position,
            id: wire.id,
        };
        if cursor.sort() != sort || cursor.desc != desc {
            return Err(Error::InvalidCursor);
        }
        Ok(cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<Cursor> {
        vec![
            Cursor {
                desc: false,
                position: Position::Name("my-model".into()),
                id: 7,
            },
            Cursor {
                desc: true,
                position: Position::Created(1_700_000_000.123_456_7),
                id: 42,
            },
            Cursor {
                desc: false,
                position: Position::Status(String::new(), "é-ü".into()),
                id: i64::MAX,
            },
        ]
    }

    #[test]
    fn round_trips_exactly() {
        for cursor in samples() {
            let text = cursor.encode();
            let back = Cursor::decode(&text, cursor.sort(), cursor.desc).unwrap();
            assert_eq!(back, cursor);
        }
    }

    #[test]
    fn refuses_another_sort_or_direction() {
        for cursor in samples() {
            let text = cursor.encode();
            let other = match cursor.sort() {
                SortKey::Name => SortKey::Status,
                _ => SortKey::Name,
            };
            let err = Cursor::decode(&text, other, cursor.desc);
            assert!(matches!(err, Err(Error::InvalidCursor)));
            let err = Cursor::decode(&text, cursor.sort(), !cursor.desc);
            assert!(matches!(err, Err(Error::InvalidCursor)));
        }
    }

    #[test]
    fn refuses_garbage() {
        let json = |text: &str| URL_SAFE_NO_PAD.encode(text.as_bytes());
        let texts = [
            String::new(),
            "!!".to_owned(),
            json("not json"),
            json(r#"{"f":"pg1","by":"n","desc":false,"id":1,"name":"a","x":1}"#),
            json(r#"{"f":"pg0","by":"n","desc":false,"id":1,"name":"a"}"#),
            json(r#"{"f":"pg1","by":"c","desc":false,"id":1,"at":"a"}"#),
            json(r#"{"f":"pg1","by":"c","desc":false,"id":1,"at":null}"#),
            json(r#"{"f":"pg1","by":"n","desc":false,"id":1,"at":1.0}"#),
            // SQLite's cursors are not ours.
            json(r#"{"by":"n","desc":false,"name":"a","id":1}"#),
            "A".repeat(MAX_CURSOR_LEN + 4),
        ];
        for text in &texts {
            for sort in [SortKey::Name, SortKey::CreationTime, SortKey::Status] {
                let err = Cursor::decode(text, sort, false);
                assert!(matches!(err, Err(Error::InvalidCursor)), "{text}");
            }
        }
    }
}
