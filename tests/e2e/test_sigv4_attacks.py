"""SigV4 attacks: a captured or forged request, changed and replayed.

Each case starts from a request that would change Alice's state (AddTags,
DeleteTags, DeleteModel, CreateModel), signs it the way an attacker could
(a legitimate signature then tampered with, a signature that leaves a
header unsigned, a scope or a time the server must refuse, another
account's key), and checks the answer exactly (code, status, message, per
sagemaker-tagging.md §6) and that nothing was applied: a legitimate read
afterwards shows Alice's model and its tags as they were.

Not an attack: an identical replay inside the clock window. SigV4 has no
nonce, and AWS accepts such a replay too; the tag operations are idempotent,
so it changes nothing a second time (`test_exact_replay_is_accepted`).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest

from rawsock import assert_error, read_answer, request_head, connect
from support import (
    ALICE,
    BAD_CLIENT_TOKEN,
    BOB,
    JSON_11,
    NOT_FOUND,
    OTHER_REGION,
    REGION,
    SESSION,
    SIGNATURE_MISMATCH,
    SIGV4_TIME,
    Account,
    RawClient,
    assert_raw_error,
    encode_body,
    listed_tags,
    ok_json,
    send_http,
    signing_clock,
    tags,
    utc_now,
)

ORIGINAL = tags(("owner", "alice"))
INVALID_SIG = "InvalidSignatureException"
INCOMPLETE = "IncompleteSignatureException"


def must_be_signed(header: str) -> str:
    return f"'{header}' must be a 'SignedHeader' in the AWS Authorization."


@pytest.fixture
def victim(sm):
    """Alice's model `victim` with one tag; `assert_untouched` checks both."""
    arn = sm.create_model(ModelName="victim")["ModelArn"]
    sm.add_tags(ResourceArn=arn, Tags=ORIGINAL)
    return arn


@pytest.fixture
def assert_untouched(sm, victim):
    def check():
        assert listed_tags(sm, victim) == ORIGINAL
        assert sm.describe_model(ModelName="victim")["ModelArn"] == victim
        assert [m["ModelName"] for m in sm.list_models()["Models"]] == ["victim"]

    return check


class PartialSigV4(SigV4Auth):
    """botocore's signer, leaving some headers out of SignedHeaders: the
    signature is valid for what it covers."""

    def __init__(self, credentials, service, region, leave_out):
        super().__init__(credentials, service, region)
        self.leave_out = {name.lower() for name in leave_out}

    def headers_to_sign(self, request):
        headers = super().headers_to_sign(request)
        for name in self.leave_out:
            if name in headers:
                del headers[name]
        return headers


def sign(
    raw: RawClient,
    target: str,
    body: dict,
    *,
    account: Account = ALICE,
    leave_out: tuple[str, ...] = (),
    region: str = REGION,
    service: str = "sagemaker",
    path: str = "/",
    at: dt.datetime | None = None,
) -> tuple[dict[str, str], bytes]:
    """Headers and body of a request signed like botocore signs, less `leave_out`."""
    data = encode_body(body)
    headers = {
        "Host": f"{raw.host}:{raw.port}",
        "Content-Type": JSON_11,
        "X-Amz-Target": f"SageMaker.{target}",
    }
    request = AWSRequest(method="POST", url=f"http://{raw.host}:{raw.port}{path}", headers=headers, data=data)
    signer = PartialSigV4(account.credentials(account.session_token), service, region, leave_out)
    with signing_clock(at):
        signer.add_auth(request)
    sent = dict(request.headers.items())
    sent["Content-Length"] = str(len(data))
    return sent, data


def send(raw: RawClient, headers: dict[str, str], body: bytes, path: str = "/"):
    return send_http(raw.host, raw.port, "POST", path, headers, body)


def replace(headers: dict[str, str], name: str, value: str | None) -> dict[str, str]:
    out = {k: v for k, v in headers.items() if k.lower() != name.lower()}
    if value is not None:
        out[name] = value
    return out


# ---- a legitimate signature, then a change --------------------------------------------


