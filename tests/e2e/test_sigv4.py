"""SigV4 verification, row by row: sagemaker-tagging.md §6 (the SigV4
failures table) and §1 (what a server must honour), against the shared
server in credentials mode.

Requests are signed by botocore's own signer (`support.RawClient`), then
changed where a row needs it. Every answer is checked byte for byte
(`assert_raw_error`): status, `__type`, `x-amzn-ErrorType`, message.
"""

import datetime as dt
import re
import uuid

import pytest

from support import (
    ALICE,
    BAD_CLIENT_TOKEN,
    BOB,
    EXPIRED,
    EXPIRED_TOKEN,
    LATER,
    MISSING_TOKEN,
    SESSION,
    SIGNATURE_MISMATCH,
    SIGV4_TIME,
    STRANGER,
    Account,
    RawClient,
    assert_raw_error,
    authorization_parts,
    model_arn,
    ok_json,
    tags,
    utc_now,
)

WRONG_SECRET = Account(ALICE.account_id, ALICE.access_key, "not-alices-secret-key-0000000000000000")


def replace_header(name, value):
    """An `after_sign` hook that changes (or, with None, drops) one header."""

    def hook(headers, body):
        headers = {k: v for k, v in headers.items() if k.lower() != name.lower()}
        if value is not None:
            headers[name] = value
        return headers, body

    return hook


def shifted_stamp(stamp, seconds):
    when = dt.datetime.strptime(stamp, SIGV4_TIME) + dt.timedelta(seconds=seconds)
    return when.strftime(SIGV4_TIME)


def rewrite_authorization(fn):
    def hook(headers, body):
        headers = dict(headers)
        headers["Authorization"] = fn(headers["Authorization"])
        return headers, body

    return hook


@pytest.fixture
def tagged(sm, model):
    sm.add_tags(ResourceArn=model, Tags=tags(("a", "1")))
    return model


# ---- the baseline ------------------------------------------------------------


def test_correctly_signed_request_succeeds(raw, tagged):
    assert ok_json(raw("ListTags", {"ResourceArn": tagged})) == {"Tags": tags(("a", "1"))}


def test_the_key_decides_the_account(raw, tagged):
    """Contract: Bob's key sees account 222222222222, not Alice's model."""
    ok_json(raw("CreateModel", {"ModelName": "bobs"}, account=BOB))
    models = ok_json(raw("ListModels", {}, account=BOB))["Models"]
    assert [m["ModelArn"] for m in models] == [model_arn("bobs", BOB)]


# ---- no signature at all -----------------------------------------------------


def test_no_authorization_header(raw, tagged):
    """§6 'No Authorization header' → 403 (Q8)."""
    resp = raw("ListTags", {"ResourceArn": tagged}, sign=False)
    assert_raw_error(resp, "MissingAuthenticationTokenException", MISSING_TOKEN, status=403)


def test_unsigned_garbage_is_refused_before_it_is_parsed(raw):
    """Contract: SigV4 is checked before target, content type and JSON."""
    resp = raw(None, b"\x00not json", sign=False, content_type="text/plain")
    assert_raw_error(resp, "MissingAuthenticationTokenException", MISSING_TOKEN, status=403)


# ---- malformed Authorization ------------------------------------------------


def test_header_without_signature_and_signed_headers(raw, tagged):
    """§6 IncompleteSignatureException, the O30 text."""
    header = {}

    def strip(value):
        header["value"] = value.split(",")[0]
        return header["value"]

    resp = raw("ListTags", {"ResourceArn": tagged}, after_sign=rewrite_authorization(strip))
    expected = (
        "Authorization header requires 'Signature' parameter. "
        "Authorization header requires 'SignedHeaders' parameter. "
        f"Authorization={header['value']}"
    )
    assert_raw_error(resp, "IncompleteSignatureException", expected)


def test_header_without_signature(raw, tagged):
    header = {}

    def strip(value):
        header["value"] = ", ".join(value.split(", ")[:2])
        return header["value"]

    resp = raw("ListTags", {"ResourceArn": tagged}, after_sign=rewrite_authorization(strip))
    expected = f"Authorization header requires 'Signature' parameter. Authorization={header['value']}"
    assert_raw_error(resp, "IncompleteSignatureException", expected)


