# SPDX-License-Identifier: Apache-2.0
"""A TCP proxy that stands in for a WAN link (make bench): each chunk is held for a set one-way delay before it is
passed on, in order, and each connection's round trips are counted.

This machine's kernel has no netem, so the link is emulated here. A round trip is counted each time the client
sends after the server has answered (and once for its first send): a pipelined query is one, a login with TLS and
SCRAM is several. The TCP handshake itself is not delayed or counted; it adds one more round trip on a real link,
the same for every client.

    proxy = DelayProxy(upstream_port=5432, delay_ms=25); proxy.port; proxy.take_round_trips()
"""

import asyncio
import threading
import time


class DelayProxy:
    def __init__(self, upstream_port, delay_ms, upstream_host="127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self.delay = delay_ms / 1000
        self.lock = threading.Lock()
        self.round_trips = 0
        self.connections = 0
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        ready.wait()

    def _run(self, ready):
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        ready.set()
        self.loop.run_forever()

    async def _serve(self, client_reader, client_writer):
        with self.lock:
            self.connections += 1
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_writer.close()
            return
        # Who spoke last on this connection: a client send after the server's answer is a new round trip.
        state = {"last": "server"}

        def count(direction):
            if direction == "client" and state["last"] == "server":
                with self.lock:
                    self.round_trips += 1
            state["last"] = direction

        await asyncio.gather(self._pump(client_reader, server_writer, "client", count),
                             self._pump(server_reader, client_writer, "server", count))

    async def _pump(self, reader, writer, direction, count):
        """Reads chunks, and delivers each `delay` after it arrived, in order."""
        queue = asyncio.Queue()

        async def deliver():
            while True:
                due, chunk = await queue.get()
                if chunk is None:
                    break
                wait = due - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(chunk)
                try:
                    await writer.drain()
                except OSError:
                    break
            try:
                writer.close()
            except OSError:
                pass

        delivering = asyncio.ensure_future(deliver())
        try:
            while True:
                chunk = await reader.read(65536)
                if not chunk:
                    break
                count(direction)
                queue.put_nowait((time.monotonic() + self.delay, chunk))
        except OSError:
            pass
        queue.put_nowait((time.monotonic() + self.delay, None))
        await delivering

    def take_round_trips(self):
        """Round trips and connections since the last call."""
        with self.lock:
            counts = dict(round_trips=self.round_trips, connections=self.connections)
            self.round_trips = self.connections = 0
        return counts

    def close(self):
        asyncio.run_coroutine_threadsafe(self._shutdown(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)

    async def _shutdown(self):
        self.server.close()
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
