use super::*;
use crate::test_support::{secret, Request, AKID};
use crate::{check_clock, check_scope, parse, Form};
use time::macros::datetime;
use time::Duration;

const NOW: OffsetDateTime = datetime!(2024-11-05 09:15:27 UTC);
const AMZ_DATE: &str = "20241105T091527Z";
const BODY: &[u8] = br#"{"ResourceArn":"arn:aws:sagemaker:us-east-1:123456789012:model/m"}"#;
const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLE/token+with=odd/chars";

/// A `ListTags` call the way botocore sends it.
fn botocore_request(token: Option<&str>) -> Request {
    let mut request = Request::new("POST", "/")
        .header("host", "localhost:8080")
        .header("x-amz-target", "SageMaker.ListTags")
        .header("content-type", "application/x-amz-json-1.1")
        .header("user-agent", "Boto3/1.35.0 md/Botocore#1.35.0")
        .header("x-amz-date", AMZ_DATE)
        .header("content-length", "67")
        .body(BODY);
    if let Some(token) = token {
        request.append("x-amz-security-token", token);
    }
    request
}

/// A `ListTags` call the way the Go SDK v2 sends it (`sagemaker-tagging.md` §1, O23).
fn go_v2_request() -> Request {
    Request::new("POST", "/")
        .header("host", "api.sagemaker.us-east-1.amazonaws.com")
        .header(
            "amz-sdk-invocation-id",
            "0b7cd6b2-6c1d-4c3b-9f2e-5f0ad52b8e55",
        )
        .header("amz-sdk-request", "attempt=1; max=3")
        .header("content-length", "67")
        .header("content-type", "application/x-amz-json-1.1")
        .header("user-agent", "aws-sdk-go-v2/1.32.2 os/linux lang/go#1.23.2")
        .header("x-amz-date", AMZ_DATE)
        .header("x-amz-security-token", TOKEN)
        .header("x-amz-target", "SageMaker.ListTags")
        .header("accept-encoding", "identity")
        .body(BODY)
}

/// Signs `request` in place, returning the `Authorization` value.
fn sign_in_place(request: &mut Request, region: &str, signed_headers: &[&str]) -> String {
    let authz = sign(
        &request.parts(),
        &request.payload_hash(),
        AKID,
        &secret(),
        region,
        "sagemaker",
        NOW,
        signed_headers,
    );
    request.set("authorization", &authz);
    authz
}

/// What the server does with a request: parse, scope, clock, verify.
fn server_accepts(request: &Request) -> Result<crate::Authorization, Error> {
    let parts = request.parts();
    let auth = parse(&parts)?;
    check_scope(&auth, "sagemaker", |region| region == "us-east-1")?;
    check_clock(&auth, NOW + Duration::seconds(3), Duration::minutes(5))?;
    verify(&parts, &auth, &request.payload_hash(), &secret())?;
    Ok(auth)
}

#[test]
fn botocore_style_round_trip() {
    let botocore_signs = ["content-type", "host", "x-amz-date", "x-amz-target"];
    let mut request = botocore_request(None);
    let authz = sign_in_place(&mut request, "us-east-1", &botocore_signs);
    assert!(authz.starts_with(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20241105/us-east-1/sagemaker/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature="
    ));

    let auth = server_accepts(&request).expect("accepted");
    assert_eq!(auth.form, Form::Header);
    assert_eq!(auth.signed_headers, botocore_signs);
    assert_eq!(auth.security_token, None);

    // Headers botocore leaves unsigned may change on the way.
    let mut changed = request.clone();
    changed.set("user-agent", "proxy/1.0");
    changed.set("content-length", "68");
    assert!(server_accepts(&changed).is_ok());

    // Signed ones may not, nor may the body.
    for (name, value) in [
        ("x-amz-target", "SageMaker.DeleteTags"),
        ("content-type", "application/json"),
        ("host", "localhost:8081"),
    ] {
        let mut changed = request.clone();
        changed.set(name, value);
        assert_eq!(
            server_accepts(&changed).err(),
            Some(Error::SignatureDoesNotMatch),
            "{name}"
        );
    }
    let mut changed = request.clone();
    changed.body.push(b' ');
    assert_eq!(
        server_accepts(&changed).err(),
        Some(Error::SignatureDoesNotMatch)
    );
}

#[test]
fn botocore_style_round_trip_with_a_session_token() {
    let signs = [
        "content-type",
        "host",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-target",
    ];
    let mut request = botocore_request(Some(TOKEN));
    sign_in_place(&mut request, "us-east-1", &signs);
    let auth = server_accepts(&request).expect("accepted");
    assert_eq!(auth.security_token.as_deref(), Some(TOKEN));

    let mut changed = request.clone();
    changed.set("x-amz-security-token", "IQoJb3JpZ2luX2VjOTHER");
    assert_eq!(
        server_accepts(&changed).err(),
        Some(Error::SignatureDoesNotMatch)
    );
}

