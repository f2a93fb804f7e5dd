#!/usr/bin/env python3
"""`make bench`: OnPremWatch against the runtimes users would otherwise run, side by side, in one run.

Runtime alone (the `echo` handler) against awslambdaric, AWS's Python runtime client:
- cold start: exec to the first GET /next, median of N starts, and the page faults of the start;
- CPU per invocation over at least 2,000 warm invocations (schedstat, ns);
- instructions per invocation with callgrind (stripped build), from the difference of two run lengths;
- peak RSS.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
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


def real_job(emulator, stage, warm_count, cold_count, publish=False):
    """The metrics handler on the demo catalog's query against the local PostgreSQL; with `publish`, the
    metrics also go to moto's CloudWatch (signed)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_LAMBDA")}
    env.update(_HANDLER="metrics", LAMBDA_TASK_ROOT=stage, AWS_LAMBDA_LOG_LEVEL="ERROR",
               PGPASSWORD=os.environ.get("ONPREM_TEST_PG_PASSWORD", ""), ONPREM_METRICS_SINK="none")
    if publish:
        env.update(ONPREM_METRICS_SINK="cloudwatch", AWS_REGION="eu-west-1",
                   AWS_ENDPOINT_URL=os.environ["ONPREM_TEST_MOTO"],
                   AWS_ACCESS_KEY_ID=os.environ["ONPREM_TEST_AWS_ACCESS_KEY_ID"],
                   AWS_SECRET_ACCESS_KEY=os.environ["ONPREM_TEST_AWS_SECRET_ACCESS_KEY"])
    argv = [os.path.join(stage, "onprem-watch")]
    colds = []
    for _ in range(cold_count):
        started = emulator.start(argv, env)
        status, body, answered = emulator.invoke(EVENT)
        if status != 200:
            raise RuntimeError(f"demo query failed: {body[:300]!r}")
        colds.append((answered - started) / 1e6)
        emulator.stop_runtime()
    emulator.start(argv, env)
    for _ in range(20):
        emulator.invoke(EVENT)
    before = cpu_ns(emulator.pid)
    latencies = []
    for _ in range(warm_count):
        begin = time.monotonic_ns()
        status, body, _ = emulator.invoke(EVENT)
        latencies.append((time.monotonic_ns() - begin) / 1e6)
        if status != 200:
            raise RuntimeError(f"demo query failed: {body[:300]!r}")
    cpu = (cpu_ns(emulator.pid) - before) / warm_count / 1000
    rss = peak_rss_kib(emulator.pid) / 1024
    emulator.stop_runtime()
    latencies.sort()
    return dict(cold=statistics.median(colds), p50=latencies[len(latencies) // 2],
                p99=latencies[int(len(latencies) * 0.99)], cpu=cpu, rss=rss)


def row(name, ours, peer, unit, fmt="{:.2f}"):
    ratio = ours / peer if peer else float("nan")
    print(f"| {name:<38} | {fmt.format(ours):>12} | {fmt.format(peer):>12} | {unit:<6} | {ratio:>6.3f} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stage", required=True, help="the staged function (bootstrap, onprem-watch)")
    parser.add_argument("--cold", type=int, default=15)
    parser.add_argument("--warm", type=int, default=3000)
    parser.add_argument("--skip-callgrind", action="store_true")
    args = parser.parse_args()
    stage = os.path.abspath(args.stage)

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

    ours, peer = results["ours"], results["awslambdaric"]
    print()
    print(f"Runtime alone (echo handler), ours vs awslambdaric; {args.cold} cold starts, {args.warm} warm invocations")
    print(f"| {'figure':<38} | {'ours':>12} | {'awslambdaric':>12} | {'unit':<6} | {'ratio':>6} |")
    print(f"|{'-' * 40}|{'-' * 14}|{'-' * 14}|{'-' * 8}|{'-' * 8}|")
    row("cold start: exec to first GET /next", ours["cold"], peer["cold"], "ms")
    row("page faults of the start", ours["faults"], peer["faults"], "", "{:.0f}")
    row("CPU per warm invocation", ours["cpu"], peer["cpu"], "µs", "{:.1f}")
    row("instructions per invocation", ours["instr"] / 1000, peer["instr"] / 1000, "k", "{:.1f}")
    row("peak RSS", ours["rss"], peer["rss"], "MiB")
    print("targets: cold < 0.2, CPU < 0.4, instructions < 0.35 of awslambdaric; peak RSS < 12 MiB")

    job = real_job(emulator, stage, 1000, args.cold)
    published = real_job(emulator, stage, 300, 3, publish=True)
    print()
    print("The real job: demo-query of the demo catalog against the local PostgreSQL; publishing to moto's CloudWatch")
    print(f"| {'figure':<38} | {'no publishing':>14} | {'publishing':>12} | unit |")
    print(f"|{'-' * 40}|{'-' * 16}|{'-' * 14}|------|")
    for label, key, unit, fmt in (("cold invocation: exec to response", "cold", "ms", "{:.2f}"),
                                  ("warm latency p50", "p50", "ms", "{:.3f}"), ("warm latency p99", "p99", "ms", "{:.3f}"),
                                  ("CPU per warm invocation", "cpu", "µs", "{:.1f}"), ("peak RSS", "rss", "MiB", "{:.2f}")):
        print(f"| {label:<38} | {fmt.format(job[key]):>14} | {fmt.format(published[key]):>12} | {unit:<4} |")
    print("(1,000 warm invocations without publishing, 300 with: moto answers PutMetricData in milliseconds)")

    batching = json.loads(subprocess.run([os.path.join(os.path.dirname(stage.rstrip("/")), "release", "batching-bench")],
                                         check=True, capture_output=True, text=True).stdout)
    print()
    print("PutMetricData for 10,000 datapoints of 10 metrics (one minute, 200 distinct values per metric)")
    print(f"| {'client':<38} | {'requests':>10} | {'bytes':>12} |")
    print(f"|{'-' * 40}|{'-' * 12}|{'-' * 14}|")
    for label, key in (("ours: aggregated, batched", "ours"), ("one request per datapoint", "perDatapoint"),
                       ("one request per 1,000 datums", "per1000")):
        print(f"| {label:<38} | {batching[key]['requests']:>10} | {batching[key]['bytes']:>12} |")


if __name__ == "__main__":
    main()
