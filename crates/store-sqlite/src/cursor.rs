//! Listing cursors: the last item's sort position, as opaque text.
//!
//! A cursor is URL-safe base64 of a small JSON object naming the sort key, the
//! direction and the last item's sort values plus its row id (the tie-breaker).
//! It carries no filter, so it stays valid while rows come and go: paging is by
//! keyset, never by offset. A cursor made for another sort key or direction is
//! refused rather than reinterpreted.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sagetag_store::{Error, SortKey};
use serde::{Deserialize, Serialize};

/// Longer text is not a cursor we made (ours stay well under 1 KiB for names
/// of SageMaker's length).
const MAX_CURSOR_LEN: usize = 4096;

/// Where the previous page ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "by", deny_unknown_fields)]
pub(crate) enum Cursor {
    /// After this lower-cased name.
    #[serde(rename = "n")]
    Name {
        /// Descending order.
        desc: bool,
        /// The last item's `name_key`.
        name: String,
        /// The last item's row id.
        id: i64,
    },
    /// After this creation time.
    #[serde(rename = "c")]
    Created {
        /// Descending order.
        desc: bool,
        /// The last item's `created_at`.
        at: f64,
        /// The last item's row id.
        id: i64,
    },
    /// After this status and name.
    #[serde(rename = "s")]
    Status {
        /// Descending order.
        desc: bool,
        /// The last item's status, `""` when it has none.
        status: String,
        /// The last item's `name_key`.
        name: String,
        /// The last item's row id.
        id: i64,
    },
}

impl Cursor {
    /// Encodes the cursor as opaque text.
    pub(crate) fn encode(&self) -> String {
        // Serializing strings, integers and a float cannot fail (serde_json
        // writes a non-finite float as null, which `decode` then refuses).
        let json = serde_json::to_vec(self).unwrap_or_default();
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
        let cursor: Cursor = serde_json::from_slice(&json).map_err(|_| Error::InvalidCursor)?;
        if cursor.sort() != sort || cursor.desc() != desc {
            return Err(Error::InvalidCursor);
        }
        Ok(cursor)
    }

    fn sort(&self) -> SortKey {
        match self {
            Cursor::Name { .. } => SortKey::Name,
            Cursor::Created { .. } => SortKey::CreationTime,
            Cursor::Status { .. } => SortKey::Status,
        }
    }

    fn desc(&self) -> bool {
        match self {
            Cursor::Name { desc, .. } | Cursor::Created { desc, .. } => *desc,
            Cursor::Status { desc, .. } => *desc,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<Cursor> {
        vec![
            Cursor::Name {
                desc: false,
                name: "my-model".into(),
                id: 7,
            },
            Cursor::Created {
                desc: true,
                at: 1_700_000_000.123_456_7,
                id: 42,
            },
            Cursor::Status {
                desc: false,
                status: String::new(),
                name: "é-ü".into(),
                id: i64::MAX,
            },
        ]
    }

    #[test]
    fn round_trips_exactly() {
        for cursor in samples() {
            let text = cursor.encode();
            let back = Cursor::decode(&text, cursor.sort(), cursor.desc()).unwrap();
            assert_eq!(back, cursor);
        }
    }

    #[test]
    fn refuses_another_sort_or_direction() {
        for cursor in samples() {
            let text = cursor.encode();
            let other_sort = match cursor.sort() {
                SortKey::Name => SortKey::Status,
                _ => SortKey::Name,
            };
            let err = Cursor::decode(&text, other_sort, cursor.desc());
            assert!(matches!(err, Err(Error::InvalidCursor)));
            let err = Cursor::decode(&text, cursor.sort(), !cursor.desc());
            assert!(matches!(err, Err(Error::InvalidCursor)));
        }
    }

    #[test]
    fn refuses_garbage() {
        let extra = URL_SAFE_NO_PAD.encode(br#"{"by":"n","desc":false,"name":"a","id":1,"x":1}"#);
        let wrong_type = URL_SAFE_NO_PAD.encode(br#"{"by":"c","desc":false,"at":"a","id":1}"#);
        let long = "A".repeat(MAX_CURSOR_LEN + 4);
        for text in ["", "!!", "bm90IGpzb24", &extra, &wrong_type, &long] {
            for sort in [SortKey::Name, SortKey::CreationTime, SortKey::Status] {
                let err = Cursor::decode(text, sort, false);
                assert!(matches!(err, Err(Error::InvalidCursor)), "{text}");
            }
        }
    }
}