def test_part_without_equal_sign(raw, tagged):
    """§6 IncompleteSignatureException, the O26 text. The part and the header
    are echoed, but the signature itself must not be (brief: no error body
    carries a signature), so whatever stands in for the hex digits is
    accepted there."""
    header = {}

    def mangle(value):
        header["value"] = value.replace("Signature=", "Signature")
        return header["value"]

    resp = raw("ListTags", {"ResourceArn": tagged}, after_sign=rewrite_authorization(mangle))
    part = header["value"].rsplit(",", 1)[1].strip()
    assert part.startswith("Signature") and "=" not in part
    hidden = r"Signature[^',\s]*"
    expected = re.compile(
        f"'{hidden}' not a valid key=value pair \\(missing equal-sign\\) in Authorization header: '"
        + re.escape(header["value"][: -len(part)])
        + f"{hidden}'\\."
    )
    assert_raw_error(resp, "IncompleteSignatureException", expected)
    assert part[len("Signature") :] not in resp.body.decode()


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda v: v.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1"),
        lambda v: "Basic YWxpY2U6c2VjcmV0",
        lambda v: "AWS4-HMAC-SHA256",
        lambda v: v.replace("Credential=", "Cred="),
    ],
    ids=["other-algorithm", "basic-auth", "algorithm-only", "misnamed-credential"],
)
def test_other_malformed_headers(raw, tagged, rewrite):
    """§6: a header not of the form `AWS4-HMAC-SHA256 Credential=…,
    SignedHeaders=…, Signature=…` (exact texts not specified)."""
    resp = raw("ListTags", {"ResourceArn": tagged}, after_sign=rewrite_authorization(rewrite))
    assert_raw_error(resp, "IncompleteSignatureException")


def test_missing_x_amz_date(raw, tagged):
    """§6: 'no X-Amz-Date/Date' → IncompleteSignatureException."""
    resp = raw("ListTags", {"ResourceArn": tagged}, after_sign=replace_header("X-Amz-Date", None))
    assert_raw_error(resp, "IncompleteSignatureException")


# ---- keys and tokens ----------------------------------------------------------


def test_unknown_access_key(raw, tagged):
    resp = raw("ListTags", {"ResourceArn": tagged}, account=STRANGER)
    assert_raw_error(resp, "UnrecognizedClientException", BAD_CLIENT_TOKEN)


def test_session_key_with_its_token_succeeds_in_its_account(raw, tagged):
    """The session key belongs to Alice's account: it sees her model."""
    assert ok_json(raw("ListTags", {"ResourceArn": tagged}, account=SESSION)) == {"Tags": tags(("a", "1"))}


def test_session_key_through_boto3(make_client, tagged):
    assert make_client(SESSION).list_tags(ResourceArn=tagged)["Tags"] == tags(("a", "1"))


@pytest.mark.parametrize(
    "account, token",
    [
        (SESSION, "IQoJb3JpZ2luX2VjSESSIONtoken/0003+tampered"),
        (SESSION, None),
        (ALICE, SESSION.session_token),
        (ALICE, "a-token-on-a-key-that-has-none"),
    ],
    ids=["wrong-token", "missing-token", "borrowed-token", "token-on-long-term-key"],
)
def test_invalid_session_token(raw, tagged, account, token):
    """§6 'invalid session token' → UnrecognizedClientException."""
    resp = raw("ListTags", {"ResourceArn": tagged}, account=account, token=token)
    assert_raw_error(resp, "UnrecognizedClientException", BAD_CLIENT_TOKEN)


def test_token_expiring_in_the_future_is_accepted(raw):
    """`session_token_expires` later than now: the key works, in its account."""
    ok_json(raw("CreateModel", {"ModelName": "later"}, account=LATER))
    models = ok_json(raw("ListModels", {}, account=BOB))["Models"]
    assert [m["ModelArn"] for m in models] == [model_arn("later", BOB)]