def test_exact_replay_is_accepted(raw, sm, victim):
    """As on AWS: SigV4 has no nonce; within the window an identical request
    is accepted again. The operations are idempotent, so nothing changes twice."""
    headers, body = sign(raw, "AddTags", {"ResourceArn": victim, "Tags": tags(("env", "prod"))})
    for _ in range(2):
        assert ok_json(send(raw, headers, body)) == {"Tags": tags(("env", "prod"))}
    assert listed_tags(sm, victim) == ORIGINAL + tags(("env", "prod"))


def test_replay_with_another_target(raw, victim, assert_untouched):
    """DescribeModel and DeleteModel take the same input: a captured Describe
    must not delete."""
    headers, body = sign(raw, "DescribeModel", {"ModelName": "victim"})
    assert ok_json(send(raw, headers, body))["ModelName"] == "victim"
    resp = send(raw, replace(headers, "X-Amz-Target", "SageMaker.DeleteModel"), body)
    assert_raw_error(resp, INVALID_SIG, SIGNATURE_MISMATCH)
    assert_untouched()


def test_replay_with_a_second_target_header(raw, victim, assert_untouched):
    """Headers sent twice are canonicalised together (values joined by
    commas), so appending one breaks the signature."""
    headers, body = sign(raw, "DescribeModel", {"ModelName": "victim"})
    head = request_head("POST", "/", list(headers.items()) + [("X-Amz-Target", "SageMaker.DeleteModel")])
    with connect(raw.port) as sock:
        sock.sendall(head + body)
        answer = read_answer(sock)
    assert_error(answer, INVALID_SIG, SIGNATURE_MISMATCH)
    assert_untouched()


def test_replay_with_another_body(raw, victim, assert_untouched):
    headers, body = sign(raw, "DeleteTags", {"ResourceArn": victim, "TagKeys": ["other"]})
    forged = body.replace(b'"other"', b'"owner"')
    assert forged != body and len(forged) == len(body)
    assert_raw_error(send(raw, headers, forged), INVALID_SIG, SIGNATURE_MISMATCH)
    assert_untouched()


def test_replay_with_another_host(raw, victim, assert_untouched):
    headers, body = sign(raw, "AddTags", {"ResourceArn": victim, "Tags": tags(("pwned", "1"))})
    forged = replace(headers, "Host", f"localhost:{raw.port}")
    assert_raw_error(send(raw, forged, body), INVALID_SIG, SIGNATURE_MISMATCH)
    assert_untouched()


@pytest.mark.parametrize(
    "signed_path, sent_path",
    [("/", "/?Action=DeleteModel"), ("/?a=1", "/?a=2"), ("/?a=1", "/")],
    ids=["query-added", "query-changed", "query-dropped"],
)
def test_replay_with_another_query(raw, victim, assert_untouched, signed_path, sent_path):
    body = {"ResourceArn": victim, "Tags": tags(("pwned", "1"))}
    headers, data = sign(raw, "AddTags", body, path=signed_path)
    assert_raw_error(send(raw, headers, data, sent_path), INVALID_SIG, SIGNATURE_MISMATCH)
    assert_untouched()


def test_replay_with_a_fresh_date(raw, victim, assert_untouched):
    """Moving an old capture's X-Amz-Date into the window breaks the signature:
    the time is part of the string to sign."""
    old = utc_now() - dt.timedelta(minutes=20)
    headers, body = sign(raw, "DeleteModel", {"ModelName": "victim"}, at=old)
    fresh = utc_now().strftime(SIGV4_TIME)
    forged = replace(headers, "X-Amz-Date", fresh)
    auth = forged["Authorization"].replace(old.strftime("/%Y%m%d/"), utc_now().strftime("/%Y%m%d/"))
    forged = replace(forged, "Authorization", auth)
    assert_raw_error(send(raw, forged, body), INVALID_SIG, SIGNATURE_MISMATCH)
    assert_untouched()


def test_replay_with_another_scope_region(raw, victim, assert_untouched):
    """The region in Credential= is part of the signing key."""
    headers, body = sign(raw, "DeleteModel", {"ModelName": "victim"})
    auth = headers["Authorization"].replace(f"/{REGION}/", f"/{OTHER_REGION}/")
    assert_raw_error(send(raw, replace(headers, "Authorization", auth), body), INVALID_SIG, SIGNATURE_MISMATCH)
    assert_untouched()


