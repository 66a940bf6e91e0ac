"""Transport limits for every Socket.IO namespace, checked before python-socketio sees a packet.

python-socketio hands the application whatever a client sends: a connection to "/" (which
needs no credentials), binary packets whose announced attachments it keeps collecting,
events named like its own lifecycle handlers ("connect"), and frames it cannot parse
(those get a traceback and no answer). The guard sits between each engine.io connection
and python-socketio, for every namespace, and holds these rules (docs/socket-protocol.md,
"Limits"):

- The WebSocket carries only text frames that engine.io can parse; any other frame closes
  the connection. A message may not grow past the transport limit while it arrives.
- Per address: at most ``SOCKETS_PER_ADDRESS`` connections at once, and at most
  ``SOCKET_CONNECT_RATE_LIMIT`` new ones; more are refused at the handshake.
- Per connection, every Socket.IO packet counts against ``SOCKET_RATE_LIMIT``, whatever its
  name or shape. Over the limit an event is answered ``rate_limited`` without being parsed.
- KoersKaart never sends binary data: a binary packet closes the connection.
- An event gets exactly one answer: a packet that cannot be parsed, is not an event of the
  documented shape, uses a lifecycle name or names a namespace the socket is not connected
  to is answered with an error code here; everything else goes to the namespace.
- A connection refused more often than ``SOCKET_REFUSAL_LIMIT`` is closed.
- WebSockets are not compressed: the client's offer of permessage-deflate is not read
  (``without_compression``: it would more than double the memory of every connection).
"""

from __future__ import annotations

import ipaddress
import logging
import re
import threading
import weakref
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, abort
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter
from socketio import packet as sio

from .logs import coarse_address, quiet
from .refusals import Transport

# The libraries log every packet at INFO, answers included: never enable that (rule 8).
log = quiet("koerskaart.transport")
log.setLevel(logging.WARNING)

MAX_DEPTH = 16  # nesting of an event's arguments; the protocol itself needs 2
PENDING_MESSAGES = 4  # received but not yet read, in largest messages: a phone has a few small ones
_KNOWN_PACKETS = (sio.CONNECT, sio.DISCONNECT, sio.EVENT, sio.ACK)
# A Socket.IO packet's head: type, attachments, namespace, ack id (socketio.packet.Packet.decode).
_HEAD = re.compile(r"([0-9])(?:[0-9]+-)?(?:(/[^,]*),)?([0-9]{1,100}(?![0-9]))?")  # a longer id is none
# What an engine.io client sends over a WebSocket: a message holding a Socket.IO packet
# ("4" and the packet's type digit), or a close, ping, pong, upgrade or noop.
_ENGINEIO_FRAME = re.compile(r"4[0-9]|[12356](?:probe)?\Z")


@dataclass(frozen=True)
class Limits:
    socket_rate: RateLimitItem
    refusals: RateLimitItem
    sockets_per_address: int
    connects: RateLimitItem
    storage_uri: str
    max_message: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        """The limits from the app's settings; an unreadable rate stops the app from starting."""
        return cls(
            socket_rate=parse(config["SOCKET_RATE_LIMIT"]),
            refusals=parse(config["SOCKET_REFUSAL_LIMIT"]),
            sockets_per_address=int(config["SOCKETS_PER_ADDRESS"]),
            connects=parse(config["SOCKET_CONNECT_RATE_LIMIT"]),
            storage_uri=str(config["RATELIMIT_STORAGE_URI"]),
            max_message=int(config["MAX_TRANSPORT_BYTES"]),
        )


@dataclass
class _Connection:
    address: str  # what the per-address limits count: the address, or an IPv6 address's /64
    closed: bool = False


def address_key(remote_addr: object) -> str:
    """The unit the per-address limits count: one IPv4 address, or the /64 an IPv6 host gets."""
    try:
        ip = ipaddress.ip_address(str(remote_addr))
    except ValueError:
        return "-"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped or ip) if isinstance(ip, ipaddress.IPv6Address) else str(ip)


def _coarse(key: str) -> str:
    return coarse_address(key.split("/", 1)[0])


def nested_deeper_than(value: object, limit: int) -> bool:
    """Whether ``value`` nests lists and objects more than ``limit`` deep (level by level, no recursion)."""
    level = [value] if isinstance(value, list | dict) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, list | dict)
        ]
    return False


