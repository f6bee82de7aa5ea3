//! SigV4's URI encoding: every byte except the RFC 3986 unreserved characters
//! (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` with upper-case hex.
//!
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>

use percent_encoding::{percent_decode_str, percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but the unreserved characters.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// URI-encodes `bytes` the SigV4 way.
pub(crate) fn encode(bytes: &[u8]) -> String {
    percent_encode(bytes, NOT_UNRESERVED).to_string()
}

/// Splits a raw query string into `(name, value)` pairs, still encoded as they
/// came. Empty pieces (`a=1&&b=2`) are skipped; a piece without `=` has an empty
/// value.
pub(crate) fn raw_pairs(query: &str) -> impl Iterator<Item = (&str, &str)> {
    query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| piece.split_once('=').unwrap_or((piece, "")))
}

/// Percent-decodes `s` into bytes. `+` stays `+`: a query string is not a form.
/// Malformed escapes (`%G1`, a trailing `%`) are kept as they are.
pub(crate) fn decode(s: &str) -> Vec<u8> {
    percent_decode_str(s).collect()
}

/// Percent-decodes `s` into text, replacing invalid UTF-8 with U+FFFD. Used only
/// to read our own query parameters (`X-Amz-Credential` and friends).
pub(crate) fn decode_text(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_unreserved() {
        let unreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        assert_eq!(encode(unreserved.as_bytes()), unreserved);
        assert_eq!(encode(b" /+=&%*"), "%20%2F%2B%3D%26%25%2A");
        assert_eq!(encode("\u{1234}".as_bytes()), "%E1%88%B4");
    }

    #[test]
    fn splits_and_decodes_query() {
        let pairs: Vec<_> = raw_pairs("a=1&&b&c=x=y&=z").collect();
        assert_eq!(pairs, [("a", "1"), ("b", ""), ("c", "x=y"), ("", "z")]);
        assert_eq!(decode("a%20b+c%2Fd%"), b"a b+c/d%");
        assert_eq!(decode_text("AKID%2F20150830"), "AKID/20150830");
        assert_eq!(decode_text("%FF"), "\u{fffd}");
    }
}
