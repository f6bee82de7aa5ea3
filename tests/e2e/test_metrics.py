"""`GET /_sagetag/metrics`: Prometheus metrics that move with the requests.

The shared server's counters are never reset (only its state is), so each
test compares two scrapes around the requests it makes. Tests run one at a
time and the admin endpoints (reset, health, metrics) are not counted, so the
differences are exact.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

import database
from support import ALICE, BOB, model_arn

# The SQLite writer's batches and commits; a PostgreSQL store has neither.
sqlite_only = pytest.mark.skipif(
    database.admin_url() is not None, reason="metrics of the SQLite writer"
)

Sample = tuple[str, frozenset[tuple[str, str]]]

SAMPLE_LINE = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


class Scrape:
    """One scrape, parsed: every sample by name and labels, and each family's type."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.samples: dict[Sample, float] = {}
        self.types: dict[str, str] = {}
        lines = text.splitlines()
        assert lines and lines[-1] == "# EOF", "OpenMetrics text ends with # EOF"
        for line in lines:
            if line.startswith("# TYPE "):
                _, _, name, kind = line.split(" ", 3)
                self.types[name] = kind
            elif line and not line.startswith("#"):
                match = SAMPLE_LINE.fullmatch(line)
                assert match, f"not a sample line: {line!r}"
                name, labels, value = match.groups()
                key = (name, frozenset(LABEL.findall(labels or "")))
                assert key not in self.samples, f"sample twice: {line!r}"
                self.samples[key] = float(value)

    def get(self, name: str, **labels: str) -> float:
        """The sample's value; 0 when absent, as a counter not yet touched is."""
        return self.samples.get((name, frozenset(labels.items())), 0.0)

    def delta(self, before: "Scrape", name: str, **labels: str) -> float:
        return self.get(name, **labels) - before.get(name, **labels)

    def buckets(self, name: str, **labels: str) -> list[tuple[float, float]]:
        """A histogram's (le, cumulative count) pairs, in order."""
        found = []
        for (sample, label_set), value in self.samples.items():
            rest = dict(label_set)
            le = rest.pop("le", None)
            if sample == f"{name}_bucket" and rest == labels and le is not None:
                found.append((float(le), value))
        return sorted(found)


@pytest.fixture
def scrape(raw) -> Any:
    def take() -> Scrape:
        resp = raw.get("/_sagetag/metrics")
        assert resp.status == 200, resp.describe()
        assert resp.header("content-type").startswith("application/openmetrics-text"), resp.headers
        return Scrape(resp.body.decode())

    return take


def test_metrics_are_served_with_their_types(scrape, sm):
    # A family shows once it has a sample: a request, and a model to count.
    sm.create_model(ModelName="typed")
    page = scrape()
    assert page.types["sagetag_requests"] == "counter"
    assert page.types["sagetag_request_duration_seconds"] == "histogram"
    assert page.types["sagetag_requests_in_flight"] == "gauge"
    if database.admin_url() is None:
        assert page.types["sagetag_store_batch_size"] == "histogram"
        assert page.types["sagetag_store_commit_duration_seconds"] == "histogram"
        assert page.types["sagetag_store_commits"] == "counter"
    assert page.types["sagetag_resources"] == "gauge"
    assert page.types["sagetag_tags"] == "gauge"
    # The scrape itself is not an API request.
    assert page.get("sagetag_requests_in_flight") == 0