class Guard:
    """The limits of one Socket.IO server, in front of python-socketio's engine.io handlers."""

    def __init__(self, server: Any, limits: Limits) -> None:
        self.server = server
        self.limits = limits
        # A connection lives in one process, so its counters need no shared store (and cost
        # no round trip per event); handshakes are counted where Flask-Limiter counts
        # requests, so that with Redis every process sees them.
        local = MemoryStorage()
        self._rate = FixedWindowRateLimiter(local)
        self._refusals = MovingWindowRateLimiter(local)
        self._connects = FixedWindowRateLimiter(storage_from_string(limits.storage_uri))
        self._connections: dict[str, _Connection] = {}
        self._per_address: Counter[str] = Counter()
        self._lock = threading.Lock()
        # python-socketio's own handlers, for what the guard lets through.
        self._accept = server._handle_eio_connect
        self._forget = server._handle_eio_disconnect

    # -- engine.io events ------------------------------------------------------------------

    def on_connect(self, eio_sid: str, environ: dict[str, Any]) -> bool:
        """A new engine.io connection: admitted within the per-address limits, else refused (HTTP 401)."""
        address = address_key(environ.get("REMOTE_ADDR"))
        refusal = None
        if not self._connects.hit(self.limits.connects, address):
            refusal = "too many connection attempts"
        else:
            with self._lock:
                if self._per_address[address] >= self.limits.sockets_per_address:
                    refusal = "too many open connections"
                else:
                    self._per_address[address] += 1
                    self._connections[eio_sid] = _Connection(address)
        if refusal is not None:
            log.warning("refused a connection from %s: %s", _coarse(address), refusal)
            return False
        self._accept(eio_sid, environ)
        return True

    def on_disconnect(self, eio_sid: str, reason: Any = None) -> None:
        with self._lock:
            connection = self._connections.pop(eio_sid, None)
            if connection is not None:
                self._per_address[connection.address] -= 1
                if self._per_address[connection.address] <= 0:
                    del self._per_address[connection.address]
        self._forget(eio_sid, reason)

    def on_message(self, eio_sid: str, data: Any) -> None:
        """One Socket.IO packet: refused here, or passed on to python-socketio."""
        connection = self._connections.get(eio_sid)
        if connection is None or connection.closed:
            return  # never admitted, or being closed: nothing more of it reaches the application
        if not isinstance(data, str):
            return self._close(eio_sid, connection, "a binary message")
        if not self._rate.hit(self.limits.socket_rate, eio_sid):
            return self._over_rate(eio_sid, connection, data)
        try:
            pkt = self.server.packet_class(encoded_packet=data)
        except (ValueError, TypeError, RecursionError):  # not JSON, an id or integer too long, too deep
            return self._malformed(eio_sid, connection, data)
        if pkt.attachment_count or pkt.packet_type not in _KNOWN_PACKETS:
            return self._close(eio_sid, connection, "a binary or unknown packet")
        namespace = pkt.namespace or "/"
        if pkt.packet_type == sio.EVENT:
            code = self._event_refusal(eio_sid, namespace, pkt.data)
            if code is not None:
                return self._refuse(eio_sid, connection, namespace, pkt.id, code)
        elif nested_deeper_than(pkt.data, MAX_DEPTH):
            return self._close(eio_sid, connection, "a malformed packet")
        try:
            self._dispatch(eio_sid, pkt)
        except Exception as exc:  # python-socketio's own failure: no answer is coming, so close
            log.error("a packet failed: %s", type(exc).__name__)
            self._close(eio_sid, connection, "a packet that failed")

    def _dispatch(self, eio_sid: str, pkt: Any) -> None:
        """python-socketio's dispatch (``_handle_eio_message``) for the four packet types let
        through, given the packet already parsed here: its JSON is decoded once, not twice."""
        server = self.server
        if pkt.packet_type == sio.CONNECT:
            server._handle_connect(eio_sid, pkt.namespace, pkt.data)
        elif pkt.packet_type == sio.DISCONNECT:
            server._handle_disconnect(eio_sid, pkt.namespace, server.reason.CLIENT_DISCONNECT)
        elif pkt.packet_type == sio.EVENT:
            server._handle_event(eio_sid, pkt.namespace, pkt.id, pkt.data)
        else:
            server._handle_ack(eio_sid, pkt.namespace, pkt.id, pkt.data)

    # -- refusals --------------------------------------------------------------------------

    def _event_refusal(self, eio_sid: str, namespace: str, data: Any) -> Transport | None:
        if not isinstance(data, list) or not data or not isinstance(data[0], str):
            return Transport.INVALID_PAYLOAD  # an event is a name and its arguments
        if nested_deeper_than(data, MAX_DEPTH):
            return Transport.INVALID_PAYLOAD
        if data[0] in self.server.reserved_events:  # "connect", "disconnect": the server's, never a client's
            return Transport.UNKNOWN_EVENT
        sid = self.server.manager.sid_from_eio_sid(eio_sid, namespace)
        if sid is None or not self.server.manager.is_connected(sid, namespace):
            return Transport.NOT_AUTHENTICATED
        return None

    def _over_rate(self, eio_sid: str, connection: _Connection, data: str) -> None:
        """Over the rate: answered from the packet's head alone, without parsing its arguments."""
        head = _HEAD.match(data)
        if head is not None and head.group(1) == str(sio.CONNECT):
            # A namespace connect at this pace is a reconnect loop: cheaper to end it.
            return self._close(eio_sid, connection, "connecting too fast")
        if head is not None and head.group(1) == str(sio.EVENT) and head.group(3):
            self._answer(eio_sid, _namespace(head.group(2)), int(head.group(3)), Transport.RATE_LIMITED)
        self._count_refusal(eio_sid, connection)

    def _malformed(self, eio_sid: str, connection: _Connection, data: str) -> None:
        head = _HEAD.match(data)
        if head is not None and head.group(1) == str(sio.EVENT) and head.group(3):
            namespace, ack_id = _namespace(head.group(2)), int(head.group(3))
            return self._refuse(eio_sid, connection, namespace, ack_id, Transport.INVALID_PAYLOAD)
        self._close(eio_sid, connection, "a malformed packet")

    def _refuse(
        self, eio_sid: str, connection: _Connection, namespace: str, ack_id: int | None, code: Transport
    ) -> None:
        if ack_id is not None:
            self._answer(eio_sid, namespace, ack_id, code)
        self._count_refusal(eio_sid, connection)

    def _answer(self, eio_sid: str, namespace: str, ack_id: int, code: Transport) -> None:
        answer = {"ok": False, "error": code.value}
        self.server._send_packet(
            eio_sid, self.server.packet_class(sio.ACK, namespace=namespace, id=ack_id, data=[answer])
        )

    def _count_refusal(self, eio_sid: str, connection: _Connection) -> None:
        if not self._refusals.hit(self.limits.refusals, eio_sid):
            self._close(eio_sid, connection, "it kept sending past its limits")

    def _close(self, eio_sid: str, connection: _Connection, why: str) -> None:
        """End the connection; the client may connect again (within the per-address limits)."""
        connection.closed = True
        log.warning("closed a connection from %s: %s", _coarse(connection.address), why)
        socket = self.server.eio.sockets.get(eio_sid)
        if socket is not None:
            # Not eio.disconnect(): it waits until the send queue drains, which never happens
            # for a client that stopped reading.
            socket.close(wait=False, reason=self.server.eio.reason.SERVER_DISCONNECT)
        else:  # Flask-SocketIO's test client has no engine.io socket
            self.on_disconnect(eio_sid, self.server.reason.SERVER_DISCONNECT)


