//! What a request claims about its signature, and the parser for the header form:
//!
//! ```text
//! Authorization: AWS4-HMAC-SHA256 Credential=AKID/yyyymmdd/region/service/aws4_request,
//!                SignedHeaders=host;x-amz-date, Signature=<64 hex>
//! ```
//!
//! AWS guide, section "Add the signature to the request":
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>

use std::borrow::Cow;
use std::fmt;

use http::{HeaderMap, HeaderValue};
use time::OffsetDateTime;

use crate::amz_date::{format_basic, format_date, parse_basic, parse_http_date};
use crate::credential_scope::Credential;
use crate::error::Error;
use crate::{presigned, RequestParts, ALGORITHM};

/// Where the signature travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// In the `Authorization` header.
    Header,
    /// In the query string (`X-Amz-Algorithm`, `X-Amz-Signature`, …): a presigned
    /// URL.
    Query,
}

/// What a request claims about its signature: parsed by [`parse`], not yet
/// checked.
///
/// `Debug` redacts the signature and the security token. Never log or display
/// those two fields yourself.
#[derive(Clone, PartialEq, Eq)]
pub struct Authorization {
    /// Header or query form.
    pub form: Form,
    /// The access key id of the credential.
    pub access_key_id: String,
    /// The scope date, `yyyymmdd` (equal to the date of `amz_date`).
    pub date: String,
    /// The scope region.
    pub region: String,
    /// The scope service (signing name).
    pub service: String,
    /// The signed header names, lower-cased, in the order listed.
    pub signed_headers: Vec<String>,
    /// The claimed signature, hex. Secret-like: never display or log it.
    pub signature: String,
    /// The request time, from `X-Amz-Date` (header or query) or the `Date` header.
    pub amz_date: OffsetDateTime,
    /// `X-Amz-Expires` in seconds (1..=604800), query form only.
    pub expires: Option<u64>,
    /// `X-Amz-Security-Token` (header, or query in the query form). Secret: never
    /// display or log it.
    pub security_token: Option<String>,
}

impl fmt::Debug for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authorization")
            .field("form", &self.form)
            .field("access_key_id", &self.access_key_id)
            .field("date", &self.date)
            .field("region", &self.region)
            .field("service", &self.service)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &REDACTED)
            .field("amz_date", &self.amz_date)
            .field("expires", &self.expires)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| REDACTED),
            )
            .finish()
    }
}

/// What stands in for a secret in `Debug` output and in messages.
const REDACTED: &str = "<redacted>";

/// Reads what `req` claims about its signature, in either form.
///
/// Checks the syntax only: the scope's region and service, the clock and the
/// signature itself are left to [`check_scope`](crate::check_scope),
/// [`check_clock`](crate::check_clock) and [`verify`](crate::verify).
///
/// # Errors
///
/// - [`Error::MissingAuthenticationToken`] when there is neither a non-empty
///   `Authorization` header nor `X-Amz-Algorithm`/`X-Amz-Signature` in the query.
/// - [`Error::IncompleteSignature`], checked in this order: both forms at once;
///   an algorithm other than `AWS4-HMAC-SHA256`; a header part that is not
///   `key=value`; missing `Credential`, `Signature`, `SignedHeaders` or date (all
///   missing ones in one message), or missing query parameters; a credential
///   that is not `AKID/yyyymmdd/region/service/aws4_request`; an unparsable date;
///   `X-Amz-Expires` outside 1..=604800; a scope date other than the request
///   date; `host` not signed; a signed header the request does not carry; the
///   `X-Amz-Date` (or, without it, `Date`) header not signed.
pub fn parse(req: &RequestParts<'_>) -> Result<Authorization, Error> {
    let header = req
        .headers
        .get(http::header::AUTHORIZATION)
        .filter(|value| !value.as_bytes().trim_ascii().is_empty());
    let presigned = presigned::is_presigned(req.query);
    match (header, presigned) {
        (Some(_), true) => Err(incomplete(
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter \
             or the Authorization header should be specified",
        )),
        (Some(value), false) => parse_header(value, req),
        (None, true) => presigned::parse_query(req),
        (None, false) => Err(Error::MissingAuthenticationToken),
    }
}

/// Parses the header form.
fn parse_header(value: &HeaderValue, req: &RequestParts<'_>) -> Result<Authorization, Error> {
    let raw = String::from_utf8_lossy(value.as_bytes());
    let shown = redact(&raw);
    let (algorithm, rest) = split_algorithm(&raw);
    if algorithm != ALGORITHM {
        return Err(unsupported_algorithm(algorithm));
    }

    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, value)) = part.split_once('=') else {
            return Err(incomplete(format!(
                "'{}' not a valid key=value pair (missing equal-sign) in Authorization \
                 header: '{shown}'.",
                redact_part(part)
            )));
        };
        // The first of a repeated key wins; unknown keys are ignored, as AWS does.
        let slot = match key.trim() {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => continue,
        };
        slot.get_or_insert(value.trim());
    }

    // X-Amz-Date wins; the Date header is the fallback (true = X-Amz-Date).
    let request_time = match (
        req.headers.get("x-amz-date"),
        req.headers.get(http::header::DATE),
    ) {
        (Some(value), _) => Some((value, true)),
        (None, Some(value)) => Some((value, false)),
        (None, None) => None,
    };
    let (Some(credential), Some(signature), Some(signed_headers), Some(request_time)) =
        (credential, signature, signed_headers, request_time)
    else {
        let mut missing = Vec::new();
        for (name, absent) in [
            ("Credential", credential.is_none()),
            ("Signature", signature.is_none()),
            ("SignedHeaders", signed_headers.is_none()),
        ] {
            if absent {
                missing.push(format!("Authorization header requires '{name}' parameter."));
            }
        }
        if request_time.is_none() {
            missing.push(
                "Authorization header requires existence of either a 'X-Amz-Date' or a \
                 'Date' header."
                    .to_owned(),
            );
        }
        return Err(incomplete(format!(
            "{} Authorization={shown}",
            missing.join(" ")
        )));
    };

    let credential = Credential::parse(credential)?;
    let (amz_date, date_header) = match request_time {
        (value, true) => (parse_amz_date(&lossy(value))?, "X-Amz-Date"),
        (value, false) => (parse_date_header(&lossy(value))?, "Date"),
    };
    check_scope_date(&credential.date, amz_date)?;
    let signed_headers = parse_signed_headers(signed_headers);
    check_signed_headers(&signed_headers, req.headers)?;
    check_date_signed(&signed_headers, date_header)?;

    Ok(Authorization {
        form: Form::Header,
        access_key_id: credential.access_key_id,
        date: credential.date,
        region: credential.region,
        service: credential.service,
        signed_headers,
        signature: signature.to_owned(),
        amz_date,
        expires: None,
        security_token: req.headers.get("x-amz-security-token").map(lossy),
    })
}

