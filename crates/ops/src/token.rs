//! Pagination tokens: opaque to clients, bound to what they page through (Q5).
//!
//! A token is URL-safe base64 of a small JSON object naming the operation, the
//! thing paged (for ListTags, the ARN) and the store's position. A token for
//! another operation or another resource, or one that does not decode, is
//! refused with `Invalid pagination token.`

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The message for any token that is not ours.
pub const INVALID_TOKEN: &str = "Invalid pagination token.";

#[derive(Serialize, Deserialize)]
struct Token {
    /// Operation that made it.
    o: String,
    /// What it pages through (ARN, or empty).
    b: String,
    /// The position.
    p: String,
}

/// Makes a token for `operation` paging `bound` at `position`.
pub fn encode(operation: &str, bound: &str, position: &str) -> String {
    let token = Token {
        o: operation.to_owned(),
        b: bound.to_owned(),
        p: position.to_owned(),
    };
    // Serializing three strings cannot fail.
    let json = serde_json::to_vec(&token).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

/// Reads a token back, checking that it was made for `operation` and `bound`.
///
/// # Errors
/// `ValidationException` `Invalid pagination token.` for anything else.
pub fn decode(token: &str, operation: &str, bound: &str) -> Result<String, Error> {
    let invalid = || Error::Validation(INVALID_TOKEN.to_owned());
    let json = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    let token: Token = serde_json::from_slice(&json).map_err(|_| invalid())?;
    if token.o != operation || token.b != bound {
        return Err(invalid());
    }
    Ok(token.p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_binding() {
        let t = encode("ListTags", "arn:a", "17");
        assert_eq!(decode(&t, "ListTags", "arn:a").unwrap(), "17");
        assert!(decode(&t, "ListTags", "arn:b").is_err());
        assert!(decode(&t, "ListModels", "arn:a").is_err());
        assert!(decode("not a token!", "ListTags", "arn:a").is_err());
        assert!(decode("", "ListTags", "arn:a").is_err());
    }
}