def test_replay_with_an_injected_session_token(raw, victim, assert_untouched):
    """A long-term key with a token, or a temporary key without its own, is
    an unknown credential."""
    headers, body = sign(raw, "DeleteModel", {"ModelName": "victim"})
    forged = replace(headers, "X-Amz-Security-Token", SESSION.session_token)
    assert_raw_error(send(raw, forged, body), "UnrecognizedClientException", BAD_CLIENT_TOKEN)
    assert_untouched()


def test_session_request_with_its_token_removed(raw, victim, assert_untouched):
    # SESSION is a temporary key of Alice's account; botocore signs its token.
    body = {"ResourceArn": victim, "TagKeys": ["owner"]}
    headers, data = sign(raw, "DeleteTags", body, account=SESSION)
    stripped = replace(headers, "X-Amz-Security-Token", None)
    message = "Header 'x-amz-security-token' is listed in SignedHeaders but is absent from the request."
    assert_raw_error(send(raw, stripped, data), INCOMPLETE, message)
    # Signed without its token, then sent without it: an unknown credential.
    headers, data = sign(raw, "DeleteTags", body, account=SESSION, leave_out=("x-amz-security-token",))
    stripped = replace(headers, "X-Amz-Security-Token", None)
    assert_raw_error(send(raw, stripped, data), "UnrecognizedClientException", BAD_CLIENT_TOKEN)
    assert_untouched()


# ---- a valid signature over too little ---------------------------------------------------


