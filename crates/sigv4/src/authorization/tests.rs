use super::*;
use crate::test_support::{Request, SUITE_TIME};

const CREDENTIAL: &str = "AKIDEXAMPLE/20150830/us-east-1/sagemaker/aws4_request";
const SIGNATURE: &str = "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b";

/// `POST /` with `host` and `X-Amz-Date`, and no signature yet.
fn request() -> Request {
    Request::new("POST", "/")
        .header("host", "api.sagemaker.us-east-1.amazonaws.com")
        .header("x-amz-date", "20150830T123600Z")
}

fn parse_with(request: Request, authorization: &str) -> Result<Authorization, Error> {
    parse(&request.header("authorization", authorization).parts())
}

fn message(result: Result<Authorization, Error>) -> String {
    match result {
        Ok(auth) => panic!("accepted: {auth:?}"),
        Err(err) => {
            assert_eq!(err.code(), "IncompleteSignatureException", "{err}");
            err.to_string()
        }
    }
}

fn good_header() -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential={CREDENTIAL}, SignedHeaders=host;x-amz-date, \
         Signature={SIGNATURE}"
    )
}

#[test]
fn reads_every_field_of_the_header_form() {
    let request = request().header("x-amz-security-token", "session-token");
    let auth = parse_with(request, &good_header()).expect("parse");
    assert_eq!(auth.form, Form::Header);
    assert_eq!(auth.access_key_id, "AKIDEXAMPLE");
    assert_eq!(auth.date, "20150830");
    assert_eq!(auth.region, "us-east-1");
    assert_eq!(auth.service, "sagemaker");
    assert_eq!(auth.signed_headers, ["host", "x-amz-date"]);
    assert_eq!(auth.signature, SIGNATURE);
    assert_eq!(auth.amz_date, SUITE_TIME);
    assert_eq!(auth.expires, None);
    assert_eq!(auth.security_token.as_deref(), Some("session-token"));
}

#[test]
fn tolerates_spacing_and_unknown_parts() {
    let header = format!(
        "  AWS4-HMAC-SHA256   Credential = {CREDENTIAL},SignedHeaders=Host;X-Amz-Date,\
         Extra=1,Signature={SIGNATURE},  "
    );
    let auth = parse_with(request(), &header).expect("parse");
    assert_eq!(auth.signed_headers, ["host", "x-amz-date"]);
    assert_eq!(auth.signature, SIGNATURE);
}

#[test]
fn no_signature_at_all_is_a_missing_token() {
    let cases = [
        request(),
        request().header("authorization", "   "),
        Request::new("POST", "/?Action=List&X-Amz-Date=20150830T123600Z")
            .header("host", "example.amazonaws.com"),
    ];
    for request in cases {
        let err = parse(&request.parts());
        assert_eq!(err, Err(Error::MissingAuthenticationToken));
        let err = err.expect_err("refused");
        assert_eq!(err.to_string(), "Request is missing Authentication Token");
        assert_eq!(err.code(), "MissingAuthenticationTokenException");
    }
}

#[test]
fn lists_every_missing_part() {
    let header = format!("AWS4-HMAC-SHA256 Credential={CREDENTIAL}");
    assert_eq!(
        message(parse_with(request(), &header)),
        format!(
            "Authorization header requires 'Signature' parameter. Authorization header \
             requires 'SignedHeaders' parameter. Authorization={header}"
        )
    );

    let bare = Request::new("POST", "/").header("host", "example.amazonaws.com");
    assert_eq!(
        message(parse_with(bare, "AWS4-HMAC-SHA256")),
        "Authorization header requires 'Credential' parameter. Authorization header \
         requires 'Signature' parameter. Authorization header requires 'SignedHeaders' \
         parameter. Authorization header requires existence of either a 'X-Amz-Date' or \
         a 'Date' header. Authorization=AWS4-HMAC-SHA256"
    );
}

#[test]
fn a_missing_date_is_named_and_the_signature_redacted() {
    let no_date = Request::new("POST", "/").header("host", "example.amazonaws.com");
    let err = message(parse_with(no_date, &good_header()));
    assert_eq!(
        err,
        format!(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' \
             header. Authorization=AWS4-HMAC-SHA256 Credential={CREDENTIAL}, \
             SignedHeaders=host;x-amz-date, Signature=<redacted>"
        )
    );
    assert!(!err.contains(SIGNATURE));
}

