"""Create, Describe, List and Delete of the nine taggable kinds, with their
tags: resources.md §1–4, sagemaker-tagging.md §3 (AddTags rules applied to
Create's Tags), §5 (name patterns) and §7 (ARNs). Most tests run once per
kind, or once per kind that has the operation.

This module's server settles lifecycles inside the request
(`--lifecycle-seconds 0`), so the statuses seen here are the settled ones;
how they move is test_lifecycles.py's subject. The status and time filters
need two resources that stay in two different statuses: for most kinds
those run on a second server whose steps take an hour ("frozen").
"""

import re
import time

import pytest

from kinds import (
    DEP_CONFIG,
    ENDPOINT,
    KINDS,
    LABELING_JOB,
    NOTEBOOK_INSTANCE,
    TRAINING_JOB,
    TRANSFORM_JOB,
    TUNING_JOB,
    WORKTEAM,
    Kind,
    create_dependencies,
    labeling_job_input,
    raises_error,
    tuning_job_input,
    wait_status,
    workteam_arn,
)
from support import (
    ALICE,
    ANY_VALUE,
    BOB,
    DUPLICATE_KEY,
    NOT_FOUND,
    RawClient,
    assert_raw_error,
    bad_pattern,
    check_message,
    listed_tags,
    numbered_tags,
    ok_json,
    raises_aws,
    system_prefix,
    tags,
    too_big,
    too_long,
    too_small,
    validation,
)


@pytest.fixture(scope="module")
def server(spawn_module_server):
    """Overrides the shared server for this module: steps of zero seconds."""
    return spawn_module_server("--lifecycle-seconds", "0", "--enable-reset")


@pytest.fixture(scope="module")
def frozen_server(spawn_module_server):
    """A server on which no status moves by itself within a test."""
    return spawn_module_server("--lifecycle-seconds", "3600", "--enable-reset")


@pytest.fixture
def frozen(frozen_server, make_client):
    """Alice's client on the frozen server, emptied first."""
    resp = RawClient("127.0.0.1", frozen_server.port).post("/_sagetag/reset")
    assert resp.status == 200, resp.describe()
    return make_client(endpoint=frozen_server.endpoint)


def each(kinds=KINDS):
    return pytest.mark.parametrize("kind", kinds, ids=str)


ALL = each()
WITH_STATUS = [k for k in KINDS if k.status_member]
DELETABLE = [k for k in KINDS if k.deletes]

# What Describe shows right after Create when steps take no time. A tuning
# job's rounds still run on the scheduler, a moment later (contract).
SETTLED = {
    "notebook-instance": {"InService"},
    "training-job": {"Completed"},
    "hyper-parameter-tuning-job": {"InProgress", "Completed"},
    "transform-job": {"Completed"},
    "labeling-job": {"Completed"},
    "endpoint": {"InService"},
}

# Creation and modification time members, where the kind's Describe has them.
TIMES = {
    "model": ("CreationTime", None),
    "endpoint-config": ("CreationTime", None),
    "workteam": ("CreateDate", "LastUpdatedDate"),
}


def times_of(kind: Kind) -> tuple[str, str | None]:
    return TIMES.get(kind.id, ("CreationTime", "LastModifiedTime"))


def missing(kind: Kind, name: str, account=ALICE):
    return kind.missing(name, kind.arn(name, account))


def listed(client, kind: Kind, **filters) -> list[str]:
    return kind.names(getattr(client, kind.list_method)(**filters))


def make_deletable(client, kind: Kind, name: str) -> None:
    """Brings a resource to a status its Delete accepts (resources.md §2)."""
    if kind is NOTEBOOK_INSTANCE:
        client.stop_notebook_instance(NotebookInstanceName=name)
        assert kind.status(client, name) == "Stopped"
    elif kind is TUNING_JOB:
        wait_status(client, kind, name, "Completed")


# ---- create with tags -------------------------------------------------------------------


