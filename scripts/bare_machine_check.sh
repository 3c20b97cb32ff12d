#!/usr/bin/env bash
# README's first command as a newcomer runs it: on a machine where only python3 is on PATH.
#
# A fresh virtualenv of this machine's python3 stands in for the bare machine: its bin folder
# has python3 and pip and no uv, and PATH holds only it and the system folders (no pyenv shims,
# no ~/.cargo/bin, where a developer's uv lives). `make demo` must then install uv itself and
# run the whole pipeline on the demo company, into a home of its own.
#
# Usage: scripts/bare_machine_check.sh [HOME_DIR]   (CI runs it from .ci/run before `make test`)
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
home=${1:-$work/home}
python3 -m venv "$work/python"
bare_path="$work/python/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
if PATH="$bare_path" command -v uv >/dev/null 2>&1; then
  echo "bare-machine check: uv is on the stripped PATH ($(PATH="$bare_path" command -v uv)); it would not test a bare machine" >&2
  exit 1
fi

echo "==> bare machine: make demo with PATH=$bare_path, YECAI_HOME=$home"
start=$(date +%s)
env -u VIRTUAL_ENV PATH="$bare_path" YECAI_HOME="$home" make demo
echo "==> bare machine: make demo passed in $(( $(date +%s) - start )) s"

# README's next step for an analyst: drill a statement line down on the published data, defaults only.
echo "==> bare machine: yecai trace --entity E01 --period 2025-06 --line BS01 on what make demo published"
trace_out=$(env -u VIRTUAL_ENV PATH="$bare_path" YECAI_HOME="$home" python3 -m uv run yecai trace --entity E01 --period 2025-06 --line BS01)
echo "$trace_out" | head -40
if ! grep -q "BS01" <<< "$trace_out"; then
  echo "bare-machine check: yecai trace printed no drill-down for BS01" >&2
  exit 1
fi