#[test]
fn a_part_without_equal_sign_is_named() {
    let header =
        format!("AWS4-HMAC-SHA256 Credential={CREDENTIAL}, SignedHeaders, Signature={SIGNATURE}");
    assert_eq!(
        message(parse_with(request(), &header)),
        format!(
            "'SignedHeaders' not a valid key=value pair (missing equal-sign) in \
             Authorization header: 'AWS4-HMAC-SHA256 Credential={CREDENTIAL}, \
             SignedHeaders, Signature=<redacted>'."
        )
    );
}

#[test]
fn a_signature_without_equal_sign_is_still_redacted() {
    let header = format!("AWS4-HMAC-SHA256 Credential={CREDENTIAL}, Signature {SIGNATURE}");
    let err = message(parse_with(request(), &header));
    assert!(!err.contains(SIGNATURE), "{err}");
    assert!(
        err.starts_with("'Signature=<redacted>' not a valid key=value pair"),
        "{err}"
    );

    let glued = format!("AWS4-HMAC-SHA256Signature={SIGNATURE}");
    let err = message(parse_with(request(), &glued));
    assert!(!err.contains(SIGNATURE), "{err}");
}

#[test]
fn refuses_other_algorithms_without_echoing_their_credentials() {
    let header =
        format!("AWS4-HMAC-SHA512 Credential={CREDENTIAL}, SignedHeaders=host, Signature=ab");
    assert_eq!(
        message(parse_with(request(), &header)),
        "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'. Only 'AWS4-HMAC-SHA256' is supported."
    );
    let err = message(parse_with(request(), "Bearer eyJhbGciOi.secret"));
    assert_eq!(
        err,
        "Unsupported AWS 'algorithm': 'Bearer'. Only 'AWS4-HMAC-SHA256' is supported."
    );
}

/// Found by the `sigv4` fuzz target: with the comma before `Signature` missing,
/// the signature ends up inside the last signed header name or the credential
/// terminator, and the message that quotes either must still hide it.
#[test]
fn a_signature_glued_to_another_part_is_never_quoted() {
    let cases = [
        format!(
            "AWS4-HMAC-SHA256 Credential={CREDENTIAL}, SignedHeaders=host;x-amz-date \
             Signature={SIGNATURE}, Signature=00"
        ),
        format!(
            "AWS4-HMAC-SHA256 Credential={CREDENTIAL} Signature={SIGNATURE}, \
             SignedHeaders=host;x-amz-date, Signature=00"
        ),
        format!(
            "AWS4-HMAC-SHA256 Credential={CREDENTIAL}, SignedHeaders=host;x-amz-date;\
             signature={SIGNATURE}, Signature=00"
        ),
    ];
    let expected = [
        "Header 'x-amz-date signature=<redacted>' is listed in SignedHeaders but is absent \
         from the request.",
        "Credential should be scoped with a valid terminator: 'aws4_request', not \
         'aws4_request Signature=<redacted>'. ",
        "Header 'signature=<redacted>' is listed in SignedHeaders but is absent from the \
         request.",
    ];
    for (header, expected) in cases.iter().zip(expected) {
        let err = message(parse_with(request(), header));
        assert_eq!(err, expected);
    }

    let presigned = Request::new(
        "GET",
        &format!(
            "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2F\
             us-east-1%2Fsagemaker%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60\
             &X-Amz-SignedHeaders=host%3BX-Amz-Signature%3D{SIGNATURE}&X-Amz-Signature=00"
        ),
    )
    .header("host", "example.amazonaws.com");
    let err = message(parse(&presigned.parts()));
    assert!(!err.contains(SIGNATURE), "{err}");
}

#[test]
fn refuses_a_malformed_credential() {
    let header = format!(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/aws4_request, \
         SignedHeaders=host;x-amz-date, Signature={SIGNATURE}"
    );
    assert_eq!(
        message(parse_with(request(), &header)),
        "Credential must have exactly 5 slash-delimited elements, e.g. \
         keyid/date/region/service/term, got 'AKIDEXAMPLE/20150830/us-east-1/aws4_request'"
    );

    let header = header.replace("us-east-1/aws4_request", "us-east-1/sagemaker/aws4");
    assert_eq!(
        message(parse_with(request(), &header)),
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4'. "
    );
}

