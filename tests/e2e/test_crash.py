"""Crash safety: SIGKILL under a load of signed AddTags and DeleteTags, again
and again on the same store, loses no acknowledged write and leaves no
request half-applied (§3.4 step 7: acknowledged means applied, all or none).

The workload makes the check exact. Each worker thread owns three keys on
every resource (a *lane*) and sends one request at a time, so the writes of a
lane are totally ordered. Every request carries the lane's next generation:
an AddTags writes all three keys with that number as the value, a DeleteTags
removes all three. A request answered 200 is acknowledged; one cut off by the
kill (or answered 5xx) has an unknown outcome. After each restart, a lane's
three keys must be all absent or all present with one generation, and that
state must be the effect of its last acknowledged request or of a later one
that was sent (before any acknowledgement in the cycle, the state verified
after the previous restart also counts). Nothing else may be on a resource.

Each cycle runs the load for a random time, kills the server with SIGKILL
while requests are in flight, checks the store's own integrity with the
server down, restarts it on the same data (some restarts are killed again
during start-up first) and checks every lane through ListTags. On SQLite
the integrity check runs on a copy of `sagetag.db` and its WAL (Python's
sqlite3: `PRAGMA integrity_check`, `foreign_key_check`); on PostgreSQL
(`SAGETAG_E2E_DATABASE_URL`, see `database.py`) through psql. Both then run
the same consistency queries on the tables.

`SAGETAG_CRASH_CYCLES` (default 3) sets the number of kills and
`SAGETAG_CRASH_SEED` the random seed; the figures of the run are printed
(`-s` shows them) and the acknowledged writes are logged to `acks.jsonl` in
the test's temporary directory. The full run:

    SAGETAG_CRASH_CYCLES=25 .venv/bin/python -m pytest tests/e2e/test_crash.py -s

and on PostgreSQL, with a throwaway cluster:

    SAGETAG_E2E_DATABASE_URL="$(scripts/pg.sh start)" SAGETAG_CRASH_CYCLES=25 \\
        .venv/bin/python -m pytest tests/e2e/test_crash.py -s

What it cannot show: SIGKILL ends the process, not the machine, so writes
that reached the OS page cache survive it even without an fsync. Power loss
is not simulated, and on PostgreSQL only sagetag is killed, not the database.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import database
from support import ALICE, BOB, Account, RawClient, model_arn

CYCLES = int(os.environ.get("SAGETAG_CRASH_CYCLES") or 3)
SEED = int(os.environ.get("SAGETAG_CRASH_SEED") or time.time_ns() % 1_000_000)
WORKERS = 8
KEYS_PER_LANE = 3  # 8 workers x 3 keys = 24 tags per resource, under the limit of 50
RESOURCES = [(ALICE, "crash-a0"), (ALICE, "crash-a1"), (ALICE, "crash-a2"), (BOB, "crash-b0")]
DELETE_SHARE = 0.3
# The load before each kill lasts a random time in this range, in seconds.
LOAD_SECONDS = (0.05, 1.5)
# The share of restarts killed again within 50 ms of starting.
STARTUP_KILL_SHARE = 0.3
REQUEST_TIMEOUT = 10.0
JOIN_TIMEOUT = 15.0

# The same invariants on either backend: every tag and step belongs to a
# resource, tag positions are unique per resource and within the counter.
CONSISTENCY_QUERIES = {
    "tags without a resource": "SELECT count(*) FROM tags t "
    "LEFT JOIN resources r ON r.id = t.resource_id WHERE r.id IS NULL",
    "steps without a resource": "SELECT count(*) FROM steps s "
    "LEFT JOIN resources r ON r.id = s.resource_id WHERE r.id IS NULL",
    "tag positions used twice": "SELECT count(*) FROM (SELECT resource_id, seq FROM tags "
    "GROUP BY resource_id, seq HAVING count(*) > 1) d",
    "tag positions past the resource's counter": "SELECT count(*) FROM tags t "
    "JOIN resources r ON r.id = t.resource_id WHERE t.seq > r.last_tag_seq OR t.seq < 1",
    "keys used twice on a resource": "SELECT count(*) FROM (SELECT resource_id, key FROM tags "
    "GROUP BY resource_id, key HAVING count(*) > 1) d",
}


# ---- the workload -----------------------------------------------------------


@dataclass
class Write:
    """One request of a lane: AddTags (`value` set) or DeleteTags (`value` None)."""

    generation: int
    value: str | None
    # acked (200), unknown (cut off by the kill, or 5xx), unsent (connection
    # refused once the server was gone), refused (4xx: a failure of the test).
    outcome: str = "pending"
    request_id: str | None = None


@dataclass
class Lane:
    """One worker's keys on one resource, and its writes since the last check."""

    account: Account
    arn: str
    keys: list[str]
    # The state verified after the last restart: a generation's value, or None.
    verified: str | None = None
    writes: list[Write] = field(default_factory=list)
    generation: int = 0
    # Set by `check`: the state found is that of an AddTags cut off by the
    # kill, committed but never answered.
    applied_unknown: bool = False

    def next_write(self, rng: random.Random) -> Write:
        self.generation += 1
        value = None if rng.random() < DELETE_SHARE else str(self.generation)
        write = Write(self.generation, value)
        self.writes.append(write)
        return write

    def allowed_states(self) -> list[str | None]:
        """The states a restart may show: the last acknowledged write's or a
        later one's; before any acknowledgement, also the verified one."""
        acked = [i for i, w in enumerate(self.writes) if w.outcome == "acked"]
        start = acked[-1] if acked else 0
        later = [w.value for w in self.writes[start:] if w.outcome in ("acked", "unknown")]
        return later if acked else [self.verified, *later]

    def check(self, tags: dict[str, str]) -> str | None:
        """Checks the lane's keys among a resource's tags; returns what is wrong."""
        present = {k: tags[k] for k in self.keys if k in tags}
        if present and len(present) != len(self.keys):
            return f"half-applied: only {sorted(present)} of {self.keys} present"
        if len(set(present.values())) > 1:
            return f"keys of one request disagree: {present}"
        state = next(iter(present.values()), None)
        allowed = self.allowed_states()
        if state not in allowed:
            acked = [w for w in self.writes if w.outcome == "acked"]
            last = acked[-1] if acked else None
            shown = "absent" if state is None else f"generation {state}"
            lost = f"last acknowledged: {last}" if last else f"verified: {self.verified}"
            return f"keys are {shown}, allowed {allowed}; {lost}"
        self.applied_unknown = state is not None and any(
            w.outcome == "unknown" and w.value == state for w in self.writes
        )
        self.verified, self.writes = state, []
        return None


