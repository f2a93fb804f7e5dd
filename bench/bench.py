#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`make bench`: OnPremWatch against what users would run instead, side by side, in one run.

1. The runtime alone (the `echo` handler) against awslambdaric, AWS's Python runtime client: cold start (exec to
   the first GET /next, median of N), its page faults, CPU per warm invocation (schedstat), instructions per
   invocation (callgrind on a stripped copy, from the difference of two run lengths), peak RSS; and the cold start
   of the packaged `bootstrap` next to the bare binary's.
2. The deployment zip: its size and what each entry costs.
3. The real job against the Python peer (bench/peer: psycopg2 + boto3 on awslambdaric): cold invocation, warm
   p50/p99, CPU per warm invocation, peak RSS, billed cost; a latency chart (bench/latency.png).
   The same, cold and warm, with the runtime alone inside a cgroup CPU quota of Lambda's share at 128 and 512 MB
   (CPU in proportion to memory, 1,769 MB = one vCPU): latency, billed duration and cost per million.
4. A soak of 10,000 warm invocations: RSS, descriptors, PostgreSQL connections at the start and the end.
5. PutMetricData requests and bytes for 10,000 datapoints, against naive clients.
Everything printed is also written to bench/results.md.
"""

import argparse
import contextlib
import datetime
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from cloudwatch_standin import CloudWatchStandin  # noqa: E402
from fault_proxy import FaultProxy  # noqa: E402
from fast_emulator import Emulator, cpu_ns, peak_rss_kib  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
EVENT = b'{"customer": "Customer 1", "query": "demo-query"}'


def runtimes(stage):
    base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_LAMBDA")}
    ours_env = dict(base, _HANDLER="echo", LAMBDA_TASK_ROOT=stage, AWS_LAMBDA_LOG_LEVEL="ERROR")
    peer_env = dict(base, LAMBDA_TASK_ROOT=os.path.join(HERE, "peer_echo"), PYTHONPATH=os.path.join(HERE, "peer_echo"),
                    AWS_LAMBDA_LOG_LEVEL="ERROR")
    return {
        "ours": ([os.path.join(stage, "onprem-watch")], ours_env, None),
        "awslambdaric": ([sys.executable, "-m", "awslambdaric", "echo.handler"], peer_env, os.path.join(HERE, "peer_echo")),
    }


def cold_starts(emulator, argv, env, cwd, count):
    times, faults = [], []
    for _ in range(count):
        started = emulator.start(argv, env, cwd)
        first = emulator.wait_first_next()
        if first is None:
            raise RuntimeError(f"{argv[0]} never called /next")
        times.append((first - started) / 1e6)
        faults.append(emulator.first_next_stat["minflt"] + emulator.first_next_stat["majflt"])
        emulator.stop_runtime()
    return statistics.median(times), statistics.median(faults)


def warm(emulator, argv, env, cwd, count):
    emulator.start(argv, env, cwd)
    for _ in range(50):
        emulator.invoke(EVENT)
    before = cpu_ns(emulator.pid)
    for _ in range(count):
        status, body, _ = emulator.invoke(EVENT)
        if status != 200:
            raise RuntimeError(f"invocation failed: {body[:200]!r}")
    cpu = (cpu_ns(emulator.pid) - before) / count / 1000
    rss = peak_rss_kib(emulator.pid) / 1024
    emulator.stop_runtime()
    return cpu, rss


def instructions(emulator, argv, env, cwd, short, long):
    """Instructions per invocation: the difference between a long and a short run, so start-up cancels out."""
    totals = []
    for count in (short, long):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "callgrind.out")
            emulator.start(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *argv], env, cwd)
            for _ in range(count):
                emulator.invoke(EVENT, timeout=300)
            emulator.process.terminate()
            emulator.process.wait()
            with open(out) as f:
                total = next(int(line.split()[1]) for line in f if line.startswith("summary:") or line.startswith("totals:"))
            totals.append(total)
    return (totals[1] - totals[0]) / (long - short)


def real_job_env(stage, publish):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_LAMBDA")}
    env.update(LAMBDA_TASK_ROOT=stage, AWS_LAMBDA_LOG_LEVEL="ERROR", ONPREM_METRICS_SINK="none",
               PGPASSWORD=os.environ.get("ONPREM_TEST_PG_PASSWORD", ""),
               ONPREM_PG_CA_BUNDLE=os.environ.get("ONPREM_TEST_PG_CA", ""), ONPREM_NAMESPACE="OnPremWatchBench")
    if publish:
        env.update(ONPREM_METRICS_SINK="cloudwatch", AWS_REGION="eu-west-1", AWS_DEFAULT_REGION="eu-west-1",
                   AWS_ENDPOINT_URL=os.environ["ONPREM_TEST_MOTO"],
                   AWS_ACCESS_KEY_ID=os.environ["ONPREM_TEST_AWS_ACCESS_KEY_ID"],
                   AWS_SECRET_ACCESS_KEY=os.environ["ONPREM_TEST_AWS_SECRET_ACCESS_KEY"])
    return env


def jobs(stage, publish):
    """The real job, ours and the Python peer's (psycopg2 + boto3 on awslambdaric), with the same catalog."""
    env = real_job_env(stage, publish)
    peer_dir = os.path.join(HERE, "peer")
    return {
        "ours": ([os.path.join(stage, "onprem-watch")], dict(env, _HANDLER="metrics"), None),
        "peer": ([sys.executable, "-m", "awslambdaric", "handler.handler"], dict(env, PYTHONPATH=peer_dir), peer_dir),
    }


