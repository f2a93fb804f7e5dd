# SPDX-License-Identifier: Apache-2.0
"""The game day: several runtime processes under load while the link to on-premises and PostgreSQL fail.

    scripts/with-services.sh python3 scripts/gameday.py --binary PATH [--short] [--out bench/gameday.md]

It starts its own PostgreSQL primary and a streaming standby (pg_basebackup), fault proxies in front of them and of
moto_server's CloudWatch (scripts/fault_proxy.py), a blackholed host (a network namespace behind a veth pair and a
static neighbour entry: SYNs vanish, nothing refuses), and a Lambda Runtime API (bench/fast_emulator.py, which
gives each invocation a Lambda-sized deadline). Then, fault by fault, it switches the fault on, invokes, switches
it off, invokes again, and checks:

- every invocation answered within its deadline, with an `errorType` that the fault explains;
- nothing lost: datapoints produced equal what CloudWatch (moto) holds plus what came back as `unpublished`
  (each fault publishes to its own namespace, so moto's count is the fault's own);
- after the fault, the runtimes' open descriptors and PostgreSQL connections are back to what they were;
- at most one failed invocation per runtime across a failover.

The table goes to stdout and, with --out, to a Markdown file. The exit status is 1 when a check failed.
"""

import argparse
import collections
import concurrent.futures
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
from fault_proxy import FaultProxy  # noqa: E402
from fast_emulator import Emulator  # noqa: E402

import boto3  # noqa: E402

DEADLINE_MS = 4000
BLACKHOLE = "10.253.0.2"
REGION = "us-east-1"
# Each kpi row gives 2 datapoints (load, errors); the table has 3 rows. Health is per customer: 1 per query.
KPI_ROWS = 3
RETRYABLE = {"Postgres.ConnectFailed", "Postgres.Timeout", "Postgres.ConnectionLost", "Postgres.TooManyConnections",
             "Secrets.Unavailable", "CloudWatch.Throttled", "CloudWatch.PublishFailed"}


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A PostgreSQL primary and a streaming standby on a temp dir, run as `postgres` when we are root."""

    def __init__(self, root):
        self.root = root
        self.bin = f"/usr/lib/postgresql/{sorted(os.listdir('/usr/lib/postgresql'))[-1]}/bin"
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        os.makedirs(root)
        if os.getuid() == 0:
            shutil.chown(root, "postgres")
        self.ports = {"primary": free_port(), "standby": free_port()}
        self.dirs = {name: os.path.join(root, name) for name in self.ports}

    def run(self, *argv, check=True):
        return subprocess.run([*self.as_pg, *argv], check=check, capture_output=True, text=True)

    def ctl(self, name, *argv, check=True):
        options = (f"-p {self.ports[name]} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=60 "
                   "-c wal_level=replica -c hot_standby=on -c max_wal_senders=5")
        return self.run(f"{self.bin}/pg_ctl", "-D", self.dirs[name], "-l", f"{self.dirs[name]}.log", "-w",
                        "-o", options, *argv, check=check)

    def start(self):
        self.run(f"{self.bin}/initdb", "-D", self.dirs["primary"], "-U", "postgres", "--auth-local=trust",
                 "--auth-host=trust")
        self.ctl("primary", "start")
        self.sql("primary", "CREATE ROLE gameday LOGIN", "CREATE DATABASE ops OWNER gameday")
        self.sql("primary", "CREATE TABLE kpi (site text, load int, errors int)",
                 "INSERT INTO kpi VALUES ('north', 10, 0), ('south', 20, 1), ('east', 30, 2)",
                 "GRANT SELECT ON kpi TO gameday", database="ops")
        self.run(f"{self.bin}/pg_basebackup", "-h", self.root, "-p", str(self.ports["primary"]), "-U", "postgres",
                 "-D", self.dirs["standby"], "-R", "-c", "fast")
        self.ctl("standby", "start")

    def sql(self, name, *statements, database="postgres", check=True):
        argv = [f"{self.bin}/psql", "-q", "-At", "-h", self.root, "-p", str(self.ports[name]), "-U", "postgres",
                "-d", database, "-v", "ON_ERROR_STOP=1"]
        for statement in statements:
            argv += ["-c", statement]
        return self.run(*argv, check=check).stdout.strip()

    def connections(self, names=None):
        """The function's connections on each server that is up."""
        total = 0
        for name in names or self.ports:
            out = self.sql(name, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'onprem-watch'",
                           check=False)
            total += int(out) if out.isdigit() else 0
        return total

    def stop(self):
        for name in self.ports:
            self.ctl(name, "-m", "immediate", "stop", check=False)


