"""The floor: a bare python-socketio server with only KoersKaart's hot path (no Flask, no database).

Run by ``benchmarks/burst.py --compare-bare``; on its own:

    python benchmarks/bare_server.py --port 5055 --players 6 [--mode gevent] [--ws simple|installed]

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
import os
import sys
import time


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

    sio = socketio.Server(
        async_mode=args.mode,
        ping_interval=10,  # the same engine.io settings as the app
        ping_timeout=20,
        max_http_buffer_size=64 * 1024,
        logger=False,
        engineio_logger=False,
    )
    players = args.players
    ns = "/play"
    tables: dict[str, dict] = {}
    sockets: dict[str, tuple[str, str | None]] = {}  # sid -> (table, seat)

    def snapshot(table_id: str, reason: str) -> dict:
        t = tables[table_id]
        result = None
        if t["status"] == "revealed":
            counts = [0, 0, 0, 0, 0]
            for value in t["answers"].values():
                if isinstance(value, int) and 1 <= value <= 5:
                    counts[value - 1] += 1
            result = {"n": len(t["answers"]), "counts": counts, "texts": []}
        return {
            "reason": reason,
            "status": "playing" if t["card_index"] >= 0 else "lobby",
            "card_index": t["card_index"],
            "server_time": time.time(),
            "round": {
                "card_index": t["card_index"],
                "status": t["status"],
                "answered": len(t["answers"]) if t["status"] == "open" else None,
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
        tables.setdefault(table_id, {"card_index": -1, "status": "lobby", "answers": {}})
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
        t = tables[table_id]
        t["card_index"] += 1
        t["status"] = "open"
        t["answers"] = {}
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
        t = tables[table_id]
        if data["card_index"] != t["card_index"]:
            return {"ok": False, "error": "not_current_card"}
        if t["status"] != "open":
            return {"ok": False, "error": "round_closed"}
        changed = seat in t["answers"]
        t["answers"][seat] = data["value"]
        room = f"table:{table_id}"
        if not changed:
            count = {"card_index": t["card_index"], "answered": len(t["answers"]), "total": players}
            sio.emit("answer_count_changed", count, to=room, namespace=ns)
        if len(t["answers"]) >= players:
            t["status"] = "revealed"
            sio.emit("table_updated", snapshot(table_id, "round_revealed"), to=room, namespace=ns)
        return {"ok": True, "card_index": t["card_index"]}

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
