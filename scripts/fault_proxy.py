# SPDX-License-Identifier: Apache-2.0
"""A TCP proxy that stands in for a faulty link to on-premises (the game day, the WAN bench).

This machine's kernel has no netem, so a link's faults are made here, between the function and PostgreSQL or the
AWS emulator. The fault can change while connections are open; each chunk meets the fault of the moment it
arrives:

    pass                          forward as is
    latency   ms, jitter_ms       hold each chunk for ms (plus up to jitter_ms), in order, both ways
    bandwidth bytes_per_second    pace the answers (server to client)
    stall                         nothing passes, either way, on open connections or new ones (which are
                                  accepted, never refused): a half-open VPN
    stall_mid after               pass `after` bytes of answers on each connection, then nothing more
    drip      interval_ms         answers one byte at a time
    reset     after               pass `after` bytes of answers, then reset (RST) the connection; `after` 0
                                  resets at the next byte either way, before a request reaches the server
    half_close after              as reset, but close towards the client (FIN)

A round trip is counted each time the client sends after the server has answered (and once for its first
send): a pipelined query is one, a login with TLS and SCRAM is several. TCP handshakes are neither delayed nor
counted.

    proxy = FaultProxy(upstream_port=5432); proxy.set("latency", ms=25); proxy.port; proxy.close()
"""

import asyncio
import random
import socket
import struct
import threading
import time

KINDS = {"pass", "latency", "bandwidth", "stall", "stall_mid", "drip", "reset", "half_close"}


class FaultProxy:
    def __init__(self, upstream_port, upstream_host="127.0.0.1", listen_host="127.0.0.1", listen_port=0):
        self.upstream = (upstream_host, upstream_port)
        self.fault = ("pass", {})
        self.lock = threading.Lock()
        self.round_trips = 0
        self.connections = 0
        self.open = 0
        # The loop keeps only weak references to tasks; a stalled connection's tasks are held here.
        self.tasks = set()
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready, listen_host, listen_port), daemon=True).start()
        ready.wait()

    def set(self, kind, **parameters):
        """Switches the fault for every chunk from now on."""
        if kind not in KINDS:
            raise ValueError(f"unknown fault {kind!r}")
        self.fault = (kind, parameters)

    def take_counts(self):
        """Round trips and connections since the last call, and connections open now."""
        with self.lock:
            counts = dict(round_trips=self.round_trips, connections=self.connections, open=self.open)
            self.round_trips = self.connections = 0
        return counts

    def close(self):
        asyncio.run_coroutine_threadsafe(self._shutdown(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)

    def _run(self, ready, host, port):
        asyncio.set_event_loop(self.loop)
        # Connections torn down by a fault or at close end their tasks by cancellation: nothing to report.
        self.loop.set_exception_handler(lambda loop, context: None)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._serve, host, port))
        self.port = self.server.sockets[0].getsockname()[1]
        ready.set()
        self.loop.run_forever()

    async def _serve(self, client_reader, client_writer):
        self.tasks.add(asyncio.current_task())
        with self.lock:
            self.connections += 1
            self.open += 1
        try:
            await self._proxy(client_reader, client_writer)
        finally:
            with self.lock:
                self.open -= 1
            _close(client_writer)
            self.tasks.discard(asyncio.current_task())

    async def _proxy(self, client_reader, client_writer):
        if self.fault[0] == "stall":
            # Accepted, never answered: what a half-open VPN looks like. Held until the client gives up.
            while await _read(client_reader):
                pass
            return
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            return
        state = {"last": "server", "answered": 0, "dead": False}

        def count(direction):
            if direction == "client" and state["last"] == "server":
                with self.lock:
                    self.round_trips += 1
            state["last"] = direction

        try:
            await asyncio.gather(
                self._pump(client_reader, server_writer, "client", count, state, client_writer),
                self._pump(server_reader, client_writer, "server", count, state, client_writer))
        finally:
            _close(server_writer)

    async def _pump(self, reader, writer, direction, count, state, client_writer):
        """Reads chunks and delivers each when the fault of its arrival says, in order."""
        queue = asyncio.Queue()

        async def deliver():
            while True:
                due, chunk = await queue.get()
                if chunk is None:
                    break
                wait = due - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                if state["dead"]:
                    continue
                if direction == "server":
                    await self._answer(chunk, writer, state, client_writer)
                else:
                    writer.write(chunk)
                try:
                    await writer.drain()
                except OSError:
                    break
            # The client gone, the server is told; a dead connection stays silent towards the client.
            if direction == "client" or not state["dead"]:
                _close(writer)

        delivering = asyncio.ensure_future(deliver())
        self.tasks.add(delivering)
        delivering.add_done_callback(self.tasks.discard)
        while True:
            chunk = await _read(reader)
            if not chunk:
                break
            count(direction)
            kind, parameters = self.fault
            if kind == "stall" or state["dead"]:
                continue
            if direction == "client" and kind in ("reset", "half_close") and \
                    state["answered"] >= parameters.get("after", 0):
                # The request never reaches the server: what a reset on the way there looks like.
                await self._answer(b"", None, state, client_writer)
                continue
            delay = 0.0
            if kind == "latency":
                delay = (parameters.get("ms", 0) + random.uniform(0, parameters.get("jitter_ms", 0))) / 1000
            queue.put_nowait((time.monotonic() + delay, chunk))
        queue.put_nowait((time.monotonic(), None))
        await delivering

    async def _answer(self, chunk, writer, state, client_writer):
        """Writes server-to-client bytes through the fault of the moment."""
        kind, parameters = self.fault
        after = parameters.get("after", 0)
        if kind == "stall":
            return
        if kind in ("stall_mid", "reset", "half_close") and state["answered"] + len(chunk) >= after:
            writer = client_writer
            keep = max(0, after - state["answered"])
            writer.write(chunk[:keep])
            state["answered"] += keep
            state["dead"] = True
            if kind == "reset":
                sock = client_writer.get_extra_info("socket")
                if sock is not None:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                client_writer.transport.abort()
            elif kind == "half_close":
                try:
                    await writer.drain()
                    writer.write_eof()
                except OSError:
                    pass
            return
        state["answered"] += len(chunk)
        if kind == "drip":
            for index in range(len(chunk)):
                writer.write(chunk[index:index + 1])
                await writer.drain()
                await asyncio.sleep(parameters.get("interval_ms", 5) / 1000)
        elif kind == "bandwidth":
            writer.write(chunk)
            await asyncio.sleep(len(chunk) / parameters.get("bytes_per_second", 1_000_000))
        else:
            writer.write(chunk)

    async def _shutdown(self):
        self.server.close()
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _read(reader):
    try:
        return await reader.read(65536)
    except OSError:
        return b""


def _close(writer):
    try:
        writer.close()
    except (OSError, RuntimeError):
        pass
