"""`python -m koerskaart serve`: the server, in the async mode the environment asks for.

Monkey patching must happen before anything else imports the standard library's
socket and threading modules, so it happens here, first. This is the only module
that knows which async mode runs: the rest of the code never calls gevent or eventlet.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from typing import Any

# After a restart every phone reconnects at once (2,000 at a conference): the default
# backlogs (gevent 128, eventlet 50) would drop SYNs and add seconds of retries.
# The kernel caps it at net.core.somaxconn.
LISTEN_BACKLOG = 4096


def _patch(mode: str) -> None:
    if mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    elif mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()


def _listener(host: str, port: int) -> socket.socket:
    """A listening socket (green, after patching) with TCP_NODELAY and a deep backlog.

    Accepted sockets inherit TCP_NODELAY on Linux. Without it, engine.io's small
    frames to one socket (a count, then the ack) meet Nagle's algorithm and the
    client's delayed ACK: about 40 ms per event (docs/performance.md).
    """
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    sock = socket.create_server((host, port), family=family, backlog=LISTEN_BACKLOG)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _serve_gevent(app: Any, listener: socket.socket) -> None:
    from gevent import pywsgi

    options: dict[str, Any] = {"log": None}  # rule 8: request lines carry table ids and codes
    try:  # as Flask-SocketIO's own run(): gevent-websocket's handler only when it is installed
        from geventwebsocket.handler import WebSocketHandler

        options["handler_class"] = WebSocketHandler
    except ImportError:  # WebSockets then come from simple-websocket
        pass
    pywsgi.WSGIServer(listener, app, **options).serve_forever()


def _serve_eventlet(app: Any, listener: socket.socket) -> None:
    import eventlet.wsgi

    # max_size: eventlet's default of 1,024 connections is one conference too few.
    eventlet.wsgi.server(listener, app, log_output=False, max_size=10_000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m koerskaart")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the web and Socket.IO server")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    args = parser.parse_args(argv)

    mode = os.environ.get("KOERSKAART_ASYNC_MODE", "gevent")
    _patch(mode)

    from flask_migrate import upgrade

    from . import create_app, heap
    from .extensions import socketio

    app = create_app()
    with app.app_context():
        upgrade()  # the schema follows the code; a no-op when the database is current
    heap.settle()  # no long GC pauses while serving: see koerskaart/heap.py
    # gevent and eventlet get our own listening socket (socketio.run cannot take one);
    # threading, for development, stays with Werkzeug through socketio.run.
    listener = _listener(args.host, args.port) if mode in ("gevent", "eventlet") else None
    print(f"KoersKaart is running on http://{args.host}:{args.port}  (async mode: {mode}; Ctrl+C stops)")
    sys.stdout.flush()
    if listener is None:
        socketio.run(app, host=args.host, port=args.port, log_output=False, allow_unsafe_werkzeug=True)
    elif mode == "gevent":
        _serve_gevent(app, listener)
    else:
        _serve_eventlet(app, listener)
    return 0


if __name__ == "__main__":
    sys.exit(main())
