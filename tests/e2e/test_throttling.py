"""Per-account throttling: `--rate-limit` and `--rate-burst`.

A token bucket per account, per server, checked after SigV4 (the account is
known) and before the operation runs. Over the limit the answer is exactly
SageMaker's (sagemaker-tagging.md §2, O21): HTTP 400 and the 58-byte body
`{"__type":"ThrottlingException","message":"Rate exceeded"}`, which boto3
retries in standard mode.
"""

from __future__ import annotations

import threading
import time

import boto3
import pytest
from botocore.config import Config

from support import (
    ALICE,
    BAD_CLIENT_TOKEN,
    BOB,
    JSON_11,
    STRANGER,
    RawClient,
    assert_raw_error,
    assert_uuid,
    listed_tags,
    ok_json,
    tags,
)

THROTTLE_BODY = b'{"__type":"ThrottlingException","message":"Rate exceeded"}'


def exhaust(client: RawClient, burst: int, account=ALICE) -> None:
    for _ in range(burst):
        ok_json(client("ListModels", {}, account=account))


def test_the_answer_is_sagemakers_byte_for_byte(spawn_server):
    srv = spawn_server("--rate-limit", "0.5", "--rate-burst", "2")
    client = RawClient("127.0.0.1", srv.port)
    exhaust(client, 2)
    resp = client("ListModels", {})
    assert resp.status == 400, resp.describe()
    assert resp.body == THROTTLE_BODY and len(resp.body) == 58
    assert resp.header("x-amzn-ErrorType") == "ThrottlingException"
    assert resp.header("Content-Type") == JSON_11
    assert_uuid(resp.header("x-amzn-RequestId"))


def test_a_throttled_request_changes_nothing(spawn_server, make_client):
    srv = spawn_server("--rate-limit", "0.5", "--rate-burst", "2")
    client = RawClient("127.0.0.1", srv.port)
    arn = ok_json(client("CreateModel", {"ModelName": "m"}))["ModelArn"]
    exhaust(client, 1)
    resp = client("AddTags", {"ResourceArn": arn, "Tags": tags(("k", "v"))})
    assert_raw_error(resp, "ThrottlingException", "Rate exceeded")
    # Read once Alice's bucket has a token again.
    time.sleep(2.1)
    assert listed_tags(make_client(ALICE, endpoint=srv.endpoint), arn) == []


def test_other_accounts_are_unaffected(spawn_server):
    srv = spawn_server("--rate-limit", "0.5", "--rate-burst", "3")
    client = RawClient("127.0.0.1", srv.port)
    exhaust(client, 3)
    assert_raw_error(client("ListModels", {}), "ThrottlingException", "Rate exceeded")
    exhaust(client, 3, account=BOB)
    assert_raw_error(client("ListModels", {}, account=BOB), "ThrottlingException", "Rate exceeded")


def test_refused_signatures_spend_no_tokens(spawn_server):
    """Only authenticated requests are counted: a stranger's requests (and
    unsigned ones) cannot use up an account's budget, and are not throttled
    themselves — they fail authentication every time."""
    srv = spawn_server("--rate-limit", "0.5", "--rate-burst", "2")
    client = RawClient("127.0.0.1", srv.port)
    for _ in range(5):
        assert_raw_error(client("ListModels", {}, account=STRANGER), "UnrecognizedClientException", BAD_CLIENT_TOKEN)
        assert client("ListModels", {}, sign=False).status == 403
    exhaust(client, 2)
    assert client.get("/_sagetag/health").status == 200


def test_tokens_come_back_at_the_rate(spawn_server):
    srv = spawn_server("--rate-limit", "4", "--rate-burst", "1")
    client = RawClient("127.0.0.1", srv.port)
    exhaust(client, 1)
    assert client("ListModels", {}).status == 400
    time.sleep(0.3)
    ok_json(client("ListModels", {}))


def test_boto3_standard_retries_recover(spawn_server, make_client):
    """Four threads of eight AddTags each against 10 requests/s, burst 2:
    some are throttled, boto3's standard retry mode retries them with
    backoff, every call succeeds, and each tag is there exactly once."""
    srv = spawn_server("--rate-limit", "10", "--rate-burst", "2")
    setup = make_client(ALICE, endpoint=srv.endpoint)
    arn = setup.create_model(ModelName="busy")["ModelArn"]
    time.sleep(0.3)  # let the bucket refill after the create

    config = Config(retries={"mode": "standard", "max_attempts": 10}, connect_timeout=5, read_timeout=30)
    retries: list[int] = []
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            sm = boto3.session.Session().client(
                "sagemaker",
                region_name="us-east-1",
                endpoint_url=srv.endpoint,
                aws_access_key_id=ALICE.access_key,
                aws_secret_access_key=ALICE.secret_key,
                config=config,
            )
            for i in range(8):
                out = sm.add_tags(ResourceArn=arn, Tags=tags((f"t{n}-{i}", "v")))
                retries.append(out["ResponseMetadata"]["RetryAttempts"])
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)

    assert not errors, errors
    assert len(retries) == 32
    keys = sorted(t["Key"] for t in listed_tags(setup, arn))
    assert keys == sorted(f"t{n}-{i}" for n in range(4) for i in range(8))
    # The server logs one line per request with its error code.
    throttled = _log(srv).count("ThrottlingException")
    print(f"32 calls: {sum(retries)} retries, {throttled} throttled answers logged")
    assert sum(retries) > 0 and throttled >= sum(retries), (sum(retries), throttled)


def _log(srv) -> str:
    """The server's whole stderr (`stderr_text` keeps only its tail)."""
    return srv.stderr_path.read_text(errors="replace")


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--rate-burst", "5"], "--rate-limit"),
        (["--rate-limit", "0"], "--rate-limit must be a number of requests per second above 0"),
        (["--rate-limit", "nan"], "--rate-limit must be a number of requests per second above 0"),
        (["--rate-limit", "5", "--rate-burst", "0"], "--rate-burst must be at least 1"),
        (["--max-connections", "0"], "--max-connections must be at least 1"),
        (["--idle-timeout-seconds", "0"], "--idle-timeout-seconds"),
    ],
    ids=["burst-without-rate", "zero-rate", "nan-rate", "zero-burst", "zero-connections", "zero-idle"],
)
def test_bad_limit_flags_fail_at_start_up(spawn_server, flags, message):
    srv = spawn_server(*flags, ready=False)
    assert srv.wait_exit() == 2
    assert message in _log(srv)