@dataclass
class Figures:
    cycles: int = 0
    attempted: int = 0
    acked: int = 0
    unknown: int = 0
    server_errors: int = 0
    refused: list[str] = field(default_factory=list)
    cut_off_per_cycle: list[int] = field(default_factory=list)
    lanes_checked: int = 0
    acked_checked: int = 0
    unknown_found_applied: int = 0
    startup_kills: int = 0


class Load:
    """The worker threads of one cycle, against one server."""

    def __init__(
        self, port: int, lanes: dict[int, list[Lane]], figures: Figures, log, seed: int
    ) -> None:
        self.port = port
        self.lanes = lanes
        self.figures = figures
        self.log = log
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._work, args=(w, random.Random(seed + w)), daemon=True)
            for w in lanes
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def join(self) -> bool:
        self.stop.set()
        deadline = time.monotonic() + JOIN_TIMEOUT
        for thread in self.threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in self.threads)

    def _work(self, worker: int, rng: random.Random) -> None:
        raw = RawClient("127.0.0.1", self.port)
        conn: http.client.HTTPConnection | None = None
        while not self.stop.is_set():
            lane = rng.choice(self.lanes[worker])
            write = lane.next_write(rng)
            if write.value is None:
                target, body = "DeleteTags", {"ResourceArn": lane.arn, "TagKeys": lane.keys}
            else:
                pairs = [{"Key": k, "Value": write.value} for k in lane.keys]
                target, body = "AddTags", {"ResourceArn": lane.arn, "Tags": pairs}
            method, path, headers, data = raw.build(target, body, account=lane.account)
            with self.lock:
                self.figures.attempted += 1
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, REQUEST_TIMEOUT)
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                payload = resp.read()
            except (OSError, http.client.HTTPException) as err:
                # Cut off by the kill: the outcome is unknown. Refused at
                # connect: the server is gone and nothing was sent.
                write.outcome = "unsent" if isinstance(err, ConnectionRefusedError) else "unknown"
                if conn is not None:
                    conn.close()
                conn = None
                self._settle(write)
                time.sleep(0.01)
                continue
            write.request_id = resp.getheader("x-amzn-RequestId")
            if resp.status == 200:
                write.outcome = "acked"
            elif resp.status >= 500:
                write.outcome = "unknown"
            else:
                write.outcome = "refused"
                detail = f"{target} {lane.arn}: HTTP {resp.status} {payload[:300]!r}"
                with self.lock:
                    self.figures.refused.append(detail)
            self._settle(write, lane, resp.status)
        if conn is not None:
            conn.close()

    def _settle(self, write: Write, lane: Lane | None = None, status: int = 0) -> None:
        with self.lock:
            if write.outcome == "acked":
                self.figures.acked += 1
                self.log(lane, write)
            elif write.outcome == "unknown":
                self.figures.unknown += 1
                self.figures.server_errors += status >= 500


