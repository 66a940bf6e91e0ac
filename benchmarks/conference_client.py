"""A minimal Engine.IO 4 / Socket.IO 5 client for one namespace over one aiohttp WebSocket.

Written from docs/socket-protocol.md for benchmarks/conference.py. benchmarks/burst.py has a
raw client too, but it is bound to /play and to burst's bookkeeping; this one serves any
namespace (the phones on /play, the dashboard and the big screen on /conference) and hands
every event to a callback with the moment it arrived.

It offers WebSocket compression as Chromium does (``permessage-deflate;
client_max_window_bits``: aiohttp's ``compress=15``), unless told not to, and reports what
the server accepted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from typing import Any

# (event name, payload, perf_counter() when the frame was read)
Handler = Callable[[str, Any, float], None]


class RawClient:
    """One socket: connect (with a Cookie header and ``auth``), emit with an ack, close."""

    def __init__(
        self,
        http: Any,
        url: str,
        namespace: str,
        auth: dict[str, Any],
        cookie: str | None,
        on_event: Handler,
        on_close: Callable[[], None],
        compress: bool = True,
    ) -> None:
        self.http = http  # an aiohttp.ClientSession (one for all sockets, no cookie jar)
        self.url = url.replace("http://", "ws://", 1) + "/socket.io/?EIO=4&transport=websocket"
        self.namespace = namespace
        self.auth = auth
        self.cookie = cookie
        self.on_event = on_event
        self.on_close = on_close
        self.compress = compress
        self.negotiated = 0  # the window bits the server accepted; 0: no compression
        self.ws: Any = None
        self.reader: asyncio.Task[None] | None = None
        self.next_id = 0
        self.callbacks: dict[int, Callable[[Any], None]] = {}
        self.connected: asyncio.Future[bool] | None = None
        self._event = f"42{namespace},"
        self._ack = f"43{namespace},"
        self._connect = f"40{namespace},"
        self._error = f"44{namespace},"
        self._disconnect = f"41{namespace},"

    async def connect(self, timeout: float = 60.0) -> None:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.ws = await asyncio.wait_for(
            self.http.ws_connect(
                self.url,
                headers=headers,
                autoping=True,
                max_msg_size=0,
                compress=15 if self.compress else 0,
            ),
            timeout,
        )
        self.negotiated = int(self.ws.compress or 0)
        opening = await self.ws.receive_str(timeout=timeout)
        if not opening.startswith("0"):
            raise RuntimeError(f"no engine.io open packet: {opening[:80]!r}")
        self.connected = asyncio.get_running_loop().create_future()
        self.reader = asyncio.create_task(self._read())
        await self.ws.send_str(self._connect + json.dumps(self.auth))
        await asyncio.wait_for(asyncio.shield(self.connected), timeout)

    async def _read(self) -> None:
        import aiohttp

        ws = self.ws
        try:
            async for msg in ws:
                now = time.perf_counter()
                if msg.type != aiohttp.WSMsgType.TEXT:
                    break
                text: str = msg.data
                if text == "2":  # engine.io ping
                    await ws.send_str("3")
                elif text.startswith(self._event):
                    # The server may send an event (table_joined, event_joined) from its connect
                    # handler, before the namespace's connect packet: accept it (as socket.io-client).
                    name, *args = json.loads(text[len(self._event) :])
                    self.on_event(name, args[0] if args else None, now)
                elif text.startswith(self._ack):
                    body = text[len(self._ack) :]
                    cut = body.index("[")
                    callback = self.callbacks.pop(int(body[:cut]), None)
                    if callback is not None:
                        args = json.loads(body[cut:])
                        callback(args[0] if args else None)
                elif text.startswith(self._connect):
                    if self.connected is not None and not self.connected.done():
                        self.connected.set_result(True)
                elif text.startswith(self._error):
                    if self.connected is not None and not self.connected.done():
                        refusal = text[len(self._error) :]
                        self.connected.set_exception(RuntimeError(f"connect_error {refusal}"))
                elif text.startswith("1") or text.startswith(self._disconnect):
                    break
        finally:
            if self.connected is not None and not self.connected.done():
                self.connected.set_exception(RuntimeError("closed before the namespace connected"))
            self.on_close()

    async def emit(self, event: str, data: Any, on_ack: Callable[[Any], None]) -> None:
        self.next_id += 1
        self.callbacks[self.next_id] = on_ack
        await self.ws.send_str(f"{self._event}{self.next_id}{json.dumps([event, data])}")

    async def call(self, event: str, data: Any, timeout: float) -> Any:
        """Emit and wait (bounded) for the acknowledgement."""
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def settle(ack: Any) -> None:
            if not done.done():
                done.set_result(ack)

        await self.emit(event, data, settle)
        return await asyncio.wait_for(done, timeout)

    async def close(self) -> None:
        if self.ws is not None and not self.ws.closed:
            with contextlib.suppress(Exception):  # the server may already be gone
                await self.ws.send_str(self._disconnect)
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()
