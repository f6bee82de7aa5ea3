use super::*;
use crate::test_support::{secret, Request, AKID, SUITE_TIME};
use crate::{parse, verify, SecretKey};

const HOST: &str = "api.sagemaker.us-east-1.amazonaws.com";

fn params(secret: &SecretKey) -> SigningParams<'_> {
    SigningParams {
        access_key_id: AKID,
        secret,
        region: "us-east-1",
        service: "sagemaker",
        amz_date: SUITE_TIME,
        signed_headers: &["host"],
    }
}

/// `GET /?Action=ListTags` presigned for 60 seconds, optionally with a token.
fn presigned(token: Option<&str>) -> Request {
    let mut request = Request::new("GET", "/?Action=ListTags&Version=1").header("host", HOST);
    let secret = secret();
    let query = presign(
        &request.parts(),
        &request.payload_hash(),
        &params(&secret),
        60,
        token,
    );
    request.query = Some(query);
    request
}

fn message(request: &Request) -> String {
    match parse(&request.parts()) {
        Ok(auth) => panic!("accepted: {auth:?}"),
        Err(err) => {
            assert_eq!(err.code(), "IncompleteSignatureException", "{err}");
            err.to_string()
        }
    }
}

#[test]
fn a_presigned_request_parses_and_verifies() {
    let request = presigned(Some("session/token+="));
    let parts = request.parts();
    let auth = parse(&parts).expect("parse");
    assert_eq!(auth.form, Form::Query);
    assert_eq!(auth.access_key_id, AKID);
    assert_eq!(auth.date, "20150830");
    assert_eq!(auth.region, "us-east-1");
    assert_eq!(auth.service, "sagemaker");
    assert_eq!(auth.signed_headers, ["host"]);
    assert_eq!(auth.amz_date, SUITE_TIME);
    assert_eq!(auth.expires, Some(60));
    assert_eq!(auth.security_token.as_deref(), Some("session/token+="));
    assert_eq!(auth.signature.len(), 64);
    assert_eq!(
        verify(&parts, &auth, &request.payload_hash(), &secret()),
        Ok(())
    );

    let debug = format!("{auth:?}");
    assert!(!debug.contains(&auth.signature), "{debug}");
    assert!(!debug.contains("session/token"), "{debug}");
}

#[test]
fn the_presigned_query_is_canonical_and_ends_with_the_signature() {
    let request = presigned(None);
    let query = request.query.as_deref().unwrap_or_default();
    let (signed_part, signature) = query.rsplit_once("&X-Amz-Signature=").expect("signature");
    assert_eq!(
        signed_part,
        "Action=ListTags&Version=1&X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fsagemaker%2Faws4_request\
         &X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host"
    );
    assert_eq!(signature.len(), 64);
}

#[test]
fn any_change_to_a_presigned_request_is_refused() {
    let request = presigned(Some("token"));
    let query = request.query.clone().unwrap_or_default();
    let changes = [
        query.replace("Action=ListTags", "Action=ListTagz"),
        query.replace("X-Amz-Expires=60", "X-Amz-Expires=61"),
        query.replace("X-Amz-Security-Token=token", "X-Amz-Security-Token=tokeN"),
        format!("{query}&Extra=1"),
        {
            let mut q = query.clone();
            let last = q.pop().expect("non-empty");
            q.push(if last == '0' { '1' } else { '0' });
            q
        },
    ];
    for changed in changes {
        let mut request = request.clone();
        request.query = Some(changed.clone());
        let auth = parse(&request.parts()).expect("parse");
        let result = verify(&request.parts(), &auth, &request.payload_hash(), &secret());
        assert_eq!(result, Err(Error::SignatureDoesNotMatch), "{changed}");
    }

    let mut request = request.clone();
    request.set("host", "api.sagemaker.us-east-2.amazonaws.com");
    let auth = parse(&request.parts()).expect("parse");
    let result = verify(&request.parts(), &auth, &request.payload_hash(), &secret());
    assert_eq!(result, Err(Error::SignatureDoesNotMatch));
}

