#!/usr/bin/env python3
"""Generate crates/ops/src/validate/sagemaker-shapes.json from botocore's SageMaker model.

The validator in `sagetag_ops::validate` is driven by the service's own shapes, not by
hand-written rules. This script cuts those shapes out of the service model that botocore
ships (`botocore/data/sagemaker/2017-07-24/service-2.json.gz`): the input shape of every
operation sagetag implements, and every shape reachable from them.

What the output keeps and drops:
  * every key of a shape and of a member reference except documentation-only ones
    (`documentation`, `deprecatedMessage`);
  * object keys are sorted, except the `members` of a structure, which keep the model's
    order: the validator reports errors in that order (sagemaker-tagging.md section 5);
  * lists (`required`, `enum`) keep the model's order;
  * no overrides: sagetag's departures from the model (spec section 0) are applied in Rust.

The file is pretty-printed, with anything that fits in 100 columns on one line, so that a
model upgrade reads as a small diff.

Usage:
  scripts/gen-shapes.py                      # model found through `import botocore`
  scripts/gen-shapes.py --model PATH         # service-2.json or service-2.json.gz
  scripts/gen-shapes.py --check              # exit 1 if the file on disk is stale

The spec is pinned to botocore 1.44.8; another version is refused unless
--any-version is given (the header records the version either way).
"""

import argparse
import gzip
import hashlib
import json
import pathlib
import re
import sys

PINNED_BOTOCORE = "1.44.8"

# The operations sagetag implements (resources.md sections 2-3), in the brief's order.
OPERATIONS = [
    "AddTags", "ListTags", "DeleteTags",
    "CreateModel", "DescribeModel", "ListModels", "DeleteModel",
    "CreateEndpointConfig", "DescribeEndpointConfig", "ListEndpointConfigs",
    "DeleteEndpointConfig",
    "CreateEndpoint", "DescribeEndpoint", "ListEndpoints", "DeleteEndpoint",
    "CreateNotebookInstance", "DescribeNotebookInstance", "ListNotebookInstances",
    "StartNotebookInstance", "StopNotebookInstance", "DeleteNotebookInstance",
    "CreateTrainingJob", "DescribeTrainingJob", "ListTrainingJobs", "StopTrainingJob",
    "DeleteTrainingJob",
    "CreateHyperParameterTuningJob", "DescribeHyperParameterTuningJob",
    "ListHyperParameterTuningJobs", "StopHyperParameterTuningJob",
    "DeleteHyperParameterTuningJob", "ListTrainingJobsForHyperParameterTuningJob",
    "CreateTransformJob", "DescribeTransformJob", "ListTransformJobs", "StopTransformJob",
    "CreateLabelingJob", "DescribeLabelingJob", "ListLabelingJobs", "StopLabelingJob",
    "ListLabelingJobsForWorkteam",
    "CreateWorkteam", "DescribeWorkteam", "ListWorkteams", "DeleteWorkteam",
]

DOC_KEYS = {"documentation", "deprecatedMessage"}
REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "crates/ops/src/validate/sagemaker-shapes.json"
MODEL_SUFFIX = pathlib.Path("data/sagemaker/2017-07-24/service-2.json.gz")
WIDTH = 100


def find_model(path_arg):
    """Returns (model path, botocore version or None)."""
    if path_arg:
        path = pathlib.Path(path_arg)
        return path, version_beside(path)
    try:
        import botocore
    except ImportError:
        sys.exit("gen-shapes: botocore is not importable here; pass --model PATH")
    return pathlib.Path(botocore.__file__).parent / MODEL_SUFFIX, botocore.__version__


def version_beside(model_path):
    """The botocore version of a model inside an installed botocore, if it can be told.

    `<site-packages>/botocore/data/...` sits beside `<site-packages>/botocore-X.dist-info`.
    """
    for parent in model_path.resolve().parents:
        if parent.name == "botocore":
            infos = sorted(parent.parent.glob("botocore-*.dist-info"))
            if len(infos) == 1:
                return infos[0].name[len("botocore-"):-len(".dist-info")]
    return None


