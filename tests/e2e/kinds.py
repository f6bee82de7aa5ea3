"""The nine taggable kinds as the tests see them: a minimal valid Create
input for each, the resources each one needs first, and what the contract
says about its ARN, names, errors and operations (resources.md §1–4,
sagemaker-tagging.md §7). Plus a bounded poll, for statuses that move.

Builders return plain request dicts, so the same input can go through boto3
(`client.create_x(**input)`) or a raw request (`raw("CreateX", input)`).
"""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from botocore.exceptions import ClientError

from support import ALICE, REGION, Account, Expected, raises_aws

ROLE = "arn:aws:iam::111111111111:role/SageMakerRole"
IMAGE = "111111111111.dkr.ecr.us-east-1.amazonaws.com/e2e-algorithm:1"
BUCKET = "s3://sagetag-e2e"

# Names of the resources other kinds depend on (see `create_dependencies`).
DEP_MODEL = "dep-model"
DEP_CONFIG = "dep-config"
DEP_TEAM = "dep-team"


def arn_of(arn_type: str, name: str, account: Account = ALICE, region: str = REGION) -> str:
    return f"arn:aws:sagemaker:{region}:{account.account_id}:{arn_type}/{name}"


def workteam_arn(name: str, account: Account = ALICE, region: str = REGION) -> str:
    return arn_of("workteam/private-crowd", name, account, region)


# ---- minimal valid Create inputs --------------------------------------------


def model_input(name: str, **_: Any) -> dict[str, Any]:
    return {"ModelName": name, "PrimaryContainer": {"Image": IMAGE}, "ExecutionRoleArn": ROLE}


def endpoint_config_input(name: str, model: str = DEP_MODEL, **_: Any) -> dict[str, Any]:
    variant = {
        "VariantName": "primary",
        "ModelName": model,
        "InstanceType": "ml.m5.large",
        "InitialInstanceCount": 2,
        "InitialVariantWeight": 1.0,
    }
    return {"EndpointConfigName": name, "ProductionVariants": [variant]}


def endpoint_input(name: str, config: str = DEP_CONFIG, **_: Any) -> dict[str, Any]:
    return {"EndpointName": name, "EndpointConfigName": config}


def notebook_instance_input(name: str, **_: Any) -> dict[str, Any]:
    return {"NotebookInstanceName": name, "InstanceType": "ml.t3.medium", "RoleArn": ROLE}


def _training_definition(output: str) -> dict[str, Any]:
    # Members botocore 1.34 still required, so the input is valid for both
    # model versions (sagemaker-tagging.md §10).
    return {
        "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        "RoleArn": ROLE,
        "OutputDataConfig": {"S3OutputPath": output},
        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
    }


def training_job_input(name: str, output: str = f"{BUCKET}/training", **_: Any) -> dict[str, Any]:
    return {"TrainingJobName": name, **_training_definition(output)}


def tuning_job_input(name: str, total: int = 1, parallel: int = 1, **_: Any) -> dict[str, Any]:
    definition = _training_definition(f"{BUCKET}/tuning")
    definition["StaticHyperParameters"] = {"objective": "reg:squarederror"}
    return {
        "HyperParameterTuningJobName": name,
        "HyperParameterTuningJobConfig": {
            "Strategy": "Random",
            "ResourceLimits": {"MaxNumberOfTrainingJobs": total, "MaxParallelTrainingJobs": parallel},
            "ParameterRanges": {
                "IntegerParameterRanges": [{"Name": "max_depth", "MinValue": "1", "MaxValue": "10"}]
            },
        },
        "TrainingJobDefinition": definition,
    }


def transform_job_input(name: str, model: str = DEP_MODEL, **_: Any) -> dict[str, Any]:
    return {
        "TransformJobName": name,
        "ModelName": model,
        "TransformInput": {
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"{BUCKET}/batch-in"}}
        },
        "TransformOutput": {"S3OutputPath": f"{BUCKET}/batch-out"},
        "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 1},
    }