class Blackhole:
    """An address behind a veth pair whose peer sits in its own namespace and answers nothing: the static
    neighbour entry means no ARP either, so a SYN leaves and vanishes."""

    def __init__(self):
        self.namespace = f"onprem-bh-{os.getpid()}"
        self.link = f"bh{os.getpid() % 100000}"
        steps = [
            ["ip", "netns", "add", self.namespace],
            ["ip", "link", "add", self.link, "type", "veth", "peer", "name", f"{self.link}p"],
            ["ip", "link", "set", f"{self.link}p", "netns", self.namespace],
            ["ip", "addr", "add", "10.253.0.1/30", "dev", self.link],
            ["ip", "link", "set", self.link, "up"],
            ["ip", "netns", "exec", self.namespace, "ip", "link", "set", f"{self.link}p", "up"],
            ["ip", "neigh", "replace", BLACKHOLE, "lladdr", "02:00:5e:00:53:99", "dev", self.link, "nud",
             "permanent"],
        ]
        self.ok = True
        for step in steps:
            if subprocess.run(step, capture_output=True).returncode != 0:
                self.ok = False
                self.close()
                break

    def close(self):
        subprocess.run(["ip", "link", "del", self.link], capture_output=True)
        subprocess.run(["ip", "netns", "del", self.namespace], capture_output=True)


def catalog(proxies, cluster):
    def host(port):
        return f"127.0.0.1:{port}"
    common = {"database": "ops", "version": "1", "user": "gameday", "sslmode": "disable"}
    return {
        "customers": [
            dict(common, opname="Site A", hosts=[host(proxies["pg"].port)]),
            dict(common, opname="Site HA", hosts=[host(cluster.ports["primary"]), host(cluster.ports["standby"])]),
            dict(common, opname="Site Standby", hosts=[host(proxies["pg"].port), host(proxies["standby"].port)],
                 targetSessionAttrs="prefer-standby"),
            dict(common, opname="Site BH", hosts=[f"{BLACKHOLE}:5432", host(proxies["pg"].port)]),
            dict(common, opname="Site Dark", hosts=[f"{BLACKHOLE}:5432"]),
        ],
        "queries": [
            {"name": "kpi", "versions": ["1"], "query": "SELECT site, load, errors FROM kpi ORDER BY site"},
            {"name": "kpi2", "versions": ["1"], "cloudwatchDimension": "kpi2",
             "query": "SELECT site, load, errors FROM kpi ORDER BY site"},
            {"name": "kpi3", "versions": ["1"], "cloudwatchDimension": "kpi3",
             "query": "SELECT site, load, errors FROM kpi ORDER BY site"},
        ],
    }


class Phase:
    def __init__(self, name, customer, expect, on=None, off=None, during=None, queries=("kpi",), count=None,
                 steady="ok", verify=None):
        """`expect`: the outcomes allowed while the fault is on; `steady`: the one before and after it; `during`:
        an action taken while invocations run; `verify`: a last check, a problem's text or None."""
        self.name, self.customer, self.expect, self.steady = name, customer, set(expect), steady
        self.verify = verify
        self.on, self.off, self.during = on, off, during
        self.queries, self.count = list(queries), count