def test_requests_are_counted_by_operation_and_error_code(scrape, sm, raw):
    before = scrape()

    arn = sm.create_model(ModelName="counted")["ModelArn"]
    sm.add_tags(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}])
    sm.add_tags(ResourceArn=arn, Tags=[{"Key": "b", "Value": "2"}])
    with pytest.raises(ClientError):
        sm.add_tags(ResourceArn=arn, Tags=[{"Key": "aws:x", "Value": "1"}])
    with pytest.raises(ClientError):
        sm.list_tags(ResourceArn=model_arn("missing", ALICE))
    assert raw("ListTags", {"ResourceArn": arn}, sign=False).status == 403
    assert raw("NoSuchOperation", {}).status == 400

    after = scrape()
    requests = "sagetag_requests_total"
    assert after.delta(before, requests, operation="CreateModel", error_code="") == 1
    assert after.delta(before, requests, operation="AddTags", error_code="") == 2
    assert after.delta(before, requests, operation="AddTags", error_code="ValidationException") == 1
    assert after.delta(before, requests, operation="ListTags", error_code="ValidationException") == 1
    assert (
        after.delta(
            before, requests, operation="ListTags", error_code="MissingAuthenticationTokenException"
        )
        == 1
    )
    assert (
        after.delta(before, requests, operation="unknown", error_code="UnknownOperationException")
        == 1
    )
    total = sum(v for (name, _), v in after.samples.items() if name == requests)
    total -= sum(v for (name, _), v in before.samples.items() if name == requests)
    assert total == 7, "every request counted once, and nothing else"

    latency = "sagetag_request_duration_seconds"
    assert after.delta(before, f"{latency}_count", operation="AddTags") == 3
    assert after.delta(before, f"{latency}_sum", operation="AddTags") > 0
    buckets = after.buckets(latency, operation="AddTags")
    assert buckets[-1] == (float("inf"), after.get(f"{latency}_count", operation="AddTags"))
    assert [count for _, count in buckets] == sorted(count for _, count in buckets)
    assert after.get("sagetag_requests_in_flight") == 0


def test_stored_resources_and_tags_are_gauges(scrape, sm, sm_bob):
    empty = scrape()
    assert empty.get("sagetag_tags") == 0
    assert not [k for k in empty.samples if k[0] == "sagetag_resources"], "nothing stored"

    sm.create_model(ModelName="one", Tags=[{"Key": "a", "Value": "1"}])
    sm.create_model(ModelName="two", Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": ""}])
    bob = sm_bob.create_model(ModelName="one")["ModelArn"]
    sm_bob.add_tags(ResourceArn=bob, Tags=[{"Key": "c", "Value": "3"}])

    page = scrape()
    assert page.get("sagetag_resources", kind="model") == 3, "every account counts"
    assert page.get("sagetag_tags") == 4

    sm_bob.delete_model(ModelName="one")
    page = scrape()
    assert page.get("sagetag_resources", kind="model") == 2
    assert page.get("sagetag_tags") == 3, "a deleted resource's tags go with it"


@sqlite_only
def test_store_batches_and_commits_move_with_writes(scrape, sm):
    before = scrape()
    for i in range(3):
        sm.create_model(ModelName=f"m{i}")
    sm.list_models()
    after = scrape()

    commits = after.delta(before, "sagetag_store_commits_total")
    assert commits >= 3, "one commit per write at least, when writes come one at a time"
    batches = after.delta(before, "sagetag_store_batch_size_count")
    jobs = after.delta(before, "sagetag_store_batch_size_sum")
    assert batches >= 1 and jobs >= 3
    assert after.delta(before, "sagetag_store_commit_duration_seconds_count") == commits
    assert after.delta(before, "sagetag_store_commit_duration_seconds_sum") > 0
    for name in ("sagetag_store_batch_size", "sagetag_store_commit_duration_seconds"):
        buckets = after.buckets(name)
        assert buckets[-1] == (float("inf"), after.get(f"{name}_count")), name


def test_metrics_endpoint_answers_only_get(raw):
    resp = raw.post("/_sagetag/metrics")
    assert resp.status == 404, resp.describe()
    assert resp.json()["__type"] == "UnknownOperationException"


def test_metrics_need_no_signature_and_show_no_account(scrape, sm):
    sm.create_model(ModelName="private", Tags=[{"Key": "owner", "Value": "alice"}])
    page = scrape()
    for secret in (ALICE.account_id, BOB.account_id, ALICE.access_key, "private", "owner"):
        assert secret not in page.text
