# SPDX-License-Identifier: Apache-2.0
"""The benchmark peer: the same job as OnPremWatch, written the way a team would write it in Python on Lambda.

Kept in the repository only to be measured against (`make bench`). It runs on awslambdaric, as Lambda's Python
runtime does, with psycopg2 and boto3: the same catalog, the same task payload, the same query in a read-only
transaction with a statement timeout, the same metrics (KPIs plus QuerySucceeded and QueryDuration, with the
Customer and Query dimensions), published with `put_metric_data` calls of at most 1,000 datums (one for a small
result). Like ours, it keeps its PostgreSQL connection and its CloudWatch client across warm invocations.
"""

import datetime
import json
import math
import os
import time

import boto3
import psycopg2

CATALOG = json.load(open(os.environ.get("ONPREM_CATALOG", os.path.join(os.environ["LAMBDA_TASK_ROOT"], "catalog.json"))))
NAMESPACE = os.environ.get("ONPREM_NAMESPACE", "OnPremWatch")
CLOUDWATCH = boto3.client("cloudwatch")
CONNECTIONS = {}


def connection(customer):
    key = (customer["ip"], str(customer.get("port", 5432)), customer["database"], customer.get("user"))
    conn = CONNECTIONS.get(key)
    if conn is None or conn.closed:
        conn = psycopg2.connect(host=customer["ip"], port=int(customer.get("port", 5432)), dbname=customer["database"],
                                user=customer.get("user"), sslmode=customer.get("sslmode", "prefer"),
                                application_name="onprem-watch-peer", connect_timeout=5)
        conn.set_session(readonly=True)
        CONNECTIONS[key] = conn
    return conn


def datapoints(cursor, rows, customer, query, now):
    dimensions = [{"Name": "Customer", "Value": customer["opname"]}, {"Name": "Query", "Value": query["cloudwatchDimension"]}]
    units = query.get("units", {})
    points = []
    for row in rows:
        if len(row) == 1 and isinstance(row[0], dict):
            fields = row[0]
        else:
            fields = {column.name: value for column, value in zip(cursor.description, row)}
        row_dimensions = dimensions + [{"Name": k, "Value": v} for k, v in fields.items() if isinstance(v, str) and v]
        for name, value in fields.items():
            if isinstance(value, bool):
                value = int(value)
            if isinstance(value, (int, float)) and math.isfinite(value):
                points.append({"MetricName": name, "Dimensions": row_dimensions, "Timestamp": now, "Value": float(value),
                               "Unit": units.get(name, "None"), "StorageResolution": query.get("storageResolution", 60)})
    return points


def handler(event, context):
    customer = next(c for c in CATALOG["customers"] if c["opname"] == event["customer"])
    query = next(q for q in CATALOG["queries"] if q["name"] == event["query"] and customer["version"] in q["versions"])
    started = time.monotonic()
    now = datetime.datetime.now(datetime.timezone.utc)
    conn = connection(customer)
    with conn.cursor() as cursor:
        cursor.execute("select set_config('statement_timeout', %s, true)", (str(query.get("timeoutMs", 10000)),))
        cursor.execute(query["query"])
        rows = cursor.fetchall()
        points = datapoints(cursor, rows, customer, query, now)
    conn.commit()
    duration = (time.monotonic() - started) * 1000
    health_dimensions = [{"Name": "Customer", "Value": customer["opname"]}, {"Name": "Query", "Value": query["cloudwatchDimension"]}]
    health = [{"MetricName": "QuerySucceeded", "Dimensions": health_dimensions, "Timestamp": now, "Value": 1.0, "Unit": "Count"},
              {"MetricName": "QueryDuration", "Dimensions": health_dimensions, "Timestamp": now, "Value": duration,
               "Unit": "Milliseconds"}]
    if os.environ.get("ONPREM_METRICS_SINK", "cloudwatch") == "cloudwatch":
        # CloudWatch takes at most 1,000 datums a request.
        data = points + health
        for start in range(0, len(data), 1000):
            CLOUDWATCH.put_metric_data(Namespace=NAMESPACE, MetricData=data[start:start + 1000])
    return {"customer": customer["opname"], "status": "ok", "datapointCount": len(points),
            "queries": [{"query": query["name"], "status": "ok", "durationMs": round(duration),
                         "datapoints": [{"name": p["MetricName"], "value": p["Value"], "unit": p["Unit"]} for p in points]}]}
