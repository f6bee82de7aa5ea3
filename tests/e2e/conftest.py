"""Fixtures: the real `sagetag` binary, boto3 clients, raw requests, the AWS CLI.

One server runs for the whole session, in credentials mode with
`--enable-reset`; an autouse fixture wipes its state before every test, so
tests share nothing. Tests that need other flags (dev mode, `--regions`,
a small body limit, their own data dir) start extra servers through
`spawn_server`, which always kills them at teardown.

The binary comes from `$SAGETAG_BIN`, else `<repo>/target/debug/sagetag`.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import boto3
import pytest
from botocore.config import Config

# Plain `assert`s in the shared helpers get pytest's detailed failure output.
pytest.register_assert_rewrite("support")

import database  # noqa: E402
from support import (  # noqa: E402
    ALICE,
    BOB,
    OTHER_REGION,
    REGION,
    REPO_ROOT,
    Account,
    RawClient,
    credentials_toml,
)

READY_LINE = re.compile(r"sagetag listening on http://(\S+):(\d+)")
START_TIMEOUT = 20.0
STOP_TIMEOUT = 15.0


def pytest_configure(config: pytest.Config) -> None:
    """Keep the host's AWS settings and proxies away from every client."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            del os.environ[name]
    empty = Path(tempfile.mkdtemp(prefix="sagetag-e2e-aws-"))
    (empty / "config").write_text("")
    (empty / "credentials").write_text("")
    os.environ["AWS_CONFIG_FILE"] = str(empty / "config")
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(empty / "credentials")
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    for name in ("NO_PROXY", "no_proxy"):
        os.environ[name] = ",".join(filter(None, [os.environ.get(name), "127.0.0.1", "localhost"]))


def sagetag_bin() -> Path:
    path = Path(os.environ.get("SAGETAG_BIN") or REPO_ROOT / "target" / "debug" / "sagetag")
    if not path.is_file():
        pytest.fail(f"sagetag binary not found at {path}: run `cargo build -p sagetag`", pytrace=False)
    return path


# ---- server processes -------------------------------------------------------


class ServerProcess:
    """One `sagetag serve` child process and what it printed."""

    def __init__(self, flags: list[str], data_dir: Path, log_dir: Path, listen: str) -> None:
        self.flags = flags
        self.data_dir = data_dir
        self.log_dir = log_dir
        self.listen = listen
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.host = ""
        self.stdout_lines: list[str] = []
        self._starts = 0

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def argv(self) -> list[str]:
        return [
            str(sagetag_bin()),
            "serve",
            "--listen",
            self.listen,
            *database.store_flags(self.data_dir),
            *self.flags,
        ]

    def launch(self) -> None:
        """Start the process without waiting for it to be ready."""
        self._starts += 1
        self.stderr_path = self.log_dir / f"stderr-{self._starts}.log"
        self.stdout_lines = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        # The binary reads SAGETAG_* variables as flag defaults; only the
        # flags a test passes may count.
        env = {k: v for k, v in os.environ.items() if not k.startswith("SAGETAG_")}
        self.proc = subprocess.Popen(
            self.argv(),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self.stderr_path.open("wb"),
        )
        # The reader gets this launch's queue: after a restart, the previous
        # reader's end-of-stream marker must not land in the new queue.
        self._reader = threading.Thread(
            target=self._drain_stdout, args=(self.proc, self._lines), daemon=True
        )
        self._reader.start()

    def _drain_stdout(self, proc: subprocess.Popen[bytes], lines: queue.Queue[str | None]) -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.decode(errors="replace").rstrip("\r\n")
            self.stdout_lines.append(line)
            lines.put(line)
        lines.put(None)

    def start(self) -> "ServerProcess":
        """Start and wait for the one `sagetag listening on …` line."""
        self.launch()
        try:
            first = self._lines.get(timeout=START_TIMEOUT)
        except queue.Empty:
            self.kill()
            raise AssertionError(f"no ready line within {START_TIMEOUT}s\n{self.stderr_text()}")
        if first is None:
            rc = self.proc.wait(timeout=STOP_TIMEOUT) if self.proc else None
            raise AssertionError(f"server exited with {rc} before it was ready\n{self.stderr_text()}")
        match = READY_LINE.fullmatch(first)
        assert match, f"first stdout line is not the ready line: {first!r}"
        self.host, self.port = match.group(1), int(match.group(2))
        return self

    def wait_exit(self, timeout: float = STOP_TIMEOUT) -> int:
        """Wait for the process to end by itself; stdout is read to the end."""
        assert self.proc is not None
        rc = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return rc

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Signal the server and return its exit code."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"server did not exit within {STOP_TIMEOUT}s of signal {sig}")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT)

    def restart(self) -> "ServerProcess":
        """SIGTERM, then start again on the same data dir and the same port."""
        rc = self.stop()
        assert rc == 0, f"server exited with {rc} on SIGTERM\n{self.stderr_text()}"
        if self.port:
            self.listen = f"127.0.0.1:{self.port}"
        return self.start()

    def stderr_text(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")[-4000:]
        except (AttributeError, OSError):
            return ""


@pytest.fixture(scope="session")
def credentials_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("credentials") / "credentials.toml"
    path.write_text(credentials_toml())
    return path


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, credentials_file: Path) -> Iterator[ServerProcess]:
    """The shared server: credentials mode, reset enabled, its own data dir."""
    data_dir = tmp_path_factory.mktemp("data")
    logs = tmp_path_factory.mktemp("server-logs")
    flags = ["--credentials", str(credentials_file), "--enable-reset"]
    srv = ServerProcess(flags, data_dir, logs, "127.0.0.1:0").start()
    yield srv
    try:
        srv.stop()
    finally:
        srv.kill()


