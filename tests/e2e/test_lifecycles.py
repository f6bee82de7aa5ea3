"""Statuses that move by themselves (resources.md §4 and the contract's
lifecycles): the intermediate status right after each call, the settled one
through boto3's own waiters, every wrong-status answer, and the checks one
resource makes on another at Create.

This module's server takes one second per step (`--lifecycle-seconds 1`);
the last test starts one with zero-second steps, where every chain settles
inside the request.
"""

import re

import pytest

from kinds import (
    DEP_CONFIG,
    DEP_MODEL,
    DEP_TEAM,
    ENDPOINT,
    ENDPOINT_CONFIG,
    LABELING_JOB,
    MODEL,
    NOTEBOOK_INSTANCE,
    TRAINING_JOB,
    TRANSFORM_JOB,
    TUNING_JOB,
    WORKTEAM,
    create_dependencies,
    endpoint_config_input,
    endpoint_input,
    labeling_job_input,
    poll,
    raises_error,
    transform_job_input,
    tuning_job_input,
    wait_gone,
    wait_status,
    workteam_arn,
)
from support import BOB, NOT_FOUND, OTHER_REGION, listed_tags, raises_aws, tags

WAIT = {"Delay": 1, "MaxAttempts": 30}


@pytest.fixture(scope="module")
def server(spawn_module_server):
    """Overrides the shared server for this module: one-second steps."""
    return spawn_module_server("--lifecycle-seconds", "1", "--enable-reset")


def wait(client, waiter, **kw):
    client.get_waiter(waiter).wait(WaiterConfig=WAIT, **kw)


def not_running(noun: str, status: str) -> str:
    return f"The request was rejected because the {noun} is in status {status}."


def notebook_refusal(status: str, allowed: str, target: str, arn: str) -> str:
    return (
        f"Status ({status}) not in ([{allowed}]). Unable to transition to ({target}) "
        f"for Notebook Instance ({arn})."
    )


# ---- endpoints ----------------------------------------------------------------------------


def test_endpoint_creating_in_service_deleting_gone(sm):
    create_dependencies(sm, ENDPOINT)
    arn = ENDPOINT.create(sm, "Live-Endpoint", Tags=tags(("a", "1")))
    first = ENDPOINT.describe(sm, "Live-Endpoint")
    assert first["EndpointStatus"] == "Creating"

    wait(sm, "endpoint_in_service", EndpointName="Live-Endpoint")
    ready = ENDPOINT.describe(sm, "Live-Endpoint")
    assert ready["EndpointStatus"] == "InService"
    assert ready["LastModifiedTime"] > first["LastModifiedTime"]
    assert ready["CreationTime"] == first["CreationTime"]

    sm.delete_endpoint(EndpointName="Live-Endpoint")
    assert ENDPOINT.status(sm, "Live-Endpoint") == "Deleting"
    # resources.md §4: anything Describe still returns is taggable.
    sm.add_tags(ResourceArn=arn, Tags=tags(("b", "2")))
    assert listed_tags(sm, arn) == tags(("a", "1"), ("b", "2"))

    wait(sm, "endpoint_deleted", EndpointName="Live-Endpoint")
    with raises_aws("ValidationException", f'Could not find endpoint "{arn}".'):
        sm.describe_endpoint(EndpointName="Live-Endpoint")
    with raises_aws("ValidationException", NOT_FOUND):
        sm.list_tags(ResourceArn=arn)


def test_endpoint_deleted_while_creating(sm):
    create_dependencies(sm, ENDPOINT)
    ENDPOINT.create(sm, "short")
    sm.delete_endpoint(EndpointName="short")
    assert ENDPOINT.status(sm, "short") == "Deleting"
    wait(sm, "endpoint_deleted", EndpointName="short")
    assert sm.list_endpoints()["Endpoints"] == []


# ---- notebook instances ---------------------------------------------------------------------


