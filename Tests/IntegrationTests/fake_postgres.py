#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A fake PostgreSQL server that tries to steal a password, for security regression tests.

It speaks just enough of the v3 wire protocol to reach authentication: it refuses TLS and GSS
encryption ('N'), reads the StartupMessage, asks for the password in cleartext or as MD5, and then
fails the login. Each connection ends as one JSON line in the --report file, so a test can check
that our function never handed its password to a server that could not prove who it was:

    fake_postgres.py --host 127.0.0.2 --port 0 --auth cleartext|md5 --report FILE

Once listening it prints {"port": N} on stdout, then serves (a thread per connection) until killed.
"""
import argparse
import json
import os
import signal
import socket
import socketserver
import struct
import sys
import threading

# The first message has no type byte: int32 length (including itself), int32 code, then a body.
SSL_REQUEST = 80877103  # 1234 << 16 | 5679; answered with one byte, 'S' (TLS follows) or 'N'.
GSSENC_REQUEST = 80877104  # 1234 << 16 | 5680; answered like SSLRequest.
CANCEL_REQUEST = 80877102  # 1234 << 16 | 5678; body is a process id and secret key, no answer.
PROTOCOL_3 = 3  # StartupMessage code is major << 16 | minor: 196608 for 3.0.

AUTH_CLEARTEXT = 3  # AuthenticationCleartextPassword: 'R', int32 8, int32 3.
AUTH_MD5 = 5  # AuthenticationMD5Password: 'R', int32 12, int32 5, 4-byte salt.

TIMEOUT_SECONDS = 10
report_lock = threading.Lock()


class ClientClosed(Exception):
    pass


def receive(sock, count):
    """Exactly count bytes, or ClientClosed if the peer closes (or resets) first."""
    data = b""
    while len(data) < count:
        try:
            chunk = sock.recv(count - len(data))
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            raise ClientClosed()
        data += chunk
    return data


def message(kind, body):
    """A typed message: one type byte, int32 length counting itself and the body, the body."""
    return kind + struct.pack("!I", 4 + len(body)) + body


def error_response(sqlstate, text):
    """ErrorResponse ('E'): fields of one code byte and a NUL-terminated string, then a final NUL."""
    fields = [(b"S", "FATAL"), (b"V", "FATAL"), (b"C", sqlstate), (b"M", text)]
    return message(b"E", b"".join(code + value.encode() + b"\0" for code, value in fields) + b"\0")


def append_report(path, record):
    line = json.dumps(record, sort_keys=True) + "\n"
    with report_lock, open(path, "a", encoding="utf-8") as report:
        report.write(line)
        report.flush()
        os.fsync(report.fileno())


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        record = {"startup": None, "sslRequested": False, "gssRequested": False,
                  "passwordReceived": False, "password": None, "closedBy": "server", "error": None,
                  "auth": self.server.auth, "salt": None}
        waiting_for = "the first message"
        sock = self.request
        sock.settimeout(TIMEOUT_SECONDS)
        try:
            # Encryption requests may come first (libpq sends GSSENCRequest, then SSLRequest); we
            # refuse both, and the client either goes on in plaintext or gives up.
            for _ in range(4):
                length, code = struct.unpack("!II", receive(sock, 8))
                if not 8 <= length <= 10000:
                    record["error"] = f"first message has an implausible length {length}"
                    return
                body = receive(sock, length - 8)
                if code == SSL_REQUEST:
                    record["sslRequested"] = True
                    sock.sendall(b"N")
                    waiting_for = "StartupMessage after refusing SSL"
                elif code == GSSENC_REQUEST:
                    record["gssRequested"] = True
                    sock.sendall(b"N")
                    waiting_for = "StartupMessage after refusing GSS encryption"
                else:
                    break
            else:
                record["error"] = "too many encryption requests"
                return
            if code == CANCEL_REQUEST:
                record["error"] = "CancelRequest"
                return
            if code >> 16 != PROTOCOL_3:
                record["error"] = f"unsupported protocol/request code {code}"
                return

            # StartupMessage body: NUL-terminated name, value pairs, ended by an empty name.
            strings = body.split(b"\0")
            params = {}
            for name, value in zip(strings[0::2], strings[1::2]):
                if not name:
                    break
                params[name.decode(errors="backslashreplace")] = value.decode(errors="backslashreplace")
            record["startup"] = params

            if self.server.auth == "md5":
                salt = os.urandom(4)
                record["salt"] = salt.hex()
                sock.sendall(message(b"R", struct.pack("!I", AUTH_MD5) + salt))
            else:
                sock.sendall(message(b"R", struct.pack("!I", AUTH_CLEARTEXT)))
            waiting_for = "PasswordMessage"

            # Every later message is typed: one byte, int32 length (including itself), body.
            kind = receive(sock, 1)
            (length,) = struct.unpack("!I", receive(sock, 4))
            if not 4 <= length <= 10000:
                record["error"] = f"message {kind!r} has an implausible length {length}"
                return
            body = receive(sock, length - 4)
            if kind == b"p":
                # PasswordMessage: the password (cleartext, or "md5" + 32 hex digits), NUL-terminated.
                record["passwordReceived"] = True
                record["password"] = body.rstrip(b"\0").decode(errors="backslashreplace")
                sock.sendall(error_response("28P01", "password authentication failed"))
            elif kind == b"X":
                record["closedBy"] = "client"
                record["error"] = "client sent Terminate ('X') instead of a password"
            else:
                record["error"] = f"expected PasswordMessage ('p'), got {kind!r}"
        except ClientClosed:
            record["closedBy"] = "client"
            record["error"] = f"client closed the connection while the server waited for {waiting_for}"
        except socket.timeout:
            record["error"] = f"timed out waiting for {waiting_for}"
        except OSError as error:
            record["error"] = f"{type(error).__name__}: {error}"
        finally:
            append_report(self.server.report, record)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--auth", choices=["cleartext", "md5"], default="cleartext")
    parser.add_argument("--report", required=True, help="JSON lines, one per connection, appended")
    arguments = parser.parse_args()

    if ":" in arguments.host:
        Server.address_family = socket.AF_INET6
    server = Server((arguments.host, arguments.port), Handler)
    server.auth, server.report = arguments.auth, arguments.report
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