#[test]
fn refuses_an_unparsable_date() {
    let mut bad = request();
    bad.set("x-amz-date", "2015-08-30T12:36:00Z");
    assert_eq!(
        message(parse_with(bad, &good_header())),
        "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. \
         See http://en.wikipedia.org/wiki/ISO_8601"
    );

    let bad_date = Request::new("POST", "/")
        .header("host", "example.amazonaws.com")
        .header("date", "30/08/2015");
    let header = good_header().replace("x-amz-date", "date");
    assert_eq!(
        message(parse_with(bad_date, &header)),
        "Date header must be an HTTP-date such as 'Sun, 30 Aug 2015 12:36:00 GMT' or in \
         ISO-8601 'basic format'. Got '30/08/2015'."
    );
}

#[test]
fn falls_back_to_the_date_header() {
    let request = Request::new("POST", "/")
        .header("host", "example.amazonaws.com")
        .header("date", "Sun, 30 Aug 2015 12:36:00 GMT");
    let header = good_header().replace("x-amz-date", "date");
    let auth = parse_with(request, &header).expect("parse");
    assert_eq!(auth.amz_date, SUITE_TIME);

    // X-Amz-Date wins over Date.
    let both = self::request().header("date", "Mon, 31 Aug 2015 00:00:00 GMT");
    let auth = parse_with(both, &good_header()).expect("parse");
    assert_eq!(auth.amz_date, SUITE_TIME);
}

#[test]
fn the_scope_date_must_be_the_request_date() {
    let header = good_header().replace("/20150830/", "/20150831/");
    assert_eq!(
        message(parse_with(request(), &header)),
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date \
         from HTTP: '20150831' != '20150830', from '20150830T123600Z'."
    );
}

#[test]
fn host_must_be_signed() {
    for signed in ["x-amz-date", "", "hostname;x-amz-date"] {
        let header = good_header().replace("host;x-amz-date", signed);
        assert_eq!(
            message(parse_with(request(), &header)),
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
        );
    }
}

#[test]
fn the_date_header_must_be_signed() {
    let header = good_header().replace("host;x-amz-date", "host");
    assert_eq!(
        message(parse_with(request(), &header)),
        "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."
    );
    // Without X-Amz-Date the Date header carries the time, and must be signed.
    let dated = Request::new("POST", "/")
        .header("host", "api.sagemaker.us-east-1.amazonaws.com")
        .header("date", "Sun, 30 Aug 2015 12:36:00 GMT");
    assert_eq!(
        message(parse_with(dated.clone(), &header)),
        "'Date' must be a 'SignedHeader' in the AWS Authorization."
    );
    let signed = good_header().replace("host;x-amz-date", "date;host");
    assert!(parse_with(dated, &signed).is_ok());
}

#[test]
fn every_signed_header_must_be_present() {
    let header = good_header().replace("host;x-amz-date", "host;x-amz-date;x-amz-target");
    assert_eq!(
        message(parse_with(request(), &header)),
        "Header 'x-amz-target' is listed in SignedHeaders but is absent from the request."
    );
    let header = good_header().replace("host;x-amz-date", "host;;x-amz-date");
    assert_eq!(
        message(parse_with(request(), &header)),
        "Header '' is listed in SignedHeaders but is absent from the request."
    );
}

#[test]
fn refuses_both_forms_at_once() {
    let mut both = request();
    both.query = Some("X-Amz-Algorithm=AWS4-HMAC-SHA256".to_owned());
    assert_eq!(
        message(parse_with(both, &good_header())),
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the \
         Authorization header should be specified"
    );
}

#[test]
fn debug_hides_the_signature_and_the_token() {
    let request = request().header("x-amz-security-token", "FwoGZXIvYXdzEXAMPLETOKEN");
    let auth = parse_with(request, &good_header()).expect("parse");
    for debug in [format!("{auth:?}"), format!("{auth:#?}")] {
        assert!(!debug.contains(SIGNATURE), "{debug}");
        assert!(!debug.contains("FwoGZXIvYXdzEXAMPLETOKEN"), "{debug}");
        assert!(debug.contains("AKIDEXAMPLE"), "{debug}");
        assert!(debug.contains("<redacted>"), "{debug}");
    }
}

#[test]
fn non_utf8_header_bytes_do_not_panic() {
    let mut request = request();
    let value = HeaderValue::from_bytes(b"AWS4-HMAC-SHA256 Credential=\xff\xfe, Signature=\xff")
        .expect("obs-text is a valid header value");
    request.headers.insert(http::header::AUTHORIZATION, value);
    let err = parse(&request.parts());
    assert!(matches!(err, Err(Error::IncompleteSignature(_))), "{err:?}");
}

/// A small xorshift generator: the same "random" inputs on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let len = u64::try_from(items.len()).expect("small");
        items[usize::try_from(self.next() % len).expect("small")]
    }
}