def test_notebook_instance_through_every_transition(sm):
    """Pending → InService, Stop: Stopping → Stopped, Start: Pending →
    InService, Delete from Stopped: Deleting → gone; each call refused, with
    SageMaker's wording, from every status the contract excludes."""
    name = "Lab-Notebook"
    arn = NOTEBOOK_INSTANCE.arn(name)
    assert arn.endswith(":notebook-instance/lab-notebook")

    def refused(verb, status):
        allowed, target = {
            "stop": ("InService", "Stopping"),
            "start": ("Stopped, Failed", "Pending"),
            "delete": ("Stopped, Failed", "Deleting"),
        }[verb]
        with raises_aws("ValidationException", notebook_refusal(status, allowed, target, arn)):
            NOTEBOOK_INSTANCE.call(sm, verb, name)

    assert NOTEBOOK_INSTANCE.create(sm, name, Tags=tags(("a", "1"))) == arn
    assert NOTEBOOK_INSTANCE.status(sm, name) == "Pending"
    for verb in ("stop", "start", "delete"):
        refused(verb, "Pending")

    wait(sm, "notebook_instance_in_service", NotebookInstanceName=name)
    assert NOTEBOOK_INSTANCE.status(sm, name) == "InService"
    refused("start", "InService")
    refused("delete", "InService")

    sm.stop_notebook_instance(NotebookInstanceName=name)
    assert NOTEBOOK_INSTANCE.status(sm, name) == "Stopping"
    for verb in ("stop", "start", "delete"):
        refused(verb, "Stopping")
    wait(sm, "notebook_instance_stopped", NotebookInstanceName=name)
    refused("stop", "Stopped")

    sm.start_notebook_instance(NotebookInstanceName=name)
    assert NOTEBOOK_INSTANCE.status(sm, name) == "Pending"
    wait(sm, "notebook_instance_in_service", NotebookInstanceName=name)
    sm.stop_notebook_instance(NotebookInstanceName=name)
    wait(sm, "notebook_instance_stopped", NotebookInstanceName=name)

    sm.delete_notebook_instance(NotebookInstanceName=name)
    assert NOTEBOOK_INSTANCE.status(sm, name) == "Deleting"
    assert listed_tags(sm, arn) == tags(("a", "1"))
    for verb in ("stop", "start", "delete"):
        refused(verb, "Deleting")
    wait(sm, "notebook_instance_deleted", NotebookInstanceName=name)
    with raises_aws("ValidationException", "RecordNotFound"):
        sm.describe_notebook_instance(NotebookInstanceName=name)
    with raises_aws("ValidationException", NOT_FOUND):
        sm.list_tags(ResourceArn=arn)


# ---- training jobs ------------------------------------------------------------------------


def test_training_job_completes_then_is_deleted_and_its_name_reused(sm):
    arn = TRAINING_JOB.create(sm, "Fit-Model", Tags=tags(("run", "1")))
    started = TRAINING_JOB.describe(sm, "Fit-Model")
    assert (started["TrainingJobStatus"], started["SecondaryStatus"]) == ("InProgress", "Starting")
    with raises_aws("ValidationException"):
        sm.delete_training_job(TrainingJobName="Fit-Model")

    wait(sm, "training_job_completed_or_stopped", TrainingJobName="Fit-Model")
    done = TRAINING_JOB.describe(sm, "Fit-Model")
    assert (done["TrainingJobStatus"], done["SecondaryStatus"]) == ("Completed", "Completed")
    artifacts = "s3://sagetag-e2e/training/Fit-Model/output/model.tar.gz"
    assert done["ModelArtifacts"]["S3ModelArtifacts"] == artifacts
    with raises_aws("ValidationException", not_running("training job", "Completed")):
        sm.stop_training_job(TrainingJobName="Fit-Model")

    sm.delete_training_job(TrainingJobName="Fit-Model")
    assert TRAINING_JOB.status(sm, "Fit-Model") == "Deleting"
    assert listed_tags(sm, arn) == tags(("run", "1"))
    wait_gone(sm, TRAINING_JOB, "Fit-Model")
    with raises_aws("ValidationException", NOT_FOUND):
        sm.list_tags(ResourceArn=arn)

    assert TRAINING_JOB.create(sm, "Fit-Model") == arn
    assert TRAINING_JOB.status(sm, "Fit-Model") == "InProgress"
    assert listed_tags(sm, arn) == []


