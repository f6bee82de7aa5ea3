"""Tuning jobs and the training jobs they launch (sagemaker-tagging.md §8,
resources.md §1–4 and the contract's tuning rules): tag propagation both
ways, launch names and order, rounds and the parallel limit, Stop, Delete,
and the lower-cased ARNs of ListHyperParameterTuningJobs (O2).

This module's server takes two seconds per round (`--lifecycle-seconds 2`),
so each test can act between two rounds with time to spare. Tests poll with
short sleeps up to a deadline; none sleeps a fixed long time.
"""

import re

import pytest

from kinds import TRAINING_JOB, TUNING_JOB, poll, raises_error, tuning_job_input, wait_gone, wait_status
from support import NOT_FOUND, listed_tags, raises_aws, tags

STEP = 2.0
ROUND_TIMEOUT = 4 * STEP


@pytest.fixture(scope="module")
def server(spawn_module_server):
    """Overrides the shared server for this module: two-second rounds."""
    return spawn_module_server("--lifecycle-seconds", str(int(STEP)), "--enable-reset")


def create(client, name, total, parallel, **extra):
    request = {**tuning_job_input(name, total=total, parallel=parallel), **extra}
    return client.create_hyper_parameter_tuning_job(**request)["HyperParameterTuningJobArn"]


def children(client, tuning, **kw):
    """Every summary of ListTrainingJobsForHyperParameterTuningJob, walked
    with boto3's paginator."""
    pages = client.get_paginator("list_training_jobs_for_hyper_parameter_tuning_job").paginate(
        HyperParameterTuningJobName=tuning, **kw
    )
    return pages.build_full_result()["TrainingJobSummaries"]


def names(summaries):
    return [s["TrainingJobName"] for s in summaries]


def wait_launched(client, tuning, count):
    """Until the tuning job has launched `count` training jobs; their names."""
    return names(poll(lambda: children(client, tuning), lambda s: len(s) >= count, ROUND_TIMEOUT))


def child_pattern(tuning: str, index: int) -> str:
    return rf"{re.escape(tuning)}-{index:03d}-[0-9a-f]{{8}}"


# ---- propagation ----------------------------------------------------------------------------


def test_tags_reach_training_jobs_as_they_are_at_launch(sm):
    """§8 both ways, on three training jobs run one at a time:
    create tags → every job; AddTags later → only jobs launched after it;
    DeleteTags later → jobs launched before it keep the key."""
    tuning = "Prop-Tuner"
    arn = create(sm, tuning, 3, 1, Tags=tags(("team", "vision"), ("keep", "x")))

    # The first job is launched inside Create, before it returns.
    (first,) = names(children(sm, tuning))
    assert re.fullmatch(child_pattern(tuning, 1), first)
    assert listed_tags(sm, TRAINING_JOB.arn(first)) == tags(("team", "vision"), ("keep", "x"))

    sm.add_tags(ResourceArn=arn, Tags=tags(("added", "later")))
    assert names(children(sm, tuning)) == [first], "a round ran before AddTags could act"
    assert listed_tags(sm, TRAINING_JOB.arn(first)) == tags(("team", "vision"), ("keep", "x"))

    first_two = wait_launched(sm, tuning, 2)
    second = first_two[1]
    assert re.fullmatch(child_pattern(tuning, 2), second)
    sm.delete_tags(ResourceArn=arn, TagKeys=["keep"])
    assert names(children(sm, tuning)) == [first, second], "a round ran before DeleteTags could act"
    second_tags = tags(("team", "vision"), ("keep", "x"), ("added", "later"))
    assert listed_tags(sm, TRAINING_JOB.arn(second)) == second_tags

    all_three = wait_launched(sm, tuning, 3)
    assert all_three[:2] == [first, second]
    third = all_three[2]
    assert re.fullmatch(child_pattern(tuning, 3), third)
    assert listed_tags(sm, TRAINING_JOB.arn(third)) == tags(("team", "vision"), ("added", "later"))
    # Jobs launched before the DeleteTags keep the key.
    assert listed_tags(sm, TRAINING_JOB.arn(first)) == tags(("team", "vision"), ("keep", "x"))
    assert listed_tags(sm, TRAINING_JOB.arn(second)) == second_tags
    assert listed_tags(sm, arn) == tags(("team", "vision"), ("added", "later"))

    # Propagated tags are the training job's own afterwards.
    sm.delete_tags(ResourceArn=TRAINING_JOB.arn(first), TagKeys=["team"])
    assert listed_tags(sm, TRAINING_JOB.arn(first)) == tags(("keep", "x"))
    assert listed_tags(sm, arn) == tags(("team", "vision"), ("added", "later"))


