#!/usr/bin/env bash
# The demo: runs the staged function (bootstrap and binary, as Lambda would) against the Runtime API emulator
# and invokes it with every event in events/, printing each answer. Run through scripts/with-services.sh.
set -euo pipefail
stage=$(cd "${1:?usage: demo.sh STAGE_DIR}" && pwd)
invoke="$ONPREM_TEST_EMULATOR/2015-03-31/functions/_/invocations"
events=(events/*.json)

LAMBDA_TASK_ROOT="$stage" AWS_LAMBDA_RUNTIME_API="$ONPREM_TEST_EMULATOR/.rt" \
    "$stage/bootstrap" --limit "${#events[@]}" &
function_pid=$!

for event in "${events[@]}"; do
    echo "== $event: $(tr -d '\n' < "$event")"
    curl -sS -X POST --data-binary @"$event" -w '\n(HTTP %{http_code})\n' "$invoke"
done
wait "$function_pid"