def test_training_job_stop(sm):
    TRAINING_JOB.create(sm, "halted")
    sm.stop_training_job(TrainingJobName="halted")
    stopping = TRAINING_JOB.describe(sm, "halted")
    assert stopping["TrainingJobStatus"] == "Stopping"
    with raises_aws("ValidationException", not_running("training job", "Stopping")):
        sm.stop_training_job(TrainingJobName="halted")
    with raises_aws("ValidationException"):
        sm.delete_training_job(TrainingJobName="halted")

    wait(sm, "training_job_completed_or_stopped", TrainingJobName="halted")
    stopped = TRAINING_JOB.describe(sm, "halted")
    assert (stopped["TrainingJobStatus"], stopped["SecondaryStatus"]) == ("Stopped", "Stopped")
    with raises_aws("ValidationException", not_running("training job", "Stopped")):
        sm.stop_training_job(TrainingJobName="halted")
    sm.delete_training_job(TrainingJobName="halted")
    wait_gone(sm, TRAINING_JOB, "halted")


# ---- transform jobs -----------------------------------------------------------------------


def test_transform_job_completes(sm):
    create_dependencies(sm, TRANSFORM_JOB)
    TRANSFORM_JOB.create(sm, "Batch-1")
    assert TRANSFORM_JOB.status(sm, "Batch-1") == "InProgress"
    wait(sm, "transform_job_completed_or_stopped", TransformJobName="Batch-1")
    assert TRANSFORM_JOB.status(sm, "Batch-1") == "Completed"
    with raises_aws("ValidationException", not_running("transform job", "Completed")):
        sm.stop_transform_job(TransformJobName="Batch-1")


def test_transform_job_stop(sm):
    create_dependencies(sm, TRANSFORM_JOB)
    TRANSFORM_JOB.create(sm, "Batch-2")
    sm.stop_transform_job(TransformJobName="Batch-2")
    assert TRANSFORM_JOB.status(sm, "Batch-2") == "Stopping"
    with raises_aws("ValidationException", not_running("transform job", "Stopping")):
        sm.stop_transform_job(TransformJobName="Batch-2")
    wait(sm, "transform_job_completed_or_stopped", TransformJobName="Batch-2")
    assert TRANSFORM_JOB.status(sm, "Batch-2") == "Stopped"
    with raises_aws("ValidationException", not_running("transform job", "Stopped")):
        sm.stop_transform_job(TransformJobName="Batch-2")


# ---- labeling jobs ------------------------------------------------------------------------


def observed_statuses(client, name: str, last: str, timeout: float = 15.0) -> list[str]:
    """Every distinct status seen polling every 0.1 s until `last`."""
    seen: list[str] = []

    def probe():
        status = LABELING_JOB.status(client, name)
        if not seen or seen[-1] != status:
            seen.append(status)
        return status

    poll(probe, lambda s: s == last, timeout)
    return seen


def test_labeling_job_initializing_in_progress_completed(sm):
    create_dependencies(sm, LABELING_JOB)
    arn = LABELING_JOB.create(sm, "Label-Cars", Tags=tags(("a", "1")))
    assert observed_statuses(sm, "Label-Cars", "Completed") == ["Initializing", "InProgress", "Completed"]
    with raises_aws("ValidationException", not_running("labeling job", "Completed")):
        sm.stop_labeling_job(LabelingJobName="Label-Cars")
    # Labeling jobs stay for good, tags and all (resources.md §4).
    assert LABELING_JOB.describe(sm, "Label-Cars")["Tags"] == listed_tags(sm, arn) == tags(("a", "1"))


@pytest.mark.parametrize("stop_in", ["Initializing", "InProgress"])
def test_labeling_job_stop(sm, stop_in):
    create_dependencies(sm, LABELING_JOB)
    LABELING_JOB.create(sm, "Label-Stop")
    wait_status(sm, LABELING_JOB, "Label-Stop", stop_in)
    sm.stop_labeling_job(LabelingJobName="Label-Stop")
    assert LABELING_JOB.status(sm, "Label-Stop") == "Stopping"
    with raises_aws("ValidationException", not_running("labeling job", "Stopping")):
        sm.stop_labeling_job(LabelingJobName="Label-Stop")
    assert observed_statuses(sm, "Label-Stop", "Stopped") == ["Stopping", "Stopped"]
    with raises_aws("ValidationException", not_running("labeling job", "Stopped")):
        sm.stop_labeling_job(LabelingJobName="Label-Stop")