def _namespace(raw: str | None) -> str:
    return (raw or "/").split("?", 1)[0]


class _CheckedFrames:
    """A WebSocket as engine.io reads it, where a frame engine.io cannot parse reads as the end.

    engine.io parses each frame outside its error handling: an empty, binary or unknown
    frame ends its read loop with an exception and leaves the connection half open until
    the ping timeout. Read as the client closing, it is closed properly, at once.
    """

    def __init__(self, websocket: Any, address: str | None) -> None:
        self._checked_websocket = websocket
        self._checked_address = address

    def __getattr__(self, name: str) -> Any:
        return getattr(self._checked_websocket, name)

    def wait(self) -> Any:
        frame = self._checked_websocket.wait()
        if frame is None or (isinstance(frame, str) and _ENGINEIO_FRAME.match(frame)):
            return frame
        log.warning(
            "closed a connection from %s: a frame that is no engine.io packet",
            _coarse(address_key(self._checked_address)),
        )
        return None


class _BoundedInput(list[Any]):
    """simple-websocket's list of received messages, with a bound on what waits in it.

    Its reader thread takes in whatever the network brings, while engine.io reads one
    message at a time; under gevent a client that keeps sending keeps the reader from
    yielding, and everything it sends piles up. Past the bound the reader stops and the
    connection closes, once engine.io has read what is already in.
    """

    def __init__(self, connection: Any, limit: int) -> None:
        super().__init__(connection.input_buffer)
        # Weak: the connection holds this list, and a cycle would outlive the connection
        # until the next collection.
        self._connection = weakref.ref(connection)
        self._limit = limit
        self._size = sum(len(message) for message in self)
        self._lock = threading.Lock()

    def append(self, message: Any) -> None:
        with self._lock:
            if self._size + len(message) > self._limit:
                # The reader ends at an OSError (as when the network fails) and closes the socket.
                connection = self._connection()
                if connection is not None:
                    connection.connected = False
                raise ConnectionAbortedError("too much received and not yet read")
            self._size += len(message)
        super().append(message)

    def pop(self, index: Any = -1) -> Any:
        message = super().pop(index)
        with self._lock:
            self._size -= len(message)
        return message


