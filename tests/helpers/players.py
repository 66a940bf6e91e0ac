"""Phones in-process: each its own Flask test client (cookies) and Flask-SocketIO test client."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient

from koerskaart.extensions import socketio
from koerskaart.live.counts import counts


def counts_sent(timeout: float = 2.0) -> None:
    """Wait until no "x of N answered" count is waiting to be sent (``live/counts.py``): a count
    goes out up to ``COUNT_COALESCE_MS`` after its answer, from a background task."""
    deadline = time.monotonic() + timeout
    while not counts.idle():
        assert time.monotonic() < deadline, f"a count was still waiting after {timeout} s"
        time.sleep(0.002)


class Player:
    """One phone: its own cookie jar and its own socket."""

    def __init__(self, app: Flask, http: FlaskClient, table_id: str) -> None:
        self.app = app
        self.http = http
        self.table_id = table_id
        self.sock: SocketIOTestClient = socketio.test_client(
            app, namespace="/play", auth={"table": table_id, "as": "seat"}, flask_test_client=http
        )
        assert self.sock.is_connected("/play"), "seat socket was refused"
        joined = self.events("table_joined")
        assert joined, "no table_joined after connect"
        self.joined: dict[str, Any] = joined[-1]
        self.seat_id: str = self.joined["you"]["seat_id"]

    def events(self, name: str | None = None) -> list[Any]:
        """Payloads received since the last call (all names, or one)."""
        # Read the queue directly: get_received() refuses once the server has disconnected us.
        # Taken item by item, in place: a count may be appended by a background task meanwhile.
        queue = self.sock.queue
        taken = [queue.pop(0) for _ in range(len(queue))]
        received = [pkt for pkt in taken if pkt["namespace"] == "/play"]
        queue[:0] = [pkt for pkt in taken if pkt["namespace"] != "/play"]
        self._backlog = getattr(self, "_backlog", []) + received
        if name is None:
            out, self._backlog = self._backlog, []
            return [(item["name"], item["args"][0] if item["args"] else None) for item in out]
        out = [item["args"][0] for item in self._backlog if item["name"] == name]
        self._backlog = [item for item in self._backlog if item["name"] != name]
        return out

    def send(self, event: str, payload: Any = None) -> dict[str, Any]:
        ack = self.sock.emit(event, payload if payload is not None else {}, namespace="/play", callback=True)
        assert isinstance(ack, dict), ack
        return ack

    def answer(self, card_index: int, value: Any) -> dict[str, Any]:
        return self.send("submit_answer", {"card_index": card_index, "value": value})

    def answered(self) -> int | None:
        """The latest "x of N answered" this phone was told, from counts or snapshots, once the
        counts waiting to be sent have gone out."""
        counts_sent()
        latest = None
        for name, payload in self.events():
            if name == "answer_count_changed":
                latest = payload["answered"]
            elif name == "table_updated" and payload["round"]:
                latest = payload["round"]["answered"]
        return latest

    def last_state(self) -> dict[str, Any]:
        updates = self.events("table_updated")
        return updates[-1] if updates else self.joined["table"]


def start_table(app: Flask, nickname: str | None = "Host") -> Player:
    http = app.test_client()
    response = http.post("/tables", data={"deck": "proefdeck", "nickname": nickname or ""})
    assert response.status_code == 302, response.data[:500]
    table_id = response.headers["Location"].rsplit("/", 1)[-1]
    return Player(app, http, table_id)


def join(app: Flask, code: str, nickname: str | None = None) -> Player:
    http = app.test_client()
    response = http.post("/join", data={"code": code, "nickname": nickname or ""})
    assert response.status_code == 302, response.data[:500]
    table_id = response.headers["Location"].rsplit("/", 1)[-1]
    return Player(app, http, table_id)


def full_table(app: Flask, players: int = 6) -> list[Player]:
    """A host and ``players - 1`` guests, seated and with their backlogs drained."""
    host = start_table(app)
    code = host.joined["join"]["code"]
    guests = [join(app, code, f"P{i}") for i in range(1, players)]
    seated = [host, *guests]
    for player in seated:
        player.events()
    return seated
