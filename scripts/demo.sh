#!/usr/bin/env bash
# The demo: runs the staged function (bootstrap, binary and catalog, as Lambda would) against the Runtime API
# emulator and the local PostgreSQL with the demo databases, invokes it with every event in events/, and prints
# each answer. Run through scripts/with-services.sh.
set -euo pipefail
stage=$(cd "${1:?usage: demo.sh STAGE_DIR}" && pwd)
invoke="$ONPREM_TEST_EMULATOR/2015-03-31/functions/_/invocations"
events=(events/*.json)

# The demo login's password reaches libpq through PGPASSWORD; in AWS it comes from Secrets Manager.
LAMBDA_TASK_ROOT="$stage" AWS_LAMBDA_RUNTIME_API="$ONPREM_TEST_EMULATOR/.rt" PGPASSWORD="$ONPREM_TEST_PG_PASSWORD" \
    "$stage/bootstrap" --limit "${#events[@]}" &
function_pid=$!

for event in "${events[@]}"; do
    echo "== $event: $(tr -d '\n' < "$event")"
    curl -sS -X POST --data-binary @"$event" -o "$ONPREM_SERVICES_DIR/answer.json" -w '(HTTP %{http_code}) ' "$invoke"
    python3 "$(dirname "$0")/show-answer.py" "$ONPREM_SERVICES_DIR/answer.json"
done
wait "$function_pid"
