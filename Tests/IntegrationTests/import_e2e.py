#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Imports each tool's own files (Tests/Fixtures/importers), runs the imported queries against the test PostgreSQL
with the real binary, and compares their datapoints with what the original tool publishes, computed here on its
own: the ORIGINAL SQL run with psycopg2 and the tool's semantics applied (names, labels, values) as
Tests/Fixtures/importers/README.md describes them from each tool's code. Prints a JSON report.

    import_e2e.py ONPREM_WATCH ONPREM_WATCH_IMPORT WORKDIR

Needs the services of scripts/with-services.sh: ONPREM_TEST_PG_PORT, ONPREM_TEST_PG_USER, ONPREM_TEST_PG_PASSWORD,
ONPREM_TEST_PG_CA, and ONPREM_SERVICES_DIR (the server's socket folder, where `postgres` logs in without a password)
to make a database of its own, `import_e2e`, with tables, the Telegraf README's view, idle sessions and a blocked
session, so that the queries have rows whose values nobody else changes.

How values are compared: the original SQL runs before and after the replay, and each imported value must lie
between the two (a counter that moves while the test runs is still checked); series (metric name and dimensions)
must be the same. Queries over the whole cluster, whose rows other test suites change at the same time, are
compared on the rows of `import_e2e` (the "focus"), and by the shape of the others. Queries whose SQL needs what
the test server lacks (an extension, a PostgreSQL 9 function, SQL Server) are skipped with the reason, after
checking that the original fails as the import does.
"""
import ast
import json
import math
import os
import re
import subprocess
import sys
import threading
import time
from decimal import Decimal

import psycopg2
import tomllib
import yaml

onprem_watch, onprem_import, workdir = sys.argv[1:4]
os.makedirs(workdir, exist_ok=True)
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "Fixtures", "importers")
PORT = int(os.environ["ONPREM_TEST_PG_PORT"])
USER = os.environ.get("ONPREM_TEST_PG_USER", "onprem")
PASSWORD = os.environ.get("ONPREM_TEST_PG_PASSWORD", "")
CA = os.environ["ONPREM_TEST_PG_CA"]
SOCKET = os.path.join(os.environ["ONPREM_SERVICES_DIR"], "pg")
DB = "import_e2e"
IDLE_APP = "import-e2e-idle"
report = {"tools": {}}


# MARK: - The test database

def admin(database="postgres"):
    connection = psycopg2.connect(host=SOCKET, port=PORT, user="postgres", dbname=database)
    connection.autocommit = True
    return connection


def login(application_name=None):
    """A connection as the function's login, over TLS as the function connects."""
    extra = {"application_name": application_name} if application_name else {}
    return psycopg2.connect(host="127.0.0.1", port=PORT, user=USER, password=PASSWORD, dbname=DB,
                            sslmode="verify-full", sslrootcert=CA, **extra)


def readme_sql(marker):
    """A ```sql block of Telegraf's README (the views its sample queries need), as the README gives it."""
    text = open(os.path.join(FIXTURES, "telegraf", "README.md")).read()
    for block in re.findall(r"```sql\n(.*?)```", text, re.S):
        if marker in block:
            return block
    raise SystemExit(f"no ```sql block with {marker} in Telegraf's README")


def create_database():
    connection = admin()
    connection.cursor().execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    connection.cursor().execute(f"CREATE DATABASE {DB}")
    connection.close()
    setup = admin(DB)
    cursor = setup.cursor()
    cursor.execute("CREATE TABLE readings (id serial PRIMARY KEY, site text NOT NULL, value int)")
    cursor.execute("INSERT INTO readings (site, value) SELECT 'site' || (i % 7), i FROM generate_series(1, 500) i")
    cursor.execute("CREATE INDEX readings_site ON readings (site)")
    cursor.execute("UPDATE readings SET value = value + 1 WHERE id <= 50")
    cursor.execute("DELETE FROM readings WHERE id > 480")
    cursor.execute("VACUUM ANALYZE readings")
    cursor.execute("SELECT count(*) FROM readings WHERE site = 'site3'")
    # Telegraf's README: the application table its last sample query reads, and the view of blocked sessions.
    cursor.execute("CREATE TABLE application_users (type text, enabled boolean)")
    cursor.execute("INSERT INTO application_users VALUES ('admin', true), ('admin', true), ('user', true), "
                   "('user', false), ('user', true), ('guest', NULL)")
    cursor.execute(readme_sql("CREATE OR REPLACE VIEW public.blocking_procs"))
    cursor.execute("CREATE TABLE locks_demo (id int PRIMARY KEY)")
    cursor.execute("INSERT INTO locks_demo VALUES (1)")
    cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {USER}")
    cursor.execute(f"GRANT CONNECT ON DATABASE {DB} TO {USER}")
    setup.close()


def drop_database():
    connection = admin()
    connection.cursor().execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    connection.close()


class IdleSessions:
    """Two sessions of the login, idle, with an application_name of their own (postgres_exporter's pg_process_idle)."""

    def __enter__(self):
        self.sessions = [login(IDLE_APP) for _ in range(2)]
        for session in self.sessions:
            session.autocommit = True
            session.cursor().execute("SELECT 1")
        time.sleep(1.1)
        return self

    def __exit__(self, *exc):
        for session in self.sessions:
            session.close()


class BlockedSession:
    """One session holding a row lock and another waiting for it (Telegraf's public.blocking_procs)."""

    def __enter__(self):
        self.holder = admin(DB)
        self.holder.autocommit = False
        self.holder.cursor().execute("UPDATE locks_demo SET id = id WHERE id = 1")
        self.waiter = admin(DB)
        self.waiter.autocommit = False
        self.failure = []

        def wait():
            try:
                self.waiter.cursor().execute("UPDATE locks_demo SET id = id WHERE id = 1")
            except psycopg2.Error as error:
                self.failure.append(str(error))

        self.thread = threading.Thread(target=wait)
        self.thread.start()
        for _ in range(100):
            probe = login()
            cursor = probe.cursor()
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            waiting = cursor.fetchone()[0]
            probe.close()
            if waiting > 0:
                break
            time.sleep(0.05)
        time.sleep(1.1)  # the statistics of the sessions so far are flushed
        return self

    def __exit__(self, *exc):
        self.holder.rollback()
        self.thread.join()
        self.waiter.rollback()
        self.holder.close()
        self.waiter.close()


# MARK: - Running the original SQL and the imported queries

# PostgreSQL's type OIDs of oid, xid, cid and xid8: numbers to the tools' drivers, text to to_jsonb.
IDENTIFIER_TYPES = {26, 28, 29, 5069}


def original(sql, types=None):
    """The original statement's rows, as the tool's driver reads them: (column names, rows); `types` gets each
    column's type OID."""
    connection = login()
    try:
        cursor = connection.cursor()
        cursor.execute(sql)
        columns = [d.name for d in cursor.description]
        if types is not None:
            types.update({d.name: d.type_code for d in cursor.description})
        rows = cursor.fetchall()
        connection.rollback()
        return columns, rows
    finally:
        connection.close()


def run_import(tool, files, cwd):
    out = os.path.join(workdir, f"{tool}.json")
    done = subprocess.run([onprem_import, tool, *files, "--out", out], cwd=cwd, capture_output=True, text=True)
    lines = [line for line in done.stderr.splitlines() if line.startswith("warning: ")]
    fragment = json.load(open(out)) if done.returncode == 0 else {"customers": [], "queries": []}
    return done.returncode, fragment, lines, done.stderr


def replay(catalog_path, query):
    """Runs one catalog query with the real binary, as the function does; returns (status, datapoints, error)."""
    event = os.path.join(workdir, "event.json")
    with open(event, "w") as f:
        json.dump({"customer": "e2e", "query": query}, f)
    done = subprocess.run([onprem_watch, "replay", event], capture_output=True, text=True, env={
        **os.environ, "ONPREM_CATALOG": catalog_path, "ONPREM_METRICS_SINK": "none", "PGPASSWORD": PASSWORD,
        "ONPREM_PG_CA_BUNDLE": CA})
    try:
        output = json.loads(done.stdout)
    except json.JSONDecodeError:
        return "error", [], (done.stdout + done.stderr)[-500:]
    if done.returncode != 0 or "queries" not in output:
        return "error", [], output.get("errorMessage") or output.get("errorType") or done.stdout[-500:]
    result = output["queries"][0]
    if result.get("truncated"):
        raise SystemExit(f"replay of {query} truncated its datapoints")
    return result["status"], result.get("datapoints") or [], result.get("error")


def write_catalog(tool, fragment, customer_dimensions=None):
    customer = {"opname": "e2e", "ip": "127.0.0.1", "port": PORT, "database": DB, "version": "1", "user": USER}
    if customer_dimensions:
        customer["dimensions"] = customer_dimensions
    path = os.path.join(workdir, f"{tool}-catalog.json")
    with open(path, "w") as f:
        json.dump({"customers": [customer], "queries": fragment["queries"]}, f)
    return path


# MARK: - Comparing

def series_of(points, drop=("Customer",)):
    """Datapoints as {(name, ((dimension, value), ...)): [values]} and the Query dimensions seen."""
    series, queries = {}, set()
    for point in points:
        dims = {k: v for k, v in point["dimensions"].items() if k not in drop and k != "Query"}
        queries.add(point["dimensions"].get("Query"))
        series.setdefault((point["name"], tuple(sorted(dims.items()))), []).append(point["value"])
    return series, queries


def in_focus(key, focus):
    dims = dict(key[1])
    return all(dims.get(k) == v for k, v in focus.items())


def compare(expected_before, expected_after, ours, focus=None):
    """Differences between the imported query's series and the original's, taken before and after it ran."""
    problems = []
    keys = set(ours) | set(expected_before) | set(expected_after)
    for key in sorted(keys, key=str):
        if focus is not None and not in_focus(key, focus):
            continue
        before, after, got = expected_before.get(key), expected_after.get(key), ours.get(key)
        if got is None:
            if before is not None and after is not None:
                problems.append(f"missing {key}")
            continue
        if before is None and after is None:
            problems.append(f"unexpected {key} = {got}")
            continue
        low = sorted(before if before is not None else after)
        high = sorted(after if after is not None else before)
        got = sorted(got)
        if not (len(low) == len(high) == len(got)):
            problems.append(f"{key}: {len(got)} values, the original {len(low)}/{len(high)}")
            continue
        for g, a, b in zip(got, low, high):
            if not (min(a, b) - 1e-9 * max(1, abs(a)) <= g <= max(a, b) + 1e-9 * max(1, abs(b))):
                problems.append(f"{key}: {g}, the original {a} then {b}")
    if focus is not None:
        shape = lambda s: {(k[0], tuple(d for d, _ in k[1])) for k in s if not in_focus(k, focus)}
        if shape(ours) - (shape(expected_before) | shape(expected_after)):
            problems.append(f"shape: {sorted(shape(ours) - shape(expected_before))[:5]}")
    return problems


def check(tool, results, name, catalog_path, expected, query_dimension=None, focus=None, shape_only=None,
          attempts=3, catalog_names=None):
    """Compares one original query with its imported form(s); `expected()` computes the original's series."""
    entry = {"query": name}
    names = catalog_names or [name]
    for attempt in range(attempts):
        try:
            before, differences = expected()
        except psycopg2.Error as error:
            failures = [replay(catalog_path, n) for n in names]
            failed = all(status == "error" for status, _, _ in failures)
            reason = str(error).strip().splitlines()[0]
            entry.update(status="skipped" if failed else "mismatch",
                         reason=f"the original SQL fails on this server: {reason}" + (
                             "; the imported query fails too" if failed else "; the imported query does not fail"))
            break
        points, errors = [], []
        for n in names:
            status, datapoints, error = replay(catalog_path, n)
            if status != "ok":
                errors.append(f"{n}: {status}: {error}")
            points += datapoints
        after, _ = expected()
        ours, queries = series_of(points)
        if errors:
            entry.update(status="mismatch", reason="; ".join(errors))
            break
        problems = []
        if query_dimension is not None and points and queries != {query_dimension}:
            problems.append(f"Query dimension {sorted(map(str, queries))}, expected {query_dimension}")
        if shape_only:
            shape = lambda s: {(k[0], tuple(d for d, _ in k[1])) for k in s}
            if not shape(ours) <= shape(before) | shape(after) or (shape(before) and not shape(ours)):
                problems.append(f"shape {sorted(shape(ours))[:5]} against {sorted(shape(before))[:5]}")
        else:
            problems += compare(before, after, ours, focus)
        entry.update(series=len(ours), datapoints=len(points),
                     compared=sum(1 for k in ours if focus is None or in_focus(k, focus)))
        if differences:
            entry["knownDifferences"] = differences
        if not problems:
            entry.pop("problems", None)
            entry.pop("attempts", None)
            if attempt:
                entry["retries"] = attempt  # values moved between the runs of the original: taken again
            entry["status"] = "shape" if shape_only else "equal"
            if shape_only:
                entry["reason"] = shape_only
            if focus:
                entry["focus"] = focus
            break
        entry.update(status="mismatch", problems=problems[:10], attempts=attempt + 1)
        time.sleep(1)
    results.append(entry)


def skip(results, name, reason):
    results.append({"query": name, "status": "skipped", "reason": reason})


def add_series(series, name, dims, value):
    series.setdefault((name, tuple(sorted(dims.items()))), []).append(value)


# MARK: - postgres_exporter

def postgres_exporter():
    folder = os.path.join(FIXTURES, "postgres-exporter")
    files = ["queries-v0.10.1.yaml", "user_queries_ok.yaml", "user_queries_test.yaml", "queries-v0.12.1.yaml"]
    code, fragment, notes, _ = run_import("postgres-exporter", files, folder)
    tool = {"import": {"exit": code, "queries": len(fragment["queries"]), "notes": len(notes)}, "queries": []}
    catalog = write_catalog("postgres-exporter", fragment)
    namespaces = {}
    for name in files:
        for namespace, definition in yaml.safe_load(open(os.path.join(folder, name))).items():
            namespaces.setdefault(namespace, definition)

    def label_text(value):
        """dbToString: NULL is "", numbers as Go's %v, booleans true/false, times as Unix seconds."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if hasattr(value, "timestamp"):
            return str(int(value.timestamp()))
        return str(value)

    def number(value):
        """dbToFloat64: numbers, text parsed as a number, booleans 1/0, times as whole Unix seconds, NULL NaN."""
        if value is None:
            return math.nan
        if isinstance(value, bool):
            return 1.0 if value else 0.0
        if isinstance(value, (int, float, Decimal)):
            return float(value)
        if hasattr(value, "timestamp"):
            return float(math.floor(value.timestamp()))
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                return None
        return None

    def expected(namespace):
        definition = namespaces[namespace]

        def run():
            columns, rows = original(definition["query"])
            usages = {column: options.get("usage") for entry in definition["metrics"]
                      for column, options in entry.items()}
            labels = [c for c, u in usages.items() if u == "LABEL"]
            values = [c for c, u in usages.items() if u in ("GAUGE", "COUNTER")]
            # A histogram's sum and count are its _sum and _count series; its buckets have no equivalent.
            values += [f"{c}{s}" for c, u in usages.items() if u == "HISTOGRAM" for s in ("_sum", "_count")]
            series, differences = {}, []
            for row in rows:
                cells = dict(zip(columns, row))
                dims = {label: label_text(cells.get(label)) for label in labels}
                for column in values:
                    if column not in cells:
                        continue
                    value = number(cells[column])
                    if value is None:
                        continue
                    if math.isnan(value):
                        differences.append(f"{column}: NaN for NULL (not published)")
                    elif any(v == "" for v in dims.values()):
                        differences.append(f"{column}: an empty label (the row is skipped)")
                    else:
                        add_series(series, column, dims, value)
            if any(u == "HISTOGRAM" for u in usages.values()):
                differences.append("histogram buckets: no equivalent")
            return series, sorted(set(differences))
        return run

    results = tool["queries"]
    with IdleSessions():
        for namespace in ["pg_replication", "pg_postmaster", "pg_stat_user_tables", "pg_statio_user_tables",
                          "pg_database", "pg_stat_statements", "pg_process_idle", "pg_locks_mode", "pg_wal"]:
            focus = {"pg_database": {"datname": DB}, "pg_process_idle": {"application_name": IDLE_APP}}.get(namespace)
            check("postgres-exporter", results, namespace, catalog, expected(namespace), query_dimension=namespace,
                  focus=focus)
    status, _, _ = replay(catalog, "random")
    skip(results, "random", f"random() data: nothing to compare (the imported query ran: {status})")
    report["tools"]["postgres-exporter"] = tool


# MARK: - sql_exporter

def sql_exporter():
    folder = os.path.join(FIXTURES, "sql-exporter")
    code, fragment, notes, _ = run_import("sql-exporter", ["postgres/sql_exporter.yml", "postgres-16.yml"], folder)
    tool = {"import": {"exit": code, "queries": len(fragment["queries"]), "notes": len(notes)}, "queries": []}
    catalog = write_catalog("sql-exporter", fragment)
    names = [q["name"] for q in fragment["queries"]]
    results = tool["queries"]
    for path in ["postgres/postgres_database.yml", "postgres/postgres_server.yml"]:
        collector = yaml.safe_load(open(os.path.join(folder, path)))
        queries = {q["query_name"]: q["query"] for q in collector.get("queries", [])}
        for query_name, sql in queries.items():
            metrics = [m for m in collector["metrics"] if m.get("query_ref") == query_name]

            def expected(sql=sql, metrics=metrics):
                columns, rows = original(sql)
                series, differences = {}, []
                for row in rows:
                    cells = dict(zip(columns, row))
                    for metric in metrics:
                        labels = {k: "" if cells[k] is None else str(cells[k]) for k in metric.get("key_labels", [])}
                        labels.update(metric.get("static_labels") or {})
                        for column in metric.get("values", []):
                            value = cells[column]
                            if value is None:
                                continue  # no sample
                            dims = dict(labels)
                            if metric.get("value_label"):
                                dims[metric["value_label"]] = column
                            if any(v == "" for v in dims.values()):
                                differences.append(f"{metric['metric_name']}: an empty label (the row is skipped)")
                                continue
                            add_series(series, metric["metric_name"], dims, float(value))
                return series, sorted(set(differences))

            prefix = f"{collector['collector_name']}/{query_name}"
            imported = [n for n in names if n == prefix or n.startswith(prefix + "/")]
            focus = {"_srv_pg_stat_database": {"datname": DB}, "_srv_pg_locks": {"datname": DB}}.get(query_name)
            shape = {
                "_db_pg_stat_activity": "pg_stat_activity of the whole cluster, which other test suites change",
                "_srv_pg_ls_waldir": "the WAL folder of the whole cluster, which other test suites write to",
            }.get(query_name)
            check("sql-exporter", results, query_name, catalog, expected, focus=focus, shape_only=shape,
                  catalog_names=imported)
    report["tools"]["sql-exporter"] = tool


# MARK: - Telegraf

def telegraf():
    folder = os.path.join(FIXTURES, "telegraf")
    readme = open(os.path.join(folder, "README.md")).read()
    block = re.search(r"```toml\n(\[\[inputs\.postgresql_extensible\.query\]\].*?)```", readme, re.S).group(1)
    sample_queries = os.path.join(workdir, "README-sample-queries.toml")
    with open(sample_queries, "w") as f:
        f.write(block)
    code, fragment, notes, _ = run_import("telegraf", ["sample.conf", "sample-v1.27.4.conf", sample_queries], folder)
    tool = {"import": {"exit": code, "queries": len(fragment["queries"]), "notes": len(notes),
                       "customers": fragment["customers"]}, "queries": []}
    catalog = write_catalog("telegraf", fragment)
    results = tool["queries"]
    queries = tomllib.loads(block)["inputs"]["postgresql_extensible"]["query"]
    needs = {"sessions": "the pg_proctab extension (superuser to install) and the README's view public.sessions",
             "pg_stat_kcache": "the pg_stat_kcache extension (preloaded with pg_stat_statements)"}

    def expected(definition):
        tags = [t.strip() for t in definition.get("tagvalue", "").split(",") if t.strip()]

        def run():
            types = {}
            columns, rows = original(definition["sqlquery"], types)
            series, differences = {}, []
            for row in rows:
                cells = dict(zip(columns, row))
                datname = cells.get("datname")
                point_tags = {"db": datname if isinstance(datname, str) else DB}
                for tag in tags:
                    value = cells.get(tag)
                    if isinstance(value, (str, bytes)):
                        point_tags[tag] = value if isinstance(value, str) else value.decode()
                    elif isinstance(value, int) and not isinstance(value, bool):
                        point_tags[tag] = str(value)
                for column, value in cells.items():
                    if column in tags or column == "stats_reset" or value is None:
                        continue
                    if types.get(column) in IDENTIFIER_TYPES:
                        differences.append(f"{column}: an oid or xid, an int field in Telegraf, text to to_jsonb "
                                           "(left out, as the report says)")
                    elif isinstance(value, bool):
                        add_series(series, column, point_tags, 1.0 if value else 0.0)
                    elif isinstance(value, (int, float)):
                        add_series(series, column, point_tags, float(value))
                    elif isinstance(value, Decimal):
                        # pgx gives numeric as text: Telegraf writes a string field, the catalog a metric.
                        differences.append(f"{column}: numeric, a string field in Telegraf and a metric here")
                        add_series(series, column, point_tags, float(value))
                    else:
                        differences.append(f"{column}: a {type(value).__name__} field, left out")
            return series, sorted(set(differences))
        return run

    with BlockedSession() as blocked:
        for index, definition in enumerate(queries, 1):
            name = f"postgresql/{index}"
            missing = next((why for table, why in needs.items() if f"from {table}" in definition["sqlquery"]), None)
            if missing:
                status, _, _ = replay(catalog, name)
                skip(results, name, f"needs {missing}; the imported query fails too ({status})")
                continue
            focus = {"db": DB} if "pg_stat_database" in definition["sqlquery"] else None
            check("telegraf", results, name, catalog, expected(definition), query_dimension="postgresql", focus=focus)
        blocking = next((r for r in results if r["query"] == "postgresql/7"), {})
        blocking["blocked"] = not blocked.failure

    sample = tomllib.load(open(os.path.join(folder, "sample.conf"), "rb"))
    first = sample["inputs"]["postgresql_extensible"][0]["query"][0]
    check("telegraf", results, "pg_stat_database", catalog, expected(first), query_dimension="pg_stat_database")
    report["tools"]["telegraf"] = tool


# MARK: - Datadog

def datadog():
    folder = os.path.join(FIXTURES, "datadog")
    # The check's integration test, as conf.yaml files: conftest.py's instance updated as each test updates it.
    tree = ast.parse(open(os.path.join(folder, "test_custom_metrics.py.txt")).read())
    instance = {"host": "localhost", "port": 5432, "username": "datadog", "password": "datadog",
                "dbname": "datadog_test", "tags": ["foo:bar"], "disable_generic_tags": True}
    confs = []
    for function in tree.body:
        if not isinstance(function, ast.FunctionDef) or function.name not in (
                "test_custom_queries", "test_both_global_and_instance_custom_queries"):
            continue
        update, init_config = {}, {}
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "update":
                update = ast.literal_eval(node.args[0])
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "pg_init_config":
                init_config = ast.literal_eval(node.value)
        path = os.path.join(workdir, f"{function.name}.yaml")
        with open(path, "w") as f:
            yaml.safe_dump({"init_config": init_config, "instances": [{**instance, **update}]}, f)
        confs.append((path, init_config, {**instance, **update}))
    code, fragment, notes, _ = run_import("datadog", ["conf.yaml.example"] + [c[0] for c in confs], folder)
    tool = {"import": {"exit": code, "queries": len(fragment["queries"]), "notes": len(notes),
                       "customers": fragment["customers"]}, "queries": []}
    # The customer of the test's instance: its tags are dimensions of every metric.
    dimensions = next((c.get("dimensions") for c in fragment["customers"] if c.get("dimensions")), None)
    catalog = write_catalog("datadog", fragment, dimensions)
    results = tool["queries"]
    seen = set()
    for _, init_config, conf in confs:
        use = str(conf.get("use_global_custom_queries", "extend")).lower()
        queries = list(conf.get("custom_queries", []))
        if use == "extend":
            queries += init_config.get("global_custom_queries", [])
        for query in queries:
            prefix = query["metric_prefix"].rstrip(".")
            if prefix in seen:
                continue
            seen.add(prefix)

            def expected(query=query, prefix=prefix):
                columns, rows = original(query["query"])
                series = {}
                instance_tags = dict(t.split(":", 1) for t in conf.get("tags", []))
                query_tags = dict(t.split(":", 1) for t in query.get("tags", []))
                for row in rows:
                    if len(row) != len(query["columns"]):
                        continue  # "expected N columns, got M"
                    tags, values = {}, []
                    try:
                        for column, value in zip(query["columns"], row):
                            if not column.get("name"):
                                continue
                            if column["type"] == "tag":
                                tags[column["name"]] = str(value)
                            else:
                                values.append((column["name"], float(value)))
                    except (TypeError, ValueError):
                        continue  # one value that is not a number skips the row
                    for name, value in values:
                        add_series(series, f"{prefix}.{name}", {**instance_tags, **query_tags, **tags}, value)
                return series, []

            check("datadog", results, prefix, catalog, expected)
    # The newer example's query (uncommented) is not PostgreSQL: `table` is a reserved word.
    excerpt = open(os.path.join(folder, "conf.yaml.example.newer-excerpt.yaml")).read()
    example = re.search(r"#   - query: (SELECT .*)", excerpt).group(1)
    try:
        original(example)
        skip(results, "postgresql (the newer example)", "unexpectedly valid")
    except psycopg2.Error as error:
        skip(results, "postgresql (the newer example)",
             f"not valid PostgreSQL, parsed only: {str(error).strip().splitlines()[0]}")
    report["tools"]["datadog"] = tool


try:
    create_database()
    for run in (postgres_exporter, sql_exporter, telegraf, datadog):
        run()
finally:
    drop_database()

for name, tool in report["tools"].items():
    statuses = [q["status"] for q in tool["queries"]]
    tool["compared"] = statuses.count("equal")
    # Equal with datapoints on both sides (a Telegraf query of text fields alone is equal with none).
    tool["comparedWithValues"] = sum(1 for q in tool["queries"] if q["status"] == "equal" and q.get("series"))
    tool["shape"] = statuses.count("shape")
    tool["skipped"] = statuses.count("skipped")
    tool["mismatched"] = statuses.count("mismatch")
report["ok"] = all(t["mismatched"] == 0 and t["import"]["exit"] == 0 for t in report["tools"].values())
print(json.dumps(report, indent=1, default=str))
