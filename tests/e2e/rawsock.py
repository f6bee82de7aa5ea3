"""Raw-socket helpers for what no HTTP library will send: truncated or
never-ending bodies, malformed framing, oversized heads, slow senders.

Requests are still signed with botocore's signer (`RawClient.build`), then
written byte by byte as a test needs. Answers are parsed just enough to
check status, headers and body, and every read is bounded in time, so a
server that hangs fails the test instead of blocking the suite.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from support import JSON_11, Expected, RawClient, assert_uuid, check_message

READ_TIMEOUT = 10.0


@dataclass
class Answer:
    """What came back on one connection before it closed (or the read timed out)."""

    raw: bytes
    elapsed: float
    closed: bool  # the server closed the connection (EOF or reset)
    reset: bool = False
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        return json.loads(self.body)

    def describe(self) -> str:
        return f"after {self.elapsed:.2f}s closed={self.closed} {self.raw[:400]!r}"


def parse_answer(raw: bytes, elapsed: float, closed: bool, reset: bool = False) -> Answer:
    answer = Answer(raw, elapsed, closed, reset)
    head, sep, rest = raw.partition(b"\r\n\r\n")
    if not sep:
        return answer
    lines = head.decode("latin-1").split("\r\n")
    answer.status = int(lines[0].split(" ")[1])
    for line in lines[1:]:
        name, _, value = line.partition(":")
        answer.headers[name.strip().lower()] = value.strip()
    length = int(answer.headers.get("content-length", len(rest)))
    answer.body = rest[:length]
    return answer


def connect(port: int, timeout: float = READ_TIMEOUT) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.settimeout(timeout)
    return sock


def read_answer(sock: socket.socket, timeout: float = READ_TIMEOUT, until_close: bool = False) -> Answer:
    """Reads one answer: up to the end of its body, or (`until_close`) up to
    the server closing the connection. Never waits longer than `timeout`."""
    started = time.monotonic()
    deadline = started + timeout
    data, closed, reset = b"", False, False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        except (ConnectionResetError, BrokenPipeError):
            closed = reset = True
            break
        if not chunk:
            closed = True
            break
        data += chunk
        if not until_close and _complete(data):
            break
    return parse_answer(data, time.monotonic() - started, closed, reset)


def _complete(data: bytes) -> bool:
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            return len(rest) >= int(value)
    return False


def wait_closed(sock: socket.socket, timeout: float) -> float | None:
    """Seconds until the server closes `sock` (reading and discarding what it
    sends), or None if it is still open after `timeout`."""
    answer = read_answer(sock, timeout, until_close=True)
    return answer.elapsed if answer.closed else None


def send_bytes(port: int, data: bytes, *, half_close: bool = False, timeout: float = READ_TIMEOUT) -> Answer:
    """One connection: write `data` (tolerating an early close by the server),
    optionally half-close, then read one answer."""
    with connect(port, timeout) as sock:
        try:
            sock.sendall(data)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return read_answer(sock, timeout)


def request_head(method: str, target: str, headers: Iterable[tuple[str, str]]) -> bytes:
    lines = [f"{method} {target} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def signed(raw: RawClient, target: str, body: Any, **kwargs: Any) -> tuple[bytes, bytes, dict[str, str]]:
    """A request signed as `raw(...)` would send it: (head bytes, body bytes,
    headers). Content-Length is whatever the signer's request carried; tests
    that tamper with framing replace it."""
    method, request_target, headers, data = raw.build(target, body, **kwargs)
    return request_head(method, request_target, headers.items()), data, headers


def head_with(headers: dict[str, str], method: str = "POST", target: str = "/", **changes: str | None) -> bytes:
    """A request head from `headers` with some replaced (or dropped, with None);
    names are matched case-insensitively, `_` in keyword names reads as `-`."""
    merged = dict(headers)
    for key, value in changes.items():
        name = key.replace("_", "-")
        merged = {k: v for k, v in merged.items() if k.lower() != name.lower()}
        if value is not None:
            merged[name] = value
    return request_head(method, target, merged.items())


# ---- assertions on answers ------------------------------------------------------------


def assert_error(answer: Answer, code: str, message: Expected = None, status: int = 400) -> None:
    """An AWS JSON error answer (sagemaker-tagging.md §2), checked as
    `support.assert_raw_error` checks one read through http.client."""
    assert answer.status == status, answer.describe()
    body = answer.json()
    assert body.get("__type") == code, answer.describe()
    assert answer.header("x-amzn-ErrorType") == code, answer.describe()
    assert answer.header("Content-Type") == JSON_11, answer.describe()
    assert_uuid(answer.header("x-amzn-RequestId"))
    check_message(body["message"], message)


def assert_bare(answer: Answer, status: int) -> None:
    """hyper's own answer to a request head it cannot parse: the status, an
    empty body, `connection: close`, and the connection closed."""
    assert answer.status == status, answer.describe()
    assert answer.body == b"", answer.describe()
    assert answer.header("content-length") == "0", answer.describe()
    assert answer.header("connection") == "close", answer.describe()


# ---- slow clients --------------------------------------------------------------------


class Dripper:
    """Keeps sockets open and feeds each a byte now and then from a
    background thread, like a slowloris: `add(sock, payload)` sends `payload`
    one byte per `every` seconds, never finishing. `stop()` closes all."""

    def __init__(self, every: float = 0.2) -> None:
        self.every = every
        self._lock = threading.Lock()
        self._socks: list[tuple[socket.socket, bytes]] = []
        self._sent: dict[int, int] = {}
        self.closed_by_server: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def add(self, sock: socket.socket, payload: bytes) -> None:
        with self._lock:
            self._socks.append((sock, payload))

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            with self._lock:
                socks = list(self._socks)
            for sock, payload in socks:
                fd = id(sock)
                if fd in self.closed_by_server:
                    continue
                at = self._sent.get(fd, 0)
                if at >= len(payload):
                    continue
                try:
                    sock.send(payload[at : at + 1])
                    self._sent[fd] = at + 1
                except OSError:
                    self.closed_by_server.add(fd)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        with self._lock:
            for sock, _ in self._socks:
                sock.close()


# ---- the server process ---------------------------------------------------------------


def vm_rss_kib(pid: int) -> int:
    """Resident set size of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def vm_hwm_kib(pid: int) -> int:
    """Peak resident set size of a process so far (VmHWM), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmHWM for {pid}")
