"""Account isolation: Bob's keys can never read, change, list or infer
Alice's resources.

Method: Bob runs every probe (each tag operation on Alice's ARNs; Describe,
Stop, Start, Delete by Alice's names; every List, with and without a name
filter; the operations that name a parent or a dependency) twice: once
before Alice has created anything, and once after she has created one
resource of each of the nine kinds (plus their dependencies), all tagged.
The two runs must answer byte for byte the same (status, error code and
message, or output), so nothing Bob sees depends on Alice's resources; and
Alice's own view (Describe, List, ListTags of everything) must be the same
before and after Bob's probes. An account id in an answer to Bob is Bob's
own, or Alice's only where Bob's own request named it.

The server runs with 3600-second lifecycle steps, so Alice's jobs stay in
progress and a Stop or Delete that leaked through would show.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from kinds import (
    DEP_CONFIG,
    DEP_MODEL,
    DEP_TEAM,
    ENDPOINT,
    ENDPOINT_CONFIG,
    KINDS,
    LABELING_JOB,
    MODEL,
    TRANSFORM_JOB,
    TUNING_JOB,
    WORKTEAM,
    Kind,
    workteam_arn,
)
from support import ALICE, BOB, RawClient, ok_json, tags

NAMES = {kind.id: f"alice-{i}-{kind.id}"[:32] for i, kind in enumerate(KINDS)}
ACCOUNT_ID = re.compile(rb"(?<!\d)\d{12}(?!\d)")


def alice_arn(kind: Kind) -> str:
    return kind.arn(NAMES[kind.id], ALICE)


def probes() -> list[tuple[str, str, dict[str, Any]]]:
    """(label, operation, input) of every request Bob tries."""
    out: list[tuple[str, str, dict[str, Any]]] = []
    for kind in KINDS:
        name = NAMES[kind.id]
        arn = alice_arn(kind)
        for verb in kind.verbs():
            out.append((f"{verb}-{kind.id}", f"{verb.capitalize()}{kind.op}", {kind.name_member: name}))
        list_op = "List" + kind.op + "s"
        out.append((f"list-{kind.id}", list_op, {}))
        out.append((f"list-{kind.id}-by-name", list_op, {"NameContains": name[:10]}))
        out.append((f"list-tags-{kind.id}", "ListTags", {"ResourceArn": arn}))
        out.append((f"add-tags-{kind.id}", "AddTags", {"ResourceArn": arn, "Tags": tags(("bob", "was-here"))}))
        out.append((f"delete-tags-{kind.id}", "DeleteTags", {"ResourceArn": arn, "TagKeys": ["owner"]}))
        # The same ARN with the name cased otherwise, as a guess at it would be.
        out.append((f"list-tags-{kind.id}-upper", "ListTags", {"ResourceArn": arn.upper()}))

    out += [
        (
            "training-jobs-of-tuning-job",
            "ListTrainingJobsForHyperParameterTuningJob",
            {"HyperParameterTuningJobName": NAMES[TUNING_JOB.id]},
        ),
        ("labeling-jobs-of-workteam", "ListLabelingJobsForWorkteam", {"WorkteamArn": alice_arn(WORKTEAM)}),
        ("labeling-jobs-of-dep-team", "ListLabelingJobsForWorkteam", {"WorkteamArn": workteam_arn(DEP_TEAM)}),
        # Creates that name Alice's resources as their dependencies.
        ("endpoint-on-alices-config", "CreateEndpoint", ENDPOINT.input("bob-endpoint", BOB, config=DEP_CONFIG)),
        ("config-on-alices-model", "CreateEndpointConfig", ENDPOINT_CONFIG.input("bob-config", BOB, model=DEP_MODEL)),
        ("transform-on-alices-model", "CreateTransformJob", TRANSFORM_JOB.input("bob-transform", BOB, model=DEP_MODEL)),
        ("labeling-on-alices-team", "CreateLabelingJob", LABELING_JOB.input("bob-labeling", ALICE, team=DEP_TEAM)),
    ]
    return out


def run_probes(client: RawClient) -> dict[str, tuple[int, bytes]]:
    answers = {}
    for label, op, body in probes():
        resp = client(op, body, account=BOB)
        assert resp.status != 500, (label, resp.describe())
        answers[label] = (resp.status, resp.body)
    return answers


def alice_creates_everything(client: RawClient) -> None:
    deps = [(MODEL, DEP_MODEL), (ENDPOINT_CONFIG, DEP_CONFIG), (WORKTEAM, DEP_TEAM)]
    for kind, name in deps:
        ok_json(client(f"Create{kind.op}", kind.input(name, ALICE), account=ALICE))
    for kind in KINDS:
        body = {**kind.input(NAMES[kind.id], ALICE), "Tags": tags(("owner", "alice"), ("kind", kind.id))}
        ok_json(client(f"Create{kind.op}", body, account=ALICE))


def alices_view(client: RawClient) -> dict[str, bytes]:
    """Everything Alice can read about her resources, as raw answer bodies."""
    view = {}

    def read(label: str, op: str, body: dict[str, Any]) -> None:
        resp = client(op, body, account=ALICE)
        assert resp.status == 200, (label, resp.describe())
        view[label] = resp.body

    for kind in KINDS:
        name = NAMES[kind.id]
        read(f"describe-{kind.id}", f"Describe{kind.op}", {kind.name_member: name})
        read(f"list-{kind.id}", "List" + kind.op + "s", {})
        read(f"tags-{kind.id}", "ListTags", {"ResourceArn": alice_arn(kind)})
    read(
        "tuning-children",
        "ListTrainingJobsForHyperParameterTuningJob",
        {"HyperParameterTuningJobName": NAMES[TUNING_JOB.id]},
    )
    read("team-jobs", "ListLabelingJobsForWorkteam", {"WorkteamArn": workteam_arn(DEP_TEAM)})
    return view


@pytest.fixture
def isolated(spawn_server):
    srv = spawn_server("--lifecycle-seconds", "3600")
    return RawClient("127.0.0.1", srv.port)


def test_bob_cannot_read_change_list_or_infer_alices_resources(isolated):
    client = isolated
    before = run_probes(client)

    alice_creates_everything(client)
    view = alices_view(client)
    for kind in KINDS:
        tags_seen = json.loads(view[f"tags-{kind.id}"])["Tags"]
        assert tags_seen == tags(("owner", "alice"), ("kind", kind.id)), kind.id

    after = run_probes(client)
    sent = {label: json.dumps(body).encode() for label, _, body in probes()}
    for label, answer in after.items():
        assert answer == before[label], f"{label}: {before[label]!r} became {answer!r}"
        for account in ACCOUNT_ID.findall(answer[1]):
            own = account == BOB.account_id.encode()
            echoed = account == ALICE.account_id.encode() and account in sent[label]
            assert own or echoed, f"{label} shows account {account!r}: {answer!r}"

    assert alices_view(client) == view


def test_probes_cover_every_operation_of_the_nine_kinds():
    """Every Describe/Stop/Start/Delete/List of the nine kinds and every tag
    operation is among Bob's probes."""
    ops = {op for _, op, _ in probes()}
    for kind in KINDS:
        for verb in kind.verbs():
            assert f"{verb.capitalize()}{kind.op}" in ops
        assert "List" + kind.op + "s" in ops
    assert {"AddTags", "ListTags", "DeleteTags"} <= ops
    assert len(KINDS) == 9


def test_same_names_in_bobs_account_are_his_own(isolated):
    """Bob may create resources named like Alice's; they are separate, carry
    his account id, and Alice's are unchanged."""
    client = isolated
    alice_creates_everything(client)
    view = alices_view(client)
    for kind, name in [(MODEL, DEP_MODEL), (ENDPOINT_CONFIG, DEP_CONFIG), (WORKTEAM, DEP_TEAM)]:
        ok_json(client(f"Create{kind.op}", kind.input(name, BOB), account=BOB))
    for kind in KINDS:
        body = {**kind.input(NAMES[kind.id], BOB), "Tags": tags(("owner", "bob"))}
        arn = ok_json(client(f"Create{kind.op}", body, account=BOB))[kind.arn_member]
        assert arn == kind.arn(NAMES[kind.id], BOB)
        listed = ok_json(client("ListTags", {"ResourceArn": arn}, account=BOB))
        assert listed == {"Tags": tags(("owner", "bob"))}
    assert alices_view(client) == view