def without_compression(environ: dict[str, Any]) -> dict[str, Any]:
    """The handshake's environ as the WebSocket server reads it: without the client's offer of
    permessage-deflate, so the connection is not compressed (docs/deployment.md, "WebSocket
    compression").

    Browsers offer it, and simple-websocket (like eventlet) accepts it with 32 KiB windows and
    context takeover: measured with 300 connections offering it as Chromium does, 175 KiB per
    connection instead of 62 KiB (the zlib state of each connection's compressor, 64 KiB of it
    zeroed at the first message, and decompressor). The messages are small: a count is 72 bytes
    either way, a snapshot 0.8 KB (0.1 KB with context takeover, 0.4 KB without), ``table_joined``
    2.4 KB (0.9 KB). Narrowing the windows to 512 bytes still cost 154 KiB per connection;
    no context takeover keeps 63 KiB but makes every message 2-4x dearer to frame (a new zlib
    stream each time) for about 0.4 KB saved per snapshot. Not offering it costs a phone a few
    kilobytes a session and the server nothing. A client cannot tell, beyond the response header.
    """
    return {key: value for key, value in environ.items() if key != "HTTP_SEC_WEBSOCKET_EXTENSIONS"}


def _checked_websocket(base: Any, max_message: int) -> Any:
    """The async mode's WebSocket class, reading through ``_CheckedFrames``."""

    class CheckedWebSocket(base):  # type: ignore[misc]
        def __init__(self, handler: Any, server: Any) -> None:
            # The client's address, set by __call__. In a box rather than read from ``self``:
            # ``read`` is kept by ``self``, and a closure over ``self`` would make every
            # connection's WebSocket state a cycle, freed only by a collection.
            address: list[str | None] = [None]

            def read(ws: Any) -> Any:
                connection: Any = getattr(ws, "ws", None)  # simple-websocket's: gevent and threading modes
                if isinstance(getattr(connection, "input_buffer", None), list):
                    connection.input_buffer = _BoundedInput(connection, PENDING_MESSAGES * max_message)
                return handler(_CheckedFrames(ws, address[0]))

            super().__init__(read, server)
            self.checked_address_box = address
            options = getattr(self, "server_args", None)
            if isinstance(options, dict):
                # simple-websocket (gevent, threading) assembles a message without a bound and
                # engine.io measures it only when complete: bound it while it arrives.
                options["max_message_size"] = max_message

        def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
            self.checked_address_box[0] = environ.get("REMOTE_ADDR")
            return super().__call__(without_compression(environ), start_response)

    return CheckedWebSocket


# Flask-SocketIO's default path, which create_app keeps; engine.io answers everything under it.
SOCKETIO_PATH = "/socket.io"


def _not_a_page() -> Any:
    abort(404)  # only "/socket.io" without the slash reaches Flask: the 404 it always had


def claim_path(app: Flask) -> None:
    """A URL rule for the Socket.IO path, so that a Socket.IO event's request context matches.

    Flask-SocketIO pushes a request context per event for the environ of the connection's
    handshake (``/socket.io/``). With no rule for that path, Flask stores the routing
    ``NotFound`` on the request, and its traceback holds the frames that hold the context:
    54 objects of cyclic garbage per event on a real server, freed only by a collection,
    which under gevent pauses every table. With the rule, 8 remain: werkzeug's URL matcher
    leaves them on every match (tests/live/test_garbage.py). The engine.io middleware in
    front of Flask answers ``/socket.io/`` itself, so the view is never served for it.
    """
    # Werkzeug matches a WebSocket handshake only to a WebSocket rule, the polling transport's
    # (and the test client's) plain GET only to a plain one.
    for websocket in (False, True):
        app.add_url_rule(SOCKETIO_PATH, "socketio", _not_a_page, strict_slashes=False, websocket=websocket)


def install(server: Any, config: Mapping[str, Any]) -> Guard:
    """Put a guard in front of ``server`` (a python-socketio Server), with the app's limits."""
    guard = Guard(server, Limits.from_config(config))
    # engine.io calls these through its handler table; Flask-SocketIO's test client calls them
    # by name on the server, so both lead to the guard.
    server._handle_eio_connect = guard.on_connect
    server._handle_eio_message = guard.on_message
    server._handle_eio_disconnect = guard.on_disconnect
    server.eio.on("connect", guard.on_connect)
    server.eio.on("message", guard.on_message)
    server.eio.on("disconnect", guard.on_disconnect)
    # This server's copy of the driver table: the async driver module stays as it is.
    drivers = server.eio._async
    websocket = _checked_websocket(drivers["websocket"], guard.limits.max_message)
    server.eio._async = {**drivers, "websocket": websocket}
    return guard
