# SPDX-License-Identifier: Apache-2.0
"""A CloudWatch PutMetricData endpoint that accepts and counts, for the benchmark's large results only.

moto is the CloudWatch of the tests (it parses every datum and checks SigV4), but it takes seconds per
1,000-datum request, so a result of 100,000 rows would take hours there. This stand-in answers each
PutMetricData at once with what CloudWatch answers: the query protocol's XML for our client, and an empty CBOR
map for boto3, which speaks smithy's RPC v2 CBOR to CloudWatch. It counts requests and body bytes, and it can
hold each answer for a set delay, as a CloudWatch endpoint some milliseconds away would.

    standin = CloudWatchStandin(delay_ms=0); standin.url; standin.take_counts()
"""

import http.server
import socketserver
import threading
import time

QUERY_ANSWER = (b'<PutMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">'
                b"<ResponseMetadata><RequestId>standin</RequestId></ResponseMetadata></PutMetricDataResponse>")


class CloudWatchStandin:
    def __init__(self, delay_ms=0):
        self.delay = delay_ms / 1000
        self.lock = threading.Lock()
        self.requests = 0
        self.bytes = 0
        standin = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", "0"))
                remaining = length
                while remaining:
                    chunk = self.rfile.read(min(remaining, 1 << 20))
                    if not chunk:
                        return
                    remaining -= len(chunk)
                with standin.lock:
                    standin.requests += 1
                    standin.bytes += length
                if standin.delay:
                    time.sleep(standin.delay)
                if self.headers.get("smithy-protocol") == "rpc-v2-cbor":
                    body, headers = b"\xa0", [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")]
                else:
                    body, headers = QUERY_ANSWER, [("Content-Type", "text/xml")]
                self.send_response(200)
                for name, value in headers + [("x-amzn-RequestId", "standin"), ("Content-Length", str(len(body)))]:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def take_counts(self):
        """Requests and bytes since the last call."""
        with self.lock:
            counts = dict(requests=self.requests, bytes=self.bytes)
            self.requests = self.bytes = 0
        return counts

    def close(self):
        self.server.shutdown()
