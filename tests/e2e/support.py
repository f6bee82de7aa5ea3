"""Constants and plain helpers shared by the end-to-end tests.

Fixtures live in ``conftest.py``; this module holds what tests import by
name: the test accounts, ARN builders, the raw HTTP client with its
SigV4 signing, the expected-message builders for ValidationException
(``sagemaker-tagging.md`` §5) and the assertions on AWS errors.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import re
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator
from unittest import mock

import botocore.auth
import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

REPO_ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
OTHER_REGION = "eu-west-1"
JSON_11 = "application/x-amz-json-1.1"
SIGV4_TIME = "%Y%m%dT%H%M%SZ"

NOT_FOUND = "Resource does not exist."
TAG_LIMIT = "Tag limit exceeded: a resource can have at most 50 tags."
DUPLICATE_KEY = "Duplicate tag key"
BAD_TOKEN = "Invalid pagination token."
BAD_CLIENT_TOKEN = "The security token included in the request is invalid."
EXPIRED_TOKEN = "The security token included in the request is expired"
MISSING_TOKEN = "Request is missing Authentication Token"
SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you "
    "provided. Check your AWS Secret Access Key and signing method. Consult "
    "the service documentation for details."
)

# Patterns exactly as the model text prints them (§3.1, §4, resources.md §1).
TAG_PATTERN = r"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)"
MODEL_NAME_PATTERN = r"[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?"
# The ResourceArn pattern is the one place the sources disagree on what a
# message prints: §0 validates with the document's `arn:.*`, while the only
# observed message (O6, quoted in §5) prints the model's pattern. Either text
# is accepted; nothing else is.
ARN_PATTERNS = ("arn:.*", "arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+")


def system_prefix(key: str) -> str:
    """Message for a tag key that starts with `aws:` (§3.1, §3.3)."""
    return f"System prefix 'aws:' reserved for AWS usage in tag key: {key}"


# ---- accounts ---------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """One access key from the credentials file the test server loads."""

    account_id: str
    access_key: str
    secret_key: str
    session_token: str | None = None
    token_expires: str | None = None

    def credentials(self, token: str | None = None) -> Credentials:
        return Credentials(self.access_key, self.secret_key, token)


ALICE = Account("111111111111", "AKIDALICE00000000001", "aliceSecret/0000+KeyMaterial0000000001")
BOB = Account("222222222222", "AKIDBOB0000000000002", "bobSecret/00000+KeyMaterial00000000002")
# A temporary key of Alice's account: it must always carry its token.
SESSION = Account(
    "111111111111",
    "AKIDSESSION000000003",
    "sessionSecret/0+KeyMaterial0000000003",
    session_token="IQoJb3JpZ2luX2VjSESSIONtoken/0003+example==",
)
# A temporary key of Bob's account whose token ran out long ago.
EXPIRED = Account(
    "222222222222",
    "AKIDEXPIRED000000004",
    "expiredSecret/0+KeyMaterial0000000004",
    session_token="IQoJb3JpZ2luX2VjEXPIREDtoken/0004+example==",
    token_expires="2001-01-01T00:00:00Z",
)
# A temporary key of Bob's account whose token is still good for decades.
LATER = Account(
    "222222222222",
    "AKIDLATER00000000006",
    "laterSecret/000+KeyMaterial0000000006",
    session_token="IQoJb3JpZ2luX2VjLATERtoken/0006+example==",
    token_expires="2099-12-31T23:59:59Z",
)
# Known to no server started by these tests.
STRANGER = Account("999999999999", "AKIDSTRANGER00000005", "strangerSecret+KeyMaterial000000005")

ALL_KEYS = (ALICE, BOB, SESSION, EXPIRED, LATER)


def credentials_toml(accounts: tuple[Account, ...] = ALL_KEYS) -> str:
    """The `--credentials` file: one `[[credentials]]` table per key."""
    tables = []
    for acct in accounts:
        lines = [
            "[[credentials]]",
            f'access_key_id = "{acct.access_key}"',
            f'secret_access_key = "{acct.secret_key}"',
            f'account_id = "{acct.account_id}"',
        ]
        if acct.session_token is not None:
            lines.append(f'session_token = "{acct.session_token}"')
        if acct.token_expires is not None:
            lines.append(f'session_token_expires = "{acct.token_expires}"')
        tables.append("\n".join(lines))
    return "\n\n".join(tables) + "\n"


def model_arn(
    name: str,
    account: Account | str = ALICE,
    region: str = REGION,
    partition: str = "aws",
) -> str:
    """A model's canonical ARN: the name is lower-cased (§7, Q6)."""
    acct = account if isinstance(account, str) else account.account_id
    return f"arn:{partition}:sagemaker:{region}:{acct}:model/{name.lower()}"


