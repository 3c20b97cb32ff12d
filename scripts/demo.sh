#!/usr/bin/env bash
# `make demo`: generate the demo group company, serve its CRM, run the whole pipeline through
# Dagster (the same job the daily schedule runs), and say where the results are.
set -euo pipefail
# Everything written under the home (the CRM log included) is readable by its owner only.
umask 077
cd "$(dirname "$0")/.."
# UV may be a command of several words ("python3 -m uv" on a machine where uv is not on PATH).
read -r -a UV <<< "${UV:-uv}"
SCALE=${SCALE:-0.01}
SEED=${SEED:-42}
export YECAI_HOME=${YECAI_HOME:-$PWD/.yecai}
export YECAI_CRM_TOKEN=${YECAI_CRM_TOKEN:-demo-token}
CRM_PORT=${YECAI_CRM_PORT:-8765}
export YECAI_CRM_URL=${YECAI_CRM_URL:-http://127.0.0.1:$CRM_PORT}

echo "==> generating the demo group company (seed $SEED, scale $SCALE) into $YECAI_HOME/demo"
echo "    and installing its configuration (demo/company: sources.yml, contracts, dbt project) into $YECAI_HOME"
"${UV[@]}" run yecai demo generate --seed "$SEED" --scale "$SCALE"
"${UV[@]}" run yecai config check

echo "==> starting the demo CRM API on $YECAI_CRM_URL"
# The token comes from the exported YECAI_CRM_TOKEN: on the command line `ps` would show it.
"${UV[@]}" run yecai demo crm-serve --port "$CRM_PORT" > "$YECAI_HOME/crm-server.log" 2>&1 &
crm_pid=$!
trap 'kill $crm_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  if "${UV[@]}" run python -c "import httpx,sys; sys.exit(httpx.get('$YECAI_CRM_URL/health').status_code != 200)" 2>/dev/null; then break; fi
  sleep 0.2
done

echo "==> running the pipeline: ingest → dbt → quality gates → publish → reports"
"${UV[@]}" run yecai run

echo "==> done. Where everything is:"
"${UV[@]}" run yecai info
