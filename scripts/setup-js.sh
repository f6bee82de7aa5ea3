#!/usr/bin/env bash
# Installs the JavaScript SDK tests' pinned dependencies (tests/js/package-lock.json)
# into tests/js/node_modules with `npm ci`. Idempotent: when node_modules was
# installed from the same lock file by the same Node.js, it only says so.
#
# Environment: NODE (default node) and NPM (default npm) pick the tools.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$repo/tests/js"
node="${NODE:-node}"
npm="${NPM:-npm}"
stamp="$dir/node_modules/.sagetag-lock"

for tool in "$node" "$npm"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "setup-js: $tool not found; install Node.js 20 or newer" >&2
        exit 1
    fi
done
major="$("$node" -p 'process.versions.node.split(".")[0]')"
if (( major < 20 )); then
    echo "setup-js: Node.js $("$node" --version) is too old; 20 or newer is needed" >&2
    exit 1
fi

# The stamp names what node_modules was installed from: the lock file and the
# Node.js version. Any change reinstalls from scratch (`npm ci` removes the old
# node_modules first).
wanted="$(
    {
        sha256sum "$dir/package-lock.json" | cut -d' ' -f1
        "$node" --version
    } | sha256sum | cut -d' ' -f1
)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
    echo "setup-js: $dir/node_modules is up to date"
    exit 0
fi

echo "setup-js: installing from $dir/package-lock.json"
(cd "$dir" && "$npm" ci --no-audit --no-fund --loglevel=error)
echo "$wanted" >"$stamp"
echo "setup-js: installed @aws-sdk/client-sagemaker $(
    "$node" -p "require('$dir/node_modules/@aws-sdk/client-sagemaker/package.json').version"
)"
