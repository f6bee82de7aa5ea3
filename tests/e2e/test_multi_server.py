"""Several servers over one PostgreSQL database behave as one server: the
50-tag limit holds for clients spread over two servers, a tuning job launches
each training job exactly once while both servers run its rounds (and goes on
when one of them is killed), and a database outage under load is answered with
503 ServiceUnavailable, loses no acknowledged write, and ends by itself.

Runs only when the suite runs on PostgreSQL (`SAGETAG_E2E_DATABASE_URL`, see
database.py); the outage test also needs the cluster to be the one
`scripts/pg.sh` controls. Two servers given the same data dir share one
database. Every request loop here is bounded in count and time.
"""

from __future__ import annotations

import re
import signal
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import BotoCoreError, ClientError

import database
from kinds import TRAINING_JOB, poll, tuning_job_input
from support import ALICE, REPO_ROOT, TAG_LIMIT, RawClient, listed_tags, model_arn, tags

pytestmark = pytest.mark.skipif(
    database.admin_url() is None, reason="runs on PostgreSQL only (SAGETAG_E2E_DATABASE_URL)"
)

CLIENTS = 64
STEP = 1


@pytest.fixture
def two_servers(spawn_server, tmp_path):
    """Two servers on one database, one-second lifecycle steps."""
    shared = tmp_path / "shared-data"
    shared.mkdir()
    flags = ("--lifecycle-seconds", str(STEP))
    return [spawn_server(*flags, data_dir=shared) for _ in range(2)]


def clients_for(make_client, servers, count):
    """`count` clients, spread over the servers in turn."""
    return [make_client(ALICE, endpoint=servers[i % len(servers)].endpoint) for i in range(count)]


def run_together(calls):
    """Each zero-argument call in its own thread, released at once; returns
    ("ok", result) or ("error", response) per call."""
    barrier = threading.Barrier(len(calls))

    def one(call):
        barrier.wait(timeout=60)
        try:
            return "ok", call()
        except ClientError as err:
            return "error", err.response

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(one, calls))


# ---- the tag limit ----------------------------------------------------------------------------


def test_64_clients_on_two_servers_share_the_tag_limit(make_client, two_servers):
    first, second = two_servers
    arn = make_client(ALICE, endpoint=first.endpoint).create_model(ModelName="shared")["ModelArn"]
    keys = [f"key-{i:02d}" for i in range(CLIENTS)]
    clients = clients_for(make_client, two_servers, CLIENTS)

    def add(client, key):
        return lambda: client.add_tags(ResourceArn=arn, Tags=tags((key, "v")))

    outcomes = run_together([add(c, k) for c, k in zip(clients, keys)])

    acknowledged = {k for k, (kind, _) in zip(keys, outcomes) if kind == "ok"}
    refused = [resp for kind, resp in outcomes if kind == "error"]
    assert len(acknowledged) == 50
    assert len(refused) == CLIENTS - 50
    for resp in refused:
        assert resp["Error"] == {"Code": "ValidationException", "Message": TAG_LIMIT}
        assert resp["ResponseMetadata"]["HTTPStatusCode"] == 400
    for srv in two_servers:
        stored = listed_tags(make_client(ALICE, endpoint=srv.endpoint), arn)
        assert {t["Key"] for t in stored} == acknowledged


# ---- tuning jobs ------------------------------------------------------------------------------


def launched(client, tuning):
    pages = client.get_paginator("list_training_jobs_for_hyper_parameter_tuning_job").paginate(
        HyperParameterTuningJobName=tuning
    )
    return [s["TrainingJobName"] for s in pages.build_full_result()["TrainingJobSummaries"]]


def tuning_status(client, tuning):
    described = client.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=tuning)
    return described["HyperParameterTuningJobStatus"]


def assert_each_launched_once(client, tuning, total):
    """Exactly `total` training jobs, numbered 001…total, each once, each
    with the tuning job's tags, each finished."""
    names = launched(client, tuning)
    pattern = re.compile(rf"{tuning}-(\d{{3}})-[0-9a-f]{{8}}")
    indices = Counter(int(pattern.fullmatch(n).group(1)) for n in names)
    duplicates = {i: n for i, n in indices.items() if n > 1}
    assert not duplicates, f"launched more than once: {duplicates}"
    assert sorted(indices) == list(range(1, total + 1)), names
    for name in names:
        assert listed_tags(client, TRAINING_JOB.arn(name)) == tags(("team", "ml"))
        assert TRAINING_JOB.status(client, name) == "Completed"


def create_tuning_job(client, name, total, parallel):
    request = tuning_job_input(name, total=total, parallel=parallel)
    client.create_hyper_parameter_tuning_job(**request, Tags=tags(("team", "ml")))