def labeling_job_input(
    name: str, account: Account = ALICE, region: str = REGION, team: str = DEP_TEAM, **_: Any
) -> dict[str, Any]:
    return {
        "LabelingJobName": name,
        "LabelAttributeName": "label",
        "InputConfig": {"DataSource": {"S3DataSource": {"ManifestS3Uri": f"{BUCKET}/manifest.json"}}},
        "OutputConfig": {"S3OutputPath": f"{BUCKET}/labels"},
        "RoleArn": ROLE,
        "HumanTaskConfig": {
            "WorkteamArn": workteam_arn(team, account, region),
            "UiConfig": {"UiTemplateS3Uri": f"{BUCKET}/template.liquid"},
            "TaskTitle": "Boxes",
            "TaskDescription": "Draw a box around each car",
            "NumberOfHumanWorkersPerDataObject": 1,
            "TaskTimeLimitInSeconds": 300,
        },
    }


def workteam_input(name: str, **_: Any) -> dict[str, Any]:
    member = {
        "CognitoMemberDefinition": {
            "UserPool": "us-east-1_e2eP00l",
            "UserGroup": "labelers",
            "ClientId": "e2eclientid0000000000000000",
        }
    }
    return {"WorkteamName": name, "Description": "Labelers of the e2e suite", "MemberDefinitions": [member]}


# ---- the kinds ----------------------------------------------------------------------


def _validation(text: str) -> Callable[[str, str], tuple[str, str]]:
    return lambda name, arn: ("ValidationException", text.format(name=name, arn=arn))


def _modeled(code: str, text: str) -> Callable[[str, str], tuple[str, str]]:
    return lambda name, arn: (code, text.format(name=name, arn=arn))


@dataclass(frozen=True)
class Kind:
    """One taggable kind. `stem` is boto3's method stem (`create_<stem>`)."""

    id: str
    stem: str
    arn_type: str
    name_member: str
    arn_member: str
    list_member: str
    build: Callable[..., dict[str, Any]]
    # resources.md §1: lower-cased name in the ARN, or the caller's case.
    lower_arn: bool
    name_max: int
    name_pattern: str
    # (code, message) for a missing and for a duplicate name, from (name, arn).
    missing: Callable[[str, str], tuple[str, str]]
    duplicate: Callable[[str, str], tuple[str, str]]
    status_member: str | None = None
    stops: bool = False
    starts: bool = False
    deletes: bool = False
    needs: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.id

    @property
    def name_path(self) -> str:
        """The member's path in a validation message (§5): lowerCamelCase."""
        return self.name_member[0].lower() + self.name_member[1:]

    @property
    def op(self) -> str:
        """The operation suffix: `CreateX`, `DescribeX`, `StopX`…"""
        return self.name_member.removesuffix("Name")

    def arn(self, name: str, account: Account = ALICE, region: str = REGION) -> str:
        return arn_of(self.arn_type, name.lower() if self.lower_arn else name, account, region)

    def input(
        self, name: str, account: Account = ALICE, region: str = REGION, **kw: Any
    ) -> dict[str, Any]:
        return self.build(name, account=account, region=region, **kw)

    def create(
        self, client: Any, name: str, account: Account = ALICE, region: str = REGION, **extra: Any
    ) -> str:
        """Creates one with the minimal input plus `extra`; returns its ARN."""
        request = {**self.input(name, account, region), **extra}
        return getattr(client, f"create_{self.stem}")(**request)[self.arn_member]

    def call(self, client: Any, verb: str, name: str) -> Any:
        """`describe`, `stop`, `start` or `delete` by name."""
        return getattr(client, f"{verb}_{self.stem}")(**{self.name_member: name})

    def describe(self, client: Any, name: str) -> dict[str, Any]:
        """The Describe output (the inner `Workteam` object for work teams)."""
        out = self.call(client, "describe", name)
        return out["Workteam"] if self.id == "workteam" else out

    def status(self, client: Any, name: str) -> str:
        assert self.status_member
        return self.describe(client, name)[self.status_member]

    @property
    def list_method(self) -> str:
        return f"list_{self.stem}s"

    def names(self, page: dict[str, Any]) -> list[str]:
        return [item[self.name_member] for item in page[self.list_member]]

    def verbs(self) -> list[str]:
        """The by-name operations this kind has besides Create and List."""
        return ["describe"] + ["stop"] * self.stops + ["start"] * self.starts + ["delete"] * self.deletes


