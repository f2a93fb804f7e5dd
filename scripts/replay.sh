#!/usr/bin/env bash
# Replays one event through the handler with the demo login (run through scripts/with-services.sh).
set -euo pipefail
PGPASSWORD="$ONPREM_TEST_PG_PASSWORD" exec "$1" replay "$2"
