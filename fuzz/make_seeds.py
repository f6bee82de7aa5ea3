"""Writes the seed corpora of the fuzz targets from real requests.

botocore builds and signs each request exactly as it would send it; a
`before-send` hook captures it and answers `{}` in place of a server, so
nothing goes over the network. Run it from the repository root with the
end-to-end venv (it reuses the test inputs of `tests/e2e`):

    .venv/bin/python fuzz/make_seeds.py

It replaces the files in `fuzz/corpus/{request_body,sigv4,pagination_token}`,
except the `regression-*` inputs that once made a target fail, and
`fuzz/dict/request_body.dict`.
Input formats are described at the top of each target in `fuzz/fuzz_targets`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "e2e"))

import boto3  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402
from botocore.config import Config  # noqa: E402

import kinds  # noqa: E402
from support import ALICE, SESSION, RawClient, model_arn  # noqa: E402

CORPUS = REPO / "fuzz" / "corpus"
ARN = model_arn("churn")
TAGS = [{"Key": "team", "Value": "ml"}, {"Key": "cost-center", "Value": "42"}]

# Bodies sent through boto3, per operation (several for the tag operations).
CALLS: list[tuple[str, dict]] = [
    ("AddTags", {"ResourceArn": ARN, "Tags": TAGS}),
    ("AddTags", {"ResourceArn": ARN, "Tags": [{"Key": "a:b/c=d+e-f@g", "Value": "é 1"}]}),
    ("ListTags", {"ResourceArn": ARN}),
    ("ListTags", {"ResourceArn": ARN, "MaxResults": 50, "NextToken": "eyJvIjoiTGlzdFRhZ3MifQ"}),
    ("DeleteTags", {"ResourceArn": ARN, "TagKeys": ["team", "cost-center"]}),
    ("CreateModel", {**kinds.model_input("churn"), "Tags": TAGS}),
    ("CreateEndpointConfig", kinds.endpoint_config_input("cfg")),
    ("CreateEndpoint", {**kinds.endpoint_input("ep"), "Tags": TAGS}),
    ("CreateNotebookInstance", kinds.notebook_instance_input("nb")),
    ("CreateTrainingJob", kinds.training_job_input("train")),
    ("CreateHyperParameterTuningJob", kinds.tuning_job_input("tune", total=3, parallel=2)),
    ("CreateTransformJob", kinds.transform_job_input("batch")),
    ("CreateLabelingJob", kinds.labeling_job_input("label")),
    ("CreateWorkteam", kinds.workteam_input("team")),
    ("DescribeModel", {"ModelName": "churn"}),
    ("DeleteModel", {"ModelName": "churn"}),
    ("DescribeEndpoint", {"EndpointName": "ep"}),
    ("StopTrainingJob", {"TrainingJobName": "train"}),
    ("StopNotebookInstance", {"NotebookInstanceName": "nb"}),
    ("ListModels", {"SortBy": "CreationTime", "SortOrder": "Descending", "MaxResults": 10}),
    ("ListTrainingJobs", {"StatusEquals": "InProgress", "NameContains": "tr"}),
    (
        "ListTrainingJobsForHyperParameterTuningJob",
        {"HyperParameterTuningJobName": "tune", "SortBy": "FinalObjectiveMetricValue"},
    ),
    ("ListLabelingJobsForWorkteam", {"WorkteamArn": kinds.workteam_arn("team")}),
]


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def operation_indices() -> dict[str, int]:
    """Each operation's index in `Operation::ALL`, from the table in the source."""
    source = (REPO / "crates" / "ops" / "src" / "operation.rs").read_text()
    table = source[source.index("operations! {") :]
    names = re.findall(r"^\s+(\w+) => \w+,", table, flags=re.MULTILINE)
    return {name: i for i, name in enumerate(names)}