# ---- tuning jobs (the rest is in test_tuning.py) --------------------------------------------


def test_tuning_job_stop_and_delete_statuses(sm):
    sm.create_hyper_parameter_tuning_job(**tuning_job_input("Tune-Stop", total=5, parallel=1))
    assert TUNING_JOB.status(sm, "Tune-Stop") == "InProgress"
    with raises_aws("ValidationException"):
        sm.delete_hyper_parameter_tuning_job(HyperParameterTuningJobName="Tune-Stop")
    sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName="Tune-Stop")
    assert TUNING_JOB.status(sm, "Tune-Stop") == "Stopping"
    noun = "hyperparameter tuning job"
    with raises_aws("ValidationException", not_running(noun, "Stopping")):
        sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName="Tune-Stop")
    with raises_aws("ValidationException"):
        sm.delete_hyper_parameter_tuning_job(HyperParameterTuningJobName="Tune-Stop")
    wait_status(sm, TUNING_JOB, "Tune-Stop", "Stopped")
    with raises_aws("ValidationException", not_running(noun, "Stopped")):
        sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName="Tune-Stop")
    sm.delete_hyper_parameter_tuning_job(HyperParameterTuningJobName="Tune-Stop")
    assert TUNING_JOB.status(sm, "Tune-Stop") == "Deleting"
    wait_gone(sm, TUNING_JOB, "Tune-Stop")


# ---- what Create checks on other resources -----------------------------------------------


def test_endpoint_config_needs_its_model(sm):
    with raises_aws("ValidationException", f'Could not find model "{MODEL.arn("Absent-Model")}".'):
        sm.create_endpoint_config(**endpoint_config_input("cfg", model="Absent-Model"))
    assert sm.list_endpoint_configs()["EndpointConfigs"] == []
    MODEL.create(sm, "Absent-Model")
    sm.create_endpoint_config(**endpoint_config_input("cfg", model="Absent-Model"))


def test_endpoint_needs_its_config(sm):
    missing_config = f'Could not find endpoint configuration "{ENDPOINT_CONFIG.arn("No-Config")}".'
    with raises_aws("ValidationException", missing_config):
        sm.create_endpoint(**endpoint_input("ep", config="No-Config"))
    assert sm.list_endpoints()["Endpoints"] == []
    MODEL.create(sm, DEP_MODEL)
    sm.create_endpoint_config(**endpoint_config_input("No-Config"))
    sm.create_endpoint(**endpoint_input("ep", config="No-Config"))
    assert ENDPOINT.status(sm, "ep") == "Creating"


def test_endpoint_config_of_another_account_does_not_count(sm, sm_bob):
    create_dependencies(sm_bob, ENDPOINT, BOB)
    message = f'Could not find endpoint configuration "{ENDPOINT_CONFIG.arn(DEP_CONFIG)}".'
    with raises_aws("ValidationException", message):
        sm.create_endpoint(**endpoint_input("ep"))


def test_transform_job_needs_its_model(sm):
    with raises_aws("ValidationException", f'Could not find model "{MODEL.arn("Gone-Model")}".'):
        sm.create_transform_job(**transform_job_input("batch", model="Gone-Model"))
    assert sm.list_transform_jobs()["TransformJobSummaries"] == []


@pytest.mark.parametrize(
    "team_arn",
    [
        workteam_arn("never-made"),
        workteam_arn(DEP_TEAM, BOB),
        workteam_arn(DEP_TEAM, region=OTHER_REGION),
    ],
    ids=["never-made", "other-account", "other-region"],
)
def test_labeling_job_needs_the_callers_workteam(sm, make_client, team_arn):
    """Contract: HumanTaskConfig.WorkteamArn must name one of the caller's
    own work teams, by its exact ARN. The same-named team exists elsewhere."""
    WORKTEAM.create(make_client(BOB), DEP_TEAM, BOB)
    WORKTEAM.create(make_client(region=OTHER_REGION), DEP_TEAM, region=OTHER_REGION)
    WORKTEAM.create(sm, DEP_TEAM)
    request = labeling_job_input("labels")
    request["HumanTaskConfig"]["WorkteamArn"] = team_arn
    with raises_aws("ValidationException", f'Could not find workteam "{team_arn}".'):
        sm.create_labeling_job(**request)
    assert sm.list_labeling_jobs()["LabelingJobSummaryList"] == []