@ALL
def test_tags_given_at_create_are_listed(sm, kind):
    """resources.md §3: every Create* takes Tags; ListTags shows them in order,
    and only DescribeLabelingJob repeats them (§4)."""
    create_dependencies(sm, kind)
    pairs = tags(("team", "vision"), ("empty", ""), ("cost:centre", "4 2"))
    arn = kind.create(sm, "tagged", Tags=pairs)
    assert listed_tags(sm, arn) == pairs
    described = kind.describe(sm, "tagged")
    if kind is LABELING_JOB:
        assert described["Tags"] == pairs
    else:
        assert "Tags" not in described


@ALL
@pytest.mark.parametrize(
    "pairs, message",
    [
        (tags(("ok", "1"), ("aws:owner", "x")), system_prefix("aws:owner")),
        (tags(("ok", "1"), ("AWS:Owner", "x")), system_prefix("AWS:Owner")),
        (tags(("d", "1"), ("e", "2"), ("d", "3")), DUPLICATE_KEY),
        (numbered_tags(51), validation(too_long(ANY_VALUE, "tags", 50))),
    ],
    ids=["aws-prefix", "aws-prefix-upper", "duplicate-key", "51-tags"],
)
def test_bad_tags_at_create_create_nothing(sm, kind, pairs, message):
    """resources.md §3: Create's Tags obey every AddTags rule, and a rejected
    Create leaves nothing behind (for a tuning job: no training job either)."""
    create_dependencies(sm, kind)
    with raises_aws("ValidationException", message):
        kind.create(sm, "rejected", Tags=pairs)
    with raises_error(sm, *missing(kind, "rejected")):
        kind.describe(sm, "rejected")
    assert listed(sm, kind) == []
    with raises_aws("ValidationException", NOT_FOUND):
        sm.list_tags(ResourceArn=kind.arn("rejected"))
    assert sm.list_training_jobs()["TrainingJobSummaries"] == []


def test_labeling_job_describe_follows_tag_changes(sm):
    """resources.md §4: DescribeLabelingJob's Tags must mirror ListTags."""
    create_dependencies(sm, LABELING_JOB)
    arn = LABELING_JOB.create(sm, "mirror", Tags=tags(("a", "1"), ("b", "2")))
    sm.add_tags(ResourceArn=arn, Tags=tags(("c", "3"), ("a", "9")))
    sm.delete_tags(ResourceArn=arn, TagKeys=["b"])
    expected = tags(("a", "9"), ("c", "3"))
    assert listed_tags(sm, arn) == expected
    assert LABELING_JOB.describe(sm, "mirror")["Tags"] == expected
    sm.delete_tags(ResourceArn=arn, TagKeys=["a", "c"])
    assert LABELING_JOB.describe(sm, "mirror")["Tags"] == listed_tags(sm, arn) == []


# ---- ARNs and names ---------------------------------------------------------------------


@ALL
def test_arn_form_and_name_case(sm, kind):
    """resources.md §1, sagemaker-tagging.md §7: the ARN suffix per kind,
    lower-cased name for the hosting family, the caller's case for jobs and
    work teams; Describe and List keep the name as given; tag operations
    want the exact ARN, so the other casing is `Resource does not exist.`;
    ListHyperParameterTuningJobs alone lower-cases (O2)."""
    create_dependencies(sm, kind)
    name = "Mixed-Case-7"
    arn = kind.create(sm, name)
    in_arn = name.lower() if kind.lower_arn else name
    assert arn == f"arn:aws:sagemaker:us-east-1:111111111111:{kind.arn_type}/{in_arn}"

    described = kind.describe(sm, name)
    assert described[kind.name_member] == name
    assert described[kind.arn_member] == arn

    (item,) = getattr(sm, kind.list_method)()[kind.list_member]
    assert item[kind.name_member] == name
    assert item[kind.arn_member] == (arn.lower() if kind is TUNING_JOB else arn)

    other_case = arn.removesuffix(in_arn) + (name if kind.lower_arn else name.lower())
    assert other_case != arn
    for call in (
        lambda a: sm.list_tags(ResourceArn=a),
        lambda a: sm.add_tags(ResourceArn=a, Tags=tags(("k", "v"))),
        lambda a: sm.delete_tags(ResourceArn=a, TagKeys=["k"]),
    ):
        with raises_aws("ValidationException", NOT_FOUND):
            call(other_case)
    assert listed_tags(sm, arn) == []


