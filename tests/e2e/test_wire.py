"""AWS JSON 1.1 framing: sagemaker-tagging.md §1 and §2, plus the wire errors
the contract decides (UnknownOperationException, SerializationException,
413), the health and reset endpoints.

All requests here are correctly signed unless a test says otherwise, so a
failure is about framing, not about SigV4.
"""

import json

import pytest

from support import (
    JSON_11,
    RawClient,
    assert_raw_error,
    assert_uuid,
    model_arn,
    tags,
)

SERIALIZATION = "SerializationException"
UNKNOWN_OP = "UnknownOperationException"


# ---- success framing -------------------------------------------------------------


def test_success_has_request_id_and_content_type(raw, model):
    """§1 'Success: HTTP 200, Content-Type, x-amzn-RequestId: <uuid>'."""
    resp = raw("ListTags", {"ResourceArn": model})
    assert resp.status == 200, resp.describe()
    assert resp.header("Content-Type") == JSON_11
    assert_uuid(resp.header("x-amzn-RequestId"))
    assert resp.header("x-amzn-ErrorType") is None


def test_request_ids_differ_per_request(raw):
    ids = {raw("ListModels", {}).header("x-amzn-RequestId") for _ in range(5)}
    assert len(ids) == 5


def test_boto3_reads_the_request_id(sm):
    meta = sm.list_models()["ResponseMetadata"]
    assert_uuid(meta["RequestId"])
    assert meta["HTTPHeaders"]["x-amzn-requestid"] == meta["RequestId"]


def test_application_json_is_accepted(raw, model):
    """Contract: `application/json` is accepted as well."""
    resp = raw("ListTags", {"ResourceArn": model}, content_type="application/json")
    assert resp.status == 200, resp.describe()
    assert resp.json() == {"Tags": []}


def test_timestamps_are_epoch_seconds_numbers(raw):
    """§1 'Timestamps in output: JSON number'."""
    raw("CreateModel", {"ModelName": "clock"})
    created = raw("DescribeModel", {"ModelName": "clock"}).json()["CreationTime"]
    assert isinstance(created, (int, float)) and not isinstance(created, bool)
    listed = raw("ListModels", {}).json()["Models"][0]["CreationTime"]
    assert listed == created


def test_optional_members_are_omitted_not_null(raw):
    """§1 'Optional members: omit when absent (do not emit null)'."""
    raw("CreateModel", {"ModelName": "bare"})
    described = raw("DescribeModel", {"ModelName": "bare"}).json()
    assert None not in described.values(), described
    assert set(described) == {"ModelName", "ModelArn", "CreationTime"}
    listed = raw("ListModels", {}).json()
    assert listed == {"Models": listed["Models"]}


# ---- error framing -------------------------------------------------------------------


def test_error_has_request_id_error_type_and_lower_case_message(raw):
    """§2: `{"__type", "message"}` plus `x-amzn-ErrorType` = `__type`."""
    resp = raw("ListTags", {"ResourceArn": model_arn("absent")})
    assert_raw_error(resp, "ValidationException", "Resource does not exist.")
    assert set(resp.json()) == {"__type", "message"}


def test_auth_error_has_the_same_framing(raw):
    resp = raw("ListModels", {}, sign=False)
    assert_raw_error(resp, "MissingAuthenticationTokenException", status=403)


def test_boto3_sees_code_and_message(sm):
    """§2: how botocore reads errors — code from `__type`, `message`."""
    with pytest.raises(sm.exceptions.ClientError) as info:
        sm.describe_model(ModelName="absent")
    err = info.value.response
    assert err["Error"] == {
        "Code": "ValidationException",
        "Message": f'Could not find model "{model_arn("absent")}".',
    }
    assert_uuid(err["ResponseMetadata"]["RequestId"])


# ---- operation selection -----------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [None, "SageMaker.FlyToTheMoon", "SageMaker.", "Other.ListTags", "SageMaker.listTags", "ListTags"],
    ids=["missing", "unknown", "empty-name", "other-prefix", "wrong-case", "no-prefix"],
)
def test_unknown_or_missing_target(raw, target):
    """§1 'Missing or unknown X-Amz-Target → 400 UnknownOperationException'."""
    headers = {} if target is None else {"X-Amz-Target": target}
    resp = raw(None, {}, headers=headers)
    assert_raw_error(resp, UNKNOWN_OP)


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "application/x-amz-json-1.0"],
    ids=["missing", "text", "form", "json-1.0"],
)
def test_unsupported_content_type(raw, content_type):
    """Contract: Content-Type other than AWS JSON 1.1 (or application/json)."""
    resp = raw("ListModels", {}, content_type=content_type)
    assert_raw_error(resp, UNKNOWN_OP)


# ---- body parsing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'{"ResourceArn":',
        b"not json",
        b'{"a":1}}',
        b"\xff\xfe{}",
        b'[{"ResourceArn":"arn:x"}]',
        b'"str"',
        b"42",
        b"null",
    ],
    ids=["truncated", "text", "trailing", "not-utf8", "array", "string", "number", "null"],
)
def test_body_that_is_not_a_json_object(raw, body):
    """§1 'Malformed JSON' → 400 SerializationException."""
    assert_raw_error(raw("ListTags", body), SERIALIZATION)


