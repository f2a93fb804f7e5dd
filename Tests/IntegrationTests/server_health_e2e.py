#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Collects the built-in `server-health` pack from a real PostgreSQL primary and its streaming standby (the game
day's cluster, scripts/gameday.py), after making happen what it should see, and prints the datapoints as JSON.

    server_health_e2e.py BINARY WORKDIR

On the primary: extra connections, a session idle in a transaction, a deadlock between two sessions. On the
standby: replay paused while the primary writes, so replay falls behind. Both customers connect as a role that has
only `pg_monitor`, as docs/server-health.md tells a customer to create.
"""
import json
import os
import subprocess
import sys
import threading
import time

import psycopg2

binary, workdir = sys.argv[1:3]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from gameday import Cluster  # noqa: E402

cluster = Cluster(os.path.join(workdir, "cluster"))
report = {}


def connect(name, user="postgres", database="ops"):
    connection = psycopg2.connect(host="127.0.0.1", port=cluster.ports[name], user=user, dbname=database)
    connection.autocommit = True
    return connection


def collect(customer):
    event = os.path.join(workdir, f"{customer}.json")
    with open(event, "w") as f:
        json.dump({"customer": customer, "query": "server-health"}, f)
    done = subprocess.run([binary, "replay", event], capture_output=True, text=True, env={
        **os.environ, "ONPREM_CATALOG": os.path.join(workdir, "catalog.json"), "ONPREM_METRICS_SINK": "none"})
    if done.returncode != 0:
        raise SystemExit(f"replay {customer} failed: {done.stdout} {done.stderr}")
    query = json.loads(done.stdout)["queries"][0]
    return {"status": query["status"], "skipped": query.get("skipped") or [],
            "datapoints": [{"name": p["name"], "value": p["value"], "unit": p["unit"],
                            "dimensions": {k: v for k, v in p["dimensions"].items() if k not in ("Customer", "Query")}}
                           for p in query.get("datapoints") or []]}


try:
    cluster.start()
    cluster.sql("primary", "CREATE ROLE monitor LOGIN IN ROLE pg_monitor")
    catalog = {"customers": [
        {"opname": name, "ip": "127.0.0.1", "port": cluster.ports[name], "database": "ops", "version": "1",
         "user": "monitor", "sslmode": "disable", "builtin": ["server-health"]} for name in ("primary", "standby")],
        "queries": []}
    with open(os.path.join(workdir, "catalog.json"), "w") as f:
        json.dump(catalog, f)

    # Three connections that do nothing, one idle in a transaction.
    idle = [connect("primary", "gameday") for _ in range(3)]
    holder = connect("primary", "gameday")
    holder.autocommit = False
    holder.cursor().execute("SELECT 1")
    # A deadlock: each session holds one row and asks for the other's.
    a, b = connect("primary"), connect("primary")
    for session in (a, b):
        session.autocommit = False
    a.cursor().execute("UPDATE kpi SET load = load WHERE site = 'north'")
    b.cursor().execute("UPDATE kpi SET load = load WHERE site = 'south'")
    failures = []

    def cross(session, site):
        try:
            session.cursor().execute(f"UPDATE kpi SET load = load WHERE site = '{site}'")
        except psycopg2.Error as error:
            failures.append(error.pgcode)
        session.rollback()

    threads = [threading.Thread(target=cross, args=(a, "south")), threading.Thread(target=cross, args=(b, "north"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report["deadlockErrors"] = failures
    # The standby falls behind: replay paused while the primary writes.
    cluster.sql("standby", "SELECT pg_wal_replay_pause()")
    cluster.sql("primary", "INSERT INTO kpi SELECT 'x' || i, i, 0 FROM generate_series(1, 1000) i", database="ops")
    time.sleep(2.5)  # the idle transaction ages; the statistics of the deadlock are flushed

    report["primary"] = collect("primary")
    report["standby"] = collect("standby")
    cluster.sql("standby", "SELECT pg_wal_replay_resume()")
    holder.rollback()
    for connection in idle + [holder, a, b]:
        connection.close()
finally:
    cluster.stop()

print(json.dumps(report, indent=1))