def tags(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in pairs]


def numbered_tags(count: int, prefix: str = "k", value: str = "v") -> list[dict[str, str]]:
    return [{"Key": f"{prefix}{i:02d}", "Value": f"{value}{i:02d}"} for i in range(count)]


# ---- expected validation messages (§5) -------------------------------------

ANY_VALUE = object()


@dataclass(frozen=True)
class Violation:
    """One `Value '<v>' at '<path>' failed to satisfy constraint: …` item."""

    value: Any
    path: str
    rule: str
    # Alternative pattern texts for a pattern rule; matched with or without
    # `^…$` anchors because §5 says tests must not depend on them.
    patterns: tuple[str, ...] = ()

    def _head(self) -> tuple[str, str]:
        if self.value is ANY_VALUE:
            return "Value '<any>'", r"Value '.*?'"
        if self.value is None:
            return "Value null", re.escape("Value null")
        shown = f"Value '{self.value}'"
        return shown, re.escape(shown)

    def text(self) -> str:
        head, _ = self._head()
        rule = self.rule + (self.patterns[0] if self.patterns else "")
        return f"{head} at '{self.path}' failed to satisfy constraint: Member must {rule}"

    def regex(self) -> str:
        _, head = self._head()
        tail = re.escape(f" at '{self.path}' failed to satisfy constraint: Member must {self.rule}")
        if self.patterns:
            alts = "|".join(r"\^?" + re.escape(p) + r"\$?" for p in self.patterns)
            tail += f"(?:{alts})"
        return head + tail


def not_null(path: str) -> Violation:
    return Violation(None, path, "not be null")


def too_long(value: Any, path: str, limit: int) -> Violation:
    return Violation(value, path, f"have length less than or equal to {limit}")


def too_short(value: Any, path: str, limit: int) -> Violation:
    return Violation(value, path, f"have length greater than or equal to {limit}")


def bad_pattern(value: Any, path: str, *patterns: str) -> Violation:
    return Violation(value, path, "satisfy regular expression pattern: ", patterns)


def too_small(value: Any, path: str, limit: int) -> Violation:
    return Violation(value, path, f"have value greater than or equal to {limit}")


def too_big(value: Any, path: str, limit: int) -> Violation:
    # Phrase not listed in §5; written by symmetry with the minimum rule.
    return Violation(value, path, f"have value less than or equal to {limit}")


def not_in_enum(value: Any, path: str, allowed: list[str]) -> Violation:
    return Violation(value, path, f"satisfy enum value set: [{', '.join(allowed)}]")


@dataclass(frozen=True)
class ValidationText:
    """The whole ValidationException message for a list of violations."""

    items: tuple[Violation, ...]

    def _prefix(self) -> str:
        n = len(self.items)
        return f"{n} validation error{'s' if n > 1 else ''} detected: "

    def text(self) -> str:
        return self._prefix() + "; ".join(v.text() for v in self.items)

    def matches(self, message: str) -> bool:
        rx = re.escape(self._prefix()) + "; ".join(v.regex() for v in self.items)
        return re.fullmatch(rx, message, flags=re.DOTALL) is not None


def validation(*items: Violation) -> ValidationText:
    return ValidationText(items)


Expected = str | ValidationText | re.Pattern | None


def check_message(actual: str, expected: Expected) -> None:
    if expected is None:
        return
    if isinstance(expected, ValidationText):
        assert expected.matches(actual), f"\nexpected: {expected.text()!r}\n     got: {actual!r}"
    elif isinstance(expected, re.Pattern):
        assert expected.fullmatch(actual), f"\nexpected /{expected.pattern}/\n     got: {actual!r}"
    else:
        assert actual == expected