#[test]
fn go_sdk_v2_style_round_trip() {
    let go_signs = [
        "amz-sdk-invocation-id",
        "amz-sdk-request",
        "content-length",
        "content-type",
        "host",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-target",
    ];
    let mut request = go_v2_request();
    let authz = sign_in_place(&mut request, "us-east-1", &go_signs);
    assert!(authz.contains(&format!("SignedHeaders={}, ", go_signs.join(";"))));

    let auth = server_accepts(&request).expect("accepted");
    assert_eq!(auth.signed_headers, go_signs);
    assert_eq!(auth.security_token.as_deref(), Some(TOKEN));

    for (name, value) in [
        ("amz-sdk-request", "attempt=2; max=3"),
        ("content-length", "68"),
        (
            "amz-sdk-invocation-id",
            "0b7cd6b2-6c1d-4c3b-9f2e-5f0ad52b8e56",
        ),
    ] {
        let mut changed = request.clone();
        changed.set(name, value);
        assert_eq!(
            server_accepts(&changed).err(),
            Some(Error::SignatureDoesNotMatch),
            "{name}"
        );
    }
    let mut changed = request.clone();
    changed.set("accept-encoding", "gzip");
    assert!(server_accepts(&changed).is_ok());
}

#[test]
fn the_signed_header_list_is_lower_cased_and_sorted() {
    let mut request = botocore_request(None);
    let authz = sign_in_place(
        &mut request,
        "us-east-1",
        &["X-Amz-Target", "Host", "X-Amz-Date"],
    );
    assert!(
        authz.contains("SignedHeaders=host;x-amz-date;x-amz-target, "),
        "{authz}"
    );
    assert!(server_accepts(&request).is_ok());
}

#[test]
fn a_wrong_secret_or_scope_is_refused() {
    let mut request = botocore_request(None);
    sign_in_place(
        &mut request,
        "us-east-1",
        &["host", "x-amz-date", "x-amz-target"],
    );
    let parts = request.parts();
    let auth = parse(&parts).expect("parse");
    let other = SecretKey::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ".to_owned());
    let err = verify(&parts, &auth, &request.payload_hash(), &other).expect_err("refused");
    assert_eq!(err, Error::SignatureDoesNotMatch);
    assert_eq!(
        err.to_string(),
        "The request signature we calculated does not match the signature you provided. \
         Check your AWS Secret Access Key and signing method. Consult the service \
         documentation for details."
    );
    assert_eq!(err.code(), "InvalidSignatureException");

    let mut elsewhere = botocore_request(None);
    sign_in_place(&mut elsewhere, "eu-west-1", &["host", "x-amz-date"]);
    assert_eq!(
        server_accepts(&elsewhere).err(),
        Some(Error::InvalidRegion("eu-west-1".to_owned()))
    );
}

#[test]
fn the_date_header_can_stand_in_for_x_amz_date() {
    let mut request = Request::new("POST", "/")
        .header("host", "localhost:8080")
        .header("date", "Tue, 05 Nov 2024 09:15:27 GMT")
        .body(BODY);
    sign_in_place(&mut request, "us-east-1", &["date", "host"]);
    let auth = server_accepts(&request).expect("accepted");
    assert_eq!(auth.amz_date, NOW);
}

#[test]
fn verify_rechecks_a_hand_built_claim() {
    let mut request = botocore_request(None);
    sign_in_place(&mut request, "us-east-1", &["host", "x-amz-date"]);
    let parts = request.parts();
    let mut auth = parse(&parts).expect("parse");
    auth.signed_headers.push("x-missing".to_owned());
    let err = verify(&parts, &auth, &request.payload_hash(), &secret());
    assert!(matches!(err, Err(Error::IncompleteSignature(_))), "{err:?}");
}

#[test]
fn signing_params_and_sign_agree() {
    let request = botocore_request(None);
    let secret = secret();
    let params = SigningParams {
        access_key_id: AKID,
        secret: &secret,
        region: "us-east-1",
        service: "sagemaker",
        amz_date: NOW,
        signed_headers: &["host", "x-amz-date"],
    };
    let by_struct = sign_with(&request.parts(), &request.payload_hash(), &params);
    let mut by_args = request.clone();
    assert_eq!(
        by_struct,
        sign_in_place(&mut by_args, "us-east-1", &["host", "x-amz-date"])
    );
    assert!(!format!("{params:?}").contains(crate::test_support::SECRET));
}
