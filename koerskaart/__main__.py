"""`python -m koerskaart serve`: the server, in the async mode the environment asks for.

Monkey patching must happen before anything else imports the standard library's
socket and threading modules, so it happens here, first.
"""

from __future__ import annotations

import argparse
import os
import sys


def _patch(mode: str) -> None:
    if mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    elif mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()


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

    from . import create_app
    from .extensions import socketio

    app = create_app()
    with app.app_context():
        upgrade()  # the schema follows the code; a no-op when the database is current
    options: dict[str, object] = {"log_output": False}  # rule 8: request lines carry table ids and codes
    if mode == "eventlet":
        options["max_size"] = 10_000  # eventlet's default of 1,024 connections is one conference too few
    if mode == "threading":
        options["allow_unsafe_werkzeug"] = True
    print(f"KoersKaart is running on http://{args.host}:{args.port}  (async mode: {mode}; Ctrl+C stops)")
    sys.stdout.flush()
    socketio.run(app, host=args.host, port=args.port, **options)  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
