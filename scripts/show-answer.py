#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Prints one task output (or error) of the demo as a short table."""
import json
import sys

with open(sys.argv[1]) as f:
    answer = json.load(f)
if "errorType" in answer:
    print(f"error {answer['errorType']}: {answer['errorMessage']}")
    sys.exit()
published = answer.get("published") or {}
print(f"{answer['customer']}: {answer['status']}, {answer['datapointCount']} datapoints in {answer['durationMs']:.0f} ms; "
      f"published to {published.get('sink')}: {published.get('datapoints')} datapoints (health included) "
      f"in {published.get('requests')} request(s)")
for query in answer["queries"]:
    if query["status"] != "ok":
        print(f"  {query['query']:<12} {query['error']['errorType']}: {query['error']['errorMessage']}")
    for point in query.get("datapoints", []):
        dims = ", ".join(f"{k}={v}" for k, v in sorted(point["dimensions"].items()))
        print(f"  {query['query']:<12} {point['name']:<22} {point['value']:>10.3f} {point['unit']:<6} [{dims}]")