#[test]
fn lists_every_missing_parameter() {
    let mut request =
        Request::new("GET", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256").header("host", HOST);
    assert_eq!(
        message(&request),
        "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string \
         parameters must include 'X-Amz-Signature'. AWS query-string parameters must include \
         'X-Amz-Date'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. AWS \
         query-string parameters must include 'X-Amz-Expires'. Re-examine the query-string \
         parameters."
    );

    let full = presigned(None).query.unwrap_or_default();
    let without_expires: Vec<&str> = full
        .split('&')
        .filter(|p| !p.starts_with("X-Amz-Expires="))
        .collect();
    request.query = Some(without_expires.join("&"));
    assert_eq!(
        message(&request),
        "AWS query-string parameters must include 'X-Amz-Expires'. Re-examine the \
         query-string parameters."
    );
}

#[test]
fn x_amz_expires_must_be_one_second_to_seven_days() {
    let good = presigned(None);
    for bad in [
        "0",
        "604801",
        "-1",
        "1.5",
        "",
        "sixty",
        "99999999999999999999999",
    ] {
        let mut request = good.clone();
        let query = request.query.take().unwrap_or_default();
        request.query = Some(query.replace("X-Amz-Expires=60", &format!("X-Amz-Expires={bad}")));
        assert_eq!(
            message(&request),
            format!(
                "X-Amz-Expires must be a whole number of seconds from 1 to 604800, not '{bad}'."
            )
        );
    }
    for fine in ["1", "604800"] {
        let mut request = good.clone();
        let query = request.query.take().unwrap_or_default();
        request.query = Some(query.replace("X-Amz-Expires=60", &format!("X-Amz-Expires={fine}")));
        let auth = parse(&request.parts()).expect("parse");
        assert_eq!(auth.expires.map(|e| e.to_string()).as_deref(), Some(fine));
    }
}

#[test]
fn other_query_form_errors_match_the_header_form() {
    let good = presigned(None).query.unwrap_or_default();
    let cases = [
        (
            good.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1"),
            "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1'. Only 'AWS4-HMAC-SHA256' is supported.",
        ),
        (
            good.replace("%2Fsagemaker%2F", "%2F"),
            "Credential must have exactly 5 slash-delimited elements, e.g. \
             keyid/date/region/service/term, got 'AKIDEXAMPLE/20150830/us-east-1/aws4_request'",
        ),
        (
            good.replace("X-Amz-Date=20150830T123600Z", "X-Amz-Date=20150830"),
            "Date must be in ISO-8601 'basic format'. Got '20150830'. \
             See http://en.wikipedia.org/wiki/ISO_8601",
        ),
        (
            good.replace("X-Amz-Date=20150830T123600Z", "X-Amz-Date=20150829T123600Z"),
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date \
             from HTTP: '20150830' != '20150829', from '20150829T123600Z'.",
        ),
        (
            good.replace("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=x-amz-date"),
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        ),
        (
            good.replace(
                "X-Amz-SignedHeaders=host",
                "X-Amz-SignedHeaders=host%3Bx-amz-target",
            ),
            "Header 'x-amz-target' is listed in SignedHeaders but is absent from the request.",
        ),
    ];
    for (query, want) in cases {
        let mut request = Request::new("GET", "/").header("host", HOST);
        request.query = Some(query);
        assert_eq!(message(&request), want);
    }
}

#[test]
fn a_lone_signature_parameter_marks_the_query_form() {
    let request = Request::new("GET", "/?X-Amz-Signature=abc").header("host", HOST);
    let err = message(&request);
    assert!(err.starts_with("AWS query-string parameters must include 'X-Amz-Algorithm'."));
    assert!(!err.contains("abc"), "{err}");
}