/// `AWS4-HMAC-SHA256 rest…` → (`AWS4-HMAC-SHA256`, `rest…`).
fn split_algorithm(header: &str) -> (&str, &str) {
    let header = header.trim();
    header
        .split_once(|c: char| c.is_ascii_whitespace())
        .unwrap_or((header, ""))
}

pub(crate) fn unsupported_algorithm(algorithm: &str) -> Error {
    incomplete(format!(
        "Unsupported AWS 'algorithm': '{}'. Only '{ALGORITHM}' is supported.",
        redact_part(algorithm)
    ))
}

/// Parses `X-Amz-Date` (header or query parameter).
pub(crate) fn parse_amz_date(value: &str) -> Result<OffsetDateTime, Error> {
    parse_basic(value).ok_or_else(|| {
        incomplete(format!(
            "Date must be in ISO-8601 'basic format'. Got '{value}'. \
             See http://en.wikipedia.org/wiki/ISO_8601"
        ))
    })
}

/// Parses the `Date` header, used only when there is no `X-Amz-Date`.
fn parse_date_header(value: &str) -> Result<OffsetDateTime, Error> {
    parse_http_date(value).ok_or_else(|| {
        incomplete(format!(
            "Date header must be an HTTP-date such as 'Sun, 30 Aug 2015 12:36:00 GMT' \
             or in ISO-8601 'basic format'. Got '{value}'."
        ))
    })
}

/// The scope date must be the date of the request time.
pub(crate) fn check_scope_date(scope_date: &str, amz_date: OffsetDateTime) -> Result<(), Error> {
    let request_date = format_date(amz_date);
    if scope_date == request_date {
        return Ok(());
    }
    Err(incomplete(format!(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date \
         from HTTP: '{scope_date}' != '{request_date}', from '{}'.",
        format_basic(amz_date)
    )))
}

/// Splits a `SignedHeaders` value on `;`, lower-casing each name.
pub(crate) fn parse_signed_headers(value: &str) -> Vec<String> {
    value
        .split(';')
        .map(|name| name.trim().to_ascii_lowercase())
        .collect()
}

/// `host` must be signed, and every signed header must be in the request.
pub(crate) fn check_signed_headers(names: &[String], headers: &HeaderMap) -> Result<(), Error> {
    if !names.iter().any(|name| name == "host") {
        return Err(incomplete(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        ));
    }
    match names
        .iter()
        .find(|name| !headers.contains_key(name.as_str()))
    {
        // A name may hold a signature that lost its comma (`x-amz-date Signature=…`).
        Some(absent) => Err(incomplete(format!(
            "Header '{}' is listed in SignedHeaders but is absent from the request.",
            redact_part(absent)
        ))),
        None => Ok(()),
    }
}

/// The header that carries the request time must be signed too: "if you include
/// a date or x-amz-date header, you must also include that header in the list of
/// signed headers" (AWS SigV4 guide, "Create a canonical request"). Every SDK
/// does. The presigned form needs no such check: its date is a query parameter,
/// and the whole query is signed.
fn check_date_signed(names: &[String], header: &str) -> Result<(), Error> {
    if names.iter().any(|name| name.eq_ignore_ascii_case(header)) {
        return Ok(());
    }
    Err(incomplete(format!(
        "'{header}' must be a 'SignedHeader' in the AWS Authorization."
    )))
}

pub(crate) fn incomplete(message: impl Into<String>) -> Error {
    Error::IncompleteSignature(message.into())
}

fn lossy(value: &HeaderValue) -> String {
    String::from_utf8_lossy(value.as_bytes()).into_owned()
}

/// The header with every signature value replaced by `<redacted>`, fit to echo.
fn redact(header: &str) -> String {
    header
        .split(',')
        .map(redact_part)
        .collect::<Vec<_>>()
        .join(",")
}

/// Cuts `part` after the first `signature` (any case) and appends `=<redacted>`.
///
/// Deliberately blunt: it also catches `Signature abc` (no equal sign) and a
/// signature glued to the algorithm, at the price of over-redacting a part that
/// merely contains the word.
pub(crate) fn redact_part(part: &str) -> Cow<'_, str> {
    const KEY: &str = "signature";
    let Some(at) = part.to_ascii_lowercase().find(KEY) else {
        return Cow::Borrowed(part);
    };
    let kept = part.get(..at + KEY.len()).unwrap_or_default();
    Cow::Owned(format!("{kept}={REDACTED}"))
}

#[cfg(test)]
mod tests;
