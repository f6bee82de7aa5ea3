"""Logs: `--log-format json|pretty`, one line per request, and no secrets.

Each test starts its own server with `spawn_server`, whose stderr goes to a
file (so not a terminal), and reads that file after stopping the server.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from support import ALICE, SESSION, RawClient, authorization_parts, model_arn

REQUEST_FIELDS = ("request_id", "operation", "account", "region")
EVENT_FIELDS = ("status", "error_code", "latency_ms")


def json_lines(srv: Any) -> list[dict[str, Any]]:
    """Every line the stopped server wrote to stderr, each parsed as JSON."""
    text = srv.stderr_path.read_text()
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines, "the server logged nothing"
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"log line is not JSON: {line!r}")
    return parsed


def request_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line.get("message") == "request"]


def send_some_requests(srv: Any, make_client: Any) -> list[Any]:
    """A success, a ValidationException and an unsigned request; the raw answers."""
    raw = RawClient("127.0.0.1", srv.port)
    sm = make_client(SESSION, endpoint=srv.endpoint)
    arn = sm.create_model(ModelName="logged")["ModelArn"]
    with pytest.raises(ClientError):
        sm.add_tags(ResourceArn=arn, Tags=[{"Key": "aws:x", "Value": "1"}])
    return [
        raw("ListTags", {"ResourceArn": arn}, account=SESSION),
        raw("ListTags", {"ResourceArn": model_arn("missing", ALICE)}, account=ALICE),
        raw("ListTags", {"ResourceArn": arn}, sign=False),
    ]


def test_json_lines_carry_the_request_fields(spawn_server, make_client):
    srv = spawn_server("--log-format", "json")
    answers = send_some_requests(srv, make_client)
    assert srv.stop() == 0
    lines = json_lines(srv)

    requests = request_lines(lines)
    assert len(requests) == 5, requests
    for line in requests:
        assert line["level"] == "INFO"
        for field in EVENT_FIELDS:
            assert field in line, f"{field} missing from {line}"
        assert isinstance(line["status"], int) and isinstance(line["latency_ms"], float)
        assert line["span"]["name"] == "request"
        assert line["span"]["request_id"]

    by_id = {line["span"]["request_id"]: line for line in requests}
    signed_ok, not_found, unsigned = (by_id[a.header("x-amzn-requestid")] for a in answers)
    for line in (signed_ok, not_found):
        for field in REQUEST_FIELDS:
            assert field in line["span"], f"{field} missing from {line}"
        assert line["span"]["operation"] == "ListTags"
        assert line["span"]["account"] == "111111111111"
        assert line["span"]["region"] == "us-east-1"
    assert (signed_ok["status"], signed_ok["error_code"]) == (200, "")
    assert (not_found["status"], not_found["error_code"]) == (400, "ValidationException")
    assert (unsigned["status"], unsigned["error_code"]) == (403, "MissingAuthenticationTokenException")
    assert "account" not in unsigned["span"], "no caller is known before the signature"

    refused = [line for line in requests if line["span"].get("operation") == "AddTags"]
    assert [line["error_code"] for line in refused] == ["ValidationException"]


def test_json_logs_hold_no_secret_token_or_signature(spawn_server, make_client):
    srv = spawn_server("--log-format", "json")
    answers = send_some_requests(srv, make_client)
    assert srv.stop() == 0
    text = srv.stderr_path.read_text()
    json_lines(srv)

    forbidden = {
        ALICE.secret_key,
        SESSION.secret_key,
        SESSION.session_token,
        "aliceSecret",
        "sessionSecret",
        "Authorization",
        "X-Amz-Security-Token",
        "Signature=",
    }
    for answer in answers[:2]:
        forbidden.add(authorization_parts(answer.sent_headers["Authorization"])["Signature"])
    for secret in forbidden:
        assert secret not in text, f"the log holds {secret!r}"


def test_json_is_the_default_off_a_terminal(spawn_server, make_client):
    srv = spawn_server()
    make_client(ALICE, endpoint=srv.endpoint).list_models()
    assert srv.stop() == 0
    assert [line["span"]["operation"] for line in request_lines(json_lines(srv))] == ["ListModels"]


def test_pretty_lines_are_text(spawn_server, make_client):
    srv = spawn_server("--log-format", "pretty")
    make_client(ALICE, endpoint=srv.endpoint).list_models()
    assert srv.stop() == 0
    text = srv.stderr_path.read_text()
    request = [line for line in text.splitlines() if 'operation="ListModels"' in line]
    assert len(request) == 1, text
    assert "status=200" in request[0] and "latency_ms=" in request[0]
    assert not request[0].lstrip().startswith("{")
    assert "\x1b[" not in text, "no colors when stderr is not a terminal"


def test_rust_log_filters_the_request_lines(spawn_server, make_client, monkeypatch):
    monkeypatch.setenv("RUST_LOG", "warn")
    srv = spawn_server("--log-format", "json")
    make_client(ALICE, endpoint=srv.endpoint).list_models()
    assert srv.stop() == 0
    text = srv.stderr_path.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert request_lines(lines) == []
    assert all(line["level"] in ("WARN", "ERROR") for line in lines), lines


def test_an_unknown_log_format_is_refused(spawn_server):
    srv = spawn_server("--log-format", "xml", ready=False)
    assert srv.wait_exit() == 2
    assert "xml" in srv.stderr_text() and "json" in srv.stderr_text()