def test_tuning_job_on_two_servers_launches_each_training_job_once(make_client, two_servers):
    first, second = two_servers
    total, parallel = 12, 3
    create_tuning_job(make_client(ALICE, endpoint=first.endpoint), "duo", total, parallel)

    # Both schedulers see every round's step; the store lets one of them run it.
    reader = make_client(ALICE, endpoint=second.endpoint)
    rounds = total // parallel + 1
    poll(lambda: tuning_status(reader, "duo"), lambda s: s == "Completed", rounds * STEP + 15)
    assert_each_launched_once(reader, "duo", total)
    for srv in two_servers:
        assert srv.proc.poll() is None, srv.stderr_text()


def test_killing_one_server_mid_run_does_not_stop_the_tuning_job(make_client, two_servers):
    doomed, survivor = two_servers
    total, parallel = 15, 3
    create_tuning_job(make_client(ALICE, endpoint=doomed.endpoint), "survivor", total, parallel)
    reader = make_client(ALICE, endpoint=survivor.endpoint)

    # Mid-run: some rounds done, some to go.
    poll(lambda: len(launched(reader, "survivor")), lambda n: n >= 2 * parallel, 4 * STEP + 10)
    doomed.stop(signal.SIGKILL)
    assert len(launched(reader, "survivor")) < total, "the run ended before the kill"

    rounds = total // parallel + 1
    poll(lambda: tuning_status(reader, "survivor"), lambda s: s == "Completed", rounds * STEP + 15)
    assert_each_launched_once(reader, "survivor", total)


# ---- a database outage ------------------------------------------------------------------------


def pg_sh(*args: str) -> str:
    done = subprocess.run(
        [str(REPO_ROOT / "scripts" / "pg.sh"), *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def pg_control():
    """`scripts/pg.sh`, when it controls the suite's cluster; restarts the
    cluster at teardown whatever happened."""
    try:
        controlled = pg_sh("url") == database.admin_url()
    except AssertionError:
        controlled = False
    if not controlled:
        pytest.skip("the suite's cluster is not one scripts/pg.sh controls (SAGETAG_PG_HOME)")
    yield pg_sh
    pg_sh("start")


class Load:
    """Writers creating uniquely named models through both servers until
    told to stop, recording every answer."""

    def __init__(self, make_client, servers, writers: int) -> None:
        self.clients = clients_for(make_client, servers, writers)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.acknowledged: list[str] = []
        self.statuses: Counter[str] = Counter()
        self.threads = [
            threading.Thread(target=self.write, args=(i, client), daemon=True)
            for i, client in enumerate(self.clients)
        ]

    def write(self, writer: int, client) -> None:
        for n in range(100_000):
            if self.stop.is_set():
                return
            name = f"load-{writer:02d}-{n:05d}"
            try:
                client.create_model(ModelName=name, Tags=tags(("writer", str(writer))))
                outcome = "200"
            except ClientError as err:
                meta = err.response["ResponseMetadata"]
                outcome = f"{meta['HTTPStatusCode']} {err.response['Error']['Code']}"
            except BotoCoreError as err:
                outcome = f"transport {type(err).__name__}"
            with self.lock:
                self.statuses[outcome] += 1
                if outcome == "200":
                    self.acknowledged.append(name)
            if outcome != "200":
                time.sleep(0.05)

    def ok_count(self) -> int:
        with self.lock:
            return self.statuses["200"]

    def __enter__(self) -> "Load":
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)


def health(srv) -> int:
    return RawClient("127.0.0.1", srv.port).get("/_sagetag/health").status


def test_a_database_outage_is_503_then_service_resumes(make_client, two_servers, pg_control):
    outage = 4.0
    with Load(make_client, two_servers, writers=8) as load:
        poll(load.ok_count, lambda n: n >= 20, 20)
        pg_control("stop", "immediate")
        stopped_at = time.monotonic()
        time.sleep(1.0)
        during = [health(srv) for srv in two_servers]
        time.sleep(max(0.0, outage - (time.monotonic() - stopped_at)))
        before_restart = dict(load.statuses)
        pg_control("start")
        resumed_from = load.ok_count()
        poll(load.ok_count, lambda n: n >= resumed_from + 20, 30)

    assert during == [503, 503]
    assert before_restart.get("503 ServiceUnavailable", 0) > 0, before_restart
    allowed = {"200", "503 ServiceUnavailable"}
    assert set(load.statuses) <= allowed, load.statuses
    for srv in two_servers:
        assert srv.proc.poll() is None, f"a server died\n{srv.stderr_text()}"
        poll(lambda: health(srv), lambda s: s == 200, 15)

    # Every acknowledged write is there, on either server.
    readers = clients_for(make_client, two_servers, 2)
    for i, name in enumerate(load.acknowledged):
        reader = readers[i % 2]
        described = reader.describe_model(ModelName=name)
        assert described["ModelName"] == name
        writer = name.split("-")[1].lstrip("0") or "0"
        assert listed_tags(reader, model_arn(name)) == tags(("writer", writer))
    print(f"outage test: {dict(load.statuses)}, {len(load.acknowledged)} acknowledged")
