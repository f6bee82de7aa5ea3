//! Task 1 of SigV4: the canonical request.
//!
//! ```text
//! METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n PayloadHash
//! ```
//!
//! AWS guide, section "Create a canonical request":
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>

use http::HeaderMap;

use crate::authorization::{Authorization, Form};
use crate::uri_encoding::{decode, encode, raw_pairs};
use crate::RequestParts;

/// The query parameter that carries the signature in the query form; it is the
/// one parameter left out of that form's canonical query.
pub(crate) const SIGNATURE_PARAM: &str = "X-Amz-Signature";

/// The canonical request for `req` as `auth` claims it was signed.
///
/// It is bytes, not text: a header value may carry octets that are not UTF-8, and
/// the client hashed them as they are. Exposed so that a server can log it (at
/// debug level) when a signature does not match, and for tests.
pub fn canonical_request(
    req: &RequestParts<'_>,
    auth: &Authorization,
    payload_sha256_hex: &str,
) -> Vec<u8> {
    let query = canonical_query(req.query, auth.form == Form::Query);
    let headers = CanonicalHeaders::new(req.headers, &auth.signed_headers);
    assemble(
        req.method,
        &canonical_uri(req.path),
        &query,
        &headers,
        payload_sha256_hex,
    )
}

/// Joins the six parts with `\n`.
pub(crate) fn assemble(
    method: &str,
    uri: &str,
    query: &str,
    headers: &CanonicalHeaders,
    payload_sha256_hex: &str,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(128 + headers.block.len());
    for part in [method, uri, query] {
        out.extend_from_slice(part.as_bytes());
        out.push(b'\n');
    }
    out.extend_from_slice(&headers.block);
    out.push(b'\n');
    out.extend_from_slice(headers.signed.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(payload_sha256_hex.as_bytes());
    out
}

/// The canonical URI of `path`, the request path exactly as it came on the wire
/// (still percent-encoded).
///
/// As every AWS service but S3 does, the path is first normalised (RFC 3986
/// §5.2.4 dot segments removed; empty segments dropped, so `//` becomes `/`; a
/// trailing slash kept), then each segment is URI-encoded once more. A path that
/// arrives as `/a%20b` is therefore signed as `/a%2520b`: botocore and the Go SDK
/// encode the already-encoded path too. For SageMaker the path is always `/`, so
/// none of this changes a real request; it matters only for the AWS test suite.
pub(crate) fn canonical_uri(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let last = path.rsplit('/').next().unwrap_or_default();
    let trailing_slash = path.ends_with('/') || last == "." || last == "..";

    let mut out = String::with_capacity(path.len() + 1);
    for segment in &segments {
        out.push('/');
        out.push_str(&encode(segment.as_bytes()));
    }
    if segments.is_empty() || trailing_slash {
        out.push('/');
    }
    out
}

/// The canonical query string: each name and value decoded, then URI-encoded the
/// SigV4 way, sorted by encoded name then value, joined with `&`. With
/// `drop_signature`, `X-Amz-Signature` is left out (query form).
pub(crate) fn canonical_query(query: Option<&str>, drop_signature: bool) -> String {
    let pairs = raw_pairs(query.unwrap_or_default())
        .map(|(name, value)| (decode(name), decode(value)))
        .filter(|(name, _)| !(drop_signature && name == SIGNATURE_PARAM.as_bytes()));
    canonical_query_of(pairs)
}

/// Encodes, sorts and joins decoded `(name, value)` pairs.
pub(crate) fn canonical_query_of(pairs: impl Iterator<Item = (Vec<u8>, Vec<u8>)>) -> String {
    let mut encoded: Vec<(String, String)> = pairs
        .map(|(name, value)| (encode(&name), encode(&value)))
        .collect();
    encoded.sort();
    let mut out = String::new();
    for (i, (name, value)) in encoded.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out
}

/// The canonical headers block and the signed-headers line, built from exactly
/// the names listed (lower-cased, sorted, duplicates dropped).
pub(crate) struct CanonicalHeaders {
    /// `name:value\n` for each signed header.
    pub(crate) block: Vec<u8>,
    /// The names joined with `;`.
    pub(crate) signed: String,
}

impl CanonicalHeaders {
    /// Each value is trimmed and its inner runs of spaces and tabs become one
    /// space (as botocore and the JS SDK do); several values of one header are
    /// joined with `,` in the order received. A listed header that is absent gives
    /// an empty value; callers that verify refuse that case earlier.
    pub(crate) fn new<S: AsRef<str>>(headers: &HeaderMap, names: &[S]) -> Self {
        let mut names: Vec<String> = names
            .iter()
            .map(|name| name.as_ref().to_ascii_lowercase())
            .collect();
        names.sort();
        names.dedup();

        let mut block = Vec::new();
        for name in &names {
            block.extend_from_slice(name.as_bytes());
            block.push(b':');
            // `get_all` with a name that is not a valid header name finds nothing.
            for (i, value) in headers.get_all(name.as_str()).iter().enumerate() {
                if i > 0 {
                    block.push(b',');
                }
                push_normalized(&mut block, value.as_bytes());
            }
            block.push(b'\n');
        }
        CanonicalHeaders {
            block,
            signed: names.join(";"),
        }
    }
}

/// Appends `value` trimmed, with each inner run of spaces and tabs as one space.
fn push_normalized(out: &mut Vec<u8>, value: &[u8]) {
    let is_space = |c: &u8| *c == b' ' || *c == b'\t';
    let mut pending_space = false;
    let mut started = false;
    for c in value {
        if is_space(c) {
            pending_space = started;
            continue;
        }
        if pending_space {
            out.push(b' ');
            pending_space = false;
        }
        out.push(*c);
        started = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn uri_is_normalised_then_encoded() {
        let cases = [
            ("", "/"),
            ("/", "/"),
            ("//", "/"),
            ("/./", "/"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("/./example", "/example"),
            ("//example//", "/example/"),
            ("/a/./b/../c/", "/a/c/"),
            ("/a/.", "/a/"),
            ("/../../a", "/a"),
            ("/example space/", "/example%20space/"),
            ("/\u{1234}", "/%E1%88%B4"),
            // Already encoded on the wire: encoded once more, as AWS does.
            ("/a%20b", "/a%2520b"),
            ("/a+b=c", "/a%2Bb%3Dc"),
        ];
        for (path, want) in cases {
            assert_eq!(canonical_uri(path), want, "{path:?}");
        }
    }

    #[test]
    fn query_is_decoded_encoded_and_sorted() {
        let q = |s| canonical_query(Some(s), false);
        assert_eq!(q("b=2&a=1&a=0"), "a=0&a=1&b=2");
        assert_eq!(
            q("Param1=value2&Param1=Value1"),
            "Param1=Value1&Param1=value2"
        );
        assert_eq!(q("k=a%20b&k2=a+b&flag"), "flag=&k=a%20b&k2=a%2Bb");
        assert_eq!(q("x=%2f&y=/"), "x=%2F&y=%2F");
        assert_eq!(canonical_query(None, false), "");
        assert_eq!(q(""), "");
    }

    #[test]
    fn query_form_leaves_the_signature_out() {
        let query = "X-Amz-Signature=abc&a=1&X-Amz-Date=20150830T123600Z";
        assert_eq!(
            canonical_query(Some(query), true),
            "X-Amz-Date=20150830T123600Z&a=1"
        );
        assert!(canonical_query(Some(query), false).contains("X-Amz-Signature=abc"));
    }

    #[test]
    fn headers_are_trimmed_joined_and_sorted() {
        let mut headers = HeaderMap::new();
        headers.append("x-b", HeaderValue::from_static("  two   words\t\there  "));
        headers.append("x-a", HeaderValue::from_static("1"));
        headers.append("x-a", HeaderValue::from_static(" 2 "));
        headers.append("x-unsigned", HeaderValue::from_static("ignored"));
        let canonical = CanonicalHeaders::new(&headers, &["X-B", "x-a", "x-missing", "x-a"]);
        assert_eq!(
            String::from_utf8_lossy(&canonical.block),
            "x-a:1,2\nx-b:two words here\nx-missing:\n"
        );
        assert_eq!(canonical.signed, "x-a;x-b;x-missing");
    }

    #[test]
    fn invalid_header_names_find_nothing() {
        let headers = HeaderMap::new();
        let canonical = CanonicalHeaders::new(&headers, &["", "bad name", "\u{1234}"]);
        assert_eq!(canonical.signed, ";bad name;\u{1234}");
    }
}