def test_expired_session_token(raw):
    resp = raw("ListModels", {}, account=EXPIRED)
    assert_raw_error(resp, "ExpiredTokenException", EXPIRED_TOKEN)


# ---- signature mismatch ---------------------------------------------------------


def test_wrong_secret_key(raw, tagged):
    resp = raw("ListTags", {"ResourceArn": tagged}, account=WRONG_SECRET)
    assert_raw_error(resp, "InvalidSignatureException", SIGNATURE_MISMATCH)


def test_body_changed_after_signing(sm, raw, tagged):
    """§1: the server hashes the body itself."""

    def swap(headers, body):
        return headers, body.replace(b'"a"', b'"b"')

    resp = raw("DeleteTags", {"ResourceArn": tagged, "TagKeys": ["a"]}, after_sign=swap)
    assert_raw_error(resp, "InvalidSignatureException", SIGNATURE_MISMATCH)
    assert sm.list_tags(ResourceArn=tagged)["Tags"] == tags(("a", "1"))


def test_body_grown_after_signing(raw, tagged):
    def grow(headers, body):
        return headers, body + b" "

    resp = raw("ListTags", {"ResourceArn": tagged}, after_sign=grow)
    assert_raw_error(resp, "InvalidSignatureException", SIGNATURE_MISMATCH)


def test_target_changed_after_signing(sm, raw, tagged):
    """A ListTags signature must not authorise a DeleteTags."""
    body = {"ResourceArn": tagged, "TagKeys": ["a"]}
    resp = raw("ListTags", body, after_sign=replace_header("X-Amz-Target", "SageMaker.DeleteTags"))
    assert_raw_error(resp, "InvalidSignatureException", SIGNATURE_MISMATCH)
    assert sm.list_tags(ResourceArn=tagged)["Tags"] == tags(("a", "1"))


@pytest.mark.parametrize(
    "hook",
    [
        replace_header("Content-Type", "application/json"),
        lambda h, b: ({**h, "X-Amz-Date": shifted_stamp(h["X-Amz-Date"], -1)}, b),
        rewrite_authorization(lambda v: v[:-1] + ("0" if v[-1] != "0" else "1")),
        rewrite_authorization(lambda v: v.replace("content-type;", "")),
    ],
    ids=["content-type", "x-amz-date", "signature-digit", "signed-headers-list"],
)
def test_signed_parts_changed_after_signing(raw, tagged, hook):
    resp = raw("ListTags", {"ResourceArn": tagged}, after_sign=hook)
    assert_raw_error(resp, "InvalidSignatureException", SIGNATURE_MISMATCH)


def test_unsigned_extra_header_is_harmless(raw, tagged):
    """§1: canonicalise exactly the `SignedHeaders` received."""
    resp = raw("ListTags", {"ResourceArn": tagged}, after_sign=replace_header("X-Unsigned-Extra", "whatever"))
    assert ok_json(resp) == {"Tags": tags(("a", "1"))}


def test_more_signed_headers_like_other_sdks(raw, tagged):
    """§1 (O23): Go SDK v2 also signs content-length and amz-sdk-* headers."""
    body = b'{"ResourceArn":"%s"}' % tagged.encode()
    extra = {
        "Content-Length": str(len(body)),
        "amz-sdk-invocation-id": str(uuid.uuid4()),
        "amz-sdk-request": "attempt=1; max=3",
    }
    resp = raw("ListTags", body, headers=extra)
    signed = authorization_parts(resp.sent_headers["Authorization"])["SignedHeaders"]
    assert (
        signed
        == "amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-date;x-amz-target"
    )
    assert ok_json(resp) == {"Tags": tags(("a", "1"))}


# ---- clock skew -------------------------------------------------------------------

STAMP = r"(\d{8}T\d{6}Z)"


def parse_stamp(text):
    return dt.datetime.strptime(text, SIGV4_TIME).replace(tzinfo=dt.timezone.utc)