def capture(calls, account=ALICE, presign=False):
    """The (method, path, headers, body) of each call as botocore signs it."""
    captured = []

    def hook(request, **_):
        # botocore keeps some header values as bytes, and leaves Host (which
        # it signed) to the HTTP layer.
        headers = {"Host": urlsplit(request.url).netloc}
        for name, value in request.headers.items():
            headers[name] = value.decode() if isinstance(value, bytes) else value
        captured.append((request.method, request.url, headers, request.body))
        return AWSResponse(request.url, 200, {}, _Raw(b"{}"))

    client = boto3.session.Session().client(
        "sagemaker",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:4570",
        aws_access_key_id=account.access_key,
        aws_secret_access_key=account.secret_key,
        aws_session_token=account.session_token,
        config=Config(retries={"max_attempts": 1}, parameter_validation=False),
    )
    client.meta.events.register("before-send", hook)
    for operation, params in calls:
        getattr(client, snake(operation))(**params)
    return captured


class _Raw:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_):
        yield self.data


def http_text(method: str, target: str, headers: dict[str, str], body: bytes) -> bytes:
    head = f"{method} {target}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode() + b"\r\n" + body


def write(target: str, files: dict[str, bytes]) -> None:
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    # Inputs that once failed (`regression-*`, copied from fuzz/artifacts) stay.
    for old in folder.iterdir():
        if not old.name.startswith("regression-"):
            old.unlink()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    print(f"{target}: {len(files)} seeds")


def write_dictionary() -> None:
    """`fuzz/dict/request_body.dict`: libFuzzer tokens for every member name of
    the model's shapes, which the fuzzer could not guess by comparing bytes
    (members are looked up by hash)."""
    shapes = json.loads((REPO / "crates/ops/src/validate/sagemaker-shapes.json").read_text())
    names = sorted({m for shape in shapes["shapes"].values() for m in shape.get("members") or {}})
    tokens = [f'"{name}":' for name in names] + ["{", "}", "[", "]", ":", ",", "null", "true"]
    tokens += ["false", "-0", "1e999", "1.5", "9223372036854775808", '"\\u0000"', '"\\ud800"']
    lines = ['"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"' for t in tokens]
    folder = REPO / "fuzz" / "dict"
    folder.mkdir(exist_ok=True)
    (folder / "request_body.dict").write_text("\n".join(lines) + "\n")
    print(f"request_body.dict: {len(lines)} tokens")


def main() -> None:
    index = operation_indices()
    requests = capture(CALLS)

    bodies = {}
    for (operation, _), (_, _, _, body) in zip(CALLS, requests):
        data = bytes([index[operation]]) + (body or b"")
        bodies[f"{operation}-{hashlib.sha1(data).hexdigest()[:8]}"] = data
    bodies["empty-object"] = bytes([index["ListModels"]]) + b"{}"
    duplicate = b'{"ResourceArn":"a","ResourceArn":"b"}'
    bodies["duplicate-member"] = bytes([index["AddTags"]]) + duplicate
    write("request_body", bodies)
    write_dictionary()

    # Header form from three operations, the session key's token, and the
    # query form (presigned) from the raw client of the e2e suite.
    heads = {}
    for name, (method, url, headers, body) in zip(
        ["add-tags", "list-tags", "delete-tags"], requests[0:5:2]
    ):
        heads[f"header-{name}"] = http_text(method, "/", headers, body)
    (method, url, headers, body) = capture(CALLS[:1], account=SESSION)[0]
    heads["header-session-token"] = http_text(method, "/", headers, body)
    raw = RawClient("127.0.0.1", 4570)
    method, target, headers, body = raw.build("ListTags", {"ResourceArn": ARN}, presign=True)
    heads["query-list-tags"] = http_text(method, target, headers, body)
    # The clock line the harness reads: the server's time, 10 minutes on.
    method, target, headers, body = raw.build("ListTags", {"ResourceArn": ARN})
    headers["x-fuzz-clock"] = "600"
    heads["header-clock-skew"] = http_text(method, target, headers, body)
    write("sigv4", heads)

    def token(operation: str, bound: str, position: str) -> str:
        raw_json = json.dumps({"o": operation, "b": bound, "p": position}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw_json.encode()).decode().rstrip("=")

    tokens = {
        "list-tags": f"{ARN}\n{token('ListTags', ARN, '17')}".encode(),
        "other-resource": f"{ARN}\n{token('ListTags', model_arn('other'), '3')}".encode(),
        "list-models": f"\n{token('ListModels', '', 'churn')}".encode(),
        "not-base64": f"{ARN}\nnot a token!".encode(),
    }
    write("pagination_token", tokens)


if __name__ == "__main__":
    main()
