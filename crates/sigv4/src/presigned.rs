//! The query form (presigned URL): the signature and its parameters travel in the
//! query string instead of the `Authorization` header.
//!
//! ```text
//! ?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F…%2Faws4_request
//!  &X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host
//!  [&X-Amz-Security-Token=…]&X-Amz-Signature=<64 hex>
//! ```
//!
//! AWS guide, section "Add the signature to the request":
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>

use crate::amz_date::{format_basic, format_date};
use crate::authorization::{
    check_scope_date, check_signed_headers, incomplete, parse_amz_date, parse_signed_headers,
    unsupported_algorithm, Authorization, Form,
};
use crate::canonical_request::{
    assemble, canonical_query_of, canonical_uri, CanonicalHeaders, SIGNATURE_PARAM,
};
use crate::credential_scope::{scope, Credential};
use crate::error::Error;
use crate::signature::SigningParams;
use crate::signing_key::SigningKey;
use crate::uri_encoding::{decode, decode_text, raw_pairs};
use crate::{string_to_sign, RequestParts, ALGORITHM};

const ALGORITHM_PARAM: &str = "X-Amz-Algorithm";
const CREDENTIAL_PARAM: &str = "X-Amz-Credential";
const DATE_PARAM: &str = "X-Amz-Date";
const EXPIRES_PARAM: &str = "X-Amz-Expires";
const SIGNED_HEADERS_PARAM: &str = "X-Amz-SignedHeaders";
const TOKEN_PARAM: &str = "X-Amz-Security-Token";

/// The longest validity a presigned request may claim: seven days.
pub const MAX_EXPIRES_SECS: u64 = 604_800;

/// Whether the query carries a query-form signature (`X-Amz-Algorithm` or
/// `X-Amz-Signature`).
pub(crate) fn is_presigned(query: Option<&str>) -> bool {
    raw_pairs(query.unwrap_or_default()).any(|(name, _)| {
        let name = decode(name);
        name == ALGORITHM_PARAM.as_bytes() || name == SIGNATURE_PARAM.as_bytes()
    })
}

/// Parses the query form. See [`parse`](crate::parse) for the errors.
pub(crate) fn parse_query(req: &RequestParts<'_>) -> Result<Authorization, Error> {
    let query = req.query.unwrap_or_default();
    // The first occurrence of a repeated parameter wins.
    let find = |wanted: &str| {
        raw_pairs(query)
            .find(|(name, _)| decode(name) == wanted.as_bytes())
            .map(|(_, value)| decode_text(value))
    };
    let required = [
        ALGORITHM_PARAM,
        CREDENTIAL_PARAM,
        SIGNATURE_PARAM,
        DATE_PARAM,
        SIGNED_HEADERS_PARAM,
        EXPIRES_PARAM,
    ];
    let values = required.map(find);
    if values.iter().any(Option::is_none) {
        let missing: Vec<String> = required
            .iter()
            .zip(&values)
            .filter(|(_, value)| value.is_none())
            .map(|(name, _)| format!("AWS query-string parameters must include '{name}'."))
            .collect();
        return Err(incomplete(format!(
            "{} Re-examine the query-string parameters.",
            missing.join(" ")
        )));
    }
    let [algorithm, credential, signature, date, signed_headers, expires] =
        values.map(Option::unwrap_or_default);

    if algorithm != ALGORITHM {
        return Err(unsupported_algorithm(&algorithm));
    }
    let credential = Credential::parse(&credential)?;
    let amz_date = parse_amz_date(&date)?;
    let expires = parse_expires(&expires)?;
    check_scope_date(&credential.date, amz_date)?;
    let signed_headers = parse_signed_headers(&signed_headers);
    check_signed_headers(&signed_headers, req.headers)?;

    let header_token = || {
        req.headers
            .get("x-amz-security-token")
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
    };
    Ok(Authorization {
        form: Form::Query,
        access_key_id: credential.access_key_id,
        date: credential.date,
        region: credential.region,
        service: credential.service,
        signed_headers,
        signature,
        amz_date,
        expires: Some(expires),
        security_token: find(TOKEN_PARAM).or_else(header_token),
    })
}

/// `X-Amz-Expires`: whole seconds, 1..=604800.
fn parse_expires(value: &str) -> Result<u64, Error> {
    match value.parse::<u64>() {
        Ok(secs) if (1..=MAX_EXPIRES_SECS).contains(&secs) => Ok(secs),
        _ => Err(incomplete(format!(
            "X-Amz-Expires must be a whole number of seconds from 1 to {MAX_EXPIRES_SECS}, \
             not '{value}'."
        ))),
    }
}

/// Presigns `req`: returns the query string to send, made of the request's own
/// query parameters plus the query-form signature parameters (canonical order).
///
/// `req.query` must not already hold any `X-Amz-*` signature parameter, and
/// `req.headers` must hold every header in `params.signed_headers`. The payload
/// hash is that of the body that will be sent (an empty body for a GET). For
/// tests and the bench tool; the server never signs.
pub fn presign(
    req: &RequestParts<'_>,
    payload_sha256_hex: &str,
    params: &SigningParams<'_>,
    expires: u64,
    security_token: Option<&str>,
) -> String {
    let date = format_date(params.amz_date);
    let amz_date = format_basic(params.amz_date);
    let scope = scope(&date, params.region, params.service);
    let headers = CanonicalHeaders::new(req.headers, params.signed_headers);

    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = raw_pairs(req.query.unwrap_or_default())
        .map(|(name, value)| (decode(name), decode(value)))
        .collect();
    let credential = format!("{}/{scope}", params.access_key_id);
    let expires = expires.to_string();
    let mut ours = vec![
        (ALGORITHM_PARAM, ALGORITHM),
        (CREDENTIAL_PARAM, credential.as_str()),
        (DATE_PARAM, amz_date.as_str()),
        (EXPIRES_PARAM, expires.as_str()),
        (SIGNED_HEADERS_PARAM, headers.signed.as_str()),
    ];
    if let Some(token) = security_token {
        ours.push((TOKEN_PARAM, token));
    }
    pairs.extend(
        ours.into_iter()
            .map(|(name, value)| (name.as_bytes().to_vec(), value.as_bytes().to_vec())),
    );
    let query = canonical_query_of(pairs.into_iter());

    let creq = assemble(
        req.method,
        &canonical_uri(req.path),
        &query,
        &headers,
        payload_sha256_hex,
    );
    let sts = string_to_sign::build(&amz_date, &scope, &creq);
    let key = SigningKey::derive(params.secret, &date, params.region, params.service);
    format!("{query}&{SIGNATURE_PARAM}={}", key.sign(&sts))
}

#[cfg(test)]
mod tests;