class GameDay:
    def __init__(self, args):
        self.args = args
        self.work = tempfile.mkdtemp(prefix="onprem-gameday.")
        os.chmod(self.work, 0o755)
        self.cluster = Cluster(os.path.join(self.work, "pg"))
        self.failures = []
        self.rows = []
        self.moto = os.environ["ONPREM_TEST_MOTO"]
        self.keys = (os.environ["ONPREM_TEST_AWS_ACCESS_KEY_ID"], os.environ["ONPREM_TEST_AWS_SECRET_ACCESS_KEY"])
        self.cloudwatch = boto3.client("cloudwatch", endpoint_url=self.moto, region_name=REGION,
                                       aws_access_key_id=self.keys[0], aws_secret_access_key=self.keys[1])

    def setup(self):
        self.cluster.start()
        moto_port = int(self.moto.rsplit(":", 1)[1])
        self.proxies = {"pg": FaultProxy(self.cluster.ports["primary"]),
                        "standby": FaultProxy(self.cluster.ports["standby"]),
                        "cloudwatch": FaultProxy(moto_port)}
        self.blackhole = Blackhole()
        self.catalog_path = os.path.join(self.work, "catalog.json")
        with open(self.catalog_path, "w") as f:
            json.dump(catalog(self.proxies, self.cluster), f)
        self.emulator = Emulator(timeout_ms=DEADLINE_MS)
        self.runtimes = []

    def start_runtimes(self, namespace):
        self.stop_runtimes()
        # A new queue: the /next of a killed runtime may still be waiting on the old one, and would take an event
        # to a dead socket.
        self.emulator.events = queue.Queue()
        env = dict(os.environ, _HANDLER="metrics", ONPREM_CATALOG=self.catalog_path, ONPREM_METRICS_SINK="cloudwatch",
                   ONPREM_NAMESPACE=namespace, ONPREM_HEALTH="customer", AWS_REGION=REGION,
                   AWS_ENDPOINT_URL=f"http://127.0.0.1:{self.proxies['cloudwatch'].port}",
                   AWS_ACCESS_KEY_ID=self.keys[0], AWS_SECRET_ACCESS_KEY=self.keys[1], AWS_LAMBDA_LOG_FORMAT="Text")
        env.pop("AWS_SESSION_TOKEN", None)
        self.log = open(os.path.join(self.work, f"runtimes-{namespace.replace('/', '-')}.log"), "w")
        self.runtimes = [self.emulator.spawn([self.args.binary], env, self.log) for _ in range(self.args.runtimes)]

    def stop_runtimes(self):
        for process in self.runtimes:
            process.kill()
            process.wait()
        self.runtimes = []

    def descriptors(self):
        return sum(len(os.listdir(f"/proc/{p.pid}/fd")) for p in self.runtimes if p.poll() is None)

    def invoke(self, customer, queries):
        payload = {"customer": customer}
        payload["queries" if len(queries) > 1 else "query"] = queries if len(queries) > 1 else queries[0]
        request_id = str(uuid.uuid4())
        started = time.monotonic_ns()
        self.emulator.events.put((request_id, json.dumps(payload).encode()))
        with self.emulator.lock:
            done = self.emulator.lock.wait_for(lambda: request_id in self.emulator.results, DEADLINE_MS / 1000 + 30)
        if not done:
            return {"errorType": "NoAnswer", "duration": None, "produced": 0, "published": 0, "unpublished": 0}
        status, body, finished = self.emulator.results.pop(request_id)
        handed = self.emulator.handed.pop(request_id, started)
        record = {"duration": (finished - handed) / 1e6, "produced": 0, "published": 0, "unpublished": 0}
        answer = json.loads(body or b"{}")
        queries_ok = 0
        if status == 200:
            record["errorType"] = answer.get("status", "?")
            queries_ok = sum(1 for q in answer.get("queries", []) if q.get("status") == "ok")
            failed = [q["error"]["errorType"] for q in answer.get("queries", []) if q.get("error")]
            if failed:
                record["errorType"] += ": " + ",".join(sorted(set(failed)))
        else:
            record["errorType"] = answer.get("errorType", "?")
            unpublished = answer.get("unpublished") or []
            record["unpublished"] = sum(sum(d["counts"]) if d.get("counts") else len(d["values"]) for d in unpublished)
            if record["errorType"].startswith("CloudWatch."):
                queries_ok = len(queries)
        # What the rows and the health make: 2 per kpi row, and one health datum per query, success or not.
        record["produced"] = queries_ok * 2 * KPI_ROWS + len(queries)
        return record

    def moto_count(self, namespace):
        total = 0
        now = time.time()
        pages = self.cloudwatch.get_paginator("list_metrics").paginate(Namespace=namespace)
        # moto lists a metric once per datum it holds: each series once.
        series = {(m["MetricName"], tuple(sorted((d["Name"], d["Value"]) for d in m["Dimensions"])))
                  for page in pages for m in page["Metrics"]}
        for name, dimensions in sorted(series):
            metric = {"MetricName": name, "Dimensions": [{"Name": n, "Value": v} for n, v in dimensions]}
            stats = self.cloudwatch.get_metric_statistics(
                Namespace=namespace, MetricName=metric["MetricName"], Dimensions=metric["Dimensions"],
                StartTime=now - 3600, EndTime=now + 3600, Period=60, Statistics=["SampleCount"])
            total += int(sum(p["SampleCount"] for p in stats["Datapoints"]))
        return total

    def run_batch(self, phase, count):
        with concurrent.futures.ThreadPoolExecutor(self.args.runtimes * 2) as pool:
            return list(pool.map(lambda _: self.invoke(phase.customer, phase.queries), range(count)))

    def run_phase(self, phase):
        namespace = f"GameDay/{phase.name.replace(' ', '-')}-{uuid.uuid4().hex[:6]}"
        self.start_runtimes(namespace)
        warm = self.run_batch(phase, self.args.runtimes * 2)
        time.sleep(0.2)
        before = (self.descriptors(), self.cluster.connections())
        if phase.on:
            phase.on()
        count = phase.count or self.args.per_phase
        if phase.during:
            # Invocations run on until the action is done, so that some are in flight when it happens.
            records, stop = [], threading.Event()

            def invoke_until_stopped():
                while not stop.is_set() or len(records) < count:
                    records.append(self.invoke(phase.customer, phase.queries))
            threads = [threading.Thread(target=invoke_until_stopped) for _ in range(self.args.runtimes * 2)]
            for thread in threads:
                thread.start()
            time.sleep(0.3)
            phase.during()
            time.sleep(0.3)
            stop.set()
            for thread in threads:
                thread.join()
        else:
            records = self.run_batch(phase, count)
        if phase.off:
            phase.off()
        recovery = self.run_batch(phase, self.args.runtimes * 2)
        time.sleep(0.2)
        after = (self.descriptors(), self.cluster.connections())
        everything = warm + records + recovery
        produced = sum(r["produced"] for r in everything)
        unpublished = sum(r["unpublished"] for r in everything)
        published = self.moto_count(namespace)
        outcomes = collections.Counter(r["errorType"] for r in records)
        longest = max((r["duration"] or 1e9) for r in everything)
        row = dict(name=phase.name, invocations=len(everything), outcomes=outcomes, longest=longest,
                   produced=produced, published=published, unpublished=unpublished, before=before, after=after,
                   recovered=all(r["errorType"] == phase.steady for r in recovery))
        self.check(phase, row, records, warm)
        self.rows.append(row)
        print(self.format_row(row), flush=True)

    def check(self, phase, row, records, warm):
        problems = []
        if row["longest"] > DEADLINE_MS:
            problems.append(f"an invocation took {row['longest']:.0f} ms, past the {DEADLINE_MS} ms deadline")
        unexpected = {name for name in row["outcomes"] if name not in phase.expect}
        if unexpected:
            problems.append(f"unexpected outcomes {sorted(unexpected)}")
        for name in row["outcomes"]:
            base = name.split(": ")[-1].split(",")
            for error in base:
                if error in RETRYABLE or error == "ok" or not error.startswith(("Postgres.", "CloudWatch.")):
                    continue
                problems.append(f"{error} is not a retryable error")
        if row["produced"] != row["published"] + row["unpublished"]:
            problems.append(f"produced {row['produced']} != published {row['published']} + unpublished "
                            f"{row['unpublished']}")
        if not all(r["errorType"] == phase.steady for r in warm):
            problems.append("the warm-up before the fault failed")
        if not row["recovered"]:
            problems.append("an invocation after the fault cleared failed")
        if row["after"][0] > row["before"][0] or row["after"][1] > row["before"][1]:
            problems.append(f"descriptors/connections {row['before']} before, {row['after']} after")
        problem = phase.verify() if phase.verify else None
        if problem:
            problems.append(problem)
        if phase.name == "failover":
            failed = sum(n for name, n in row["outcomes"].items() if name != "ok")
            if failed > self.args.runtimes:
                problems.append(f"{failed} failed invocations in the failover, more than one per runtime")
        row["problems"] = problems
        self.failures += [f"{phase.name}: {p}" for p in problems]

    @staticmethod
    def format_row(row):
        outcomes = ", ".join(f"{name} {n}" for name, n in sorted(row["outcomes"].items()))
        check = "ok" if not row["problems"] else "FAILED: " + "; ".join(row["problems"])
        return (f"| {row['name']} | {row['invocations']} | {outcomes} | {row['longest']:.0f} / {DEADLINE_MS} | "
                f"{row['produced']} = {row['published']} + {row['unpublished']} | "
                f"{row['before'][0]} → {row['after'][0]} | {row['before'][1]} → {row['after'][1]} | {check} |")

    def phases(self):
        pg, cw = self.proxies["pg"], self.proxies["cloudwatch"]
        cluster = self.cluster
        fast = self.args.per_phase
        # A fault that holds each invocation to its deadline gets fewer: a few rounds of every runtime.
        slow = self.args.runtimes * (2 if self.args.short else 6)

        def proxy(target, kind, **parameters):
            return lambda: target.set(kind, **parameters)

        def heal(target):
            return lambda: target.set("pass")

        def terminate():
            cluster.sql("primary", "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE application_name = 'onprem-watch'")

        def limit(n):
            return lambda: (cluster.sql("primary", f"ALTER ROLE gameday CONNECTION LIMIT {n}"),
                            terminate() if n == 0 else None)

        def read_only(on):
            return lambda: cluster.sql("primary", f"ALTER SYSTEM SET default_transaction_read_only = {on}",
                                       "SELECT pg_reload_conf()")

        def failover():
            cluster.ctl("primary", "-m", "immediate", "stop")
            cluster.ctl("standby", "promote")

        ok = {"ok"}
        phases = [
            Phase("baseline", "Site A", ok, count=fast),
            Phase("latency 50 ms RTT, jitter", "Site A", ok, proxy(pg, "latency", ms=25, jitter_ms=10), heal(pg),
                  count=fast),
            Phase("bandwidth 64 KB/s", "Site A", ok, proxy(pg, "bandwidth", bytes_per_second=65536), heal(pg),
                  count=fast),
            Phase("drip, a byte each 2 ms", "Site A", ok | {"Postgres.Timeout"}, proxy(pg, "drip", interval_ms=2),
                  heal(pg), count=slow),
            Phase("stall", "Site A", {"Postgres.Timeout"}, proxy(pg, "stall"), heal(pg), count=slow),
            Phase("stall mid-answer", "Site A", {"Postgres.Timeout"}, proxy(pg, "stall_mid", after=40), heal(pg),
                  count=slow),
            Phase("reset", "Site A", {"Postgres.ConnectionLost", "Postgres.ConnectFailed"}, proxy(pg, "reset"),
                  heal(pg), count=slow),
            Phase("close half-way", "Site A", {"Postgres.ConnectionLost", "Postgres.ConnectFailed"},
                  proxy(pg, "half_close", after=40), heal(pg), count=slow),
            Phase("restart mid-run", "Site A", ok | {"Postgres.ConnectionLost", "Postgres.ConnectFailed"},
                  during=lambda: cluster.ctl("primary", "-m", "fast", "restart"), count=fast),
            Phase("pg_terminate_backend", "Site A", ok | {"Postgres.ConnectionLost"}, during=terminate, count=fast),
            Phase("connection limit (53300)", "Site A", {"Postgres.TooManyConnections"}, limit(0), limit(-1),
                  count=slow),
            Phase("server goes read-only", "Site A", ok, read_only("on"), read_only("off"), count=fast),
            Phase("standby preferred", "Site Standby", ok, count=fast,
                  verify=lambda: None if cluster.connections(["primary"]) == 0 and cluster.connections(["standby"])
                  else "the connections are not all on the standby"),
            Phase("CloudWatch latency", "Site A", ok, proxy(cw, "latency", ms=10), heal(cw), count=fast),
            Phase("CloudWatch stall", "Site A", {"CloudWatch.PublishFailed"}, proxy(cw, "stall"), heal(cw),
                  count=slow),
            Phase("CloudWatch reset", "Site A", {"CloudWatch.PublishFailed"}, proxy(cw, "reset"), heal(cw),
                  count=slow),
        ]
        if self.blackhole.ok:
            phases += [
                Phase("blackhole first of two hosts, 3 queries", "Site BH", ok, queries=("kpi", "kpi2", "kpi3"),
                      count=slow),
                Phase("blackhole, only host, 3 queries", "Site Dark", {"error: Postgres.Timeout"},
                      queries=("kpi", "kpi2", "kpi3"), count=slow, steady="error: Postgres.Timeout"),
            ]
        phases.append(Phase("failover", "Site HA", ok | {"Postgres.ConnectionLost", "Postgres.ConnectFailed"},
                            during=failover, count=fast))
        return phases

    def run(self):
        try:
            self.setup()
            phases = self.phases()
            print(self.header(), flush=True)
            for phase in phases:
                if self.args.only and self.args.only not in phase.name:
                    continue
                self.run_phase(phase)
        finally:
            self.stop_runtimes()
            for p in getattr(self, "proxies", {}).values():
                p.close()
            if getattr(self, "blackhole", None):
                self.blackhole.close()
            self.cluster.stop()
            if not self.args.keep:
                shutil.rmtree(self.work, ignore_errors=True)
        if self.args.out:
            self.write(self.args.out)
        if not self.blackhole.ok:
            print("gameday: no blackhole (needs CAP_NET_ADMIN for ip netns); its phases were not run", file=sys.stderr)
        for failure in self.failures:
            print(f"gameday: FAILED {failure}", file=sys.stderr)
        return 1 if self.failures else 0

    NOTES = {
        "baseline": "the load without a fault: the figures the others compare with",
        "latency": "one round trip per warm query (the pipeline), so a slow link costs its latency once",
        "bandwidth": "a small result needs little bandwidth; nothing waits for more than the answer's bytes",
        "drip": "one byte at a time still answers well inside the deadline: reads wait on the socket, not on a "
                "whole message",
        "stall": "nothing passes, on the pooled connection or a new one: each invocation ends at its query budget "
                 "with Postgres.Timeout (the publish reserve left for the health datum), the connection dropped",
        "stall mid-answer": "the answer stops part-way: the same, the connection dropped, never pooled",
        "reset": "the pooled connection breaks before any row, is reopened once, and the new one is reset too: "
                 "Postgres.ConnectFailed in milliseconds",
        "close half-way": "a FIN part-way through the answer: as a reset",
        "restart mid-run": "while the server is down, connects are refused (Postgres.ConnectFailed); pooled "
                           "connections broken by the restart are reopened once, without failing the invocation",
        "pg_terminate_backend": "the ended connection fails before any row and is reopened once: no invocation fails",
        "connection limit": "SQLSTATE 53300 at login is Postgres.TooManyConnections, retryable; pooled connections "
                            "were ended so that every invocation must log in",
        "server goes read-only": "every query runs in a read-only transaction already: nothing changes",
        "standby preferred": "prefer-standby with the primary listed first: every connection is on the standby",
        "CloudWatch latency": "requests wait within the deadline",
        "CloudWatch stall": "publishing retries until 100 ms before the deadline, then CloudWatch.PublishFailed with "
                            "every datum in unpublished; the request never reached CloudWatch, so nothing is "
                            "published twice",
        "CloudWatch reset": "as the stall, each retry reset at once",
        "blackhole first": "the silent host costs its share of the first query's time (half, with two hosts), the "
                           "second host serves, and the pooled connection serves the other two queries",
        "blackhole, only": "each of the three queries costs its share of the time and ends with Postgres.Timeout; "
                           "the invocation answers before its deadline with every query's error",
        "failover": "the primary stopped at once and the standby promoted while invocations run: the broken "
                    "connection is reopened once and the hosts are tried in order, the standby serves",
    }

    @classmethod
    def note(cls, name):
        keys = [key for key in cls.NOTES if name.startswith(key)]
        return cls.NOTES[max(keys, key=len)] if keys else ""

    @staticmethod
    def header():
        return ("| fault | invocations | outcomes while on | longest / deadline (ms) | produced = published + "
                "unpublished | descriptors | PG connections | check |\n|---|---|---|---|---|---|---|---|")

    def write(self, path):
        with open(path, "w") as f:
            f.write("# Game day\n\n")
            f.write(f"`make gameday` on {time.strftime('%Y-%m-%d')}: {self.args.runtimes} runtime processes, "
                    f"deadline {DEADLINE_MS} ms, {sum(r['invocations'] for r in self.rows)} invocations, "
                    "written by [scripts/gameday.py](../scripts/gameday.py). How each fault is made, and the "
                    "failure behaviour it checks: [docs/failures.md](../docs/failures.md).\n\n")
            f.write("Invocations count the warm-up before the fault and the invocations after it cleared; the "
                    "outcomes are those while it was on. Produced: 2 datapoints per row of every query that "
                    "returned, and one health datum per query; published: what moto_server holds in the fault's "
                    "own namespace. Descriptors and connections: before the fault, and after it cleared.\n\n")
            f.write(self.header() + "\n")
            for row in self.rows:
                f.write(self.format_row(row) + "\n")
            f.write("\n## What each fault showed\n\n| fault | what it showed |\n|---|---|\n")
            for row in self.rows:
                f.write(f"| {row['name']} | {self.note(row['name'])} |\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--short", action="store_true", help="few invocations per fault (make test)")
    parser.add_argument("--runtimes", type=int, default=None)
    parser.add_argument("--per-phase", type=int, default=None)
    parser.add_argument("--only", help="run only the faults whose name contains this")
    parser.add_argument("--out")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (logs)")
    args = parser.parse_args()
    args.runtimes = args.runtimes or (2 if args.short else 4)
    args.per_phase = args.per_phase or (12 if args.short else 250)
    sys.exit(GameDay(args).run())


if __name__ == "__main__":
    main()