@pytest.fixture(autouse=True)
def _reset_state(server: ServerProcess) -> None:
    """Every test starts from an empty server."""
    resp = RawClient("127.0.0.1", server.port).post("/_sagetag/reset")
    assert resp.status == 200, f"reset failed: {resp.describe()}"


class Spawner:
    """Starts servers with chosen flags under one directory; kills them all."""

    def __init__(self, base: Path, credentials_file: Path) -> None:
        self.base = base
        self.credentials_file = credentials_file
        self.started: list[ServerProcess] = []

    def __call__(
        self,
        *flags: str,
        credentials: bool = True,
        data_dir: Path | None = None,
        listen: str = "127.0.0.1:0",
        ready: bool = True,
    ) -> ServerProcess:
        base = self.base / f"server-{len(self.started) + 1}"
        base.mkdir()
        if data_dir is None:
            data_dir = base / "data"
            data_dir.mkdir()
        all_flags = (["--credentials", str(self.credentials_file)] if credentials else []) + list(flags)
        srv = ServerProcess(all_flags, data_dir, base, listen)
        self.started.append(srv)
        if ready:
            srv.start()
        else:
            srv.launch()
        return srv

    def kill_all(self) -> None:
        for srv in self.started:
            srv.kill()


@pytest.fixture
def spawn_server(tmp_path: Path, credentials_file: Path) -> Iterator[Spawner]:
    """Start extra servers with chosen flags; all are killed at teardown.

    `spawn_server("--regions", "us-east-1", credentials=True)` starts one in
    credentials mode with the shared key file; `credentials=False` gives dev
    mode. `data_dir` reuses a directory (durability); `ready=False` only
    launches the process, for start-up refusals.
    """
    spawner = Spawner(tmp_path, credentials_file)
    yield spawner
    spawner.kill_all()


@pytest.fixture(scope="module")
def spawn_module_server(
    tmp_path_factory: pytest.TempPathFactory, credentials_file: Path
) -> Iterator[Spawner]:
    """`spawn_server` for servers that one test module shares.

    A module that overrides `server` with one of these (say, with
    `--lifecycle-seconds 1 --enable-reset`) gets every client fixture and
    the reset before each test pointed at it.
    """
    spawner = Spawner(tmp_path_factory.mktemp("module-servers"), credentials_file)
    yield spawner
    spawner.kill_all()


# ---- clients ----------------------------------------------------------------

_boto_session = boto3.session.Session()


