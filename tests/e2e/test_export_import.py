"""Backup and restore with `sagetag export` and `sagetag import`.

A backup taken from a running server, loaded into a new store, gives a
server that answers every Describe, List and ListTags exactly as the first
did when the backup was taken, in every account; lifecycle steps pending in
the backup still run; writes made after the backup are not in it. Import
refuses a store that is not empty and a damaged file, changing nothing.

The stores are those the suite runs on: SQLite, or PostgreSQL schemas when
`SAGETAG_E2E_DATABASE_URL` is set (see database.py). The move between the two
backends, at 100,000 resources, is `crates/cli/tests/export_import.rs`.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import database
from conftest import sagetag_bin
from kinds import ENDPOINT, KINDS, LABELING_JOB, MODEL, TUNING_JOB, create_dependencies, wait_status
from support import ALICE, BOB, listed_tags, numbered_tags, tags

# Long enough that nothing settles during a test unless it asks to.
SLOW = ("--lifecycle-seconds", "3600")


def sagetag(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Runs the binary with only the flags given (no SAGETAG_* variables)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAGETAG_")}
    done = subprocess.run(
        [str(sagetag_bin()), *args], env=env, capture_output=True, text=True, timeout=120
    )
    if check:
        assert done.returncode == 0, f"sagetag {args} failed: {done.stderr}"
    return done


def store_of(data_dir: Path) -> list[str]:
    """The flags naming the store of `data_dir` (a SQLite dir or a schema)."""
    return database.store_flags(data_dir)


def snapshot(client: Any) -> dict[str, Any]:
    """Everything one account sees: every kind's list, each resource's
    Describe output and all its tags."""
    seen: dict[str, Any] = {}
    for kind in KINDS:
        names = kind.names(getattr(client, kind.list_method)(MaxResults=100))
        for name in names:
            described = kind.describe(client, name)
            described.pop("ResponseMetadata", None)  # a fresh request id each time
            arn = described[kind.arn_member]
            all_tags, token = [], None
            while True:
                page = client.list_tags(ResourceArn=arn, MaxResults=50, **({"NextToken": token} if token else {}))
                all_tags += page["Tags"]
                token = page.get("NextToken")
                if not token:
                    break
            seen[f"{kind.id}/{name}"] = {"describe": described, "tags": all_tags}
        seen[kind.id] = names
    return seen


def populate(make_client: Any, srv: Any) -> None:
    """Every kind in ALICE's account, one model in BOB's; tags reordered by
    an overwrite and a delete; a 50-tag model."""
    alice = make_client(ALICE, endpoint=srv.endpoint)
    create_dependencies(alice, ENDPOINT)
    create_dependencies(alice, LABELING_JOB)
    for kind in KINDS:
        kind.create(alice, f"b-{kind.stem[:20]}".replace("_", "-"), Tags=tags(("kind", kind.id), ("n", "1")))
    full = MODEL.create(alice, "full-model", Tags=numbered_tags(50))
    alice.add_tags(ResourceArn=full, Tags=tags(("k03", "changed")))
    alice.delete_tags(ResourceArn=full, TagKeys=["k00"])
    bob = make_client(BOB, endpoint=srv.endpoint)
    MODEL.create(bob, "bobs-model", Tags=tags(("owner", "bob"), ("empty", "")))


def test_a_backup_of_a_running_server_restores_every_account(spawn_server, make_client, tmp_path):
    source = spawn_server(*SLOW)
    populate(make_client, source)
    before = {acct.account_id: snapshot(make_client(acct, endpoint=source.endpoint)) for acct in (ALICE, BOB)}

    backup = tmp_path / "backup.jsonl"
    sagetag("export", "--out", str(backup), *store_of(source.data_dir))
    # Made after the backup: not in it.
    MODEL.create(make_client(ALICE, endpoint=source.endpoint), "after-backup")

    restored_dir = tmp_path / "restored"
    restored_dir.mkdir()
    sagetag("import", str(backup), *store_of(restored_dir))
    restored = spawn_server(*SLOW, data_dir=restored_dir)

    after = {acct.account_id: snapshot(make_client(acct, endpoint=restored.endpoint)) for acct in (ALICE, BOB)}
    assert after == before
    assert "model/after-backup" not in after[ALICE.account_id]
    assert len(after[ALICE.account_id]["model/full-model"]["tags"]) == 49
    assert after[BOB.account_id]["model"] == ["bobs-model"]

    # The restored store is a working one: new tags go last, the limit holds.
    alice = make_client(ALICE, endpoint=restored.endpoint)
    full = MODEL.arn("full-model")
    alice.add_tags(ResourceArn=full, Tags=tags(("last", "x")))
    assert listed_tags(alice, full)[-1] == {"Key": "last", "Value": "x"}


def test_steps_pending_in_a_backup_still_run(spawn_server, make_client, tmp_path):
    source = spawn_server("--lifecycle-seconds", "2")
    alice = make_client(ALICE, endpoint=source.endpoint)
    create_dependencies(alice, ENDPOINT)
    ENDPOINT.create(alice, "pending")
    TUNING_JOB.create(alice, "pending-tuning", Tags=tags(("team", "ml")))
    backup = tmp_path / "backup.jsonl"
    sagetag("export", "--out", str(backup), *store_of(source.data_dir))
    source.stop()
    lines = [json.loads(line) for line in backup.read_text().splitlines()]
    endpoint = next(line for line in lines if line.get("name") == "pending")
    assert endpoint["status"] == "Creating" and endpoint["steps"], endpoint

    restored_dir = tmp_path / "restored"
    restored_dir.mkdir()
    sagetag("import", str(backup), *store_of(restored_dir))
    restored = spawn_server("--lifecycle-seconds", "2", data_dir=restored_dir)
    client = make_client(ALICE, endpoint=restored.endpoint)
    assert wait_status(client, ENDPOINT, "pending", "InService", timeout=30) == "InService"
    wait_status(client, TUNING_JOB, "pending-tuning", "Completed", timeout=60)
    jobs = client.list_training_jobs_for_hyper_parameter_tuning_job(
        HyperParameterTuningJobName="pending-tuning"
    )["TrainingJobSummaries"]
    assert jobs, "the restored tuning job launched its training jobs"
    for job in jobs:
        arn = job["TrainingJobArn"]
        assert {"Key": "team", "Value": "ml"} in listed_tags(client, arn)


def test_export_to_stdout_matches_the_file(spawn_server, make_client, tmp_path):
    srv = spawn_server(*SLOW)
    populate(make_client, srv)
    out = tmp_path / "file.jsonl"
    sagetag("export", "--out", str(out), *store_of(srv.data_dir))
    piped = sagetag("export", "--out", "-", *store_of(srv.data_dir))
    assert piped.stdout == out.read_text()
    assert piped.stderr == ""
    assert not (tmp_path / "file.jsonl.partial").exists()


def test_import_refuses_a_store_that_is_not_empty(spawn_server, make_client, tmp_path):
    srv = spawn_server(*SLOW)
    populate(make_client, srv)
    backup = tmp_path / "backup.jsonl"
    sagetag("export", "--out", str(backup), *store_of(srv.data_dir))
    before = snapshot(make_client(ALICE, endpoint=srv.endpoint))

    refused = sagetag("import", str(backup), *store_of(srv.data_dir), check=False)
    assert refused.returncode == 2
    assert "already holds" in refused.stderr and "empty store" in refused.stderr
    assert snapshot(make_client(ALICE, endpoint=srv.endpoint)) == before


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda lines: lines[:-1], "ends without its end line"),
        (lambda lines: lines[:2] + lines[3:], "the end line counts"),
        (lambda lines: [lines[0].replace('"version":1', '"version":9')] + lines[1:], "format version 9"),
        (lambda lines: lines[:1] + ['{"type":"resource"}'] + lines[1:], ":2: not a line"),
        (lambda lines: lines[:1] + [lines[1].replace('"kind":"', '"kind":"x')] + lines[2:], ":2: kind"),
        (lambda lines: lines + [lines[1]], "a line after the end line"),
    ],
    ids=["cut-short", "line-missing", "newer-version", "bad-line", "unknown-kind", "trailing"],
)
def test_a_damaged_file_changes_nothing(spawn_server, make_client, tmp_path, damage, message):
    srv = spawn_server(*SLOW)
    populate(make_client, srv)
    backup = tmp_path / "backup.jsonl"
    sagetag("export", "--out", str(backup), *store_of(srv.data_dir))
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_text("\n".join(damage(backup.read_text().splitlines())) + "\n")

    target = tmp_path / "target"
    target.mkdir()
    refused = sagetag("import", str(damaged), *store_of(target), check=False)
    assert refused.returncode == 2
    assert message in refused.stderr, refused.stderr
    # The store was not even opened: the check comes first.
    restored = spawn_server(*SLOW, data_dir=target)
    assert snapshot(make_client(ALICE, endpoint=restored.endpoint))["model"] == []


@pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1) for a terminal")
def test_progress_shows_on_a_terminal_only(spawn_server, make_client, tmp_path):
    srv = spawn_server(*SLOW)
    populate(make_client, srv)
    out = tmp_path / "backup.jsonl"
    command = shlex.join([str(sagetag_bin()), "export", "--out", str(out), *store_of(srv.data_dir)])
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAGETAG_")}
    on_terminal = subprocess.run(
        ["script", "-qec", command, "/dev/null"], env=env, capture_output=True, text=True, timeout=120
    )
    assert on_terminal.returncode == 0, on_terminal.stdout
    end = json.loads(out.read_text().splitlines()[-1])
    summary = f"exported {end['resources']} resources and {end['tags']} tags to {out}"
    assert summary in on_terminal.stdout, on_terminal.stdout
    off_terminal = sagetag("export", "--out", str(out), *store_of(srv.data_dir))
    assert off_terminal.stdout == "" and off_terminal.stderr == ""