@pytest.mark.parametrize(
    "op, body, message",
    [
        (
            "AddTags",
            {"ResourceArn": "arn:x", "Tags": [{"Key": "ok", "Value": "v"}, {"Key": 7, "Value": "v"}]},
            "Cannot deserialize value at 'tags.2.member.key': expected string, found number.",
        ),
        (
            "ListTags",
            {"ResourceArn": 5},
            "Cannot deserialize value at 'resourceArn': expected string, found number.",
        ),
        (
            "ListTags",
            {"ResourceArn": "arn:x", "MaxResults": "50"},
            "Cannot deserialize value at 'maxResults': expected integer, found string.",
        ),
        (
            "DeleteTags",
            {"ResourceArn": "arn:x", "TagKeys": ["a", 1.5]},
            "Cannot deserialize value at 'tagKeys.2.member': expected string, found number.",
        ),
    ],
    ids=["tag-key-number", "arn-number", "max-results-string", "tag-keys-number"],
)
def test_member_of_the_wrong_type(raw, op, body, message):
    """Contract: wrong JSON type → SerializationException naming the path."""
    assert_raw_error(raw(op, body), SERIALIZATION, message)


@pytest.mark.parametrize(
    "op, body, path",
    [
        ("AddTags", {"ResourceArn": "arn:x", "Tags": "k=v"}, "tags"),
        ("AddTags", {"ResourceArn": "arn:x", "Tags": ["k"]}, "tags.1.member"),
        ("DeleteTags", {"ResourceArn": "arn:x", "TagKeys": {"k": 1}}, "tagKeys"),
        ("ListTags", {"ResourceArn": "arn:x", "MaxResults": 50.5}, "maxResults"),
        ("ListTags", {"ResourceArn": ["arn:x"]}, "resourceArn"),
        ("CreateModel", {"ModelName": "m", "EnableNetworkIsolation": "yes"}, "enableNetworkIsolation"),
    ],
)
def test_wrong_type_names_the_path(raw, op, body, path):
    """The contract gives the message form; the words for lists, structures,
    booleans are not fixed, so only the path part is checked exactly."""
    resp = raw(op, body)
    assert_raw_error(resp, SERIALIZATION)
    assert resp.json()["message"].startswith(f"Cannot deserialize value at '{path}': expected ")


def test_wrong_type_comes_before_validation(raw):
    """§3.4: JSON parse (3) before model constraints (4)."""
    body = {"ResourceArn": "", "Tags": [{"Key": 1}]}
    assert_raw_error(raw("AddTags", body), SERIALIZATION)


def test_unknown_target_comes_before_body_parsing(raw):
    """§3.4: dispatch (2) before JSON parse (3)."""
    assert_raw_error(raw("FlyToTheMoon", b"not json"), UNKNOWN_OP)


# ---- body size ------------------------------------------------------------------------


def padded_list_tags(arn, size):
    """A valid ListTags body of exactly `size` bytes (JSON allows whitespace)."""
    head = json.dumps({"ResourceArn": arn})[:-1].encode()
    body = head + b" " * (size - len(head) - 1) + b"}"
    assert len(body) == size
    return body


def test_body_over_the_default_limit(raw, model):
    """Contract: body larger than 1048576 bytes → 413."""
    resp = raw("ListTags", padded_list_tags(model, 1048577))
    assert_raw_error(resp, "RequestEntityTooLargeException", status=413)


def test_body_at_the_default_limit_is_accepted(raw, model):
    resp = raw("ListTags", padded_list_tags(model, 1048576))
    assert resp.status == 200, resp.describe()
    assert resp.json() == {"Tags": []}


def test_max_body_bytes_flag(spawn_server):
    """`--max-body-bytes N`: N bytes pass, N+1 bytes get 413."""
    srv = spawn_server("--max-body-bytes", "2048")
    client = RawClient("127.0.0.1", srv.port)
    arn = model_arn("m")
    at_limit = client("ListTags", padded_list_tags(arn, 2048))
    assert_raw_error(at_limit, "ValidationException", "Resource does not exist.")
    assert_raw_error(
        client("ListTags", padded_list_tags(arn, 2049)), "RequestEntityTooLargeException", status=413
    )


# ---- health and reset ------------------------------------------------------------------


def test_health_needs_no_auth(raw):
    resp = raw.get("/_sagetag/health")
    assert resp.status == 200, resp.describe()
    assert resp.json() == {"status": "ok"}


def test_reset_wipes_everything(sm, raw):
    sm.create_model(ModelName="doomed", Tags=tags(("a", "1")))
    assert raw.post("/_sagetag/reset").status == 200
    assert sm.list_models()["Models"] == []
    sm.create_model(ModelName="doomed")
    assert sm.list_tags(ResourceArn=model_arn("doomed"))["Tags"] == []


def test_reset_is_404_without_the_flag(spawn_server, make_client):
    srv = spawn_server()
    client = RawClient("127.0.0.1", srv.port)
    make_client(endpoint=srv.endpoint).create_model(ModelName="survivor")
    assert client.post("/_sagetag/reset").status == 404
    assert client.get("/_sagetag/health").status == 200
    names = [m["ModelName"] for m in make_client(endpoint=srv.endpoint).list_models()["Models"]]
    assert names == ["survivor"]
