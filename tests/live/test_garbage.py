"""Issue 11: a Socket.IO event leaves (almost) no cyclic garbage behind.

Under gevent every table shares one thread, so each collection pauses them all, and garbage
that only a collection frees makes collections come sooner. Flask-SocketIO pushes a request
context per event for the environ of the connection's handshake; without a URL rule for the
Socket.IO path, Flask stored the routing ``NotFound`` on the request and its traceback kept
the contexts alive: 60 objects of cyclic garbage per event here (54 on a real server).
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask_socketio import SocketIOTestClient

from koerskaart.extensions import socketio
from koerskaart.live import guard
from tests.helpers.players import counts_sent, start_table
from tests.helpers.proefdeck import STATEMENT

# What werkzeug's URL matcher leaves on every match, HTTP requests included: its recursive
# inner function refers to itself through a closure cell (8 objects). Not ours to change.
PER_EVENT = 8
# A browser's WebSocket handshake, which werkzeug matches only to a WebSocket rule; without
# these headers the environ is the polling transport's (and the test client's) plain GET.
WEBSOCKET = {"Upgrade": "websocket", "Connection": "Upgrade"}


def cyclic_garbage(action: Callable[[], Any]) -> int:
    """How many objects only the cycle collector can free after ``action``."""
    # Until nothing is left: a collection's finalizers can let go of more (earlier tests' apps).
    while gc.collect():
        pass
    gc.disable()
    try:
        action()
        return gc.collect()
    finally:
        gc.enable()


@pytest.mark.parametrize("headers", [{}, WEBSOCKET], ids=["polling", "websocket"])
def test_a_connect_and_an_answer_leave_no_more_than_the_url_matcher_does(
    app: Flask, headers: dict[str, str]
) -> None:
    host = start_table(app)
    http = app.test_client()
    response = http.post("/join", data={"code": host.joined["join"]["code"], "nickname": "Ans"})
    table_id = response.headers["Location"].rsplit("/", 1)[-1]
    sockets: list[SocketIOTestClient] = []

    def connect() -> None:
        sockets.append(
            socketio.test_client(
                app,
                namespace="/play",
                auth={"table": table_id, "as": "seat"},
                flask_test_client=http,
                headers=headers,
            )
        )

    assert cyclic_garbage(connect) <= PER_EVENT
    sock = sockets[0]
    assert [pkt["name"] for pkt in sock.get_received("/play")] == ["table_joined"]
    assert host.send("start_game")["ok"]

    def answer() -> None:
        for value in (1, 2, 3, 4, 5) * 2:  # each a change: a write, a count to the table
            ack = sock.emit(
                "submit_answer", {"card_index": STATEMENT, "value": value}, namespace="/play", callback=True
            )
            assert ack == {"ok": True, "card_index": STATEMENT}
        counts_sent()  # the counts, coalesced in a background task, are part of the answers

    assert cyclic_garbage(answer) <= 10 * PER_EVENT


def test_the_socketio_path_is_still_no_page(app: Flask) -> None:
    """The URL rule only makes matching succeed: what reaches Flask there is a 404, as before."""
    client = app.test_client()
    assert client.get("/socket.io").status_code == 404


def test_a_connections_websocket_state_is_freed_without_a_collection() -> None:
    """The guard's wrappers around each WebSocket hold no cycle: a closed connection's state
    (the socket, its parser, its reader) goes at once instead of at the next collection."""

    class Driver:  # the shape of the async mode's WebSocket class: a handler and the server
        def __init__(self, handler: Any, server: Any) -> None:
            self.app = handler
            self.server_args: dict[str, Any] = {}

    class Connection:  # simple-websocket's, as far as the bound on received messages uses it
        def __init__(self) -> None:
            self.input_buffer: list[Any] = []
            self.connected = True

    websocket = guard._checked_websocket(Driver, 1024)(lambda ws: None, object())
    connection = Connection()
    connection.input_buffer = guard._BoundedInput(connection, 1024)
    refs = [weakref.ref(websocket), weakref.ref(connection)]
    gc.disable()
    try:
        del websocket, connection
        assert [ref() for ref in refs] == [None, None]
    finally:
        gc.enable()