def real_job(emulator, argv, env, cwd, warm_count, cold_count):
    """Cold invocations (exec to the response posted) and warm latency, CPU and peak RSS of one implementation."""
    colds = []
    for _ in range(cold_count):
        started = emulator.start(argv, env, cwd)
        status, body, answered = emulator.invoke(EVENT)
        if status != 200:
            raise RuntimeError(f"{argv[-1]}: the demo query failed: {body[:300]!r}")
        colds.append((answered - started) / 1e6)
        emulator.stop_runtime()
    emulator.start(argv, env, cwd)
    for _ in range(20):
        emulator.invoke(EVENT)
    before = cpu_ns(emulator.pid)
    latencies = []
    for _ in range(warm_count):
        begin = time.monotonic_ns()
        status, body, _ = emulator.invoke(EVENT)
        latencies.append((time.monotonic_ns() - begin) / 1e6)
        if status != 200:
            raise RuntimeError(f"{argv[-1]}: the demo query failed: {body[:300]!r}")
    cpu = (cpu_ns(emulator.pid) - before) / warm_count / 1000
    rss = peak_rss_kib(emulator.pid) / 1024
    emulator.stop_runtime()
    ordered = sorted(latencies)
    return dict(cold=statistics.median(colds), p50=ordered[len(ordered) // 2], p99=ordered[int(len(ordered) * 0.99)],
                cpu=cpu, rss=rss, latencies=latencies)


# Lambda's x86_64 price (us-east-1): per GB-second and per request. 128 MB is Lambda's smallest size, and both
# implementations run in it (peak RSS well under), so both are billed at 128 MB unless a table says otherwise.
GB_SECOND = 0.0000166667
PER_REQUEST = 0.20 / 1_000_000
MEMORY_MB = 128


def billed_per_million(ms, memory_mb=MEMORY_MB):
    return 1_000_000 * (math.ceil(ms) / 1000 * memory_mb / 1024 * GB_SECOND + PER_REQUEST)


# Lambda gives a function CPU in proportion to its memory, one vCPU at 1,769 MB. A cgroup v1 CPU quota gives a
# process that share of one core here: per 100 ms period, quota = period * memory / 1,769 of CPU time.
CGROUP_CPU = "/sys/fs/cgroup/cpu"
CFS_PERIOD_US = 100_000
VCPU_MB = 1769


def cfs_quota_us(memory_mb):
    return round(CFS_PERIOD_US * memory_mb / VCPU_MB)


@contextlib.contextmanager
def cpu_quota(memory_mb):
    """A cgroup holding Lambda's CPU share at `memory_mb`; yields the argv prefix that puts a process in it before
    it execs, so its start runs under the quota too. The group is removed however the block ends."""
    group = os.path.join(CGROUP_CPU, f"onprem-watch-bench-{memory_mb}mb-{os.getpid()}")
    os.mkdir(group)
    try:
        for name, value in (("cpu.cfs_period_us", CFS_PERIOD_US), ("cpu.cfs_quota_us", cfs_quota_us(memory_mb))):
            with open(os.path.join(group, name), "w") as f:
                f.write(str(value))
        # Writing the quota refills the group's budget (the kernel resets it on every write): each start begins with
        # a full period, as in a fresh execution environment, not with what the runtime killed just before left.
        yield ["sh", "-c", f'echo {cfs_quota_us(memory_mb)} > {group}/cpu.cfs_quota_us && echo $$ > {group}/tasks '
               '&& exec "$@"', "sh"]
    finally:
        # A runtime a failure left running goes back to the root group: a group with tasks cannot be removed.
        with open(os.path.join(group, "tasks")) as f:
            for pid in f.read().split():
                with contextlib.suppress(ProcessLookupError), open(os.path.join(CGROUP_CPU, "tasks"), "w") as root:
                    root.write(pid)
        os.rmdir(group)


def billed(job, memory_mb):
    """What Lambda bills for the real job's cold (init included) and warm invocations at `memory_mb`. Under a quota
    most warm invocations run at full speed and a few wait out the rest of a period, so the p50 alone understates
    the bill of back-to-back invocations: their mean, each rounded up, is what a busy instance pays."""
    return dict(job, mean=statistics.mean(job["latencies"]), billed_cold=math.ceil(job["cold"]),
                billed_warm=math.ceil(job["p50"]), cost_cold=billed_per_million(job["cold"], memory_mb),
                cost_warm=billed_per_million(job["p50"], memory_mb),
                cost_each=statistics.mean(billed_per_million(ms, memory_mb) for ms in job["latencies"]))


# Dollars to a tenth of a cent: at these sizes the request fee is most of a warm bill, and cents would hide the rest.
SHARE_ROWS = (("cold invocation: exec to response posted", "cold", "{:.2f} ms"),
              ("warm latency p50", "p50", "{:.2f} ms"),
              ("warm latency p99", "p99", "{:.2f} ms"),
              ("warm latency mean", "mean", "{:.2f} ms"),
              ("billed duration, cold (init is billed; rounded up to 1 ms)", "billed_cold", "{:,} ms"),
              ("billed duration, warm p50 (rounded up to 1 ms)", "billed_warm", "{:,} ms"),
              ("billed, 1M warm invocations (p50)", "cost_warm", "${:.3f}"),
              ("billed, 1M warm invocations back to back (each rounded up)", "cost_each", "${:.3f}"),
              ("billed, one cold invocation (init is billed) per 1M", "cost_cold", "${:.3f}"))


def cpu_share_table(emulator, stage, report, cold_count, warm_count, sizes=(128, 512)):
    """The real job, ours and the peer's, with only the runtime inside Lambda's CPU share at each memory size:
    cold and warm latency, billed duration and cost per million, the sizes side by side."""
    if not os.access(CGROUP_CPU, os.W_OK):
        report(f"CPU share: skipped, {CGROUP_CPU} (the cgroup v1 cpu controller) is missing or not writable; "
               "the quota needs it and root")
        report()
        return
    started = time.monotonic()
    figures = {}
    for memory_mb in sizes:
        with cpu_quota(memory_mb) as wrap:
            for name, (argv, env, cwd) in jobs(stage, publish=True).items():
                job = real_job(emulator, wrap + argv, env, cwd, warm_count, cold_count)
                figures[memory_mb, name] = billed(job, memory_mb)
                print(f"cpu share {memory_mb} MB, {name}: cold {job['cold']:.0f} ms, p50 {job['p50']:.1f} ms",
                      file=sys.stderr)
    report(f"The real job at Lambda's CPU share: only the runtime process, from its exec, in a cgroup CPU quota of "
           f"memory/{VCPU_MB:,} MB of one core per {CFS_PERIOD_US // 1000} ms period ("
           + ", ".join(f"{mb} MB: {cfs_quota_us(mb):,} µs" for mb in sizes)
           + f"); PostgreSQL, moto and the emulator on whole cores; {cold_count} cold, {warm_count:,} warm back to "
           f"back ({time.monotonic() - started:.0f} s). The whole-core rows above understate what a slow runtime "
           "pays: Lambda runs it at this share.")
    rows = []
    for label, key, unit in SHARE_ROWS:
        row = [label]
        for memory_mb in sizes:
            ours, peer = figures[memory_mb, "ours"][key], figures[memory_mb, "peer"][key]
            row += [unit.format(ours), unit.format(peer), ratio(ours, peer)]
        rows.append(row)
    report.table(["figure"] + [f"{mb} MB {who}" for mb in sizes for who in ("ours", "Python peer", "ratio")], rows)


def postgres_connections():
    """Connections the function holds on the demo server (application_name onprem-watch)."""
    import psycopg2  # noqa: PLC0415 (bench-only dependency)
    with psycopg2.connect(host="127.0.0.1", port=int(os.environ["ONPREM_TEST_PG_PORT"]), dbname="ops_v1",
                          user=os.environ.get("ONPREM_TEST_PG_USER", "onprem"),
                          password=os.environ.get("ONPREM_TEST_PG_PASSWORD", "")) as conn, conn.cursor() as cursor:
        cursor.execute("select count(*) from pg_stat_activity where application_name = 'onprem-watch'")
        return cursor.fetchone()[0]


def soak(emulator, argv, env, count):
    """`count` warm invocations of the real job: RSS, descriptors and PostgreSQL connections before and after."""
    emulator.start(argv, env)
    for _ in range(20):
        emulator.invoke(EVENT)

    def sample():
        with open(f"/proc/{emulator.pid}/status") as f:
            rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        return dict(rss=rss / 1024, fds=len(os.listdir(f"/proc/{emulator.pid}/fd")), pg=postgres_connections())

    first = sample()
    started = time.monotonic()
    for _ in range(count):
        status, body, _ = emulator.invoke(EVENT)
        if status != 200:
            raise RuntimeError(f"soak: the demo query failed: {body[:300]!r}")
    elapsed = time.monotonic() - started
    last = sample()
    emulator.stop_runtime()
    return first, last, elapsed


ROW_QUERY = ("select 'cell-' || g as cell, g::float8 as load, (g % 7) as errors "
             "from generate_series(1, {rows}) g")


def rows_catalog(directory, counts):
    """The demo catalog plus one query per row count: a text dimension (every row its own cell) and two numbers."""
    with open(os.path.join(os.path.dirname(HERE), "catalog.json")) as f:
        catalog = json.load(f)
    for count in counts:
        catalog["queries"].append({"name": f"rows-{count}", "versions": ["1"], "cloudwatchDimension": "rows",
                                   "maxRows": max(counts), "timeoutMs": 600_000,
                                   "query": ROW_QUERY.format(rows=count)})
        with open(os.path.join(directory, f"rows-{count}.json"), "w") as f:
            json.dump({"customer": "Customer 1", "query": f"rows-{count}"}, f)
    path = os.path.join(directory, "catalog.json")
    with open(path, "w") as f:
        json.dump(catalog, f)
    return path


def run_rows(argv, env, cwd, event, standin, stdout=None):
    """One replay of a rows event in a fresh process: wall, CPU and peak RSS as GNU time reads them from the
    process's own rusage (GNU time is small, so the peak is the process's, not a copy of this Python's pages), the
    requests the stand-in saw, and the output's last line (`None` when stdout is discarded)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as usage:
        started = time.monotonic()
        process = subprocess.run(["/usr/bin/time", "-o", usage.name, "-f", "%U %S %M", *argv, event], env=env,
                                 cwd=cwd, stdout=stdout or out, stderr=err)
        wall = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        last = (out.read().decode(errors="replace").strip().splitlines() or [""])[-1]
        if process.returncode != 0:
            raise RuntimeError(f"{argv[-1]} {event} failed: {last[-300:]!r} {err.read()[-500:]!r}")
        user, system, rss_kib = usage.read().split()[-3:]
    return dict(wall=wall, cpu=float(user) + float(system), rss=int(rss_kib) / 1024,
                requests=standin.take_counts()["requests"], output=None if stdout else json.loads(last))


def rows_table(stage, counts, report):
    """Rows from 1 to a million: ours (PutMetricData and EMF) against the Python peer, each in a fresh process."""
    standin = CloudWatchStandin()
    with tempfile.TemporaryDirectory() as tmp:
        catalog = rows_catalog(tmp, counts)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_LAMBDA")}
        env.update(ONPREM_CATALOG=catalog, AWS_LAMBDA_LOG_LEVEL="ERROR", LAMBDA_TASK_ROOT=stage,
                   PGPASSWORD=os.environ.get("ONPREM_TEST_PG_PASSWORD", ""),
               ONPREM_PG_CA_BUNDLE=os.environ.get("ONPREM_TEST_PG_CA", ""), ONPREM_NAMESPACE="OnPremWatchBench",
                   ONPREM_METRICS_SINK="cloudwatch", AWS_REGION="eu-west-1", AWS_DEFAULT_REGION="eu-west-1",
                   AWS_ENDPOINT_URL=standin.url, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                   # gzip, as against CloudWatch's own endpoints; boto3 (the peer) compresses PutMetricData too.
                   ONPREM_CLOUDWATCH_GZIP="true")
        peer_dir = os.path.join(HERE, "peer")
        runners = {
            "ours": ([os.path.join(stage, "onprem-watch"), "replay", "--timeout-ms", "900000"], env, None),
            "peer": ([sys.executable, os.path.join(peer_dir, "replay.py")], dict(env, PYTHONPATH=peer_dir), peer_dir),
        }
        table = []
        for count in counts:
            event = os.path.join(tmp, f"rows-{count}.json")
            figures = {}
            for name, (argv, run_env, cwd) in runners.items():
                figures[name] = run_rows(argv, run_env, cwd, event, standin)
                datapoints = figures[name]["output"].get("datapointCount", 0)
                figures[name]["per_point"] = figures[name]["cpu"] / max(1, datapoints) * 1e6
            argv, run_env, cwd = runners["ours"]
            figures["emf"] = run_rows(argv, dict(run_env, ONPREM_METRICS_SINK="emf"), cwd, event, standin,
                                      stdout=subprocess.DEVNULL)
            ours, peer, emf = figures["ours"], figures["peer"], figures["emf"]
            table.append([f"{count:,}", f"{ours['wall']:.2f} s", f"{ours['cpu']:.2f} s", f"{ours['rss']:.1f} MiB",
                          f"{ours['requests']:,}", f"{ours['per_point']:.2f} µs", f"{emf['wall']:.2f} s",
                          f"{emf['rss']:.1f} MiB", f"{peer['wall']:.2f} s", f"{peer['cpu']:.2f} s",
                          f"{peer['rss']:.1f} MiB", f"{peer['requests']:,}", f"{peer['per_point']:.2f} µs",
                          ratio(ours["per_point"], peer["per_point"])])
            print(f"rows {count:,}: ours {ours['wall']:.2f} s, peer {peer['wall']:.2f} s", file=sys.stderr)
    standin.close()
    report("Rows at scale: one query of N rows (a text dimension, every row its own cell, and two numbers: two "
           "datapoints a row), each run a fresh `replay` process against the local PostgreSQL, PutMetricData to "
           "the counting stand-in ([cloudwatch_standin.py](cloudwatch_standin.py)); EMF lines to /dev/null")
    report.table(["rows", "ours wall", "ours CPU", "ours peak RSS", "ours requests", "ours CPU/datapoint",
                  "ours EMF wall", "ours EMF peak RSS", "peer wall", "peer CPU", "peer peak RSS", "peer requests",
                  "peer CPU/datapoint", "CPU/datapoint ratio"], table)


def wan_table(stage, report, delay_ms, cloudwatch_delay_ms, warm_count):
    """The real job across a WAN: PostgreSQL behind the delay proxy, CloudWatch behind a slower stand-in; round
    trips and times of the first (cold connection) and of warm invocations, ours against the Python peer."""
    proxy = FaultProxy(int(os.environ["ONPREM_TEST_PG_PORT"]))
    proxy.set("latency", ms=delay_ms)
    standin = CloudWatchStandin(delay_ms=cloudwatch_delay_ms)
    emulator = Emulator()
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(os.path.dirname(HERE), "catalog.json")) as f:
            catalog = json.load(f)
        for customer in catalog["customers"]:
            customer["port"] = str(proxy.port)
        path = os.path.join(tmp, "catalog.json")
        with open(path, "w") as f:
            json.dump(catalog, f)
        env = real_job_env(stage, publish=True)
        env.update(ONPREM_CATALOG=path, AWS_ENDPOINT_URL=standin.url)
        peer_dir = os.path.join(HERE, "peer")
        runners = {
            "ours": ([os.path.join(stage, "onprem-watch")], dict(env, _HANDLER="metrics"), None),
            "peer": ([sys.executable, "-m", "awslambdaric", "handler.handler"], dict(env, PYTHONPATH=peer_dir),
                     peer_dir),
        }
        for name, (argv, run_env, cwd) in runners.items():
            emulator.start(argv, run_env, cwd)
            emulator.wait_first_next()
            proxy.take_counts()
            begin = time.monotonic_ns()
            status, body, _ = emulator.invoke(EVENT)
            cold = (time.monotonic_ns() - begin) / 1e6
            if status != 200:
                raise RuntimeError(f"wan: {name} failed: {body[:300]!r}")
            cold_trips = proxy.take_counts()["round_trips"]
            latencies = []
            for _ in range(warm_count):
                begin = time.monotonic_ns()
                emulator.invoke(EVENT)
                latencies.append((time.monotonic_ns() - begin) / 1e6)
            warm_trips = proxy.take_counts()["round_trips"] / warm_count
            emulator.stop_runtime()
            figures[name] = dict(cold=cold, cold_trips=cold_trips, warm=statistics.median(latencies),
                                 warm_trips=warm_trips)
    proxy.close()
    standin.close()
    ours, peer = figures["ours"], figures["peer"]
    rtt = 2 * delay_ms
    report(f"The WAN: the real job with PostgreSQL {rtt} ms away (the delay proxy, "
           f"[fault_proxy.py](../scripts/fault_proxy.py), holds each chunk {delay_ms} ms each way) and CloudWatch answering after "
           f"{cloudwatch_delay_ms} ms; the first invocation of a fresh process (cold connection: TCP, TLS, SCRAM) "
           f"and the median of {warm_count} warm ones")
    report.table(["figure", "ours", "Python peer", "ratio"], [
        ["round trips to PostgreSQL per warm query", f"{ours['warm_trips']:.0f}", f"{peer['warm_trips']:.0f}",
         ratio(ours["warm_trips"], peer["warm_trips"])],
        ["round trips for the cold connection and its query", str(ours["cold_trips"]), str(peer["cold_trips"]),
         ratio(ours["cold_trips"], peer["cold_trips"])],
        [f"warm invocation at {rtt} ms RTT", f"{ours['warm']:.1f} ms", f"{peer['warm']:.1f} ms",
         ratio(ours["warm"], peer["warm"])],
        [f"cold-connection invocation at {rtt} ms RTT", f"{ours['cold']:.1f} ms", f"{peer['cold']:.1f} ms",
         ratio(ours["cold"], peer["cold"])],
        ["billed duration, warm (rounded up to 1 ms)", f"{math.ceil(ours['warm'])} ms", f"{math.ceil(peer['warm'])} ms",
         ratio(math.ceil(ours["warm"]), math.ceil(peer["warm"]))],
        ["billed, 1M warm invocations at 128 MB", f"${billed_per_million(ours['warm']):.2f}",
         f"${billed_per_million(peer['warm']):.2f}",
         ratio(billed_per_million(ours["warm"]), billed_per_million(peer["warm"]))],
    ])


class Report:
    """Prints each line and keeps it for bench/results.md."""

    def __init__(self):
        self.lines = []

    def __call__(self, line=""):
        print(line)
        self.lines.append(line)

    def table(self, header, rows):
        self("| " + " | ".join(header) + " |")
        self("|" + "|".join("---" for _ in header) + "|")
        for row in rows:
            self("| " + " | ".join(row) + " |")
        self()


def ratio(ours, peer):
    return f"{ours / peer:.3f}" if peer else "n/a"


def chart(ours, peer, path):
    import matplotlib  # noqa: PLC0415 (bench-only dependency)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415
    figure, axis = plt.subplots(figsize=(8, 4.5), dpi=100)
    top = max(sorted(ours)[int(len(ours) * 0.995)], sorted(peer)[int(len(peer) * 0.995)])
    bins = [top * i / 120 for i in range(121)]
    axis.hist(ours, bins=bins, alpha=0.7, label=f"OnPremWatch (Swift), p50 {sorted(ours)[len(ours) // 2]:.2f} ms")
    axis.hist(peer, bins=bins, alpha=0.7, label=f"Python peer (psycopg2, boto3), p50 {sorted(peer)[len(peer) // 2]:.2f} ms")
    axis.set_xlabel("warm invocation latency, ms (query + PutMetricData to the local emulator)")
    axis.set_ylabel("invocations")
    axis.set_title(f"Warm latency, {len(ours):,} invocations each")
    axis.legend()
    figure.tight_layout()
    figure.savefig(path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stage", required=True, help="the staged function (bootstrap, onprem-watch)")
    parser.add_argument("--zip", required=True, help="the deployment zip")
    parser.add_argument("--cold", type=int, default=15)
    parser.add_argument("--warm", type=int, default=3000)
    parser.add_argument("--job-warm", type=int, default=1000)
    parser.add_argument("--soak", type=int, default=10_000)
    parser.add_argument("--skip-callgrind", action="store_true")
    parser.add_argument("--rows", default="1,1000,10000,100000,1000000",
                        help="the row counts of the rows table, comma-separated; empty skips it")
    parser.add_argument("--only-rows", action="store_true", help="run the rows and WAN tables alone")
    parser.add_argument("--wan-delay", type=int, default=25, help="one-way delay to PostgreSQL in ms (the WAN table)")
    parser.add_argument("--wan-cloudwatch-delay", type=int, default=5, help="CloudWatch's answer delay in ms")
    parser.add_argument("--wan-warm", type=int, default=20)
    parser.add_argument("--share-cold", type=int, default=5, help="cold invocations per runtime and size (CPU share)")
    parser.add_argument("--share-warm", type=int, default=300, help="warm invocations per runtime and size (CPU share)")
    parser.add_argument("--only-cpu-share", action="store_true",
                        help="run the CPU-share table alone (printed, bench/results.md is left as it is)")
    args = parser.parse_args()
    stage = os.path.abspath(args.stage)
    report = Report()
    report(f"make bench, {datetime.date.today()}, {machine()}")
    report()
    counts = [int(count) for count in args.rows.split(",") if count]
    if args.only_rows:
        rows_table(stage, counts, report)
        wan_table(stage, report, args.wan_delay, args.wan_cloudwatch_delay, args.wan_warm)
        return
    if args.only_cpu_share:
        cpu_share_table(Emulator(), stage, report, args.share_cold, args.share_warm)
        return

    # --- the runtime alone, and the packaged bootstrap -------------------------------------------------------------
    # callgrind counts a stripped copy, as shipped.
    stripped = os.path.join(stage, "onprem-watch.stripped")
    shutil.copy(os.path.join(stage, "onprem-watch"), stripped)
    subprocess.run(["strip", stripped], check=True)
    emulator = Emulator()
    results = {}
    for name, (argv, env, cwd) in runtimes(stage).items():
        cold, faults = cold_starts(emulator, argv, env, cwd, args.cold)
        cpu, rss = warm(emulator, argv, env, cwd, args.warm)
        instr = float("nan")
        if not args.skip_callgrind:
            callgrind_argv = [stripped] if name == "ours" else argv
            instr = instructions(emulator, callgrind_argv, env, cwd, 100, 600)
        results[name] = dict(cold=cold, faults=faults, cpu=cpu, rss=rss, instr=instr)
    os.remove(stripped)
    ours_argv, ours_env, _ = runtimes(stage)["ours"]
    packaged_cold, _ = cold_starts(emulator, [os.path.join(stage, "bootstrap")], ours_env, None, args.cold)

    ours, peer = results["ours"], results["awslambdaric"]
    report(f"Runtime alone (echo handler), ours vs awslambdaric; {args.cold} cold starts, {args.warm:,} warm invocations")
    report.table(["figure", "ours", "awslambdaric", "ratio", "target"], [
        ["cold start: exec to first GET /next", f"{ours['cold']:.2f} ms", f"{peer['cold']:.2f} ms",
         ratio(ours["cold"], peer["cold"]), "< 0.2"],
        ["page faults of the start", f"{ours['faults']:.0f}", f"{peer['faults']:.0f}", ratio(ours["faults"], peer["faults"]), ""],
        ["CPU per warm invocation", f"{ours['cpu']:.1f} µs", f"{peer['cpu']:.1f} µs", ratio(ours["cpu"], peer["cpu"]), "< 0.4"],
        ["instructions per invocation", f"{ours['instr'] / 1000:.1f}k", f"{peer['instr'] / 1000:.1f}k",
         ratio(ours["instr"], peer["instr"]), "< 0.35"],
        ["peak RSS", f"{ours['rss']:.2f} MiB", f"{peer['rss']:.2f} MiB", ratio(ours["rss"], peer["rss"]), "< 12 MiB"],
    ])

    # --- the deployment zip ------------------------------------------------------------------------------------------
    with zipfile.ZipFile(args.zip) as archive:
        entries = [[f"`{i.filename}`", f"{i.file_size:,}", f"{i.compress_size:,}"] for i in archive.infolist()]
    size = os.path.getsize(args.zip)
    report(f"The deployment zip, {args.zip}: {size:,} bytes (target < 8 MB)")
    report.table(["entry", "bytes", "zipped"], entries)
    report.table(["cold start: exec to first GET /next", "ms", "target"], [
        ["bare binary", f"{ours['cold']:.2f}", ""],
        ["packaged: `bootstrap` (sh) execs the binary", f"{packaged_cold:.2f}",
         f"within 2 ms of the bare binary: +{packaged_cold - ours['cold']:.2f} ms"],
    ])

    # --- the real job against the Python peer --------------------------------------------------------------------------
    measured = {name: real_job(emulator, argv, env, cwd, args.job_warm, min(args.cold, 10))
                for name, (argv, env, cwd) in jobs(stage, publish=True).items()}
    ours, peer = measured["ours"], measured["peer"]
    report("The real job, ours vs the Python peer (psycopg2 + boto3 on awslambdaric): demo-query against the local "
           f"PostgreSQL, metrics published to moto's CloudWatch; {min(args.cold, 10)} cold, {args.job_warm:,} warm")
    rows = [["cold invocation: exec to response posted", f"{ours['cold']:.2f} ms", f"{peer['cold']:.2f} ms",
             ratio(ours["cold"], peer["cold"]), "< 0.1"],
            ["warm latency p50", f"{ours['p50']:.3f} ms", f"{peer['p50']:.3f} ms", ratio(ours["p50"], peer["p50"]), ""],
            ["warm latency p99", f"{ours['p99']:.3f} ms", f"{peer['p99']:.3f} ms", ratio(ours["p99"], peer["p99"]), ""],
            ["CPU per warm invocation", f"{ours['cpu']:.1f} µs", f"{peer['cpu']:.1f} µs", ratio(ours["cpu"], peer["cpu"]),
             "< 0.3"],
            ["peak RSS", f"{ours['rss']:.2f} MiB", f"{peer['rss']:.2f} MiB", ratio(ours["rss"], peer["rss"]), "< 0.3"],
            ["billed, 1M warm invocations at 128 MB (p50, rounded up to 1 ms)", f"${billed_per_million(ours['p50']):.2f}",
             f"${billed_per_million(peer['p50']):.2f}", ratio(billed_per_million(ours["p50"]), billed_per_million(peer["p50"])), ""],
            ["billed, one cold invocation (init is billed) per 1M", f"${billed_per_million(ours['cold']):.2f}",
             f"${billed_per_million(peer['cold']):.2f}", ratio(billed_per_million(ours["cold"]), billed_per_million(peer["cold"])), ""]]
    report.table(["figure", "ours", "Python peer", "ratio", "target"], rows)
    chart(ours["latencies"], peer["latencies"], os.path.join(HERE, "latency.png"))
    report("Latency distributions: [bench/latency.png](latency.png)")
    report()

    # --- the real job at Lambda's CPU share ---------------------------------------------------------------------------
    cpu_share_table(emulator, stage, report, args.share_cold, args.share_warm)

    # --- soak ----------------------------------------------------------------------------------------------------------
    argv, env, _ = jobs(stage, publish=True)["ours"]
    first, last, elapsed = soak(emulator, argv, env, args.soak)
    report(f"Soak: {args.soak:,} warm invocations of the real job, publishing ({elapsed:.0f} s)")
    report.table(["", "start", "end", "growth"], [
        ["RSS", f"{first['rss']:.2f} MiB", f"{last['rss']:.2f} MiB", f"{last['rss'] - first['rss']:+.2f} MiB (target < 1)"],
        ["open file descriptors", str(first["fds"]), str(last["fds"]), f"{last['fds'] - first['fds']:+d}"],
        ["PostgreSQL connections held", str(first["pg"]), str(last["pg"]), f"{last['pg'] - first['pg']:+d}"],
    ])

    # --- PutMetricData batching ----------------------------------------------------------------------------------------
    batching = json.loads(subprocess.run([os.path.join(os.path.dirname(stage.rstrip("/")), "release", "batching-bench")],
                                         check=True, capture_output=True, text=True).stdout)
    report("PutMetricData for 10,000 datapoints of 10 metrics (one minute, 200 distinct values per metric)")
    report.table(["client", "requests", "bytes", "calls per datapoint"], [
        [label, f"{batching[key]['requests']:,}", f"{batching[key]['bytes']:,}", f"{batching[key]['requests'] / 10_000:.4f}"]
        for label, key in (("ours: aggregated, batched", "ours"), ("one request per datapoint", "perDatapoint"),
                           ("one request per 1,000 datums", "per1000"))])

    if counts:
        rows_table(stage, counts, report)
    wan_table(stage, report, args.wan_delay, args.wan_cloudwatch_delay, args.wan_warm)

    with open(os.path.join(HERE, "results.md"), "w") as f:
        f.write("# Last `make bench` run\n\n" + "\n".join(report.lines) + "\n")


def machine():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores ({model}), Linux {os.uname().release}"


if __name__ == "__main__":
    main()