ENDPOINT_NAME_PATTERN = r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"

MODEL = Kind(
    id="model",
    stem="model",
    arn_type="model",
    name_member="ModelName",
    arn_member="ModelArn",
    list_member="Models",
    build=model_input,
    lower_arn=True,
    name_max=63,
    name_pattern=r"[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?",
    missing=_validation('Could not find model "{arn}".'),
    duplicate=_validation('Cannot create already existing model "{arn}".'),
    deletes=True,
)
ENDPOINT_CONFIG = Kind(
    id="endpoint-config",
    stem="endpoint_config",
    arn_type="endpoint-config",
    name_member="EndpointConfigName",
    arn_member="EndpointConfigArn",
    list_member="EndpointConfigs",
    build=endpoint_config_input,
    lower_arn=True,
    name_max=63,
    name_pattern=ENDPOINT_NAME_PATTERN,
    missing=_validation('Could not find endpoint configuration "{arn}".'),
    duplicate=_validation('Cannot create already existing endpoint configuration "{arn}".'),
    deletes=True,
    needs=("model",),
)
ENDPOINT = Kind(
    id="endpoint",
    stem="endpoint",
    arn_type="endpoint",
    name_member="EndpointName",
    arn_member="EndpointArn",
    list_member="Endpoints",
    build=endpoint_input,
    lower_arn=True,
    name_max=63,
    name_pattern=ENDPOINT_NAME_PATTERN,
    missing=_validation('Could not find endpoint "{arn}".'),
    duplicate=_validation('Cannot create already existing endpoint "{arn}".'),
    status_member="EndpointStatus",
    deletes=True,
    needs=("model", "endpoint-config"),
)
NOTEBOOK_INSTANCE = Kind(
    id="notebook-instance",
    stem="notebook_instance",
    arn_type="notebook-instance",
    name_member="NotebookInstanceName",
    arn_member="NotebookInstanceArn",
    list_member="NotebookInstances",
    build=notebook_instance_input,
    lower_arn=True,
    name_max=63,
    name_pattern=r"[a-zA-Z0-9](-*[a-zA-Z0-9])*",
    missing=_validation("RecordNotFound"),
    duplicate=_validation("Cannot create a duplicate Notebook Instance ({arn})"),
    status_member="NotebookInstanceStatus",
    stops=True,
    starts=True,
    deletes=True,
)
TRAINING_JOB = Kind(
    id="training-job",
    stem="training_job",
    arn_type="training-job",
    name_member="TrainingJobName",
    arn_member="TrainingJobArn",
    list_member="TrainingJobSummaries",
    build=training_job_input,
    lower_arn=False,
    name_max=63,
    name_pattern=ENDPOINT_NAME_PATTERN,
    missing=_validation("Requested resource not found."),
    duplicate=_modeled(
        "ResourceInUse",
        "Training job names must be unique within an AWS account and region, and a "
        "training job with this name already exists ({arn})",
    ),
    status_member="TrainingJobStatus",
    stops=True,
    deletes=True,
)
TUNING_JOB = Kind(
    id="hyper-parameter-tuning-job",
    stem="hyper_parameter_tuning_job",
    arn_type="hyper-parameter-tuning-job",
    name_member="HyperParameterTuningJobName",
    arn_member="HyperParameterTuningJobArn",
    list_member="HyperParameterTuningJobSummaries",
    build=tuning_job_input,
    lower_arn=False,
    name_max=32,
    name_pattern=r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}",
    missing=_modeled(
        "ResourceNotFound", "Amazon SageMaker can't find a tuning job called {name}. Type another name."
    ),
    duplicate=_modeled(
        "ResourceInUse",
        "A hyperparameter tuning job with the name, {name}, already exists. Choose a different name.",
    ),
    status_member="HyperParameterTuningJobStatus",
    stops=True,
    deletes=True,
)
TRANSFORM_JOB = Kind(
    id="transform-job",
    stem="transform_job",
    arn_type="transform-job",
    name_member="TransformJobName",
    arn_member="TransformJobArn",
    list_member="TransformJobSummaries",
    build=transform_job_input,
    lower_arn=False,
    name_max=63,
    name_pattern=ENDPOINT_NAME_PATTERN,
    missing=_validation("Requested resource not found."),
    # The contract elides the middle of this text ("…"); only the ends are fixed.
    duplicate=lambda name, arn: (
        "ResourceInUse",
        re.compile(
            re.escape("Transform job names must be unique ")
            + ".*"
            + re.escape(f"a transform job with this name already exists ({arn})")
        ),
    ),
    status_member="TransformJobStatus",
    stops=True,
    needs=("model",),
)
LABELING_JOB = Kind(
    id="labeling-job",
    stem="labeling_job",
    arn_type="labeling-job",
    name_member="LabelingJobName",
    arn_member="LabelingJobArn",
    list_member="LabelingJobSummaryList",
    build=labeling_job_input,
    lower_arn=False,
    name_max=63,
    name_pattern=ENDPOINT_NAME_PATTERN,
    missing=_modeled("ResourceNotFound", "Could not find labeling job with name {name}."),
    duplicate=_modeled(
        "ResourceInUse", "A labeling job with the name {name} already exists in this account and region."
    ),
    status_member="LabelingJobStatus",
    stops=True,
    needs=("workteam",),
)
WORKTEAM = Kind(
    id="workteam",
    stem="workteam",
    arn_type="workteam/private-crowd",
    name_member="WorkteamName",
    arn_member="WorkteamArn",
    list_member="Workteams",
    build=workteam_input,
    lower_arn=False,
    name_max=63,
    name_pattern=ENDPOINT_NAME_PATTERN,
    missing=_validation('Could not find workteam "{arn}".'),
    duplicate=_modeled("ResourceInUse", "A workteam with the name {name} already exists."),
    deletes=True,
)