@ALL
def test_arn_carries_the_callers_account_and_region(make_client, kind):
    west = make_client(BOB, region="eu-west-1")
    create_dependencies(west, kind, BOB, "eu-west-1")
    assert kind.create(west, "far", BOB, "eu-west-1") == (
        f"arn:aws:sagemaker:eu-west-1:222222222222:{kind.arn_type}/far"
    )


@ALL
@pytest.mark.parametrize("bad", ["under_score", "trailing-", "-leading", "dot.ted"])
def test_name_outside_the_pattern(sm, kind, bad):
    """resources.md §1 patterns, reported in the §5 format at the name's path."""
    create_dependencies(sm, kind)
    expected = validation(bad_pattern(bad, kind.name_path, kind.name_pattern))
    with raises_aws("ValidationException", expected):
        kind.create(sm, bad)
    assert listed(sm, kind) == []


@ALL
def test_name_one_too_long(sm, kind):
    """Length is checked besides the pattern; within one member the length
    item comes first (§5, O7). Patterns with a bounded repeat also fail."""
    create_dependencies(sm, kind)
    name = "n" * (kind.name_max + 1)
    items = [too_long(name, kind.name_path, kind.name_max)]
    if not re.fullmatch(kind.name_pattern, name):
        items.append(bad_pattern(name, kind.name_path, kind.name_pattern))
    with raises_aws("ValidationException", validation(*items)):
        kind.create(sm, name)