@dataclass
class ClientFactory:
    default_endpoint: str

    def __call__(
        self,
        account: Account = ALICE,
        *,
        validate: bool = True,
        region: str = REGION,
        endpoint: str | None = None,
        token: Any = "default",
    ) -> Any:
        """A boto3 SageMaker client; `validate=False` lets min-violations through."""
        config = Config(
            retries={"max_attempts": 1, "mode": "standard"},
            parameter_validation=validate,
            connect_timeout=5,
            read_timeout=30,
        )
        return _boto_session.client(
            "sagemaker",
            region_name=region,
            endpoint_url=endpoint or self.default_endpoint,
            aws_access_key_id=account.access_key,
            aws_secret_access_key=account.secret_key,
            aws_session_token=account.session_token if token == "default" else token,
            config=config,
        )


@pytest.fixture
def make_client(server: ServerProcess) -> ClientFactory:
    return ClientFactory(server.endpoint)


@pytest.fixture
def sm(make_client: ClientFactory) -> Any:
    """Alice's client (account 111111111111, us-east-1)."""
    return make_client(ALICE)


@pytest.fixture
def sm_bob(make_client: ClientFactory) -> Any:
    """Bob's client (account 222222222222, us-east-1)."""
    return make_client(BOB)


@pytest.fixture
def sm_raw(make_client: ClientFactory) -> Any:
    """Alice's client without botocore's parameter validation."""
    return make_client(ALICE, validate=False)


@pytest.fixture
def raw(server: ServerProcess) -> RawClient:
    """Raw requests to the shared server; see `support.RawClient`."""
    return RawClient("127.0.0.1", server.port)


@pytest.fixture
def model(sm: Any) -> str:
    """ARN of an empty model of Alice's, for the tag tests."""
    return sm.create_model(ModelName="tagged-model")["ModelArn"]


# ---- AWS CLI ----------------------------------------------------------------


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout) if self.stdout.strip() else None


@pytest.fixture
def aws_cli(server: ServerProcess, tmp_path: Path) -> Callable[..., CliResult]:
    """Run `aws sagemaker …` from the venv against the shared server."""
    aws = Path(os.environ.get("SAGETAG_AWS_CLI") or Path(sys.executable).with_name("aws"))
    assert aws.is_file(), f"AWS CLI not found at {aws}: run scripts/setup-venv.sh"
    for name in ("config", "credentials"):
        (tmp_path / f"aws-{name}").write_text("")

    def run(*args: str, account: Account = ALICE, region: str = REGION) -> CliResult:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(
            AWS_ACCESS_KEY_ID=account.access_key,
            AWS_SECRET_ACCESS_KEY=account.secret_key,
            AWS_CONFIG_FILE=str(tmp_path / "aws-config"),
            AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "aws-credentials"),
            AWS_EC2_METADATA_DISABLED="true",
            AWS_MAX_ATTEMPTS="1",
            AWS_RETRY_MODE="standard",
        )
        if account.session_token:
            env["AWS_SESSION_TOKEN"] = account.session_token
        argv = [
            str(aws),
            "sagemaker",
            *args,
            "--endpoint-url",
            server.endpoint,
            "--region",
            region,
            "--output",
            "json",
        ]
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
        return CliResult(done.returncode, done.stdout, done.stderr)

    return run


@dataclass
class Neighbours:
    """Models named like Alice's that she must not reach from us-east-1."""

    clients: dict[str, Any]
    arns: dict[str, str]
    tagsets: dict[str, list[dict[str, str]]]

    def assert_untouched(self) -> None:
        for who, client in self.clients.items():
            assert client.list_tags(ResourceArn=self.arns[who])["Tags"] == self.tagsets[who], who


@pytest.fixture
def neighbours(model: str, make_client: ClientFactory) -> Neighbours:
    """Alice's us-east-1 model plus same-named models elsewhere, each tagged."""
    clients = {
        "alice-east": make_client(ALICE),
        "alice-west": make_client(ALICE, region=OTHER_REGION),
        "bob-east": make_client(BOB),
    }
    arns = {"alice-east": model}
    for who in ("alice-west", "bob-east"):
        arns[who] = clients[who].create_model(ModelName="tagged-model")["ModelArn"]
    tagsets = {}
    for who, client in clients.items():
        tagsets[who] = [{"Key": "owner", "Value": who}]
        client.add_tags(ResourceArn=arns[who], Tags=tagsets[who])
    return Neighbours(clients, arns, tagsets)