@pytest.mark.parametrize(
    "left_out, message",
    [
        ("host", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."),
        ("x-amz-date", must_be_signed("X-Amz-Date")),
        ("x-amz-target", must_be_signed("X-Amz-Target")),
    ],
)
def test_signed_headers_must_cover_host_date_and_target(raw, victim, assert_untouched, left_out, message):
    """Decided: host (SigV4), the date header (AWS's SigV4 guide: "if you
    include a date or x-amz-date header, you must also include that header")
    and X-Amz-Target (which picks the operation) must be signed, even though
    the signature over the rest is valid."""
    headers, body = sign(raw, "DeleteModel", {"ModelName": "victim"}, leave_out=(left_out,))
    signed_list = re.search(r"SignedHeaders=([^,]+)", headers["Authorization"]).group(1)
    assert left_out not in signed_list.split(";")
    assert_raw_error(send(raw, headers, body), INCOMPLETE, message)
    assert_untouched()


def test_unsigned_target_cannot_be_swapped(raw, victim, assert_untouched):
    """What requiring a signed target prevents: a Describe signed without its
    target, sent as a Delete."""
    headers, body = sign(raw, "DescribeModel", {"ModelName": "victim"}, leave_out=("x-amz-target",))
    forged = replace(headers, "X-Amz-Target", "SageMaker.DeleteModel")
    assert_raw_error(send(raw, forged, body), INCOMPLETE, must_be_signed("X-Amz-Target"))
    assert_untouched()


def test_content_type_may_stay_unsigned(raw, victim):
    """Not every header must be signed: content-type picks nothing."""
    headers, body = sign(raw, "ListTags", {"ResourceArn": victim}, leave_out=("content-type",))
    assert ok_json(send(raw, headers, body)) == {"Tags": ORIGINAL}


# ---- scope and time -----------------------------------------------------------------------


@pytest.mark.parametrize("service", ["s3", "iam", "execute-api"])
def test_scope_for_another_service(raw, victim, assert_untouched, service):
    headers, body = sign(raw, "DeleteModel", {"ModelName": "victim"}, service=service)
    message = "Credential should be scoped to correct service: 'sagemaker'. "
    assert_raw_error(send(raw, headers, body), INVALID_SIG, message)
    assert_untouched()


def test_scope_for_another_region_acts_in_that_region(raw, victim, assert_untouched):
    """Without --regions every region is served: a request scoped to
    eu-west-1 acts there, where Alice's us-east-1 model does not exist."""
    headers, body = sign(raw, "DeleteModel", {"ModelName": "victim"}, region=OTHER_REGION)
    message = f'Could not find model "arn:aws:sagemaker:{OTHER_REGION}:{ALICE.account_id}:model/victim".'
    assert_raw_error(send(raw, headers, body), "ValidationException", message)
    headers, body = sign(raw, "DeleteTags", {"ResourceArn": victim, "TagKeys": ["owner"]}, region=OTHER_REGION)
    assert_raw_error(send(raw, headers, body), "ValidationException", NOT_FOUND)
    assert_untouched()


def test_scope_for_a_region_not_served(spawn_server):
    srv = spawn_server("--regions", REGION)
    raw = RawClient("127.0.0.1", srv.port)
    arn = ok_json(raw("CreateModel", {"ModelName": "victim"}))["ModelArn"]
    headers, body = sign(raw, "DeleteModel", {"ModelName": "victim"}, region=OTHER_REGION)
    message = f"Credential should be scoped to a valid region, not '{OTHER_REGION}'. "
    assert_raw_error(send(raw, headers, body), INVALID_SIG, message)
    assert ok_json(raw("DescribeModel", {"ModelName": "victim"}))["ModelArn"] == arn


STAMP = r"\d{8}T\d{6}Z"


@pytest.mark.parametrize(
    "shift, pattern",
    [
        (dt.timedelta(minutes=-6), rf"Signature expired: {STAMP} is now earlier than {STAMP} \({STAMP} - 5 min\.\)"),
        (dt.timedelta(days=-400), rf"Signature expired: {STAMP} is now earlier than {STAMP} \({STAMP} - 5 min\.\)"),
        (
            dt.timedelta(minutes=6),
            rf"Signature not yet current: {STAMP} is still later than {STAMP} \({STAMP} \+ 5 min\.\)",
        ),
        (
            dt.timedelta(days=3650),
            rf"Signature not yet current: {STAMP} is still later than {STAMP} \({STAMP} \+ 5 min\.\)",
        ),
    ],
    ids=["6-min-ago", "400-days-ago", "6-min-ahead", "10-years-ahead"],
)
def test_dates_outside_the_window(raw, victim, assert_untouched, shift, pattern):
    headers, body = sign(raw, "DeleteModel", {"ModelName": "victim"}, at=utc_now() + shift)
    assert_raw_error(send(raw, headers, body), INVALID_SIG, re.compile(pattern))
    assert_untouched()


# ---- another account --------------------------------------------------------------------


@pytest.mark.parametrize(
    "target, body",
    [
        ("AddTags", lambda arn: {"ResourceArn": arn, "Tags": tags(("pwned", "1"))}),
        ("DeleteTags", lambda arn: {"ResourceArn": arn, "TagKeys": ["owner"]}),
        ("ListTags", lambda arn: {"ResourceArn": arn}),
    ],
    ids=["add", "delete", "list"],
)
def test_bobs_signature_on_alices_arn(raw, victim, assert_untouched, target, body):
    """Correctly signed by Bob, naming Alice's ARN: as if it did not exist."""
    headers, data = sign(raw, target, body(victim), account=BOB)
    assert_raw_error(send(raw, headers, data), "ValidationException", NOT_FOUND)
    assert_untouched()


def test_alices_key_id_with_bobs_secret(raw, victim, assert_untouched):
    forger = Account(ALICE.account_id, ALICE.access_key, BOB.secret_key)
    headers, body = sign(raw, "DeleteModel", {"ModelName": "victim"}, account=forger)
    assert_raw_error(send(raw, headers, body), INVALID_SIG, SIGNATURE_MISMATCH)
    assert_untouched()


def test_bobs_key_id_on_alices_signature(raw, victim, assert_untouched):
    """Relabelling a signature with another key id makes it Bob's request,
    checked against Bob's secret."""
    headers, body = sign(raw, "DeleteModel", {"ModelName": "victim"})
    auth = headers["Authorization"].replace(f"Credential={ALICE.access_key}/", f"Credential={BOB.access_key}/")
    assert_raw_error(send(raw, replace(headers, "Authorization", auth), body), INVALID_SIG, SIGNATURE_MISMATCH)
    assert_untouched()
