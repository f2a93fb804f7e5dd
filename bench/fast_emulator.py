# SPDX-License-Identifier: Apache-2.0
"""A small, fast Lambda Runtime API emulator for benchmarks.

cargo-lambda's emulator is right for correctness but costs about 20 ms a round trip and sends no Content-Type
(which crashes awslambdaric). This one answers like Lambda: every header, an epoch-ms deadline and
`Content-Type: application/json`. It starts the runtime under test itself (fork and exec), so it knows the exec
time and the PID, and it records when the first `GET /next` arrives.

The game day (scripts/gameday.py) runs several runtimes on one emulator (`spawn`), with a Lambda-sized deadline
(`timeout_ms`): cargo-lambda's deadline header is always ten minutes from now, whatever its `--timeout`.
"""

import http.server
import os
import queue
import socketserver
import subprocess
import sys
import threading
import time
import uuid


class Emulator:
    def __init__(self, timeout_ms=60_000):
        self.timeout_ms = timeout_ms
        self.handed = {}
        self.events = queue.Queue()
        self.generation = 0
        self.results = {}
        self.first_next_ns = None
        self.first_next_stat = None
        self.pid = None
        self.lock = threading.Condition()
        emulator = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Each answer goes out in one write, as from Lambda's Runtime API (Go's net/http buffers a small
            # answer's head and body and writes them together). Head and body in two writes would wake a fast
            # client twice; and with Nagle on, the second write would wait for the client's delayed ACK (40 ms).
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                # A connection belongs to the runtime start it was opened under. A runtime killed right after an
                # answer may have its next `GET /next` still in flight: served with the new start's queue, it would
                # count as the new runtime's first request and take its event to a dead socket.
                self.generation = emulator.generation
                self.events = emulator.events

            def do_GET(self):
                if not self.path.endswith("/runtime/invocation/next"):
                    return self.answer(404, b"{}")
                if self.generation == emulator.generation and emulator.first_next_ns is None:
                    emulator.first_next_ns = time.monotonic_ns()
                    emulator.first_next_stat = read_stat(emulator.pid)
                    with emulator.lock:
                        emulator.lock.notify_all()
                request_id, body = self.events.get()
                deadline = int(time.time() * 1000) + emulator.timeout_ms
                emulator.handed[request_id] = time.monotonic_ns()
                self.reply(200, [
                    ("Content-Type", "application/json"),
                    ("Lambda-Runtime-Aws-Request-Id", request_id),
                    ("Lambda-Runtime-Deadline-Ms", str(deadline)),
                    ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:123456789012:function:bench"),
                    # A new trace id each time, as Lambda sends: a runtime that leaks per value shows in the soak.
                    ("Lambda-Runtime-Trace-Id", trace_id()),
                ], body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                parts = self.path.split("/")
                if "init" in parts:
                    emulator.finish("init", 500, body)
                else:
                    request_id, kind = parts[-2], parts[-1]
                    emulator.finish(request_id, 200 if kind == "response" else 500, body)
                self.answer(202, b'{"status":"OK"}')

            def answer(self, status, body):
                self.reply(status, [("Content-Type", "application/json")], body)

            def reply(self, status, headers, body):
                head = [f"HTTP/1.1 {status} {self.responses[status][0]}", f"Date: {self.date_time_string()}",
                        *(f"{name}: {value}" for name, value in headers), f"Content-Length: {len(body)}", "", ""]
                self.wfile.write("\r\n".join(head).encode() + body)

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

            def handle_error(self, request, client_address):
                # A runtime killed between invocations resets its connection: expected, not worth a traceback.
                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def finish(self, request_id, status, body):
        with self.lock:
            self.results[request_id] = (status, body, time.monotonic_ns())
            self.lock.notify_all()

    def start(self, argv, env, cwd=None):
        """Fork and exec the runtime; returns the exec time in monotonic ns."""
        self.first_next_ns = None
        self.generation += 1
        self.events = queue.Queue()
        env = dict(env, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{self.port}")
        started = time.monotonic_ns()
        self.process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.pid = self.process.pid
        return started

    def spawn(self, argv, env, log):
        """Fork and exec one more runtime that serves the same queue, its output to `log`; returns its process."""
        env = dict(env, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{self.port}")
        return subprocess.Popen(argv, env=env, stdout=log, stderr=log)

    def wait_first_next(self, timeout=30):
        with self.lock:
            self.lock.wait_for(lambda: self.first_next_ns is not None, timeout)
        return self.first_next_ns

    def invoke(self, body, timeout=60):
        request_id = str(uuid.uuid4())
        self.events.put((request_id, body))
        with self.lock:
            ok = self.lock.wait_for(lambda: request_id in self.results, timeout)
        if not ok:
            raise TimeoutError("no answer from the runtime")
        return self.results.pop(request_id)

    def stop_runtime(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def trace_id():
    """An X-Ray trace header like Lambda's, different for every invocation."""
    return f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Parent={uuid.uuid4().hex[:16]};Sampled=1"


def read_stat(pid):
    """Minor and major page faults, user+system CPU ticks of a process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return {"minflt": int(fields[7]), "majflt": int(fields[9])}
    except OSError:
        return {"minflt": 0, "majflt": 0}


def cpu_ns(pid):
    """On-CPU time of every thread of a process, in ns (schedstat, finer than the 10 ms CPU ticks)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            pass
    return total


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0
