"""`python -m koerskaart serve`: the server, in the async mode the environment asks for.

Monkey patching must happen before anything else imports the standard library's
socket and threading modules, so it happens here, first. This is the only module
that knows which async mode runs: the rest of the code never calls gevent or eventlet.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import threading
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


def _server_log() -> logging.Logger:
    """Where the web server's own lines go: one short line each, addresses coarsened (rule 8).

    Every server below would otherwise write a malformed request's line (paths carry table
    ids; a mistyped URL may carry a join code), the client's full address, and tracebacks.
    """
    from .live.logs import quiet

    return quiet("koerskaart.server")


def _report(log: logging.Logger, exc_type: object) -> None:
    """Instead of a printed traceback (whose text may quote a payload): the failure's type."""
    log.error("a task failed: %s", getattr(exc_type, "__name__", "unknown"))


def quiet_failures(mode: str) -> logging.Logger:
    """Failed tasks in one line each, instead of printed tracebacks; also for gunicorn (wsgi.py).

    A traceback's text may quote a payload, and gevent prints the failed request's environ
    (the client's address) with it. Returns the server's log.
    """
    log = _server_log()
    # A thread's uncaught exception (threading mode runs each event in one): Python prints it.
    threading.excepthook = lambda hook: _report(log, hook.exc_type)
    if mode == "gevent":
        import gevent

        # A failed request or greenlet. (gevent documents replacing this on the hub instance.)
        hub: Any = gevent.get_hub()
        hub.print_exception = lambda _context, exc_type, _value, _tb: _report(log, exc_type)
    elif mode == "eventlet":
        import eventlet.hubs

        green: Any = eventlet.hubs.get_hub()  # a failed greenthread
        green.squelch_generic_exception = lambda exc_info: _report(log, exc_info[0])
        green.squelch_timer_exception = lambda _timer, exc_info: _report(log, exc_info[0])
    return log


def _serve_gevent(app: Any, listener: socket.socket) -> None:
    from gevent import pywsgi

    from .live.logs import coarse_address

    log = _server_log()
    base: Any = pywsgi.WSGIHandler
    try:  # as Flask-SocketIO's own run(): gevent-websocket's handler only when it is installed
        from geventwebsocket.handler import WebSocketHandler

        base = WebSocketHandler
    except ImportError:  # WebSockets then come from simple-websocket
        pass

    class Handler(base):  # type: ignore[misc]
        def log_error(self, msg: str, *args: Any) -> None:  # gevent's quotes the request line
            address = self.client_address[0] if isinstance(self.client_address, tuple) else None
            log.warning("refused a malformed HTTP request from %s", coarse_address(address))

        def _handle_client_error(self, ex: BaseException) -> Any:  # gevent's hook for bad requests
            # gevent prints a traceback for a client error that is no ValueError.
            return super()._handle_client_error(ex if isinstance(ex, ValueError) else ValueError())

    # log=None: no access log, since request lines carry table ids (rule 8).
    server = pywsgi.WSGIServer(listener, app, log=None, error_log=log, handler_class=Handler)
    server.serve_forever()


def _serve_eventlet(app: Any, listener: socket.socket) -> None:
    import eventlet.wsgi

    from .live.logs import coarse_address

    log = _server_log()

    class Protocol(eventlet.wsgi.HttpProtocol):  # type: ignore[misc]
        """The standard library's request handler writes the address and request line to stderr."""

        def log_message(self, format: str, *args: Any) -> None:  # also every request's access line
            pass

        def log_error(self, format: str, *args: Any) -> None:
            address = self.client_address[0] if isinstance(self.client_address, tuple) else None
            log.warning("refused a malformed HTTP request from %s", coarse_address(address))

    # max_size: eventlet's default of 1,024 connections is one conference too few.
    # debug=False: eventlet would send a failed request's traceback to the client.
    eventlet.wsgi.server(listener, app, log_output=False, max_size=10_000, debug=False, protocol=Protocol)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m koerskaart")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the web and Socket.IO server")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    args = parser.parse_args(argv)

    mode = os.environ.get("KOERSKAART_ASYNC_MODE", "gevent")
    _patch(mode)

    from . import create_app, heap
    from .extensions import socketio
    from .schema import upgrade_once

    app = create_app()
    if app.config["MIGRATE_AT_START"]:  # KOERSKAART_MIGRATE=0: a release step migrates once
        with app.app_context():
            upgrade_once()  # the schema follows the code; a no-op when the database is current
    heap.settle()  # no long GC pauses while serving: see koerskaart/heap.py
    # gevent and eventlet get our own listening socket (socketio.run cannot take one);
    # threading, for development, stays with Werkzeug through socketio.run.
    listener = _listener(args.host, args.port) if mode in ("gevent", "eventlet") else None
    print(f"KoersKaart is running on http://{args.host}:{args.port}  (async mode: {mode}; Ctrl+C stops)")
    sys.stdout.flush()
    quiet_failures(mode)
    if listener is None:
        from .live.logs import quiet

        quiet("werkzeug")  # Werkzeug's error lines start with the client's address
        socketio.run(app, host=args.host, port=args.port, log_output=False, allow_unsafe_werkzeug=True)
    elif mode == "gevent":
        _serve_gevent(app, listener)
    else:
        _serve_eventlet(app, listener)
    return 0


if __name__ == "__main__":
    sys.exit(main())
