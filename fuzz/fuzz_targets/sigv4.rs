//! SigV4: the parser of the `Authorization` header and of the presigned query
//! string (`sagetag_sigv4::parse`), then scope, clock and signature checks on
//! whatever parses, and a sign-then-verify round trip on the same request.
//!
//! Input: an HTTP/1.1 request as text, lines ending in `\r\n` or `\n`:
//!
//! ```text
//! POST /path?query
//! Name: value
//! …
//!
//! body
//! ```
//!
//! Header lines that are not valid HTTP are skipped. An `x-fuzz-clock: <secs>`
//! line is not a header: it sets the server clock to the request time plus
//! that many seconds (default 0). The keys of the e2e suite's Alice and session
//! credentials have their real secrets, so real requests in the seed corpus
//! verify.
//!
//! Properties beyond "no panic": no error message quotes the claimed signature
//! or the security token, and a request signed by `sign_with` or `presign`
//! always parses and verifies.
#![no_main]

use http::{HeaderMap, HeaderName, HeaderValue};
use libfuzzer_sys::fuzz_target;
use sagetag_sigv4::{self as sigv4, Error, RequestParts, SecretKey, SigningParams};
use time::{Duration, OffsetDateTime};

const CLOCK: &str = "x-fuzz-clock";

struct Request<'a> {
    method: String,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
    clock: i64,
    body: &'a [u8],
    text: &'a [u8],
}

impl Request<'_> {
    fn parts(&self) -> RequestParts<'_> {
        RequestParts {
            method: &self.method,
            path: &self.path,
            query: self.query.as_deref(),
            headers: &self.headers,
        }
    }
}