def test_training_jobs_point_back_and_are_listed_in_name_order(sm):
    tuning = "Listed-Tuner"
    arn = create(sm, tuning, 3, 1)
    assert arn == f"arn:aws:sagemaker:us-east-1:111111111111:hyper-parameter-tuning-job/{tuning}"
    launched = wait_launched(sm, tuning, 3)
    for index, name in enumerate(launched, start=1):
        assert re.fullmatch(child_pattern(tuning, index), name), (index, name)
    wait_status(sm, TUNING_JOB, tuning, "Completed", timeout=ROUND_TIMEOUT)

    for name in launched:
        described = TRAINING_JOB.describe(sm, name)
        assert described["TuningJobArn"] == arn
        assert described["TrainingJobArn"] == TRAINING_JOB.arn(name)
        assert described["TrainingJobStatus"] == "Completed"

    summaries = sm.list_training_jobs_for_hyper_parameter_tuning_job(HyperParameterTuningJobName=tuning)
    items = summaries["TrainingJobSummaries"]
    assert names(items) == sorted(launched) == launched
    assert "NextToken" not in summaries
    for item in items:
        assert item["TrainingJobArn"] == TRAINING_JOB.arn(item["TrainingJobName"])
        assert item["TrainingJobStatus"] == "Completed"
        assert 1 <= int(item["TunedHyperParameters"]["max_depth"]) <= 10
        assert item["CreationTime"]

    assert names(children(sm, tuning, SortOrder="Descending")) == launched[::-1]
    assert names(children(sm, tuning, SortBy="CreationTime")) == launched
    assert names(children(sm, tuning, StatusEquals="Completed")) == launched
    assert names(children(sm, tuning, StatusEquals="InProgress")) == []
    pages = sm.get_paginator("list_training_jobs_for_hyper_parameter_tuning_job").paginate(
        HyperParameterTuningJobName=tuning, PaginationConfig={"PageSize": 2}
    )
    assert [names(p["TrainingJobSummaries"]) for p in pages] == [launched[:2], launched[2:]]

    # They are ordinary training jobs too.
    every = sm.list_training_jobs(NameContains=tuning.upper(), SortBy="Name", SortOrder="Ascending")
    assert names(every["TrainingJobSummaries"]) == launched


def test_default_page_is_ten(sm):
    tuning = "Wide-Tuner"
    create(sm, tuning, 12, 12)
    first = sm.list_training_jobs_for_hyper_parameter_tuning_job(HyperParameterTuningJobName=tuning)
    assert len(first["TrainingJobSummaries"]) == 10
    rest = sm.list_training_jobs_for_hyper_parameter_tuning_job(
        HyperParameterTuningJobName=tuning, NextToken=first["NextToken"]
    )
    assert len(rest["TrainingJobSummaries"]) == 2
    both = names(first["TrainingJobSummaries"]) + names(rest["TrainingJobSummaries"])
    assert [int(n.split("-")[2]) for n in both] == list(range(1, 13))


def test_listing_for_a_missing_tuning_job(sm):
    with raises_error(sm, "ResourceNotFound"):
        sm.list_training_jobs_for_hyper_parameter_tuning_job(HyperParameterTuningJobName="No-Tuner")


# ---- rounds ---------------------------------------------------------------------------------


def watch(client, tuning, until_status, timeout):
    """Polls the tuning job and its training jobs until the tuning job is in
    `until_status`; returns every (tuning status, child statuses) seen.

    The tuning job is read before and after its children, and a probe counts
    only when both reads agree: the two calls are not one snapshot, and a
    child finishing between them would otherwise pair a running tuning job
    with children that are all done."""
    seen = []

    def probe():
        before = TUNING_JOB.status(client, tuning)
        statuses = [s["TrainingJobStatus"] for s in children(client, tuning)]
        after = TUNING_JOB.status(client, tuning)
        if before == after:
            seen.append((after, statuses))
        return after

    poll(probe, lambda s: s == until_status, timeout, every=0.1)
    return seen


def test_parallel_limit_and_completion(sm):
    """Total 4, parallel 2: two jobs, then four, never more than two running;
    the tuning job completes with its last training job, not before."""
    tuning = "Par-Tuner"
    create(sm, tuning, 4, 2)
    assert [s["TrainingJobStatus"] for s in children(sm, tuning)] == ["InProgress"] * 2

    seen = watch(sm, tuning, "Completed", timeout=4 * ROUND_TIMEOUT)
    counts = []
    for tuning_status, statuses in seen:
        assert statuses.count("InProgress") <= 2, seen
        if tuning_status == "InProgress":
            assert "InProgress" in statuses, seen
        else:
            assert tuning_status == "Completed"
            assert statuses == ["Completed"] * 4, seen
        if not counts or counts[-1] != len(statuses):
            counts.append(len(statuses))
    assert counts == [2, 4], seen

    described = TUNING_JOB.describe(sm, tuning)
    assert described["TrainingJobStatusCounters"]["Completed"] == 4
    assert described["TrainingJobStatusCounters"]["InProgress"] == 0
    assert described["BestTrainingJob"]["TrainingJobName"] in names(children(sm, tuning))