@pytest.mark.parametrize("which", ["both", "neither"])
def test_tuning_job_needs_exactly_one_definition_member(sm, which):
    request = tuning_job_input("tuner")
    if which == "both":
        request["TrainingJobDefinitions"] = [request["TrainingJobDefinition"]]
    else:
        del request["TrainingJobDefinition"]
    with raises_aws("ValidationException"):
        sm.create_hyper_parameter_tuning_job(**request)
    with raises_error(sm, *TUNING_JOB.missing("tuner", TUNING_JOB.arn("tuner"))):
        TUNING_JOB.describe(sm, "tuner")
    assert sm.list_training_jobs()["TrainingJobSummaries"] == []


def test_tuning_job_with_a_definitions_list(sm):
    definition = tuning_job_input("x")["TrainingJobDefinition"]
    request = tuning_job_input("listed-defs")
    del request["TrainingJobDefinition"]
    request["TrainingJobDefinitions"] = [definition]
    sm.create_hyper_parameter_tuning_job(**request)
    (job,) = sm.list_training_jobs()["TrainingJobSummaries"]
    assert re.fullmatch(r"listed-defs-001-[0-9a-f]{8}", job["TrainingJobName"])


# ---- zero-second steps --------------------------------------------------------------------


def test_zero_second_steps_settle_inside_the_request(spawn_server, make_client):
    """`--lifecycle-seconds 0`: each chain is over when the call returns."""
    srv = spawn_server("--lifecycle-seconds", "0")
    sm = make_client(endpoint=srv.endpoint)

    create_dependencies(sm, ENDPOINT)
    ENDPOINT.create(sm, "ep")
    assert ENDPOINT.status(sm, "ep") == "InService"
    sm.delete_endpoint(EndpointName="ep")
    with raises_error(sm, *ENDPOINT.missing("ep", ENDPOINT.arn("ep"))):
        ENDPOINT.describe(sm, "ep")

    NOTEBOOK_INSTANCE.create(sm, "nb")
    assert NOTEBOOK_INSTANCE.status(sm, "nb") == "InService"
    sm.stop_notebook_instance(NotebookInstanceName="nb")
    assert NOTEBOOK_INSTANCE.status(sm, "nb") == "Stopped"
    sm.start_notebook_instance(NotebookInstanceName="nb")
    assert NOTEBOOK_INSTANCE.status(sm, "nb") == "InService"
    sm.stop_notebook_instance(NotebookInstanceName="nb")
    sm.delete_notebook_instance(NotebookInstanceName="nb")
    with raises_aws("ValidationException", "RecordNotFound"):
        sm.describe_notebook_instance(NotebookInstanceName="nb")

    TRAINING_JOB.create(sm, "tj")
    assert TRAINING_JOB.status(sm, "tj") == "Completed"
    sm.delete_training_job(TrainingJobName="tj")
    with raises_aws("ValidationException", "Requested resource not found."):
        sm.describe_training_job(TrainingJobName="tj")

    TRANSFORM_JOB.create(sm, "xf")
    assert TRANSFORM_JOB.status(sm, "xf") == "Completed"

    create_dependencies(sm, LABELING_JOB)
    LABELING_JOB.create(sm, "lj")
    assert LABELING_JOB.status(sm, "lj") == "Completed"

    # Tuning rounds run as scheduler steps due at once: done within moments.
    sm.create_hyper_parameter_tuning_job(**tuning_job_input("hp", total=3, parallel=1))
    wait_status(sm, TUNING_JOB, "hp", "Completed", timeout=5)
    jobs = sm.list_training_jobs_for_hyper_parameter_tuning_job(HyperParameterTuningJobName="hp")
    assert [s["TrainingJobStatus"] for s in jobs["TrainingJobSummaries"]] == ["Completed"] * 3
