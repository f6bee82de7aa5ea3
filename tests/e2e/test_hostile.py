"""Hostile input at the HTTP level: what no SDK sends.

Truncated, oversized and malformed bodies, JSON that is invalid or merely
nasty (deep, huge, duplicated members, wrong types), absurd request heads,
and clients that never finish. Each answer is checked exactly: the AWS
error code, HTTP status and message where the pipeline answers, or hyper's
bare status where hyper answers a head it cannot parse (see
`crates/server/src/connection.rs`). Nothing may be a 500, a panic, a hang,
or a change of state; the server's memory must stay bounded and it must
keep serving other clients while slow ones hang.

Requests are signed with botocore's signer unless a test says otherwise, so
an answer is about the hostile part, not about SigV4. Tests that need short
timeouts use one extra server (`tight`): request timeout 2 s, idle timeout
1 s.
"""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from conftest import ServerProcess
from rawsock import (
    Dripper,
    assert_bare,
    assert_error,
    connect,
    head_with,
    read_answer,
    send_bytes,
    signed,
    vm_hwm_kib,
    vm_rss_kib,
    wait_closed,
)
from support import (
    ALICE,
    RawClient,
    assert_raw_error,
    credentials_toml,
    listed_tags,
    ok_json,
    tags,
)

SER = "SerializationException"
UNREADABLE = "The request body could not be read."
NOT_JSON = "The request body is not valid JSON: "
DEFAULT_LIMIT = 1024 * 1024

REQUEST_TIMEOUT = 2
IDLE_TIMEOUT = 1


@pytest.fixture(scope="module")
def tight(tmp_path_factory: pytest.TempPathFactory):
    """A server with short timeouts, shared by the slow-client tests."""
    base = tmp_path_factory.mktemp("tight")
    creds = base / "credentials.toml"
    creds.write_text(credentials_toml())
    (base / "data").mkdir()
    flags = [
        "--credentials",
        str(creds),
        "--request-timeout-seconds",
        str(REQUEST_TIMEOUT),
        "--idle-timeout-seconds",
        str(IDLE_TIMEOUT),
    ]
    srv = ServerProcess(flags, base / "data", base, "127.0.0.1:0").start()
    yield srv
    srv.kill()


@pytest.fixture(autouse=True)
def _still_serving(server):
    """After every test the shared server is alive, healthy and logged no panic."""
    yield
    assert server.proc.poll() is None, "the server died"
    assert RawClient("127.0.0.1", server.port).get("/_sagetag/health").status == 200
    assert "panicked" not in server.stderr_path.read_text(errors="replace")


def add_tags_body(arn, *pairs):
    return {"ResourceArn": arn, "Tags": tags(*pairs)}


# ---- body framing ------------------------------------------------------------------------


def test_body_shorter_than_content_length_then_half_close(server, raw, sm, model):
    """The client declares more than it sends and shuts its sending side: the
    body cannot be read, and the answer still comes back."""
    head, body, headers = signed(raw, "AddTags", add_tags_body(model, ("k", "v")))
    data = head_with(headers, Content_Length=str(len(body) + 100)) + body
    answer = send_bytes(server.port, data, half_close=True)
    assert_error(answer, SER, UNREADABLE)
    assert listed_tags(sm, model) == []


def test_body_shorter_than_content_length_never_finished(tight):
    """Body timeout: 408 RequestTimeoutException after the request timeout."""
    client = RawClient("127.0.0.1", tight.port)
    head, body, headers = signed(client, "ListModels", {})
    with connect(tight.port) as sock:
        sock.sendall(head_with(headers, Content_Length=str(len(body) + 10)) + body)
        answer = read_answer(sock, timeout=REQUEST_TIMEOUT + 5)
    message = f"Request body was not received within {REQUEST_TIMEOUT} seconds."
    assert_error(answer, "RequestTimeoutException", message, status=408)
    assert REQUEST_TIMEOUT - 0.2 <= answer.elapsed <= REQUEST_TIMEOUT + 2, answer.describe()


