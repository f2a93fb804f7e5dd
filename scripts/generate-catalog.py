#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes a catalog of N customers with Q queries of one KPI each, every minute: the cost example of
docs/monitoring-stack.md at any scale, and the 2,000-customer catalog the stack tests lint. With --like, the
customers are copies of that catalog's, in turn, under new names, with its queries and packs: the demo catalog at
2,000 customers, whose cost docs/monitoring-stack.md quotes.

    scripts/generate-catalog.py --customers 2000 --queries 10 > /tmp/catalog-2000.json
    scripts/generate-catalog.py --customers 2000 --like catalog.json > /tmp/demo-2000.json
"""
import argparse
import json

parser = argparse.ArgumentParser()
parser.add_argument("--customers", type=int, default=2000)
parser.add_argument("--queries", type=int, default=10)
parser.add_argument("--like", help="a catalog whose customers are copied, with its queries and everything else")
args = parser.parse_args()

if args.like:
    with open(args.like, encoding="utf-8") as file:
        catalog = json.load(file)
    catalog.pop("$schema", None)
    models = catalog["customers"]
    catalog["customers"] = [
        dict(models[(n - 1) % len(models)], opname=f"Customer {n:04d}", ip=f"10.{n // 250}.{n % 250}.10")
        for n in range(1, args.customers + 1)
    ]
    print(json.dumps(catalog, indent=1))
    raise SystemExit

customers = [
    {"opname": f"Customer {n:04d}", "ip": f"10.{n // 250}.{n % 250}.10", "port": "5432", "database": "ops",
     "version": "2" if n % 3 == 0 else "1", "threshold": 100}
    for n in range(1, args.customers + 1)
]
queries = [
    {"name": f"kpi-{q:02d}", "description": f"KPI {q}", "versions": [version],
     "query": f"select row_to_json(row) from (select count(*) as kpi_{q:02d} from pg_stat_activity) row",
     "cloudwatchDimension": f"kpi-{q:02d}", "units": {f"kpi_{q:02d}": "Count"},
     "alarms": [{"metric": f"kpi_{q:02d}"}]}
    for q in range(1, args.queries + 1) for version in ("1", "2")
]
print(json.dumps({"customers": customers, "queries": queries}, indent=1))