def load_model(path):
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    return json.loads(raw), hashlib.sha256(raw).hexdigest()


def children(shape):
    """Names of the shapes a shape refers to, in model order."""
    for key in ("member", "key", "value"):
        if key in shape:
            yield shape[key]["shape"]
    for member in shape.get("members", {}).values():
        yield member["shape"]


def reachable(shapes, roots):
    seen, stack = set(), list(reversed(roots))
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        if name not in shapes:
            sys.exit(f"gen-shapes: the model refers to a missing shape {name!r}")
        seen.add(name)
        stack.extend(children(shapes[name]))
    return seen


def strip_ref(ref):
    return {k: v for k, v in sorted(ref.items()) if k not in DOC_KEYS}


def clean_shape(shape):
    """Drops doc-only keys and sorts keys, keeping `members` in model order."""
    out = {}
    for key in sorted(shape):
        value = shape[key]
        if key in DOC_KEYS:
            continue
        if key == "members":
            value = {name: strip_ref(ref) for name, ref in value.items()}
        elif key in ("member", "key", "value"):
            value = strip_ref(value)
        out[key] = value
    return out


def render(value, indent=0, prefix=""):
    """JSON text: a value that fits on its line stays on one line, else it is expanded."""
    flat = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if not isinstance(value, (dict, list)) or not value:
        return flat
    if indent + len(prefix) + len(flat) + 1 <= WIDTH:
        return flat
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            head = json.dumps(key, ensure_ascii=False) + ": "
            parts.append(pad + head + render(item, indent + 2, head))
        open_, close = "{", "}"
    else:
        parts = [pad + render(item, indent + 2) for item in value]
        open_, close = "[", "]"
    return open_ + "\n" + ",\n".join(parts) + "\n" + " " * indent + close


def generate(model, version, digest):
    operations, shapes = model["operations"], model["shapes"]
    inputs = {}
    for name in OPERATIONS:
        if name not in operations:
            sys.exit(f"gen-shapes: operation {name} is not in this model")
        inputs[name] = operations[name].get("input", {}).get("shape")
    names = reachable(shapes, [s for s in inputs.values() if s])
    document = {
        "header": {
            "apiVersion": model["metadata"]["apiVersion"],
            "botocoreVersion": version,
            "generator": "scripts/gen-shapes.py",
            "modelSha256": digest,
            "operations": OPERATIONS,
            "service": model["metadata"]["uid"],
        },
        "operations": dict(sorted(inputs.items())),
        "shapes": {name: clean_shape(shapes[name]) for name in sorted(names)},
    }
    return render(document) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="service-2.json(.gz); default: via import botocore")
    parser.add_argument("--botocore-version", help="version to record if it cannot be told")
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT))
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("--any-version", action="store_true",
                        help=f"accept a botocore other than {PINNED_BOTOCORE}")
    args = parser.parse_args()

    path, version = find_model(args.model)
    version = args.botocore_version or version
    if version is None:
        sys.exit("gen-shapes: cannot tell the botocore version; pass --botocore-version")
    if not re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", version):
        sys.exit(f"gen-shapes: odd botocore version {version!r}")
    if version != PINNED_BOTOCORE and not args.any_version:
        sys.exit(f"gen-shapes: botocore {version}, spec is pinned to {PINNED_BOTOCORE} "
                 "(--any-version to proceed)")

    model, digest = load_model(path)
    text = generate(model, version, digest)
    output = pathlib.Path(args.output)
    if args.check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            sys.exit(f"gen-shapes: {output} is stale; rerun scripts/gen-shapes.py")
        print(f"gen-shapes: {output} is up to date")
        return
    output.write_text(text, encoding="utf-8")
    shapes = json.loads(text)["shapes"]
    print(f"gen-shapes: wrote {output} ({len(shapes)} shapes, {len(text)} bytes)")


if __name__ == "__main__":
    main()