@pytest.mark.parametrize("declared", [DEFAULT_LIMIT + 1, 10**15])
def test_declared_body_over_the_limit_is_refused_before_it_is_read(server, raw, declared):
    """A Content-Length over `--max-body-bytes` is refused at once, not after
    the request timeout spent waiting for bytes that would be refused."""
    head, body, headers = signed(raw, "ListModels", {})
    answer = send_bytes(server.port, head_with(headers, Content_Length=str(declared)))
    message = f"Request body exceeds the limit of {DEFAULT_LIMIT} bytes."
    assert_error(answer, "RequestEntityTooLargeException", message, status=413)
    assert answer.elapsed < 2, answer.describe()


def chunked(data: bytes, size: int = 4096) -> bytes:
    pieces = [data[i : i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


def test_chunked_body_within_the_limit_is_served(server, raw, model):
    head, body, headers = signed(raw, "ListTags", {"ResourceArn": model})
    data = head_with(headers, Content_Length=None, Transfer_Encoding="chunked") + chunked(body, 7)
    answer = send_bytes(server.port, data)
    assert answer.status == 200, answer.describe()
    assert answer.json() == {"Tags": []}


def test_chunked_body_over_the_limit(server, raw):
    """No declared length: the limit is enforced as the chunks arrive."""
    head, body, headers = signed(raw, "ListModels", {})
    with connect(server.port) as sock:
        sock.sendall(head_with(headers, Content_Length=None, Transfer_Encoding="chunked"))
        chunk = b"%x\r\n%s\r\n" % (65536, b" " * 65536)
        try:
            for _ in range(DEFAULT_LIMIT // 65536 + 4):
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = read_answer(sock)
    message = f"Request body exceeds the limit of {DEFAULT_LIMIT} bytes."
    assert_error(answer, "RequestEntityTooLargeException", message, status=413)


@pytest.mark.parametrize(
    "framing",
    [b"zz\r\n{}\r\n0\r\n\r\n", b"2\r\n{}XX0\r\n\r\n", b"ffffffffffffffffffff\r\n{}"],
    ids=["bad-size", "no-crlf-after-data", "size-overflow"],
)
def test_malformed_chunked_body(server, raw, framing):
    head, body, headers = signed(raw, "ListModels", {})
    data = head_with(headers, Content_Length=None, Transfer_Encoding="chunked") + framing
    assert_error(send_bytes(server.port, data, half_close=True), SER, UNREADABLE)


@pytest.mark.parametrize(
    "lengths",
    [["-1"], ["abc"], ["99999999999999999999999"], ["5, 6"], ["5", "6"]],
    ids=["negative", "not-a-number", "overflow", "list", "two-headers"],
)
def test_invalid_content_length_gets_hypers_400(server, raw, lengths):
    """Decided: an unusable Content-Length is a malformed head; hyper answers
    400 with an empty body and closes (RFC 9112 §6.3 says the server MUST
    treat it as unrecoverable)."""
    head, body, headers = signed(raw, "ListModels", {})
    head = head_with(headers, Content_Length=None)
    extra = b"".join(b"Content-Length: %s\r\n" % v.encode() for v in lengths)
    answer = send_bytes(server.port, head[:-2] + extra + b"\r\n" + body)
    assert_bare(answer, 400)


def test_content_length_and_chunked_together(server, raw, model):
    """RFC 9112 §6.3: Transfer-Encoding wins, and the connection is closed after
    the answer, so nothing smuggled behind the body is read as a request."""
    head, body, headers = signed(raw, "ListTags", {"ResourceArn": model})
    smuggled = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
    data = head_with(headers, Transfer_Encoding="chunked") + chunked(body) + smuggled
    with connect(server.port) as sock:
        sock.sendall(data)
        answer = read_answer(sock, until_close=True)
    assert answer.closed, answer.describe()
    assert answer.raw.count(b"HTTP/1.1 ") == 1, answer.describe()
    assert answer.status == 200 and answer.header("connection") == "close", answer.describe()


def test_unsupported_transfer_coding(server, raw):
    head, body, headers = signed(raw, "ListModels", {})
    data = head_with(headers, Content_Length=None, Transfer_Encoding="gzip") + body
    assert_bare(send_bytes(server.port, data), 400)


# ---- JSON that is not JSON ----------------------------------------------------------------


@pytest.mark.parametrize(
    "body, message",
    [
        (b'{"ResourceArn":"\xff"}', "invalid unicode code point at line 1 column 17."),
        (b'{"ResourceArn":"\xc0\xaf"}', "invalid unicode code point at line 1 column 17."),
        (b'{"ResourceArn":"\xed\xa0\x80"}', "invalid unicode code point at line 1 column 17."),
        (b'{"Resource\xffArn":"x"}', "invalid unicode code point at line 1 column 11."),
        (b'{"ResourceArn":"\\ud800"}', "unexpected end of hex escape at line 1 column 23."),
        (b'{"ResourceArn":"\\udc00"}', "lone leading surrogate in hex escape at line 1 column 22."),
        ('{"ResourceArn":"x"}'.encode("utf-16"), "expected value at line 1 column 1."),
        (b'\xef\xbb\xbf{"ResourceArn":"x"}', "expected value at line 1 column 1."),
    ],
    ids=["ff", "overlong", "utf8-surrogate", "in-name", "lone-high", "lone-low", "utf16", "bom"],
)
def test_invalid_utf8_or_unicode(raw, body, message):
    """Decided: a body that is not UTF-8, or escapes no Unicode scalar, is
    SerializationException with serde_json's words (which never quote the body)."""
    assert_error(raw("ListTags", body), SER, NOT_JSON + message)


@pytest.mark.parametrize(
    "body, message",
    [
        (b"[" * 100_000, "recursion limit exceeded at line 1 column 128."),
        (b'{"a":' * 100_000, "recursion limit exceeded at line 1 column 636."),
        (b'{"ResourceArn":' + b"[" * 200, "recursion limit exceeded at line 1 column 142."),
    ],
    ids=["arrays", "objects", "inside-a-member"],
)
def test_deep_nesting(raw, body, message):
    """Decided: over 128 nested arrays or objects is SerializationException
    (serde_json's recursion limit, which our duplicate-checking parser keeps)."""
    assert_error(raw("ListTags", body), SER, NOT_JSON + message)


def test_nesting_under_the_limit_in_an_unknown_member_is_ignored(raw, model):
    body = b'{"ResourceArn":"%s","Extra":%s%s}' % (model.encode(), b"[" * 120, b"]" * 120)
    assert ok_json(raw("ListTags", body)) == {"Tags": []}


@pytest.mark.parametrize(
    "body, name",
    [
        ('{{"ResourceArn":"{arn}","Tags":[],"ResourceArn":"{arn}"}}', "ResourceArn"),
        ('{{"ResourceArn":"{arn}","Tags":[{{"Key":"k","Value":"a","Value":"b"}}]}}', "Value"),
        ('{{"ResourceArn":"{arn}","Tags":[],"Resource\\u0041rn":"x"}}', "ResourceArn"),
        ('{{"ResourceArn":"{arn}","Tags":[],"X":{{"y":1,"y":1}}}}', "y"),
    ],
    ids=["top-level", "in-a-tag", "escaped-spelling", "in-an-unknown-member"],
)
def test_duplicate_member_names_are_refused_and_nothing_changes(raw, sm, model, body, name):
    """Decided: duplicate names are ambiguous (RFC 8259 §4; serde_json would
    keep the last, other parsers the first), so the request is refused."""
    text = body.format(arn=model)
    resp = raw("AddTags", text.encode())
    assert_raw_error(resp, SER)
    message = resp.json()["message"]
    prefix = f"{NOT_JSON}member '{name}' appears twice in one object at line 1 column "
    assert message.startswith(prefix) and message.endswith("."), message
    assert listed_tags(sm, model) == []


def test_same_name_in_different_objects_or_case_is_not_a_duplicate(raw, sm, model):
    body = {"ResourceArn": model, "Tags": tags(("a", "1"), ("b", "2")), "resourceArn": "ignored"}
    assert ok_json(raw("AddTags", body)) == {"Tags": tags(("a", "1"), ("b", "2"))}


def test_duplicate_name_far_into_a_large_body(raw, model):
    filler = "x" * (DEFAULT_LIMIT - 200)
    body = f'{{"ResourceArn":"{model}","Junk":"{filler}","ResourceArn":"{model}"}}'.encode()
    resp = raw("ListTags", body)
    assert_raw_error(resp, SER)
    assert "member 'ResourceArn' appears twice" in resp.json()["message"]


# ---- JSON that is valid but nasty -----------------------------------------------------------


def test_huge_tag_list_within_the_body_limit(raw, sm, model):
    """30,000 tags (about 0.9 MiB): the list-length rule, as for 51 tags. The
    message quotes the list, as AWS's does; it is bounded by the body size."""
    body = json.dumps(add_tags_body(model, *[(f"k{i}", "v") for i in range(30_000)])).encode()
    assert len(body) < DEFAULT_LIMIT
    resp = raw("AddTags", body)
    assert_raw_error(resp, "ValidationException")
    message = resp.json()["message"]
    assert message.startswith("1 validation error detected: Value '[{")
    assert message.endswith(
        "' at 'tags' failed to satisfy constraint: "
        "Member must have length less than or equal to 50"
    )
    assert len(resp.body) < 2 * len(body)
    assert listed_tags(sm, model) == []


def test_huge_key_list_within_the_body_limit(raw, sm, model):
    sm.add_tags(ResourceArn=model, Tags=tags(("k", "v")))
    body = json.dumps({"ResourceArn": model, "TagKeys": ["k"] * 200_000}).encode()
    resp = raw("DeleteTags", body)
    assert_raw_error(resp, "ValidationException")
    assert resp.json()["message"].endswith(
        "' at 'tagKeys' failed to satisfy constraint: "
        "Member must have length less than or equal to 50"
    )
    assert len(resp.body) < 2 * len(body)
    assert listed_tags(sm, model) == tags(("k", "v"))


def test_huge_string_within_the_body_limit(raw):
    arn = "arn:" + "a" * 1_000_000
    resp = raw("ListTags", {"ResourceArn": arn})
    expected = (
        f"1 validation error detected: Value '{arn}' at 'resourceArn' failed to satisfy "
        "constraint: Member must have length less than or equal to 256"
    )
    assert_raw_error(resp, "ValidationException", expected)


@pytest.mark.parametrize("item", [b"0", b"{}", b"[]", b'""', b"null"])
def test_huge_array_in_an_unknown_member_is_ignored(raw, model, item):
    """Unknown members are ignored (§1), however large, within the body limit."""
    head = b'{"ResourceArn":"%s","Junk":[' % model.encode()
    count = (DEFAULT_LIMIT - len(head) - 2) // (len(item) + 1)
    body = head + b",".join([item] * count) + b"]}"
    assert len(body) <= DEFAULT_LIMIT
    assert ok_json(raw("ListTags", body)) == {"Tags": []}


def wrong_type(path, found, expected="string"):
    return f"Cannot deserialize value at '{path}': expected {expected}, found {found}."


@pytest.mark.parametrize(
    "op, body, code, message",
    [
        ("ListTags", b'{"ResourceArn":12345678901234567890123456789}', SER, wrong_type("resourceArn", "number")),
        ("ListTags", b'{"ResourceArn":-0}', SER, wrong_type("resourceArn", "number")),
        ("ListTags", b'{"ResourceArn":1e400}', SER, NOT_JSON + "number out of range at line 1 column 20."),
        ("ListTags", b'{"ResourceArn":true}', SER, wrong_type("resourceArn", "boolean")),
        ("ListTags", b'{"ResourceArn":{"S":"arn:x"}}', SER, wrong_type("resourceArn", "object")),
        ("ListTags", b'{"ResourceArn":["arn:x"]}', SER, wrong_type("resourceArn", "array")),
        (
            "ListTags",
            b'{"ResourceArn":null}',
            "ValidationException",
            "1 validation error detected: Value null at 'resourceArn' failed to satisfy "
            "constraint: Member must not be null",
        ),
        (
            "ListTags",
            b'{"ResourceArn":"arn:x","MaxResults":99999999999999999999}',
            SER,
            wrong_type("maxResults", "number", "integer"),
        ),
        (
            "ListTags",
            b'{"ResourceArn":"arn:x","MaxResults":5e1}',
            SER,
            wrong_type("maxResults", "number", "integer"),
        ),
        (
            "AddTags",
            b'{"ResourceArn":"arn:x","Tags":[{"Key":0.5,"Value":"v"}]}',
            SER,
            wrong_type("tags.1.member.key", "number"),
        ),
        (
            "DeleteTags",
            b'{"ResourceArn":"arn:x","TagKeys":[["k"]]}',
            SER,
            wrong_type("tagKeys.1.member", "array"),
        ),
    ],
    ids=[
        "bigint",
        "minus-zero",
        "out-of-range",
        "bool",
        "object",
        "array",
        "null",
        "int-overflow",
        "float-for-int",
        "float-key",
        "list-in-list",
    ],
)
def test_numbers_and_other_types_where_strings_belong(raw, op, body, code, message):
    assert_raw_error(raw(op, body), code, message)


def test_trailing_bytes_after_the_object(raw, model):
    obj = b'{"ResourceArn":"%s"}' % model.encode()
    message = f"trailing characters at line 1 column {len(obj) + 1}."
    assert_raw_error(raw("ListTags", obj + b"\x00{}"), SER, NOT_JSON + message)


# ---- content type and target ------------------------------------------------------------------


def test_absurd_target_is_named_but_cut_short(raw):
    resp = raw("X" * 10_000, {})
    shown = "SageMaker." + "X" * 118 + "..."
    assert_raw_error(
        resp, "UnknownOperationException", f"Operation '{shown}' is not supported by this service."
    )


def test_absurd_content_type_is_named_but_cut_short(raw):
    content_type = "application/" + "y" * 10_000
    resp = raw("ListModels", {}, content_type=content_type)
    shown = content_type[:128] + "..."
    assert_raw_error(
        resp,
        "UnknownOperationException",
        f"Unsupported content type '{shown}': send application/x-amz-json-1.1.",
    )


def test_missing_target_and_content_type(raw):
    resp = raw(None, {}, content_type=None)
    assert_raw_error(
        resp, "UnknownOperationException", "Unsupported content type '': send application/x-amz-json-1.1."
    )


# ---- absurd heads ------------------------------------------------------------------------------


def test_one_huge_header_gets_431(server, raw):
    """Decided: a head over 64 KiB is hyper's 431 with an empty body, and the
    connection is closed. (Before the explicit max_header_size, a 100 KiB
    header that arrived in one read was accepted.)"""
    head, body, headers = signed(raw, "ListModels", {})
    data = head_with(headers, X_Padding="a" * 100 * 1024) + body
    assert_bare(send_bytes(server.port, data), 431)


def test_header_just_under_the_head_limit_is_served(server, raw):
    head, body, headers = signed(raw, "ListModels", {})
    padded = head_with(headers, X_Padding="a" * (60 * 1024)) + body
    answer = send_bytes(server.port, padded)
    assert answer.status == 200, answer.describe()


@pytest.mark.parametrize("count", [101, 10_000])
def test_too_many_headers_gets_431(server, raw, count):
    head, body, headers = signed(raw, "ListModels", {})
    extra = {f"X-Extra-{i}": "v" for i in range(count)}
    answer = send_bytes(server.port, head_with({**headers, **extra}) + body)
    assert_bare(answer, 431)


def test_ninety_headers_are_served(server, raw):
    head, body, headers = signed(raw, "ListModels", {})
    extra = {f"X-Extra-{i}": "v" for i in range(90 - len(headers))}
    answer = send_bytes(server.port, head_with({**headers, **extra}) + body)
    assert answer.status == 200, answer.describe()


@pytest.mark.parametrize(
    "line",
    [b"X-Bad: a\x00b", b"X-Bad: a\x01b", b"X-B(d: v", b"X-Bad : v", b" X-Folded: v", b"X-Bad: a\rb"],
    ids=["nul", "control", "bad-name", "space-before-colon", "obs-fold", "bare-cr"],
)
def test_invalid_header_bytes_get_hypers_400(server, raw, line):
    head, body, headers = signed(raw, "ListModels", {})
    head = head_with(headers)
    answer = send_bytes(server.port, head[:-2] + line + b"\r\n\r\n" + body)
    assert_bare(answer, 400)


def test_obs_text_in_an_unsigned_header_is_harmless(server, raw):
    """Bytes 0x80–0xFF are allowed in field values (RFC 9110 obs-text)."""
    head, body, headers = signed(raw, "ListModels", {})
    head = head_with(headers)
    answer = send_bytes(server.port, head[:-2] + b"X-Latin: caf\xe9\xff\r\n\r\n" + body)
    assert answer.status == 200, answer.describe()


@pytest.mark.parametrize(
    "data, status",
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"POST / HTTP/9.9\r\nHost: x\r\n\r\n", 400),
        (b"POST /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 431),
    ],
    ids=["garbage", "bad-version", "huge-uri"],
)
def test_unparsable_request_line(server, data, status):
    assert_bare(send_bytes(server.port, data), status)


def test_http2_preface_is_closed_without_an_answer(server):
    """An HTTP/2 prior-knowledge preface cannot be answered in HTTP/1.1."""
    answer = send_bytes(server.port, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
    assert answer.closed and answer.raw == b"", answer.describe()


# ---- slow clients ----------------------------------------------------------------------------


def test_slowloris_on_the_head_is_cut_off_at_the_request_timeout(tight):
    """Decided: a head still incomplete after the request timeout closes the
    connection without an answer (hyper's header timer; it has no hook to
    answer). Bytes trickling in do not reset it."""
    dripper = Dripper(every=0.2)
    try:
        sock = connect(tight.port)
        dripper.add(sock, b"POST / HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 1000)
        elapsed = wait_closed(sock, REQUEST_TIMEOUT + 4)
    finally:
        dripper.stop()
    assert elapsed is not None, "still open"
    assert REQUEST_TIMEOUT - 0.2 <= elapsed <= REQUEST_TIMEOUT + 2, elapsed


def test_slowloris_on_the_body_gets_408(tight):
    client = RawClient("127.0.0.1", tight.port)
    head, body, headers = signed(client, "ListModels", b" " * 1000 + b"{}")
    dripper = Dripper(every=0.2)
    try:
        sock = connect(tight.port)
        sock.sendall(head)
        dripper.add(sock, body)
        answer = read_answer(sock, timeout=REQUEST_TIMEOUT + 4)
    finally:
        dripper.stop()
    message = f"Request body was not received within {REQUEST_TIMEOUT} seconds."
    assert_error(answer, "RequestTimeoutException", message, status=408)


def test_silent_connection_is_closed_after_the_idle_timeout(tight):
    with connect(tight.port) as sock:
        elapsed = wait_closed(sock, IDLE_TIMEOUT + 4)
    assert elapsed is not None, "still open"
    assert IDLE_TIMEOUT - 0.2 <= elapsed <= IDLE_TIMEOUT + 1.5, elapsed


def test_keep_alive_connection_is_closed_after_the_idle_timeout(tight):
    client = RawClient("127.0.0.1", tight.port)
    head, body, headers = signed(client, "ListModels", {})
    with connect(tight.port) as sock:
        for _ in range(2):  # it really is kept alive between requests
            sock.sendall(head + body)
            answer = read_answer(sock)
            assert answer.status == 200, answer.describe()
        elapsed = wait_closed(sock, IDLE_TIMEOUT + 4)
    assert elapsed is not None, "still open"
    assert IDLE_TIMEOUT - 0.2 <= elapsed <= IDLE_TIMEOUT + 1.5, elapsed


def test_others_are_served_while_slow_clients_hang(tight, make_client):
    """120 hanging connections (silent, dripping heads, dripping bodies) do
    not delay a normal signed request, and every one of them is closed by a
    timeout."""
    client = RawClient("127.0.0.1", tight.port)
    head, body, headers = signed(client, "ListModels", b" " * 1000 + b"{}")
    dripper = Dripper(every=0.1)
    socks = []
    try:
        for i in range(120):
            sock = connect(tight.port)
            socks.append(sock)
            if i % 3 == 1:
                dripper.add(sock, b"POST / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 1000)
            elif i % 3 == 2:
                sock.sendall(head)
                dripper.add(sock, body)
        sm = make_client(ALICE, endpoint=tight.endpoint)
        for _ in range(10):
            started = time.monotonic()
            assert sm.list_models()["Models"] == []
            assert time.monotonic() - started < 1.0
        deadline = time.monotonic() + REQUEST_TIMEOUT + 4
        for sock in socks:
            assert wait_closed(sock, max(0.1, deadline - time.monotonic())) is not None
    finally:
        dripper.stop()
        for sock in socks:
            sock.close()


def test_connection_limit_makes_new_clients_wait(spawn_server):
    """Decided: at `--max-connections` the server stops accepting; a new
    client waits in the listen backlog until a connection closes (here: idle
    ones, after the idle timeout), then is served normally."""
    srv = spawn_server("--max-connections", "3", "--idle-timeout-seconds", "1")
    client = RawClient("127.0.0.1", srv.port)
    head, body, headers = signed(client, "ListModels", {})
    holders = [connect(srv.port) for _ in range(3)]
    try:
        time.sleep(0.2)
        with connect(srv.port) as sock:
            sock.sendall(head + body)
            answer = read_answer(sock, timeout=6)
        assert answer.status == 200, answer.describe()
        assert 0.6 <= answer.elapsed <= 3.0, answer.describe()
    finally:
        for sock in holders:
            sock.close()
    started = time.monotonic()
    assert ok_json(client("ListModels", {})) == {"Models": []}
    assert time.monotonic() - started < 1.0
    assert "connection limit reached" in srv.stderr_text()


# ---- memory ------------------------------------------------------------------------------------


def hostile_bodies(arn):
    """The bodies that cost the server most per byte: the most JSON values
    per MiB, the longest validation message, a duplicate found at the end."""
    head = b'{"ResourceArn":"%s","Junk":[' % arn.encode()
    count = (DEFAULT_LIMIT - len(head) - 2) // 3
    return [
        ("ListTags", head + b",".join([b"{}"] * count) + b"]}"),
        ("ListTags", head + b",".join([b"0"] * (count * 3 // 2)) + b"]}"),
        ("AddTags", json.dumps(add_tags_body(arn, *[(f"k{i}", "v") for i in range(30_000)])).encode()),
        ("ListTags", b'{"ResourceArn":"%s","Junk":"%s","ResourceArn":""}' % (arn.encode(), b"x" * 1_000_000)),
    ]


def test_memory_stays_bounded_under_a_burst(spawn_server):
    """A burst of 24 hostile 1 MiB bodies from 6 clients at once, plus 200 idle
    connections: the resident set grows by less than 256 MiB at its peak, the
    server answers each exactly, and it still serves afterwards."""
    srv = spawn_server()
    client = RawClient("127.0.0.1", srv.port)
    arn = ok_json(client("CreateModel", {"ModelName": "m"}))["ModelArn"]
    for _ in range(20):
        ok_json(client("ListTags", {"ResourceArn": arn}))
    pid = srv.proc.pid
    before = vm_rss_kib(pid)

    idle = [connect(srv.port) for _ in range(200)]
    statuses: list[int] = []
    errors: list[BaseException] = []

    def burst():
        try:
            for op, body in hostile_bodies(arn):
                resp = client(op, body)
                statuses.append(resp.status)
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=burst) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for sock in idle:
        sock.close()
    peak = vm_hwm_kib(pid)
    after = vm_rss_kib(pid)

    assert not errors, errors
    assert len(statuses) == 6 * 4 and 500 not in statuses, statuses
    assert sorted(set(statuses)) == [200, 400], statuses
    assert ok_json(client("ListTags", {"ResourceArn": arn})) == {"Tags": []}
    growth_mib = (peak - before) / 1024
    print(f"VmRSS before {before} KiB, peak {peak} KiB, after {after} KiB")
    assert growth_mib < 256, f"peak grew by {growth_mib:.0f} MiB"