# ---- assertions on errors ---------------------------------------------------


@contextlib.contextmanager
def raises_aws(code: str, message: Expected = None, status: int = 400) -> Iterator[Any]:
    """Expect a boto3 call to fail with this error code, status and message."""
    with pytest.raises(ClientError) as info:
        yield info
    err = info.value.response
    assert err["Error"]["Code"] == code, err
    assert err["ResponseMetadata"]["HTTPStatusCode"] == status, err
    check_message(err["Error"]["Message"], message)


MODELED_ERRORS = {"ResourceNotFound", "ResourceInUse", "ResourceLimitExceeded", "ConflictException"}


def assert_raw_error(resp: "RawResponse", code: str, message: Expected = None, status: int = 400) -> None:
    """Check an error answer byte by byte: status, headers and body (§2)."""
    assert resp.status == status, resp.describe()
    body = resp.json()
    assert body.get("__type") == code, resp.describe()
    assert resp.header("x-amzn-ErrorType") == code, resp.describe()
    assert resp.header("Content-Type") == JSON_11, resp.describe()
    assert_uuid(resp.header("x-amzn-RequestId"))
    key = "Message" if code in MODELED_ERRORS else "message"
    assert key in body, resp.describe()
    check_message(body[key], message)


def ok_json(resp: "RawResponse") -> Any:
    """The JSON body of a raw answer that must be a 200."""
    assert resp.status == 200, resp.describe()
    return resp.json()


def listed_tags(client: Any, arn: str) -> list[dict[str, str]]:
    return client.list_tags(ResourceArn=arn)["Tags"]


def assert_uuid(value: str | None) -> None:
    assert value, "missing x-amzn-RequestId"
    uuid.UUID(value)


# ---- raw HTTP with optional SigV4 -------------------------------------------


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    sent_target: str = ""
    sent_headers: dict[str, str] = field(default_factory=dict)
    sent_body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        return json.loads(self.body)

    def describe(self) -> str:
        return f"HTTP {self.status} {self.headers} {self.body[:600]!r}"


class _JsonBodyQueryAuth(SigV4QueryAuth):
    """Presigning that leaves an AWS JSON body in place.

    botocore's SigV4QueryAuth moves the body into the query string, a habit
    of the query protocol; an AWS JSON 1.1 request keeps its body, and the
    body's SHA-256 stays in the canonical request (§1: the server hashes
    the body itself).
    """

    def _modify_request_before_signing(self, request: AWSRequest) -> None:
        body, request.data = request.data, None
        super()._modify_request_before_signing(request)
        request.data = body


@contextlib.contextmanager
def signing_clock(at: dt.datetime | None) -> Iterator[None]:
    """Make botocore sign as if the UTC clock read `at`.

    botocore 1.44.8 takes the signing time from `get_current_datetime`,
    imported into `botocore.auth`; patching that name moves the signer and
    nothing else.
    """
    if at is None:
        yield
        return
    assert hasattr(botocore.auth, "get_current_datetime"), "botocore changed its signing clock"
    naive = at.astimezone(dt.timezone.utc).replace(tzinfo=None) if at.tzinfo else at
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: naive):
        yield


_DEFAULT = object()
AfterSign = Callable[[dict[str, str], bytes], tuple[dict[str, str], bytes]]


def encode_body(body: Any) -> bytes:
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


