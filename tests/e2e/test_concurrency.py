"""Races: the 50-tag limit (§3.1, Q1) and case-insensitive name uniqueness
(resources.md §1) must hold when requests arrive together, and every
answer a client got must match the stored state (§3.4 step 7: atomic).

Clients are built before the threads start (one per thread) and a barrier
releases the requests together.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

from botocore.exceptions import ClientError

from support import ALICE, TAG_LIMIT, model_arn

THREADS = 80


def run_together(calls):
    """Run each zero-argument call in its own thread, all released at once;
    return ("ok", result) or ("error", ClientError.response) per call."""
    barrier = threading.Barrier(len(calls))

    def one(call):
        barrier.wait(timeout=60)
        try:
            return "ok", call()
        except ClientError as err:
            return "error", err.response

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(one, calls))


def add_tags_call(client, arn, pairs):
    return lambda: client.add_tags(ResourceArn=arn, Tags=[{"Key": k, "Value": v} for k, v in pairs])


def test_80_concurrent_add_tags_respect_the_limit(make_client, sm, model):
    keys = [f"key-{i:02d}" for i in range(THREADS)]
    outcomes = run_together([add_tags_call(make_client(ALICE), model, [(k, "v")]) for k in keys])

    acknowledged = {k for k, (kind, _) in zip(keys, outcomes) if kind == "ok"}
    refused = [resp for kind, resp in outcomes if kind == "error"]
    assert len(acknowledged) == 50
    assert len(refused) == 30
    for resp in refused:
        assert resp["Error"] == {"Code": "ValidationException", "Message": TAG_LIMIT}
        assert resp["ResponseMetadata"]["HTTPStatusCode"] == 400
    stored = sm.list_tags(ResourceArn=model)["Tags"]
    assert len(stored) == 50
    assert {t["Key"] for t in stored} == acknowledged


def test_concurrent_creates_of_one_name_admit_exactly_one(make_client, sm):
    """Half the callers use another case of the name: still one model."""
    names = [("Race-Model" if i % 2 else "race-model") for i in range(20)]

    def create(client, name, i):
        return lambda: client.create_model(ModelName=name, Tags=[{"Key": "winner", "Value": str(i)}])

    outcomes = run_together([create(make_client(ALICE), n, i) for i, n in enumerate(names)])

    winners = [i for i, (kind, _) in enumerate(outcomes) if kind == "ok"]
    assert len(winners) == 1, outcomes
    expected = f'Cannot create already existing model "{model_arn("race-model")}".'
    for kind, resp in outcomes:
        if kind == "error":
            assert resp["Error"] == {"Code": "ValidationException", "Message": expected}
    (only,) = sm.list_models()["Models"]
    assert only["ModelName"] == names[winners[0]]
    stored = sm.list_tags(ResourceArn=model_arn("race-model"))["Tags"]
    assert stored == [{"Key": "winner", "Value": str(winners[0])}]


def test_concurrent_overwrites_leave_one_of_the_written_values(make_client, sm, model):
    """Overwrites of two keys race to one request's pair of values, never a mix."""
    calls = [add_tags_call(make_client(ALICE), model, [("k", f"v{i}"), ("j", f"v{i}")]) for i in range(20)]
    outcomes = run_together(calls)
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    stored = sm.list_tags(ResourceArn=model)["Tags"]
    assert [t["Key"] for t in stored] == ["k", "j"]
    assert stored[0]["Value"] == stored[1]["Value"]
    assert stored[0]["Value"] in {f"v{i}" for i in range(20)}