def check_skew_message(message, pattern, sent, sign):
    match = re.fullmatch(pattern, message)
    assert match, message
    req, bound, now = (parse_stamp(g) for g in match.groups())
    assert req == parse_stamp(sent)
    assert abs((now - utc_now()).total_seconds()) < 30, "server time in the message is not now"
    assert bound == now + sign * dt.timedelta(minutes=5)


def test_date_six_minutes_in_the_past(raw, tagged):
    """§6 'X-Amz-Date older than now−5 min' (O27)."""
    resp = raw("ListTags", {"ResourceArn": tagged}, at=utc_now() - dt.timedelta(minutes=6))
    assert_raw_error(resp, "InvalidSignatureException")
    pattern = rf"Signature expired: {STAMP} is now earlier than {STAMP} \({STAMP} - 5 min\.\)"
    check_skew_message(resp.json()["message"], pattern, resp.sent_headers["X-Amz-Date"], -1)


def test_date_six_minutes_in_the_future(raw, tagged):
    """§6 'X-Amz-Date later than now+5 min' (O28)."""
    resp = raw("ListTags", {"ResourceArn": tagged}, at=utc_now() + dt.timedelta(minutes=6))
    assert_raw_error(resp, "InvalidSignatureException")
    pattern = rf"Signature not yet current: {STAMP} is still later than {STAMP} \({STAMP} \+ 5 min\.\)"
    check_skew_message(resp.json()["message"], pattern, resp.sent_headers["X-Amz-Date"], +1)


@pytest.mark.parametrize("minutes", [-4, 4])
def test_date_inside_the_window_is_accepted(raw, tagged, minutes):
    """§1: ±5 minutes around server time."""
    resp = raw("ListTags", {"ResourceArn": tagged}, at=utc_now() + dt.timedelta(minutes=minutes))
    assert ok_json(resp) == {"Tags": tags(("a", "1"))}


# ---- credential scope ----------------------------------------------------------------


@pytest.mark.parametrize("region", ["moon", "US-EAST-1", "us-east", "useast1"])
def test_region_that_is_not_an_aws_region(raw, region):
    """§6 'Scope region ≠ server region' (contract: without --regions, any
    region of the form `^[a-z]{2}(-[a-z]+)+-\\d+$` is served)."""
    resp = raw("ListModels", {}, region=region)
    expected = f"Credential should be scoped to a valid region, not '{region}'. "
    assert_raw_error(resp, "InvalidSignatureException", expected)


def test_any_aws_shaped_region_is_served_without_regions_flag(raw):
    assert ok_json(raw("ListModels", {}, region="ap-southeast-2")) == {"Models": []}


def test_region_outside_the_regions_flag(spawn_server):
    """Contract: with `--regions`, only those regions are served."""
    srv = spawn_server("--regions", "us-east-1,eu-west-1")
    client = RawClient("127.0.0.1", srv.port)
    assert ok_json(client("ListModels", {}, region="eu-west-1")) == {"Models": []}
    assert ok_json(client("ListModels", {}, region="us-east-1")) == {"Models": []}
    resp = client("ListModels", {}, region="ap-south-1")
    expected = "Credential should be scoped to a valid region, not 'ap-south-1'. "
    assert_raw_error(resp, "InvalidSignatureException", expected)


@pytest.mark.parametrize("service", ["s3", "execute-api", "SageMaker"])
def test_scope_for_another_service(raw, service):
    resp = raw("ListModels", {}, service=service)
    expected = "Credential should be scoped to correct service: 'sagemaker'. "
    assert_raw_error(resp, "InvalidSignatureException", expected)


# ---- presigned query string -------------------------------------------------------------


def test_presigned_query_string_is_accepted(raw, tagged):
    """§6 'No Authorization header (and no query signature)': the query form
    is the other way to sign."""
    resp = raw("ListTags", {"ResourceArn": tagged}, presign=True)
    assert "X-Amz-Signature=" in resp.sent_target
    assert "Authorization" not in resp.sent_headers
    assert ok_json(resp) == {"Tags": tags(("a", "1"))}