def test_stop_stops_running_training_jobs(sm):
    tuning = "Stop-Tuner"
    create(sm, tuning, 6, 2)
    first_two = names(children(sm, tuning))
    assert len(first_two) == 2

    sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName=tuning)
    assert TUNING_JOB.status(sm, tuning) == "Stopping"
    for name in first_two:
        assert TRAINING_JOB.status(sm, name) in ("Stopping", "Stopped")

    wait_status(sm, TUNING_JOB, tuning, "Stopped", timeout=ROUND_TIMEOUT)
    poll(
        lambda: [s["TrainingJobStatus"] for s in children(sm, tuning)],
        lambda s: s == ["Stopped", "Stopped"],
        ROUND_TIMEOUT,
    )
    described = TUNING_JOB.describe(sm, tuning)
    assert described["TrainingJobStatusCounters"]["Stopped"] == 2
    assert described["TrainingJobStatusCounters"]["InProgress"] == 0
    assert names(children(sm, tuning)) == first_two, "no job is launched after Stop"


# ---- Delete ---------------------------------------------------------------------------------


def test_delete_only_when_finished_and_training_jobs_survive(sm):
    tuning = "Del-Tuner"
    arn = create(sm, tuning, 2, 1, Tags=tags(("team", "a")))
    with raises_aws("ValidationException"):
        sm.delete_hyper_parameter_tuning_job(HyperParameterTuningJobName=tuning)
    launched = wait_launched(sm, tuning, 2)
    wait_status(sm, TUNING_JOB, tuning, "Completed", timeout=ROUND_TIMEOUT)
    stop_refused = "The request was rejected because the hyperparameter tuning job is in status Completed."
    with raises_aws("ValidationException", stop_refused):
        sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName=tuning)

    sm.delete_hyper_parameter_tuning_job(HyperParameterTuningJobName=tuning)
    assert TUNING_JOB.status(sm, tuning) == "Deleting"
    wait_gone(sm, TUNING_JOB, tuning, timeout=ROUND_TIMEOUT)
    missing = TUNING_JOB.missing(tuning, arn)
    with raises_error(sm, *missing):
        TUNING_JOB.describe(sm, tuning)
    with raises_aws("ValidationException", NOT_FOUND):
        sm.list_tags(ResourceArn=arn)

    for name in launched:
        described = TRAINING_JOB.describe(sm, name)
        assert described["TrainingJobStatus"] == "Completed"
        assert described["TuningJobArn"] == arn
        assert listed_tags(sm, TRAINING_JOB.arn(name)) == tags(("team", "a"))

    # The name is free again; the new tuning job starts without tags.
    assert create(sm, tuning, 1, 1) == arn
    assert listed_tags(sm, arn) == []


# ---- ListHyperParameterTuningJobs (O2) ------------------------------------------------------


def test_list_returns_lower_cased_arns_that_tag_operations_refuse(sm):
    arn = create(sm, "Mixed-Case-Tuner", 1, 1, Tags=tags(("k", "v")))
    assert arn.endswith(":hyper-parameter-tuning-job/Mixed-Case-Tuner")
    assert TUNING_JOB.describe(sm, "Mixed-Case-Tuner")["HyperParameterTuningJobArn"] == arn

    (summary,) = sm.list_hyper_parameter_tuning_jobs()["HyperParameterTuningJobSummaries"]
    assert summary["HyperParameterTuningJobName"] == "Mixed-Case-Tuner"
    assert summary["HyperParameterTuningJobArn"] == arn.lower()
    with raises_aws("ValidationException", NOT_FOUND):
        sm.list_tags(ResourceArn=summary["HyperParameterTuningJobArn"])
    assert listed_tags(sm, arn) == tags(("k", "v"))

    # An all-lower-case name gives the same ARN either way.
    plain = create(sm, "plain-tuner", 1, 1)
    listed = {
        s["HyperParameterTuningJobName"]: s["HyperParameterTuningJobArn"]
        for s in sm.list_hyper_parameter_tuning_jobs()["HyperParameterTuningJobSummaries"]
    }
    assert listed["plain-tuner"] == plain
    assert listed_tags(sm, listed["plain-tuner"]) == []