class RawClient:
    """Sends exactly the bytes and headers a test asks for.

    Signing uses botocore's own SigV4 signer over the headers given, so a
    test can then tamper with what was signed (`after_sign`), sign with a
    wrong scope, at another time, or as a presigned query string.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port

    def build(
        self,
        target: str | None = "ListTags",
        body: Any = _DEFAULT,
        *,
        account: Account = ALICE,
        sign: bool = True,
        region: str = REGION,
        service: str = "sagemaker",
        content_type: str | None = JSON_11,
        headers: dict[str, str] | None = None,
        token: Any = _DEFAULT,
        at: dt.datetime | None = None,
        presign: bool = False,
        after_sign: AfterSign | None = None,
        method: str = "POST",
        path: str = "/",
    ) -> tuple[str, str, dict[str, str], bytes]:
        """Return (method, request target, headers, body) as they would be sent.

        `target` is an operation name (`SageMaker.` is prefixed unless it
        contains a dot) or None for no `X-Amz-Target`; `token` defaults to
        the account's session token; `at` signs at another time.
        """
        data = b"{}" if body is _DEFAULT else encode_body(body)
        hdrs: dict[str, str] = {"Host": f"{self.host}:{self.port}"}
        if content_type is not None:
            hdrs["Content-Type"] = content_type
        if target is not None:
            hdrs["X-Amz-Target"] = target if "." in target else f"SageMaker.{target}"
        hdrs.update(headers or {})
        url = f"http://{self.host}:{self.port}{path}"

        if sign:
            tok = account.session_token if token is _DEFAULT else token
            req = AWSRequest(method=method, url=url, headers=dict(hdrs), data=data)
            signer_cls = _JsonBodyQueryAuth if presign else SigV4Auth
            signer = signer_cls(account.credentials(tok), service, region)
            with signing_clock(at):
                signer.add_auth(req)
            hdrs = dict(req.headers.items())
            url = req.url
        if after_sign is not None:
            hdrs, data = after_sign(dict(hdrs), data)
        if not any(k.lower() == "content-length" for k in hdrs):
            hdrs["Content-Length"] = str(len(data))
        parts = urllib.parse.urlsplit(url)
        request_target = parts.path + (f"?{parts.query}" if parts.query else "")
        return method, request_target, hdrs, data

    def __call__(self, *args: Any, **kwargs: Any) -> RawResponse:
        """Build a request as `build` does, send it, return the answer."""
        method, request_target, hdrs, data = self.build(*args, **kwargs)
        resp = send_http(self.host, self.port, method, request_target, hdrs, data)
        resp.sent_target, resp.sent_headers, resp.sent_body = request_target, hdrs, data
        return resp

    def get(self, path: str) -> RawResponse:
        return self(None, b"", sign=False, content_type=None, method="GET", path=path)

    def post(self, path: str) -> RawResponse:
        return self(None, b"", sign=False, content_type=None, method="POST", path=path)


def send_http(
    host: str, port: int, method: str, target: str, headers: dict[str, str], body: bytes
) -> RawResponse:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        if body:
            try:
                conn.send(body)
            except (BrokenPipeError, ConnectionResetError):
                # A server may answer (e.g. 413) before reading all of a large
                # body; the answer is still there to read.
                pass
        resp = conn.getresponse()
        payload = resp.read()
        return RawResponse(resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload)
    finally:
        conn.close()


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def authorization_parts(header: str) -> dict[str, str]:
    """Split `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`."""
    algorithm, _, rest = header.partition(" ")
    parts = {"Algorithm": algorithm}
    for item in rest.split(","):
        name, _, value = item.strip().partition("=")
        parts[name] = value
    return parts


# ---- ARNs a caller cannot reach (§3.1 last rows, §7, Q7) --------------------

# The `neighbours` fixture gives "tagged-model" to Alice in us-east-1 and
# eu-west-1 and to Bob in us-east-1, so several ARNs below name a model that
# exists, only not for Alice calling in us-east-1. Every one of them matches
# `arn:.*`, so each must get past validation and fail the lookup.
UNREACHABLE_ARNS = {
    "never-created": model_arn("never-created"),
    "other-account": model_arn("tagged-model", BOB),
    "other-region": model_arn("tagged-model", region=OTHER_REGION),
    "other-partition": model_arn("tagged-model", partition="aws-cn"),
    "upper-case-name": "arn:aws:sagemaker:us-east-1:111111111111:model/Tagged-Model",
    "upper-case-kind": "arn:aws:sagemaker:us-east-1:111111111111:Model/tagged-model",
    "upper-case-service": "arn:aws:SageMaker:us-east-1:111111111111:model/tagged-model",
    "unsupported-kind": "arn:aws:sagemaker:us-east-1:111111111111:experiment/tagged-model",
    "absent-supported-kind": "arn:aws:sagemaker:us-east-1:111111111111:endpoint/tagged-model",
    "other-service": "arn:aws:s3:::tagged-model",
    "trailing-slash": model_arn("tagged-model") + "/",
    "no-account": "arn:aws:sagemaker:us-east-1::model/tagged-model",
    "bare-prefix": "arn:",
}
