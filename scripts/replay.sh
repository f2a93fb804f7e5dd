#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Replays one event through the handler with the demo login, publishing to the local CloudWatch emulator
# (run through scripts/with-services.sh).
set -euo pipefail
PGPASSWORD="$ONPREM_TEST_PG_PASSWORD" ONPREM_PG_CA_BUNDLE="$ONPREM_TEST_PG_CA" AWS_ACCESS_KEY_ID="$ONPREM_TEST_AWS_ACCESS_KEY_ID" \
    AWS_SECRET_ACCESS_KEY="$ONPREM_TEST_AWS_SECRET_ACCESS_KEY" AWS_REGION=eu-west-1 AWS_ENDPOINT_URL="$ONPREM_TEST_MOTO" \
    exec "$1" replay "$2"
