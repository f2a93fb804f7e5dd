#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The packaged function against `/next` answers of every size around each 16 KiB multiple, up to Lambda's 6 MB.

A one-connection Runtime API on a raw socket: each `/next` answer (head and body) goes out in one write, as
Lambda's Go server sends it, and is exactly N bytes on the wire for N one under, at and one over each multiple of
16 KiB. The time from that write to the runtime's complete POST back (`/response` for echo, `/error` for the
metrics handler, which refuses the padded event's unknown customer) is measured per size.

The runtime hung at every multiple of 16 KiB until its receive loop was fixed. This exits 1 if any size gets no
answer within --timeout; the "neighbours" column is how far each boundary size is from the slower of the sizes one
under and one over (docs/testing.md).

    scripts/size-sweep.py --stage .build-lambda/stage --handler echo
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time

READ = 16 * 1024


def sweep_sizes():
    sizes = []
    for multiple in [1, 2, 3, 4, 5, 6, 7, 8, 16, 64, 256, 384]:
        sizes += [multiple * READ - 1, multiple * READ, multiple * READ + 1]
    return sizes


def head(length, request_id):
    return (
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        f"Lambda-Runtime-Aws-Request-Id: {request_id}\r\n"
        f"Lambda-Runtime-Deadline-Ms: {int(time.time() * 1000) + 60_000}\r\n"
        "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:eu-west-1:123456789012:function:sweep\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


def answer(total, request_id, handler):
    """A `/next` answer of exactly `total` bytes: head plus a JSON event padded to fit."""
    length = total - len(head(0, request_id))
    while len(head(length, request_id)) + length > total:
        length -= 1
    prefix = b'{"customer": "sweep-nobody", "query": "q", "pad": "' if handler == "metrics" else b'{"pad": "'
    body = prefix + b"x" * (length - len(prefix) - 2) + b'"}'
    assert len(body) == length
    data = head(length, request_id) + body
    assert len(data) == total, (len(data), total)
    return data


def read_request(connection, buffer):
    """One request off the connection: (request line, body); None when the client has gone."""
    while b"\r\n\r\n" not in buffer:
        chunk = connection.recv(65536)
        if not chunk:
            return None, buffer
        buffer += chunk
    end = buffer.index(b"\r\n\r\n")
    lines = buffer[:end].decode("latin-1").split("\r\n")
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    while len(buffer) < end + 4 + length:
        chunk = connection.recv(1 << 20)
        if not chunk:
            return None, buffer
        buffer += chunk
    body = buffer[end + 4 : end + 4 + length]
    return (lines[0], body), buffer[end + 4 + length :]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stage", required=True, help="what Lambda sees in /var/task (make stage)")
    parser.add_argument("--handler", choices=["echo", "metrics"], default="echo")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds before a size counts as a hang")
    parser.add_argument("--rounds", type=int, default=5, help="times each size is sent; the median is shown")
    options = parser.parse_args()

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    stage = os.path.abspath(options.stage)
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{port}",
        "LAMBDA_TASK_ROOT": stage,
        "_HANDLER": options.handler,
        "ONPREM_METRICS_SINK": "none",
        "AWS_REGION": "eu-west-1",
    }
    runtime = subprocess.Popen(
        [os.path.join(stage, "bootstrap")], env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sizes = sweep_sizes()
    samples = {size: [] for size in sizes}
    failures = []
    try:
        listener.settimeout(10)
        connection, _ = listener.accept()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buffer = b""
        for index, size in enumerate(sizes * options.rounds):
            connection.settimeout(30)
            request, buffer = read_request(connection, buffer)
            if request is None or "/next" not in request[0]:
                failures.append(f"{size}: expected GET /next, got {request and request[0]}")
                break
            request_id = f"sweep-{index}"
            data = answer(size, request_id, options.handler)
            connection.settimeout(options.timeout)
            started = time.monotonic()
            connection.sendall(data)
            try:
                request, buffer = read_request(connection, buffer)
            except socket.timeout:
                failures.append(f"{size}: no answer within {options.timeout} s (hang)")
                break
            elapsed = (time.monotonic() - started) * 1000
            if request is None:
                failures.append(f"{size}: the runtime closed the connection")
                break
            line, body = request
            expected = "/response" if options.handler == "echo" else "/error"
            if f"/{request_id}{expected}" not in line:
                failures.append(f"{size}: {line}")
            elif options.handler == "echo" and body != data[len(data) - len(body) :]:
                failures.append(f"{size}: the echoed body differs")
            elif options.handler == "metrics" and json.loads(body).get("errorType") != "Catalog.UnknownCustomer":
                failures.append(f"{size}: {body[:200]!r}")
            connection.sendall(b"HTTP/1.1 202 Accepted\r\nContent-Length: 16\r\n\r\n{\"status\":\"OK\"}\n")
            samples[size].append(elapsed)
    finally:
        runtime.kill()
        runtime.wait()

    timings = {size: sorted(times)[len(times) // 2] for size, times in samples.items() if times}
    print(f"{'bytes':>10} {'ms':>9} {'neighbours':>11}   ({options.handler} handler, head and body in one write, "
          f"median of {options.rounds})")
    worst = 0.0
    for size in sizes:
        if size not in timings:
            continue
        note = ""
        if size % READ == 0 and size - 1 in timings and size + 1 in timings:
            difference = timings[size] - max(timings[size - 1], timings[size + 1])
            worst = max(worst, difference)
            note = f"{difference:+.3f}"
        print(f"{size:>10} {timings[size]:>9.3f} {note:>11}")
    print(f"largest excess of a 16 KiB multiple over its neighbours: {worst:.3f} ms")
    for failure in failures:
        print(f"FAIL {failure}")
    return 1 if failures or any(len(times) != options.rounds for times in samples.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