fn read(data: &[u8]) -> Request<'_> {
    let (head, body) = match find(data, b"\r\n\r\n") {
        Some(at) => (&data[..at], &data[at + 4..]),
        None => match find(data, b"\n\n") {
            Some(at) => (&data[..at], &data[at + 2..]),
            None => (data, &b""[..]),
        },
    };
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let first = String::from_utf8_lossy(lines.next().unwrap_or_default()).into_owned();
    let (method, target) = first.split_once(' ').unwrap_or((&first, "/"));
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (target.to_owned(), None),
    };
    let mut headers = HeaderMap::new();
    let mut clock = 0;
    for line in lines {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let value = line[colon + 1..].trim_ascii();
        let Ok(name) = HeaderName::from_bytes(line[..colon].trim_ascii()) else {
            continue;
        };
        if name == CLOCK {
            clock = String::from_utf8_lossy(value).parse().unwrap_or(0);
        } else if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.append(name, value);
        }
    }
    Request {
        method: method.to_owned(),
        path,
        query,
        headers,
        clock,
        body,
        text: data,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn secret_of(access_key_id: &str) -> SecretKey {
    let secret = match access_key_id {
        "AKIDALICE00000000001" => "aliceSecret/0000+KeyMaterial0000000001",
        "AKIDSESSION000000003" => "sessionSecret/0+KeyMaterial0000000003",
        _ => "fuzzSecret",
    };
    SecretKey::new(secret.to_owned())
}

/// Values a message must never quote: the claimed signature and the token,
/// wherever they travel. Short ones, and ones the request also carries in
/// another place (where quoting them is fair), are left out.
fn secrets(req: &Request<'_>) -> Vec<String> {
    let mut found = Vec::new();
    if let Some(auth) = req.headers.get(http::header::AUTHORIZATION) {
        let auth = String::from_utf8_lossy(auth.as_bytes());
        if let Some((_, rest)) = auth.split_once("Signature=") {
            found.push(rest.split([',', ' ']).next().unwrap_or_default().to_owned());
        }
    }
    if let Some(token) = req.headers.get("x-amz-security-token") {
        found.push(String::from_utf8_lossy(token.as_bytes()).into_owned());
    }
    for pair in req.query.as_deref().unwrap_or_default().split('&') {
        if let Some((name, value)) = pair.split_once('=') {
            if name == "X-Amz-Signature" || name == "X-Amz-Security-Token" {
                found.push(value.to_owned());
            }
        }
    }
    let text = String::from_utf8_lossy(req.text);
    found.retain(|s| s.len() >= 16 && text.matches(s.as_str()).count() == 1);
    found
}

/// The message of each check a received request goes through (parse, scope,
/// clock, signature), `None` where the check passed or was not reached.
fn messages(req: &Request<'_>) -> Vec<Option<String>> {
    let parts = req.parts();
    let message = |err: Error| {
        assert!(!err.code().is_empty());
        Some(err.to_string())
    };
    let auth = match sigv4::parse(&parts) {
        Ok(auth) => auth,
        Err(err) => return vec![message(err)],
    };
    let _ = format!("{auth:?}");
    let scope = sigv4::check_scope(&auth, "sagemaker", |region| region == "us-east-1");
    let now = auth
        .amz_date
        .checked_add(Duration::seconds(req.clock))
        .unwrap_or(auth.amz_date);
    let clock = sigv4::check_clock(&auth, now, Duration::minutes(5));
    let hash = sigv4::payload_sha256_hex(req.body);
    let verified = sigv4::verify(&parts, &auth, &hash, &secret_of(&auth.access_key_id));
    vec![
        None,
        scope.err().and_then(message),
        clock.err().and_then(message),
        verified.err().and_then(message),
    ]
}

/// Checks that no message quotes a secret of the request. A message that
/// contains a secret only quotes it if the secret came from the request: the
/// same check of the request with that secret overwritten must then say
/// something else. Otherwise the secret is a piece of the message's fixed
/// text (a token `t is missing Authentication To` is in "Request is missing
/// Authentication Token").
fn check_as_received(req: &Request<'_>) {
    let said = messages(req);
    for secret in secrets(req) {
        let quoted: Vec<usize> = (0..said.len())
            .filter(|&i| {
                said[i]
                    .as_deref()
                    .is_some_and(|m| m.contains(secret.as_str()))
            })
            .collect();
        if quoted.is_empty() {
            continue;
        }
        let masked = mask(req.text, &secret);
        let said_masked = masked.as_deref().map(|text| messages(&read(text)));
        for i in quoted {
            let fixed_text = said_masked
                .as_ref()
                .and_then(|m| m.get(i)?.as_deref())
                .is_some_and(|m| m.contains(secret.as_str()));
            assert!(fixed_text, "message quotes a secret: {:?}", said[i]);
        }
    }
}

/// `text` with the one occurrence of `secret` overwritten by a filler of the
/// same length that shares no character with it; `None` when `secret` is not
/// in the raw bytes (it held invalid UTF-8).
fn mask(text: &[u8], secret: &str) -> Option<Vec<u8>> {
    let at = find(text, secret.as_bytes())?;
    let filler = [b'Q', b'Z', b'X', b'J', b'K']
        .into_iter()
        .find(|&b| !secret.as_bytes().contains(&b))?;
    let mut masked = text.to_vec();
    masked[at..at + secret.len()].fill(filler);
    Some(masked)
}

/// Signs the request anew (header form, then query form) over every header it
/// carries, and checks that the result parses and verifies.
fn check_round_trip(req: &Request<'_>) {
    let mut headers = req.headers.clone();
    for name in ["authorization", "x-amz-date", "date"] {
        headers.remove(name);
    }
    if !headers.contains_key(http::header::HOST) {
        headers.insert(
            http::header::HOST,
            HeaderValue::from_static("127.0.0.1:4570"),
        );
    }
    let at =
        OffsetDateTime::from_unix_timestamp(1_440_938_160).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    headers.insert("x-amz-date", HeaderValue::from_static("20150830T123600Z"));
    let unsigned = RequestParts {
        headers: &headers,
        ..req.parts()
    };
    // A query that already carries a query-form signature is another test.
    if !matches!(
        sigv4::parse(&unsigned),
        Err(Error::MissingAuthenticationToken)
    ) {
        return;
    }

    let names: Vec<String> = headers.keys().map(|n| n.as_str().to_owned()).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let secret = secret_of("AKIDALICE00000000001");
    let params = SigningParams {
        access_key_id: "AKIDALICE00000000001",
        secret: &secret,
        region: "us-east-1",
        service: "sagemaker",
        amz_date: at,
        signed_headers: &names,
    };
    let hash = sigv4::payload_sha256_hex(req.body);

    let value = sigv4::sign_with(&unsigned, &hash, &params);
    let mut signed_headers = headers.clone();
    let Ok(value) = HeaderValue::from_str(&value) else {
        panic!("sign_with wrote an invalid header value: {value}");
    };
    signed_headers.insert(http::header::AUTHORIZATION, value);
    let signed = RequestParts {
        headers: &signed_headers,
        ..unsigned
    };
    let auth = sigv4::parse(&signed).expect("a signed request parses");
    sigv4::verify(&signed, &auth, &hash, &secret).expect("a signed request verifies");

    // `presign` wants a query free of signature parameters, in any spelling.
    let query = unsigned.query.unwrap_or_default();
    if query.contains('%') || query.to_ascii_lowercase().contains("x-amz-") {
        return;
    }
    let query = sigv4::presign(&unsigned, &hash, &params, 300, None);
    let presigned = RequestParts {
        query: Some(&query),
        ..unsigned
    };
    let auth = sigv4::parse(&presigned).expect("a presigned request parses");
    sigv4::verify(&presigned, &auth, &hash, &secret).expect("a presigned request verifies");
}

fuzz_target!(|data: &[u8]| {
    let req = read(data);
    check_as_received(&req);
    check_round_trip(&req);
});