KINDS = (
    NOTEBOOK_INSTANCE,
    TRAINING_JOB,
    TUNING_JOB,
    TRANSFORM_JOB,
    MODEL,
    LABELING_JOB,
    WORKTEAM,
    ENDPOINT_CONFIG,
    ENDPOINT,
)
BY_ID = {k.id: k for k in KINDS}


def create_dependencies(client: Any, kind: Kind, account: Account = ALICE, region: str = REGION) -> None:
    """Creates what `kind`'s minimal input refers to: the model, the endpoint
    configuration or the work team named by the DEP_* constants."""
    names = {"model": DEP_MODEL, "endpoint-config": DEP_CONFIG, "workteam": DEP_TEAM}
    for need in kind.needs:
        BY_ID[need].create(client, names[need], account, region)


# ---- errors ---------------------------------------------------------------------------

MODELED = ("ResourceNotFound", "ResourceInUse", "ResourceLimitExceeded")


@contextlib.contextmanager
def raises_error(client: Any, code: str, message: Expected = None) -> Iterator[Any]:
    """`raises_aws`, plus: a modeled code must come as boto3's own exception
    class (`client.exceptions.<Code>`, sagemaker-tagging.md §2)."""
    with raises_aws(code, message) as info:
        yield info
    if code in MODELED:
        assert isinstance(info.value, getattr(client.exceptions, code)), type(info.value)


# ---- waiting --------------------------------------------------------------------------


def poll(
    probe: Callable[[], Any], until: Callable[[Any], bool], timeout: float = 15.0, every: float = 0.1
) -> Any:
    """Calls `probe` until `until(value)` holds; returns that value. Fails
    after `timeout` seconds with the last value seen."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if until(value):
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"still {value!r} after {timeout}s")
        time.sleep(every)


def wait_status(client: Any, kind: Kind, name: str, *wanted: str, timeout: float = 15.0) -> str:
    return poll(lambda: kind.status(client, name), lambda s: s in wanted, timeout)


def wait_gone(client: Any, kind: Kind, name: str, timeout: float = 15.0) -> None:
    """Until Describe answers the kind's missing-resource error."""

    def gone() -> bool:
        try:
            kind.describe(client, name)
        except ClientError as err:
            return err.response["Error"]["Code"] == kind.missing(name, kind.arn(name))[0]
        return False

    poll(gone, bool, timeout)