@ALL
def test_longest_name_is_accepted(sm, kind):
    create_dependencies(sm, kind)
    name = "L" + "-0" * ((kind.name_max - 1) // 2) + "x" * ((kind.name_max - 1) % 2)
    assert len(name) == kind.name_max
    arn = kind.create(sm, name, Tags=tags(("k", "v")))
    assert listed_tags(sm, arn) == tags(("k", "v"))


# ---- Describe ------------------------------------------------------------------------------


@ALL
def test_describe_returns_the_request_and_computed_members(raw, sm, kind):
    """Contract: Describe returns what was created, minus Tags and unknown
    members, plus the ARN, the status and epoch-second times."""
    create_dependencies(sm, kind)
    request = {
        **kind.input("described"),
        "Tags": tags(("k", "v")),
        "NotAMember": {"Nested": 1},
    }
    before = time.time()
    created = raw(f"Create{kind.op}", request)
    assert ok_json(created) == {kind.arn_member: kind.arn("described")}

    out = ok_json(raw(f"Describe{kind.op}", {kind.name_member: "described"}))
    if kind is WORKTEAM:
        assert list(out) == ["Workteam"]
        out = out["Workteam"]
    for member, value in request.items():
        if member not in ("Tags", "NotAMember"):
            assert out[member] == value, member
    assert "NotAMember" not in out
    assert ("Tags" in out) == (kind is LABELING_JOB)
    assert out[kind.arn_member] == kind.arn("described")
    if kind.status_member:
        assert out[kind.status_member] in SETTLED[kind.id]

    created_member, modified_member = times_of(kind)
    stamp = out[created_member]
    assert isinstance(stamp, (int, float)) and not isinstance(stamp, bool)
    assert before - 5 <= stamp <= time.time() + 5
    if modified_member:
        assert isinstance(out[modified_member], (int, float))
        assert stamp <= out[modified_member] <= time.time() + 5


def test_unknown_nested_members_are_dropped_too(raw):
    """Contract: unknown members are ignored at any depth, and Describe shows
    only what the model knows."""
    request = TRAINING_JOB.input("nested")
    request["OutputDataConfig"] = {"S3OutputPath": "s3://bucket/out", "NotAMember": "x"}
    request["ResourceConfig"]["Extra"] = {"deep": [1, 2]}
    ok_json(raw("CreateTrainingJob", request))
    out = ok_json(raw("DescribeTrainingJob", {"TrainingJobName": "nested"}))
    assert out["OutputDataConfig"] == {"S3OutputPath": "s3://bucket/out"}
    assert out["ResourceConfig"] == TRAINING_JOB.input("x")["ResourceConfig"]


def test_one_name_in_every_kind(sm):
    """Names are unique per kind, not across kinds."""
    create_dependencies(sm, ENDPOINT)
    create_dependencies(sm, LABELING_JOB)
    for kind in KINDS:
        assert kind.create(sm, "same-name") == kind.arn("same-name")


def test_training_job_computed_members(sm):
    """Contract: SecondaryStatus follows the status; the model lands at
    `<S3OutputPath>/<name>/output/model.tar.gz`."""
    TRAINING_JOB.create(sm, "Trainer-1", OutputDataConfig={"S3OutputPath": "s3://bucket/out"})
    described = TRAINING_JOB.describe(sm, "Trainer-1")
    assert described["TrainingJobStatus"] == "Completed"
    assert described["SecondaryStatus"] == "Completed"
    artifacts = "s3://bucket/out/Trainer-1/output/model.tar.gz"
    assert described["ModelArtifacts"] == {"S3ModelArtifacts": artifacts}
    assert "TuningJobArn" not in described


def test_endpoint_describe_summarises_the_configs_variants(sm):
    create_dependencies(sm, ENDPOINT)
    ENDPOINT.create(sm, "Served")
    described = ENDPOINT.describe(sm, "Served")
    assert described["EndpointStatus"] == "InService"
    assert described["EndpointConfigName"] == DEP_CONFIG
    (variant,) = described["ProductionVariants"]
    assert variant["VariantName"] == "primary"
    for member, value in [
        ("CurrentInstanceCount", 2),
        ("DesiredInstanceCount", 2),
        ("CurrentWeight", 1.0),
        ("DesiredWeight", 1.0),
    ]:
        assert variant.get(member, value) == value, member


def test_tuning_job_describe_counts_its_training_jobs(sm):
    sm.create_hyper_parameter_tuning_job(**tuning_job_input("Counted", total=2, parallel=1))
    wait_status(sm, TUNING_JOB, "Counted", "Completed")
    described = TUNING_JOB.describe(sm, "Counted")
    counters = described["TrainingJobStatusCounters"]
    assert counters["Completed"] == 2
    assert counters["InProgress"] == 0
    assert counters.get("Stopped", 0) == 0
    assert described["ObjectiveStatusCounters"]["Pending"] == 0
    children = sm.list_training_jobs_for_hyper_parameter_tuning_job(HyperParameterTuningJobName="Counted")
    arns = {s["TrainingJobName"]: s["TrainingJobArn"] for s in children["TrainingJobSummaries"]}
    best = described["BestTrainingJob"]
    assert arns[best["TrainingJobName"]] == best["TrainingJobArn"]
    assert best["TrainingJobStatus"] == "Completed"


def test_labeling_jobs_are_listed_under_their_workteam(sm):
    for team in ("team-a", "team-b"):
        WORKTEAM.create(sm, team)
    for name in ("label-1", "label-2"):
        sm.create_labeling_job(**labeling_job_input(name, team="team-a"))
    under_a = sm.list_labeling_jobs_for_workteam(WorkteamArn=workteam_arn("team-a"))
    assert len(under_a["LabelingJobSummaryList"]) == 2
    assert {s["WorkRequesterAccountId"] for s in under_a["LabelingJobSummaryList"]} == {ALICE.account_id}
    under_b = sm.list_labeling_jobs_for_workteam(WorkteamArn=workteam_arn("team-b"))
    assert under_b["LabelingJobSummaryList"] == []
    for name in ("label-1", "label-2"):
        assert LABELING_JOB.describe(sm, name)["HumanTaskConfig"]["WorkteamArn"] == workteam_arn("team-a")


# ---- duplicates and missing resources --------------------------------------------------------


def check_one_of(actual: str, candidates) -> None:
    errors = []
    for expected in candidates:
        try:
            check_message(actual, expected)
            return
        except AssertionError as err:
            errors.append(str(err))
    raise AssertionError("\n".join(errors))


@ALL
def test_duplicate_name_is_rejected_case_insensitively(sm, kind):
    """resources.md §3 'Duplicate name', §1 case-insensitive uniqueness. The
    contract does not say whose name a case-variant duplicate's message
    carries, so either the new or the existing one is accepted there."""
    create_dependencies(sm, kind)
    arn = kind.create(sm, "dup-name", Tags=tags(("first", "1")))
    code, message = kind.duplicate("dup-name", kind.arn("dup-name"))
    with raises_error(sm, code, message):
        kind.create(sm, "dup-name", Tags=tags(("second", "2")))
    with raises_error(sm, code) as info:
        kind.create(sm, "DUP-Name")
    check_one_of(
        info.value.response["Error"]["Message"],
        [kind.duplicate(n, kind.arn(n))[1] for n in ("DUP-Name", "dup-name")],
    )
    assert listed(sm, kind) == ["dup-name"]
    assert listed_tags(sm, arn) == tags(("first", "1"))
    if kind is TUNING_JOB:
        assert len(sm.list_training_jobs()["TrainingJobSummaries"]) == 1


@pytest.mark.parametrize(
    "kind, verb",
    [(k, v) for k in KINDS for v in k.verbs()],
    ids=lambda p: str(p),
)
def test_missing_resource(sm, kind, verb):
    """resources.md §4 'Missing resource', with the ARN cased as the kind's."""
    with raises_error(sm, *missing(kind, "Ghost-Name")):
        kind.call(sm, verb, "Ghost-Name")


@ALL
def test_other_accounts_resource_is_missing(sm, sm_bob, kind):
    """A name is unique per account: Bob's resource is not Alice's, and she
    may create her own under the same name."""
    create_dependencies(sm_bob, kind, BOB)
    kind.create(sm_bob, "shared-name", BOB)
    with raises_error(sm, *missing(kind, "shared-name")):
        kind.describe(sm, "shared-name")
    create_dependencies(sm, kind)
    assert kind.create(sm, "shared-name") == kind.arn("shared-name")
    assert listed(sm, kind) == listed(sm_bob, kind) == ["shared-name"]


MODELED_ANSWERS = [
    (TRAINING_JOB, "duplicate"),
    (TUNING_JOB, "duplicate"),
    (TRANSFORM_JOB, "duplicate"),
    (LABELING_JOB, "duplicate"),
    (WORKTEAM, "duplicate"),
    (TUNING_JOB, "missing"),
    (LABELING_JOB, "missing"),
]


@pytest.mark.parametrize("kind, case", MODELED_ANSWERS, ids=lambda p: str(p))
def test_modeled_errors_carry_capital_message_on_the_wire(raw, sm, kind, case):
    """sagemaker-tagging.md §2: ResourceInUse / ResourceNotFound bodies use
    `Message`, with the same headers as every error."""
    create_dependencies(sm, kind)
    if case == "duplicate":
        kind.create(sm, "wired")
        resp = raw(f"Create{kind.op}", kind.input("wired"))
        code, message = kind.duplicate("wired", kind.arn("wired"))
    else:
        resp = raw(f"Describe{kind.op}", {kind.name_member: "wired"})
        code, message = missing(kind, "wired")
    assert_raw_error(resp, code, message)


def test_twenty_five_workteams_per_account_and_region(sm, sm_bob, make_client):
    """resources.md §3: ResourceLimitExceeded past 25 work teams."""
    for i in range(25):
        WORKTEAM.create(sm, f"team-{i:02d}")
    with raises_error(sm, "ResourceLimitExceeded"):
        WORKTEAM.create(sm, "team-25")
    every = sm.get_paginator("list_workteams").paginate(SortBy="Name").build_full_result()
    assert sorted(WORKTEAM.names(every)) == [f"team-{i:02d}" for i in range(25)]
    WORKTEAM.create(sm_bob, "team-25")
    WORKTEAM.create(make_client(region="eu-west-1"), "team-25", region="eu-west-1")
    assert sm.delete_workteam(WorkteamName="team-00")["Success"] is True
    WORKTEAM.create(sm, "team-25")


# ---- List -----------------------------------------------------------------------------------


@ALL
def test_list_name_contains_sort_and_paginator(sm, kind):
    """Contract: NameContains is case-insensitive, SortBy Name / CreationTime
    either way, and boto3's paginator walks the pages."""
    create_dependencies(sm, kind)
    matching = ["a1-alpha", "a2-ALPHA", "a3-Alpha", "a4-xalphax", "a5-alpha"]
    order = ["a0-beta", "a5-alpha", "a2-ALPHA", "a6-alp-ha", "a1-alpha", "a4-xalphax", "a3-Alpha"]
    for name in order:
        kind.create(sm, name)
    paginator = sm.get_paginator(kind.list_method)

    pages = list(
        paginator.paginate(
            NameContains="aLpHa", SortBy="Name", SortOrder="Ascending", PaginationConfig={"PageSize": 2}
        )
    )
    assert [len(p[kind.list_member]) for p in pages] == [2, 2, 1]
    assert [n for p in pages for n in kind.names(p)] == matching

    down = paginator.paginate(
        NameContains="ALPHA", SortBy="Name", SortOrder="Descending", PaginationConfig={"PageSize": 3}
    ).build_full_result()
    assert kind.names(down) == matching[::-1]

    by_time = "CreateDate" if kind is WORKTEAM else "CreationTime"
    oldest_first = paginator.paginate(
        SortBy=by_time, SortOrder="Ascending", PaginationConfig={"PageSize": 4}
    ).build_full_result()
    assert kind.names(oldest_first) == order
    newest_first = paginator.paginate(
        SortBy=by_time, SortOrder="Descending", PaginationConfig={"PageSize": 100}
    ).build_full_result()
    assert kind.names(newest_first) == order[::-1]
    assert kind.names(getattr(sm, kind.list_method)(NameContains="nothing-like-it")) == []


@ALL
def test_list_max_results_and_next_token(sm, kind):
    create_dependencies(sm, kind)
    for i in range(3):
        kind.create(sm, f"page-{i}")
    call = getattr(sm, kind.list_method)
    first = call(MaxResults=1, SortBy="Name", SortOrder="Ascending")
    assert kind.names(first) == ["page-0"]
    rest = call(MaxResults=100, SortBy="Name", SortOrder="Ascending", NextToken=first["NextToken"])
    assert kind.names(rest) == ["page-1", "page-2"]
    assert "NextToken" not in rest
    with raises_aws("ValidationException"):
        call(NextToken="not-a-token")


@ALL
def test_list_max_results_bounds(sm_raw, kind):
    """Contract: MaxResults 1–100, checked with the §5 message."""
    call = getattr(sm_raw, kind.list_method)
    with raises_aws("ValidationException", validation(too_big(101, "maxResults", 100))):
        call(MaxResults=101)
    with raises_aws("ValidationException", validation(too_small(0, "maxResults", 1))):
        call(MaxResults=0)


# How to leave two resources in two different statuses that stay put: the
# server, the call made on the one named "early", and the statuses of "late"
# and "early" afterwards.
SPLITS = {
    "notebook-instance": ("instant", "stop", "InService", "Stopped"),
    "training-job": ("frozen", "stop", "InProgress", "Stopping"),
    "hyper-parameter-tuning-job": ("frozen", "stop", "InProgress", "Stopping"),
    "transform-job": ("frozen", "stop", "InProgress", "Stopping"),
    "labeling-job": ("frozen", "stop", "Initializing", "Stopping"),
    "endpoint": ("frozen", "delete", "Creating", "Deleting"),
}


def early_and_late(kind: Kind, instant, frozen):
    """Creates "early", then "late", then moves "early" on (a Stop, or an
    endpoint's Delete), with pauses so that all three times differ."""
    where, verb, _, _ = SPLITS.get(kind.id, ("instant", None, None, None))
    client = instant if where == "instant" else frozen
    create_dependencies(client, kind)
    kind.create(client, "early")
    time.sleep(0.05)
    kind.create(client, "late")
    if verb:
        time.sleep(0.05)
        kind.call(client, verb, "early")
    return client


@each(WITH_STATUS)
def test_status_equals(sm, frozen, kind):
    client = early_and_late(kind, sm, frozen)
    _, _, late_status, early_status = SPLITS[kind.id]
    call = getattr(client, kind.list_method)
    summaries = call()[kind.list_member]
    assert {s[kind.name_member]: s[kind.status_member] for s in summaries} == {
        "early": early_status,
        "late": late_status,
    }
    assert kind.names(call(StatusEquals=early_status)) == ["early"]
    assert kind.names(call(StatusEquals=late_status)) == ["late"]
    assert kind.names(call(StatusEquals="Failed")) == []
    walked = (
        client.get_paginator(kind.list_method)
        .paginate(StatusEquals=late_status, PaginationConfig={"PageSize": 1})
        .build_full_result()
    )
    assert kind.names(walked) == ["late"]


@each([k for k in KINDS if k is not WORKTEAM])
def test_time_filters(sm, frozen, kind):
    """CreationTimeBefore/After on every List* that has them, and
    LastModifiedTimeBefore/After where the kind changes status."""
    client = early_and_late(kind, sm, frozen)
    call = getattr(client, kind.list_method)
    # From the summaries: not every Describe output models LastModifiedTime.
    summaries = {s[kind.name_member]: s for s in call()[kind.list_member]}

    created = {n: s["CreationTime"] for n, s in summaries.items()}
    assert created["early"] < created["late"]
    cut = created["early"] + (created["late"] - created["early"]) / 2
    assert kind.names(call(CreationTimeAfter=cut)) == ["late"]
    assert kind.names(call(CreationTimeBefore=cut)) == ["early"]

    if kind.status_member:
        modified = {n: s["LastModifiedTime"] for n, s in summaries.items()}
        assert modified["early"] > modified["late"]
        cut = modified["late"] + (modified["early"] - modified["late"]) / 2
        assert kind.names(call(LastModifiedTimeAfter=cut)) == ["early"]
        assert kind.names(call(LastModifiedTimeBefore=cut)) == ["late"]


# ---- Delete -----------------------------------------------------------------------------------


@each(DELETABLE)
def test_delete_removes_the_resource_and_its_tags(sm, kind):
    """resources.md §4: once gone, tag operations answer `Resource does not
    exist.`; the name can be used again and the new resource has no tags."""
    create_dependencies(sm, kind)
    arn = kind.create(sm, "Short-Lived", Tags=tags(("a", "1"), ("b", "2")))
    make_deletable(sm, kind, "Short-Lived")
    out = kind.call(sm, "delete", "Short-Lived")
    if kind is WORKTEAM:
        assert out["Success"] is True

    with raises_error(sm, *missing(kind, "Short-Lived")):
        kind.describe(sm, "Short-Lived")
    with raises_aws("ValidationException", NOT_FOUND):
        sm.list_tags(ResourceArn=arn)
    with raises_aws("ValidationException", NOT_FOUND):
        sm.add_tags(ResourceArn=arn, Tags=tags(("c", "3")))
    with raises_aws("ValidationException", NOT_FOUND):
        sm.delete_tags(ResourceArn=arn, TagKeys=["a"])
    assert listed(sm, kind) == []

    assert kind.create(sm, "Short-Lived") == arn
    assert listed_tags(sm, arn) == []


@each(DELETABLE)
def test_delete_twice(sm, kind):
    create_dependencies(sm, kind)
    kind.create(sm, "once")
    make_deletable(sm, kind, "once")
    kind.call(sm, "delete", "once")
    with raises_error(sm, *missing(kind, "once")):
        kind.call(sm, "delete", "once")


@each([TRANSFORM_JOB, LABELING_JOB])
def test_kinds_without_delete(raw, sm, kind):
    """resources.md §2: transform and labeling jobs can never be removed; the
    operation does not exist (§6: unknown target)."""
    create_dependencies(sm, kind)
    arn = kind.create(sm, "kept", Tags=tags(("a", "1")))
    assert not hasattr(sm, f"delete_{kind.stem}")
    assert_raw_error(raw(f"Delete{kind.op}", {kind.name_member: "kept"}), "UnknownOperationException")
    assert kind.describe(sm, "kept")[kind.arn_member] == arn
    assert listed_tags(sm, arn) == tags(("a", "1"))

