"""KoersKaart: a reflection card game for public-sector teams, played together on phones.

This module imports nothing heavy at import time: `python -m koerskaart serve` must
monkey-patch (gevent, eventlet) before Flask and its extensions load the socket,
ssl and threading modules, and the package runs before its ``__main__``.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.engine import Engine

    from .config import Config


def _sqlite_pragmas(engine: Engine) -> None:
    """WAL so readers never wait for the writer; secure_delete so deleted answer links are overwritten."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",  # a killed process loses nothing committed in WAL mode
            "foreign_keys=ON",
            "secure_delete=ON",
            "busy_timeout=5000",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()


def create_app(config: type[Config] | dict[str, Any] | None = None) -> Flask:
    """The application factory: one app per call, every extension bound with init_app."""
    from flask import Flask

    from .config import ROOT, Config
    from .extensions import babel, csrf, db, limiter, migrate, socketio
    from .i18n import select_locale

    app = Flask(__name__, instance_path=str(ROOT / "instance"))
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)

    _quiet_logs()
    app.log_exception = _log_exception.__get__(app)  # type: ignore[method-assign]
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _sqlite_pragmas(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    limiter.init_app(app)

    from . import analytics, auth, conference, headers, health, markdown, models, play, reports, studio  # noqa: F401
    from .content import load_bundled
    from .live import decks
    from .live.drops import client_manager

    decks.install(app.extensions, load_bundled(Path(d) for d in app.config["DECK_DIRS"]))
    # The composition root: the only module that knows every feature.
    markdown.init_app(app)  # the inline_md / block_md / plain_md template filters for deck text
    play.init_app(app)  # joining and playing: pages and the /play namespace
    auth.init_app(app)  # Flask-Login, the account pages and `flask users`
    reports.init_app(app)  # team summaries, share links and `flask retention`
    conference.init_app(app)  # events: seating, the dashboard, the big screen (/conference)
    studio.init_app(app)  # an organisation's own decks: drafts, published versions (issue 13)
    analytics.init_app(app)  # uptake: units, requests, the dashboard and its API (issue 14)
    headers.init_app(app)  # CSP, no framing, no sniffing, no caching of pages (koerskaart/headers.py)
    health.init_app(app)  # /healthz and /readyz for a load balancer (koerskaart/health.py)

    from .live import guard
    from .live.rooms import CONFERENCE_NAMESPACE, PLAY_NAMESPACE

    queue = client_manager(app.config["REDIS_URL"])  # Redis, with a room-wide disconnect
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        # Always passed: Flask-SocketIO keeps its options between init_app calls, and an
        # earlier app's Redis manager would otherwise serve the next app (None: in memory).
        client_manager=queue,
        max_http_buffer_size=app.config["MAX_TRANSPORT_BYTES"],
        ping_interval=10,  # notice a vanished phone within ~30 s
        ping_timeout=20,
        # Served namespaces only (those with handlers are always served); the default adds
        # "/", which anyone may join without credentials.
        namespaces=[PLAY_NAMESPACE, CONFERENCE_NAMESPACE],  # type: ignore[call-arg]  # a python-socketio option the stubs lack
        # Their warnings and errors in short lines without addresses or tracebacks (rule 8).
        logger=guard.log,
        engineio_logger=guard.log,
    )
    guard.install(socketio.server, app.config)  # type: ignore[attr-defined]  # set by init_app
    guard.claim_path(app)  # no routing NotFound (and its cyclic garbage) per Socket.IO event

    if os.environ.get("KOERSKAART_PROXY_FIX") == "1":
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Outermost, around Socket.IO too: its per-address limits count the forwarded address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    from .cli import decks_cli, register_cli
    from .studio.cli import import_command

    decks_cli.add_command(import_command)  # `flask decks import`: the studio's, under the core's group
    register_cli(app)
    _error_pages(app)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {"current_lang": select_locale(), "languages": app.config["LANGUAGES"]}

    return app


def _error_pages(app: Flask) -> None:
    from flask import render_template

    def page(code: int) -> Any:
        def handler(_error: Exception) -> tuple[str, int]:
            return render_template(f"errors/{code}.html"), code

        return handler

    for code in (400, 404, 429, 500):
        app.register_error_handler(code, page(code))


def _log_exception(app: Flask, exc_info: Any) -> None:
    """A server error, logged by endpoint, type and frames (rule 8).

    Flask's own line names the path, which can carry a share token or a table id, and the
    exception's message can quote what a player typed; the frames say where it failed.
    """
    import traceback

    from flask import request

    exc_type, _exc, tb = exc_info
    frames = "".join(traceback.format_tb(tb))
    name = exc_type.__name__ if exc_type is not None else "error"
    app.logger.error("Exception on %s [%s]: %s\n%s", request.endpoint, request.method, name, frames)


def _quiet_logs() -> None:
    """Rule 8: no answers, codes or tokens in logs, so no request lines either (paths carry ids)."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("engineio").setLevel(logging.WARNING)
    logging.getLogger("socketio").setLevel(logging.WARNING)
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)  # its "exceeded" line names the address