# ---- integrity of the store -------------------------------------------------


def sqlite_problems(data_dir: Path, scratch: Path) -> list[str]:
    """Integrity of a copy of the database as the kill left it (the original
    is not opened: recovering its WAL here would do the server's work)."""
    scratch.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal"):
        src = data_dir / f"sagetag.db{suffix}"
        dst = scratch / f"sagetag.db{suffix}"
        dst.unlink(missing_ok=True)
        if src.exists():
            shutil.copyfile(src, dst)
    (scratch / "sagetag.db-shm").unlink(missing_ok=True)
    con = sqlite3.connect(scratch / "sagetag.db")
    try:
        problems = []
        integrity = [row[0] for row in con.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems.append(f"integrity_check: {integrity[:10]}")
        foreign = con.execute("PRAGMA foreign_key_check").fetchall()
        if foreign:
            problems.append(f"foreign_key_check: {foreign[:10]}")
        for name, query in CONSISTENCY_QUERIES.items():
            count = con.execute(query).fetchone()[0]
            if count:
                problems.append(f"{name}: {count}")
        return problems
    finally:
        con.close()


def postgres_problems(url: str) -> list[str]:
    problems = []
    for name, query in CONSISTENCY_QUERIES.items():
        done = subprocess.run(
            ["psql", url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", query],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode != 0:
            problems.append(f"{name}: psql failed: {done.stderr.strip()}")
        elif done.stdout.strip() != "0":
            problems.append(f"{name}: {done.stdout.strip()}")
    return problems


def store_problems(data_dir: Path, scratch: Path) -> list[str]:
    if database.admin_url() is None:
        return sqlite_problems(data_dir, scratch)
    return postgres_problems(database.url_for(data_dir))


# ---- the test ---------------------------------------------------------------


def listed(client, arn: str) -> dict[str, str]:
    tags, token = [], None
    while True:
        page = client.list_tags(ResourceArn=arn, **({"NextToken": token} if token else {}))
        tags += page["Tags"]
        token = page.get("NextToken")
        if not token:
            return {t["Key"]: t["Value"] for t in tags}


def test_sigkill_under_load_keeps_every_acknowledged_write(spawn_server, make_client, tmp_path):
    rng = random.Random(SEED)
    srv = spawn_server()
    data_dir = srv.data_dir
    arns = []
    for account, name in RESOURCES:
        make_client(account, endpoint=srv.endpoint).create_model(ModelName=name)
        arns.append((account, model_arn(name, account)))
    lanes = {
        w: [Lane(acct, arn, [f"w{w}-k{i}" for i in range(KEYS_PER_LANE)]) for acct, arn in arns]
        for w in range(WORKERS)
    }
    figures = Figures()
    ack_order = {arn: 0 for _, arn in arns}
    ack_log = (tmp_path / "acks.jsonl").open("w")

    def log(lane: Lane, write: Write) -> None:
        ack_order[lane.arn] += 1
        record = {
            "request_id": write.request_id,
            "resource": lane.arn,
            "order": ack_order[lane.arn],
            "op": "DeleteTags" if write.value is None else "AddTags",
            "keys": lane.keys,
            "value": write.value,
        }
        ack_log.write(json.dumps(record) + "\n")

    started = time.monotonic()
    for cycle in range(1, CYCLES + 1):
        load = Load(srv.port, lanes, figures, log, seed=rng.randrange(1 << 30))
        unknown_before = figures.unknown
        load.start()
        time.sleep(rng.uniform(*LOAD_SECONDS))
        srv.stop(signal.SIGKILL)
        assert load.join(), "a worker is still blocked after the kill"
        figures.cut_off_per_cycle.append(figures.unknown - unknown_before)
        figures.cycles = cycle

        problems = store_problems(data_dir, tmp_path / "integrity")
        assert not problems, f"cycle {cycle}, store after the kill: {problems} (seed {SEED})"

        # Now and then a second kill lands during start-up, while the store
        # is opened and recovered.
        if rng.random() < STARTUP_KILL_SHARE:
            early = spawn_server(data_dir=data_dir, ready=False)
            time.sleep(rng.uniform(0.0, 0.05))
            early.kill()
            figures.startup_kills += 1
        srv = spawn_server(data_dir=data_dir)
        wrong = []
        for i, (account, arn) in enumerate(arns):
            tags = listed(make_client(account, endpoint=srv.endpoint), arn)
            owned = set()
            for lane in (lanes[w][i] for w in lanes):
                owned.update(lane.keys)
                figures.acked_checked += sum(w.outcome == "acked" for w in lane.writes)
                figures.lanes_checked += 1
                problem = lane.check(tags)
                if problem:
                    wrong.append(f"{arn} {lane.keys}: {problem}")
                figures.unknown_found_applied += lane.applied_unknown
            stray = sorted(set(tags) - owned)
            if stray:
                wrong.append(f"{arn}: keys nobody wrote: {stray}")
        ack_log.flush()
        assert not wrong, f"cycle {cycle} (seed {SEED}, log {ack_log.name}):\n" + "\n".join(wrong)
        assert not figures.refused, f"requests refused: {figures.refused[:5]}"

    assert srv.stop() == 0, srv.stderr_text()
    problems = store_problems(data_dir, tmp_path / "integrity")
    assert not problems, f"store after the last clean stop: {problems}"
    ack_log.close()

    backend = "postgres" if database.admin_url() else "sqlite"
    summary = {
        "backend": backend,
        "seed": SEED,
        "seconds": round(time.monotonic() - started, 1),
        "cycles": figures.cycles,
        "attempted": figures.attempted,
        "acked": figures.acked,
        "acked_checked": figures.acked_checked,
        "unknown_outcome": figures.unknown,
        "unknown_found_applied": figures.unknown_found_applied,
        "server_errors": figures.server_errors,
        "lanes_checked": figures.lanes_checked,
        "cut_off_per_cycle": figures.cut_off_per_cycle,
        "startup_kills": figures.startup_kills,
    }
    print(f"\ncrash-safety figures: {json.dumps(summary)}")
    # The kills must have landed under load: requests cut off, writes acknowledged.
    assert sum(figures.cut_off_per_cycle) >= CYCLES and figures.acked >= CYCLES, summary


def test_the_lane_check_refuses_lost_mixed_and_ghost_states():
    """Guards the checker itself: each wrong state below must be reported."""

    def lane_with(*writes: tuple[str | None, str]) -> Lane:
        lane = Lane(ALICE, model_arn("m"), ["k0", "k1"])
        for value, outcome in writes:
            lane.generation += 1
            lane.writes.append(Write(lane.generation, value, outcome))
        return lane

    both = lambda v: {"k0": v, "k1": v}  # noqa: E731
    # The acknowledged generation 2, or the cut-off 3: both fine.
    assert lane_with(("1", "acked"), ("2", "acked"), ("3", "unknown")).check(both("2")) is None
    assert lane_with(("1", "acked"), ("2", "acked"), ("3", "unknown")).check(both("3")) is None
    # A lost acknowledgement: generation 1 after 2 was acknowledged.
    assert "allowed" in lane_with(("1", "acked"), ("2", "acked")).check(both("1"))
    # An acknowledged delete undone.
    assert "allowed" in lane_with(("1", "acked"), (None, "acked")).check(both("1"))
    # Half a request, or two requests mixed.
    assert "half-applied" in lane_with(("1", "unknown")).check({"k0": "1"})
    assert "disagree" in lane_with(("1", "acked"), ("2", "unknown")).check({"k0": "1", "k1": "2"})
    # A write that was never sent, or refused, cannot appear.
    assert "allowed" in lane_with(("1", "acked"), ("2", "unsent")).check(both("2"))
    assert "allowed" in lane_with(("1", "refused")).check(both("1"))
    # Before any acknowledgement the verified state stands; after a check the
    # observed state becomes the verified one.
    lane = lane_with(("1", "unknown"))
    assert lane.check({}) is None and lane.verified is None and lane.writes == []
