#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The scale proof of the generated stack: a catalog of 2,000 customers with ten KPI queries each must give templates
# that CloudFormation accepts (cfn-lint) and state machines that statelint accepts. make test runs it after the
# suite, on both cores, because it takes minutes of cfn-lint that would starve the suite's timing-sensitive tests.
#
#   scripts/lint-scale.sh .build/debug/onprem-watch [CUSTOMERS]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
binary=$1
customers=${2:-2000}
work=$(mktemp -d "${TMPDIR:-/tmp}/onprem-scale.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 "$root/scripts/generate-catalog.py" --customers "$customers" --queries 10 > "$work/catalog.json"
"$binary" synth --catalog "$work/catalog.json" --out "$work/stack" | head -1
start=$(date +%s)
# checkov reads the same parent as the demo stack's (StackTests) and has no check for what the nested templates hold
# (state machines, schedules, alarms), while it takes minutes and gigabytes on 258 templates: cfn-lint alone here.
python3 "$root/scripts/lint-stack.py" --no-checkov "$work/stack"
echo "lint-scale: $customers customers linted in $(( $(date +%s) - start )) s"
