"""Liveness and readiness for a load balancer: `/healthz` and `/readyz`.

`/healthz` says the process answers, and does no I/O: restart the process if it fails.
`/readyz` says the process can take players: the database answers and its schema is at
this code's migration head (or a later release's, see `koerskaart/schema.py`), the decks are
loaded, and Redis answers when it carries the Socket.IO messages. A load balancer sends new
connections only to a ready process (`deploy/haproxy.cfg`).

Both answer small JSON with nothing about players or the installation, are never cached,
never rate limited (a limit would let a load balancer mark a healthy process down) and
never logged per probe (the server writes no access log; a change of readiness is one line).
`/readyz` keeps its answer for HEALTH_CACHE_SECONDS and runs one check at a time (the probes
that come meanwhile wait for its answer), so a flood of probes costs at most one database
check and one Redis PING a second.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify

from .extensions import db, limiter
from .live import decks
from .schema import Schema, revisions, state

bp = Blueprint("health", __name__)
_KEY = "koerskaart.readiness"

OK = "ok"
UNREACHABLE = "unreachable"
UNUSED = "unused"
CHECKS = ("database", "schema", "decks", "redis")
WAIT_SECONDS = 2.0  # a load balancer's check gives up about then (deploy/haproxy.cfg)
PASS = (OK, UNUSED, Schema.NEWER.value)  # the outcomes a ready process may report


@dataclass
class _Readiness:
    """One app's last answer, and the lock that lets one probe at a time check afresh."""

    lock: threading.Lock = field(default_factory=threading.Lock)  # a greenlet lock under gevent
    checks: dict[str, str] | None = None
    ready: bool = False
    expires: float = 0.0


def _database() -> tuple[str, str]:
    """(database, schema): whether the database answers, and where its schema stands."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with db.engine.connect() as connection:
            return OK, state(connection, revisions()).value
    except SQLAlchemyError:  # refused, timed out, or gone: the message may name the host
        return UNREACHABLE, "unknown"


def _redis(url: str | None) -> str:
    if not url:
        return UNUSED  # one process: Socket.IO keeps its rooms in memory
    import redis

    try:
        # A short-lived connection: a probe a second at most, and nothing left open between.
        with redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1) as client:
            client.ping()
    except (redis.RedisError, OSError):
        return UNREACHABLE
    return OK


def readiness(app: Flask) -> tuple[bool, dict[str, str]]:
    """Check afresh: (ready, {check: outcome}) for the database, its schema, the decks and Redis."""
    database, schema = _database()
    checks = {
        "database": database,
        "schema": schema,
        "decks": OK if app.extensions.get(decks.EXTENSION_KEY) else "none",
        "redis": _redis(app.config["REDIS_URL"]),
    }
    return all(outcome in PASS for outcome in checks.values()), checks


def _cached(app: Flask) -> tuple[bool, dict[str, str]]:
    memo: _Readiness = app.extensions[_KEY]
    if memo.checks is not None and time.monotonic() < memo.expires:
        return memo.ready, memo.checks
    # One check at a time; the probes that come meanwhile wait for its answer, a while. A
    # check that takes longer (a database that does not answer) says enough: not ready.
    if not memo.lock.acquire(timeout=WAIT_SECONDS):
        return False, dict.fromkeys(CHECKS, "checking")
    try:
        if memo.checks is not None and time.monotonic() < memo.expires:
            return memo.ready, memo.checks  # checked while this probe waited
        ready, checks = readiness(app)
        # One line when readiness changes, and when a process starts out not ready.
        if ready != (memo.ready if memo.checks is not None else True):
            failed = ", ".join(f"{name} {outcome}" for name, outcome in checks.items() if outcome not in PASS)
            app.logger.warning("ready again" if ready else f"not ready: {failed}")
        memo.ready, memo.checks = ready, checks
        memo.expires = time.monotonic() + app.config["HEALTH_CACHE_SECONDS"]
        return ready, checks
    finally:
        memo.lock.release()


def _answer(body: dict[str, Any], status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz() -> Response:
    return _answer({"status": "ok"}, 200)


@bp.get("/readyz")
def readyz() -> Response:
    ready, checks = _cached(current_app._get_current_object())  # type: ignore[attr-defined]
    return _answer({"status": "ready" if ready else "not ready", "checks": checks}, 200 if ready else 503)


def init_app(app: Flask) -> None:
    app.extensions[_KEY] = _Readiness()
    app.register_blueprint(bp)
    limiter.exempt(bp)