def test_presigned_with_a_changed_body_is_rejected(sm, raw, tagged):
    def swap(headers, body):
        return headers, body.replace(b'"a"', b'"b"')

    resp = raw("DeleteTags", {"ResourceArn": tagged, "TagKeys": ["a"]}, presign=True, after_sign=swap)
    assert_raw_error(resp, "InvalidSignatureException", SIGNATURE_MISMATCH)
    assert sm.list_tags(ResourceArn=tagged)["Tags"] == tags(("a", "1"))


def test_presigned_with_a_changed_target_is_rejected(raw, tagged):
    hook = replace_header("X-Amz-Target", "SageMaker.DeleteTags")
    resp = raw("ListTags", {"ResourceArn": tagged, "TagKeys": ["a"]}, presign=True, after_sign=hook)
    assert_raw_error(resp, "InvalidSignatureException", SIGNATURE_MISMATCH)


def test_presigned_with_a_wrong_secret_is_rejected(raw, tagged):
    resp = raw("ListTags", {"ResourceArn": tagged}, presign=True, account=WRONG_SECRET)
    assert_raw_error(resp, "InvalidSignatureException", SIGNATURE_MISMATCH)


def test_presigned_with_an_unknown_key_is_rejected(raw, tagged):
    resp = raw("ListTags", {"ResourceArn": tagged}, presign=True, account=STRANGER)
    assert_raw_error(resp, "UnrecognizedClientException", BAD_CLIENT_TOKEN)


# ---- secrets never leave the server ------------------------------------------------------


def test_error_answers_carry_no_secret_signature_or_token(raw, server, tagged):
    """§6 failures must not echo key material: not the secret, not the
    signature sent, not the signature the server computed, not a token."""
    now = utc_now()
    body = {"ResourceArn": tagged}
    cases = [
        dict(account=WRONG_SECRET),
        dict(account=SESSION, token="IQoJb3JpZ2luX2VjSESSIONtoken/0003+tampered"),
        dict(account=ALICE, token=SESSION.session_token),
        dict(account=EXPIRED),
        dict(account=STRANGER),
        dict(account=ALICE, at=now - dt.timedelta(minutes=7)),
        dict(account=ALICE, region="moon"),
        dict(account=ALICE, service="s3"),
        dict(account=SESSION, after_sign=lambda h, b: (h, b + b" ")),
        dict(account=ALICE, presign=True, after_sign=lambda h, b: (h, b + b" ")),
    ]
    # What Alice's true signature of the wrong-secret request would have been.
    _, _, true_headers, _ = raw.build("ListTags", body, account=ALICE, at=now)
    forbidden = {
        ALICE.secret_key,
        SESSION.secret_key,
        EXPIRED.secret_key,
        SESSION.session_token,
        EXPIRED.session_token,
        authorization_parts(true_headers["Authorization"])["Signature"],
    }
    for case in cases:
        case.setdefault("at", now)
        resp = raw("ListTags", body, **case)
        assert resp.status in (400, 403), resp.describe()
        sent = resp.sent_headers.get("Authorization") or resp.sent_target
        signature = re.search(r"Signature=([0-9a-f]{64})", sent).group(1)
        answer = resp.body.decode(errors="replace") + repr(resp.headers)
        for secret in forbidden | {signature}:
            assert secret not in answer, f"{case}: answer contains {secret!r}"


def test_server_log_carries_no_secret_or_token(raw, server, tagged):
    """STYLE.md habit 7: never log secret keys, tokens or signatures."""
    sent = [
        raw("ListTags", {"ResourceArn": tagged}, account=SESSION),
        raw("ListTags", {"ResourceArn": tagged}, account=WRONG_SECRET),
        raw("ListTags", {"ResourceArn": tagged}, account=EXPIRED),
    ]
    log = server.stderr_path.read_text(errors="replace")
    for secret in (ALICE.secret_key, SESSION.secret_key, SESSION.session_token, EXPIRED.session_token):
        assert secret not in log
    for resp in sent:
        assert authorization_parts(resp.sent_headers["Authorization"])["Signature"] not in log
