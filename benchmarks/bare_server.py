"""The floor: a bare python-socketio server with only KoersKaart's hot path (no Flask, no database).

Run by ``benchmarks/burst.py --compare-bare``; on its own:

    python benchmarks/bare_server.py --port 5055 --players 6 [--mode gevent] [--ws simple|installed]
    python benchmarks/bare_server.py --port 5056 --players 6 --redis-url redis://127.0.0.1:6379/0

With ``--redis-url`` (several processes, as ``burst.py --processes 2 --compare-bare`` runs
it) rooms go through python-socketio's ``RedisManager`` on that Redis, the queue the app
uses, and the tables live in Redis instead of this process: a table's players are split
across the processes, so each answer is one atomic Lua script (check the card, store the
answer, count, and on the last answer mark the round revealed and return the answers), the
cheapest shared state that still reveals exactly once.

It speaks the same events on the same namespace as the real server, so the same load
generator drives both:

- connect with ``auth={"table": id, "as": "seat"|"screen", "seat": id}``: joins the room
  ``table:<id>`` and gets ``table_joined``. Nothing is checked (no cookie, no key).
- ``start_game`` / ``next_card``: open the next card; ``table_updated`` to the room.
- ``submit_answer``: counts the answer, ``answer_count_changed`` to the room, and when
  all ``--players`` have answered, ``table_updated`` with reason ``round_revealed``;
  then acknowledges ``{"ok": true, "card_index": i}`` (emits before the ack, like the app).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

# KEYS: the table's hash (card, status) and its answers' hash; ARGV: card, seat, value, players.
SUBMIT = """
local card = tonumber(redis.call('HGET', KEYS[1], 'card') or '-1')
if card ~= tonumber(ARGV[1]) then return {'not_current_card'} end
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return {'round_closed'} end
local new = redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
local n = redis.call('HLEN', KEYS[2])
if n >= tonumber(ARGV[4]) then
  redis.call('HSET', KEYS[1], 'status', 'revealed')
  return {'', new, n, redis.call('HVALS', KEYS[2])}
