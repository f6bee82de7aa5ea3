//! Helpers shared by the unit tests: an owned request to borrow
//! [`RequestParts`] from, and the credentials of AWS's test suite.

use http::{HeaderMap, HeaderName, HeaderValue};
use time::macros::datetime;
use time::OffsetDateTime;

use crate::{payload_sha256_hex, Authorization, Form, RequestParts, SecretKey};

/// The access key id of AWS's SigV4 test suite.
pub(crate) const AKID: &str = "AKIDEXAMPLE";
/// The secret access key of AWS's SigV4 test suite.
pub(crate) const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The request time of AWS's SigV4 test suite.
pub(crate) const SUITE_TIME: OffsetDateTime = datetime!(2015-08-30 12:36:00 UTC);

pub(crate) fn secret() -> SecretKey {
    SecretKey::new(SECRET.to_owned())
}

/// A request that owns its parts.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Request {
    pub(crate) fn new(method: &str, target: &str) -> Self {
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path, Some(query.to_owned())),
            None => (target, None),
        };
        Request {
            method: method.to_owned(),
            path: path.to_owned(),
            query,
            headers: HeaderMap::new(),
            body: Vec::new(),
        }
    }

    /// Appends a header (a repeated name keeps every value, in order).
    pub(crate) fn header(mut self, name: &str, value: &str) -> Self {
        self.append(name, value);
        self
    }

    pub(crate) fn append(&mut self, name: &str, value: &str) {
        let name = HeaderName::from_bytes(name.as_bytes()).expect("test header name");
        let value = HeaderValue::from_str(value).expect("test header value");
        self.headers.append(name, value);
    }

    pub(crate) fn set(&mut self, name: &str, value: &str) {
        let name = HeaderName::from_bytes(name.as_bytes()).expect("test header name");
        let value = HeaderValue::from_str(value).expect("test header value");
        self.headers.insert(name, value);
    }

    pub(crate) fn body(mut self, body: &[u8]) -> Self {
        self.body = body.to_vec();
        self
    }

    pub(crate) fn parts(&self) -> RequestParts<'_> {
        RequestParts {
            method: &self.method,
            path: &self.path,
            query: self.query.as_deref(),
            headers: &self.headers,
        }
    }

    pub(crate) fn payload_hash(&self) -> String {
        payload_sha256_hex(&self.body)
    }
}

/// A header-form claim for `region` and `service`, as `parse` would return it.
pub(crate) fn header_auth(region: &str, service: &str) -> Authorization {
    Authorization {
        form: Form::Header,
        access_key_id: AKID.to_owned(),
        date: "20150830".to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
        signed_headers: vec!["host".to_owned(), "x-amz-date".to_owned()],
        signature: "0".repeat(64),
        amz_date: SUITE_TIME,
        expires: None,
        security_token: None,
    }
}
