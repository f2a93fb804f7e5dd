# SPDX-License-Identifier: Apache-2.0
"""Runs one event through the peer's handler in this process, as `onprem-watch replay` does ours (make bench)."""

import json
import sys

import handler

with open(sys.argv[1]) as f:
    output = handler.handler(json.load(f), None)
output.pop("queries", None)
print(json.dumps(output))