end
return {'', new, n}
"""
OPEN_NEXT = """
local card = tonumber(redis.call('HGET', KEYS[1], 'card') or '-1') + 1
redis.call('HSET', KEYS[1], 'card', card, 'status', 'open')
redis.call('DEL', KEYS[2])
return card
"""
VIEW = """
local card = tonumber(redis.call('HGET', KEYS[1], 'card') or '-1')
local status = redis.call('HGET', KEYS[1], 'status') or 'lobby'
local n = redis.call('HLEN', KEYS[2])
if status == 'revealed' then return {card, status, n, redis.call('HVALS', KEYS[2])} end
return {card, status, n}
"""


class MemoryTables:
    """One process: the tables in a dict."""

    def __init__(self, players: int) -> None:
        self.players = players
        self.tables: dict[str, dict[str, Any]] = {}

    def _table(self, table_id: str) -> dict[str, Any]:
        return self.tables.setdefault(table_id, {"card_index": -1, "status": "lobby", "answers": {}})

    def view(self, table_id: str) -> tuple[int, str, int, list[Any] | None]:
        t = self._table(table_id)
        values = list(t["answers"].values()) if t["status"] == "revealed" else None
        return t["card_index"], t["status"], len(t["answers"]), values

    def open_next(self, table_id: str) -> None:
        t = self._table(table_id)
        t["card_index"] += 1
        t["status"] = "open"
        t["answers"] = {}

    def submit(
        self, table_id: str, seat: str, card: int, value: Any
    ) -> tuple[str, bool, int, list[Any] | None]:
        """(error or "", new answer?, answers now, all values when this answer revealed the round)."""
        t = self._table(table_id)
        if card != t["card_index"]:
            return "not_current_card", False, 0, None
        if t["status"] != "open":
            return "round_closed", False, 0, None
        new = seat not in t["answers"]
        t["answers"][seat] = value
        if len(t["answers"]) >= self.players:
            t["status"] = "revealed"
            return "", new, len(t["answers"]), list(t["answers"].values())
        return "", new, len(t["answers"]), None


class RedisTables:
    """Several processes: the tables in Redis, each change one Lua script (atomic)."""

    def __init__(self, players: int, url: str) -> None:
        import redis

        self.players = players
        # Bounded: a burst of 2,000 answers must not open 2,000 connections.
        pool = redis.BlockingConnectionPool.from_url(url, max_connections=32, timeout=30)
        self.client = redis.Redis(connection_pool=pool)
        self._submit = self.client.register_script(SUBMIT)
        self._open_next = self.client.register_script(OPEN_NEXT)
        self._view = self.client.register_script(VIEW)

    @staticmethod
    def _keys(table_id: str) -> list[str]:
        return [f"bare:{table_id}", f"bare:{table_id}:answers"]

    def view(self, table_id: str) -> tuple[int, str, int, list[Any] | None]:
        card, status, n, *rest = self._view(keys=self._keys(table_id))
        values = [json.loads(v) for v in rest[0]] if rest else None
        return int(card), status.decode(), int(n), values

    def open_next(self, table_id: str) -> None:
        self._open_next(keys=self._keys(table_id))

    def submit(
        self, table_id: str, seat: str, card: int, value: Any
    ) -> tuple[str, bool, int, list[Any] | None]:
        args = [card, seat, json.dumps(value), self.players]
        error, *rest = self._submit(keys=self._keys(table_id), args=args)
        if error:
            return error.decode(), False, 0, None
        values = [json.loads(v) for v in rest[2]] if len(rest) > 2 else None
        return "", bool(rest[0]), int(rest[1]), values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--players", type=int, required=True, help="seats per table: reveal when all answered"
    )
    parser.add_argument(
        "--mode", default=os.environ.get("KOERSKAART_ASYNC_MODE", "gevent"), choices=("gevent", "eventlet")
    )
    parser.add_argument(
        "--ws",
        default="simple",
        choices=("simple", "installed"),
        help="simple: force simple-websocket (what `pip install .` gives); "
        "installed: whatever engine.io picks in this venv",
    )
    parser.add_argument(
        "--tcp-nodelay",
        action="store_true",
        help="set TCP_NODELAY on the listener (accepted sockets inherit it on Linux)",
    )
    parser.add_argument(
        "--redis-url", help="several processes: rooms through socketio.RedisManager, tables in this Redis"
    )
    args = parser.parse_args(argv)

    if args.ws == "simple":
        sys.modules["geventwebsocket"] = None  # type: ignore[assignment]  # engine.io falls back
    if args.mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    else:
        import eventlet

        eventlet.monkey_patch()

    import socketio

    queue = {"client_manager": socketio.RedisManager(args.redis_url)} if args.redis_url else {}
    sio = socketio.Server(
        async_mode=args.mode,
        ping_interval=10,  # the same engine.io settings as the app
        ping_timeout=20,
        max_http_buffer_size=64 * 1024,
        logger=False,
        engineio_logger=False,
        **queue,
    )
    players = args.players
    ns = "/play"
    store = RedisTables(players, args.redis_url) if args.redis_url else MemoryTables(players)
    sockets: dict[str, tuple[str, str | None]] = {}  # sid -> (table, seat)

    def snapshot(
        table_id: str, reason: str, view: tuple[int, str, int, list[Any] | None] | None = None
    ) -> dict:
        card_index, status, answered, values = view or store.view(table_id)
        result = None
        if values is not None:
            counts = [0, 0, 0, 0, 0]
            for value in values:
                if isinstance(value, int) and 1 <= value <= 5:
                    counts[value - 1] += 1
            result = {"n": len(values), "counts": counts, "texts": []}
        return {
            "reason": reason,
            "status": "playing" if card_index >= 0 else "lobby",
            "card_index": card_index,
            "server_time": time.time(),
            "round": {
                "card_index": card_index,
                "status": status,
                "answered": answered if status == "open" else None,
                "total": players,
                "result": result,
            },
        }

    @sio.on("connect", namespace=ns)
    def connect(sid, environ, auth):
        auth = auth if isinstance(auth, dict) else {}
        table_id = auth.get("table")
        if not isinstance(table_id, str):
            raise socketio.exceptions.ConnectionRefusedError("not_authenticated")
        seat = auth.get("seat") if auth.get("as") == "seat" else None
        sockets[sid] = (table_id, seat)
        sio.enter_room(sid, f"table:{table_id}", namespace=ns)
        you = {"role": "seat" if seat else "screen", "seat_id": seat, "my_answer": None}
        sio.emit(
            "table_joined",
            {"you": you, "join": None, "table": snapshot(table_id, "state")},
            to=sid,
            namespace=ns,
        )

    @sio.on("disconnect", namespace=ns)
    def disconnect(sid, *_args):
        sockets.pop(sid, None)

    def open_next(sid: str, reason: str) -> dict:
        table_id, seat = sockets.get(sid, (None, None))
        if not seat:
            return {"ok": False, "error": "not_authenticated"}
        store.open_next(table_id)
        sio.emit("table_updated", snapshot(table_id, reason), to=f"table:{table_id}", namespace=ns)
        return {"ok": True}

    @sio.on("start_game", namespace=ns)
    def start_game(sid, _data=None):
        return open_next(sid, "game_started")

    @sio.on("next_card", namespace=ns)
    def next_card(sid, _data=None):
        return open_next(sid, "round_opened")

    @sio.on("submit_answer", namespace=ns)
    def submit_answer(sid, data=None):
        table_id, seat = sockets.get(sid, (None, None))
        if not seat:
            return {"ok": False, "error": "not_authenticated"}
        if not isinstance(data, dict) or "card_index" not in data or "value" not in data:
            return {"ok": False, "error": "invalid_payload"}
        card = data["card_index"]
        if not isinstance(card, int):
            return {"ok": False, "error": "invalid_payload"}
        error, new, answered, values = store.submit(table_id, seat, card, data["value"])
        if error:
            return {"ok": False, "error": error}
        room = f"table:{table_id}"
        if new:  # (the floor also counts the answer that completes the round; the app does not)
            count = {"card_index": card, "answered": answered, "total": players}
            sio.emit("answer_count_changed", count, to=room, namespace=ns)
        if values is not None:  # this answer completed the round
            view = (card, "revealed", answered, values)
            sio.emit("table_updated", snapshot(table_id, "round_revealed", view), to=room, namespace=ns)
        return {"ok": True, "card_index": card}

    def health(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"bare"]

    app = socketio.WSGIApp(sio, health)
    print(f"bare server on http://{args.host}:{args.port} (mode {args.mode}, players {players})", flush=True)
    if args.mode == "gevent":
        import socket

        from gevent import pywsgi

        listener = socket.socket()  # gevent's, after patching
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if args.tcp_nodelay:
            listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        listener.bind((args.host, args.port))
        listener.listen(128)  # pywsgi's default backlog
        options: dict = {"log": None}
        try:
            from geventwebsocket.handler import WebSocketHandler
        except ImportError:
            pass
        else:
            options["handler_class"] = WebSocketHandler
        pywsgi.WSGIServer(listener, app, **options).serve_forever()
    else:
        import socket

        import eventlet
        import eventlet.wsgi

        listener = eventlet.listen((args.host, args.port))
        if args.tcp_nodelay:
            listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        eventlet.wsgi.server(listener, app, log_output=False, max_size=10_000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