/// Garbage made of the pieces a parser trips on never makes it panic, and
/// whatever it accepts goes through the other checks without panicking either.
#[test]
fn garbage_never_panics() {
    let pieces = [
        "AWS4-HMAC-SHA256",
        " ",
        ",",
        "=",
        "/",
        ";",
        "%",
        "%2F",
        "%zz",
        "Credential=",
        "SignedHeaders=",
        "Signature=",
        "host",
        "x-amz-date",
        "AKID",
        "20150830",
        "aws4_request",
        "us-east-1",
        "sagemaker",
        "é",
        "\u{1234}",
        "&",
        "X-Amz-Algorithm=",
        "X-Amz-Credential=",
        "X-Amz-Date=",
        "X-Amz-Expires=",
        "X-Amz-SignedHeaders=",
        "X-Amz-Signature=",
        "604800",
        "0",
        "99999999999999999999",
        "20150830T123600Z",
        "..",
        "signature",
        "\t",
        "Date",
        "",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let secret = crate::SecretKey::new("secret".to_owned());
    for _ in 0..20_000 {
        let header: String = (0..rng.next() % 12).map(|_| rng.pick(&pieces)).collect();
        let query: String = (0..rng.next() % 12).map(|_| rng.pick(&pieces)).collect();
        let path: String = (0..rng.next() % 6).map(|_| rng.pick(&pieces)).collect();
        let mut request = Request::new("POST", "/");
        request.path = path;
        request.query = Some(query);
        for (name, value) in [("host", "h"), ("x-amz-date", rng.pick(&pieces))] {
            if let Ok(value) = HeaderValue::from_str(value) {
                request.headers.insert(name, value);
            }
        }
        if let Ok(value) = HeaderValue::from_str(&header) {
            request.headers.insert(http::header::AUTHORIZATION, value);
        }

        let parts = request.parts();
        if let Ok(auth) = parse(&parts) {
            let _ = crate::check_scope(&auth, "sagemaker", |_| true);
            let _ = crate::check_clock(&auth, SUITE_TIME, time::Duration::minutes(5));
            let _ = crate::check_clock(&auth, SUITE_TIME, time::Duration::MAX);
            let _ = crate::check_clock(&auth, SUITE_TIME, time::Duration::MIN);
            let _ = crate::verify(&parts, &auth, "", &secret);
        }
    }
}

/// Random edits of a valid header and a valid presigned query reach the later
/// checks far more often than garbage does; none of them may panic either.
#[test]
fn edited_valid_signatures_never_panic() {
    let pieces = [
        "",
        " ",
        ",",
        "=",
        "/",
        ";",
        "%",
        "%2F",
        "%3B",
        "&",
        "é",
        "T",
        "Z",
        "0",
        "9",
        "host",
        "x-amz-date",
        "X-Amz-Expires=0",
        "X-Amz-Signature=",
        "aws4_request",
        "..",
    ];
    let presigned = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830\
        %2Fus-east-1%2Fsagemaker%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60\
        &X-Amz-SignedHeaders=host&X-Amz-Signature=00";
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let secret = crate::SecretKey::new("secret".to_owned());
    let mut accepted = 0;
    for round in 0..20_000 {
        let original = if round % 2 == 0 {
            good_header()
        } else {
            presigned.to_owned()
        };
        let mut chars: Vec<char> = original.chars().collect();
        for _ in 0..1 + rng.next() % 3 {
            let at = usize::try_from(rng.next() % (chars.len() as u64 + 1)).expect("small");
            match rng.next() % 3 {
                0 if at < chars.len() => {
                    chars.remove(at);
                }
                _ => chars
                    .splice(at..at, rng.pick(&pieces).chars())
                    .for_each(drop),
            }
        }
        let edited: String = chars.into_iter().collect();

        let mut request = request();
        if round % 2 == 0 {
            match HeaderValue::from_str(&edited) {
                Ok(value) => request.headers.insert(http::header::AUTHORIZATION, value),
                Err(_) => continue,
            };
        } else {
            request.query = Some(edited);
        }
        let parts = request.parts();
        if let Ok(auth) = parse(&parts) {
            accepted += 1;
            let _ = crate::check_scope(&auth, "sagemaker", |_| true);
            let _ = crate::check_clock(&auth, SUITE_TIME, time::Duration::minutes(5));
            let _ = crate::verify(&parts, &auth, "", &secret);
        }
    }
    assert!(accepted > 1_000, "only {accepted} edits parsed");
}
