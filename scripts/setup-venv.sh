#!/usr/bin/env bash
# Creates .venv with the pinned end-to-end test dependencies
# (tests/e2e/requirements.txt). Idempotent: when the venv was built from the
# same requirements and the same Python, it only says so and exits.
#
# Environment: PYTHON (default python3) picks the interpreter;
# SAGETAG_VENV (default <repo>/.venv) picks the directory.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requirements="$repo/tests/e2e/requirements.txt"
venv="${SAGETAG_VENV:-$repo/.venv}"
python="${PYTHON:-python3}"
stamp="$venv/.sagetag-requirements"

if ! command -v "$python" >/dev/null 2>&1; then
    echo "setup-venv: $python not found; install Python 3.10 or newer" >&2
    exit 1
fi

# The stamp names what the venv was built from: the requirements file and
# the interpreter version. Any change rebuilds the venv from scratch, so no
# package left over from an older set can hide a missing pin.
wanted="$(
    {
        sha256sum "$requirements" | cut -d' ' -f1
        "$python" -c 'import sys; print(sys.version)'
    } | sha256sum | cut -d' ' -f1
)"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]] \
    && "$venv/bin/python" -c 'import boto3, pytest' >/dev/null 2>&1; then
    echo "setup-venv: $venv is up to date"
    exit 0
fi

if [[ -e "$venv" ]]; then
    if [[ ! -f "$venv/pyvenv.cfg" ]]; then
        echo "setup-venv: $venv exists but is not a venv; refusing to replace it" >&2
        exit 1
    fi
    echo "setup-venv: rebuilding $venv"
    rm -rf "$venv"
fi

echo "setup-venv: creating $venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    --requirement "$requirements"
"$venv/bin/python" -m pip check
echo "$wanted" >"$stamp"
echo "setup-venv: installed $(grep -cE '^[A-Za-z]' "$requirements") pinned packages"
