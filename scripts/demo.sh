#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The demo: runs the staged function (bootstrap, binary and catalog, as Lambda would) against the Runtime API
# emulator and the local PostgreSQL with the demo databases, invokes it with every event in events/, and prints
# each answer; then a KPI past its threshold goes through the case worker to a support case. Run through
# scripts/with-services.sh.
set -euo pipefail
stage=$(cd "${1:?usage: demo.sh STAGE_DIR}" && pwd)
invoke="$ONPREM_TEST_EMULATOR/2015-03-31/functions/_/invocations"
events=(events/*.json)

# The demo login's password reaches libpq through PGPASSWORD; in AWS it comes from Secrets Manager. The server's
# certificate is verified (verify-full, the default) under the local CA, given as the function's CA bundle.
# Metrics go to the local CloudWatch emulator (moto), signed with the key it accepts.
LAMBDA_TASK_ROOT="$stage" AWS_LAMBDA_RUNTIME_API="$ONPREM_TEST_EMULATOR/.rt" PGPASSWORD="$ONPREM_TEST_PG_PASSWORD" \
    ONPREM_PG_CA_BUNDLE="$ONPREM_TEST_PG_CA" \
    AWS_ACCESS_KEY_ID="$ONPREM_TEST_AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$ONPREM_TEST_AWS_SECRET_ACCESS_KEY" \
    AWS_REGION=eu-west-1 AWS_ENDPOINT_URL="$ONPREM_TEST_MOTO" \
    "$stage/bootstrap" --limit "${#events[@]}" &
function_pid=$!

for event in "${events[@]}"; do
    echo "== $event: $(tr -d '\n' < "$event")"
    curl -sS -X POST --data-binary @"$event" -o "$ONPREM_SERVICES_DIR/answer.json" -w '(HTTP %{http_code}) ' "$invoke"
    python3 "$(dirname "$0")/show-answer.py" "$ONPREM_SERVICES_DIR/answer.json"
done
wait "$function_pid"
python3 "$(dirname "$0")/show-metrics.py"
# The last act: a KPI past its threshold, the alarm notification, and the case the worker raised.
python3 "$(dirname "$0")/demo-case.py" "$stage"
