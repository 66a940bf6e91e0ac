"""/healthz and /readyz: what a load balancer asks a process before it sends players to it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from werkzeug.test import TestResponse

from koerskaart import create_app
from koerskaart.config import TestingConfig
from koerskaart.extensions import db
from koerskaart.live import decks
from koerskaart.schema import revisions
from tests.helpers.infra import free_port, redis_server

CHECKS = {"database", "schema", "decks", "redis"}


def stamp(revision: str) -> None:
    """Record ``revision`` in alembic_version, as `flask db upgrade` or `db stamp` would."""
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32))"))
        connection.execute(text("DELETE FROM alembic_version"))
        connection.execute(text("INSERT INTO alembic_version VALUES (:rev)"), {"rev": revision})


def head() -> str:
    (only,) = revisions().heads
    return only


def probe(client: FlaskClient, path: str = "/readyz") -> TestResponse:
    response = client.get(path)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "application/json"
    assert "Set-Cookie" not in response.headers  # no session, no language cookie: nothing of anyone
    return response


@pytest.fixture
def fresh(app: Flask) -> Flask:
    """The in-memory app, checked afresh on every probe."""
    app.config["HEALTH_CACHE_SECONDS"] = 0
    return app


def test_healthz_answers_without_touching_the_database(fresh: Flask) -> None:
    db.session.remove()
    db.drop_all()  # not even a schema: liveness is about the process alone
    response = probe(fresh.test_client(), "/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_ready_when_the_schema_is_at_the_head(fresh: Flask) -> None:
    stamp(head())
    response = probe(fresh.test_client())
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "checks": {"database": "ok", "schema": "ok", "decks": "ok", "redis": "unused"},
    }


def test_not_ready_without_migrations_or_behind_the_head(fresh: Flask) -> None:
    client = fresh.test_client()
    response = probe(client)  # tables from create_all, but no alembic_version: never migrated
    assert response.status_code == 503
    assert response.get_json()["checks"]["schema"] == "behind"

    older = sorted(revisions().known - revisions().heads)[0]
    stamp(older)
    response = probe(client)
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "not ready"
    assert body["checks"] == {"database": "ok", "schema": "behind", "decks": "ok", "redis": "unused"}


def test_a_later_release_s_schema_keeps_the_old_processes_ready(fresh: Flask) -> None:
    """The release step migrates before the old processes stop: they must not all drop out."""
    stamp("0123456789ab")  # a revision this code does not know
    response = probe(fresh.test_client())
    assert response.status_code == 200
    assert response.get_json()["checks"]["schema"] == "newer"


def test_not_ready_without_decks(fresh: Flask) -> None:
    stamp(head())
    decks.install(fresh.extensions, {})
    response = probe(fresh.test_client())
    assert response.status_code == 503
    assert response.get_json()["checks"]["decks"] == "none"


@pytest.fixture
def unreachable_database() -> Iterator[Flask]:
    class Unreachable(TestingConfig):
        # Nothing listens on the port: the connection is refused at once.
        SQLALCHEMY_DATABASE_URI = f"postgresql+psycopg://kk@127.0.0.1:{free_port()}/koerskaart"
        HEALTH_CACHE_SECONDS = 0

    app = create_app(Unreachable)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_not_ready_when_the_database_does_not_answer(unreachable_database: Flask) -> None:
    client = unreachable_database.test_client()
    assert probe(client, "/healthz").status_code == 200  # alive all the same: no restart needed
    response = probe(client)
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "not ready",
        "checks": {"database": "unreachable", "schema": "unknown", "decks": "ok", "redis": "unused"},
    }


def _app_with_redis(url: str) -> Flask:
    class Queued(TestingConfig):
        REDIS_URL = url
        HEALTH_CACHE_SECONDS = 0

    app = create_app(Queued)
    with app.app_context():
        db.create_all()
        stamp(head())
    return app


def test_not_ready_when_the_message_queue_does_not_answer() -> None:
    app = _app_with_redis(f"redis://127.0.0.1:{free_port()}/0")
    response = probe(app.test_client())
    assert response.status_code == 503
    assert response.get_json()["checks"] == {
        "database": "ok",
        "schema": "ok",
        "decks": "ok",
        "redis": "unreachable",
    }


@pytest.mark.redis
def test_ready_when_the_message_queue_answers() -> None:
    with redis_server() as url:
        response = probe(_app_with_redis(url).test_client())
    assert response.status_code == 200
    assert response.get_json()["checks"]["redis"] == "ok"


def test_a_real_upgrade_makes_a_new_database_ready(tmp_path: Path) -> None:
    from flask_migrate import upgrade

    class Migrated(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'release.sqlite3'}"
        HEALTH_CACHE_SECONDS = 0

    app = create_app(Migrated)
    client = app.test_client()
    assert probe(client).get_json()["checks"]["schema"] == "behind"  # an empty database
    with app.app_context():
        upgrade()
    assert probe(client).status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_probes_are_never_rate_limited(fresh: Flask) -> None:
    """A limit on the probes would let a load balancer mark a healthy process down."""

    class Limited(TestingConfig):
        RATELIMIT_ENABLED = True
        RATELIMIT_APPLICATION = "3 per minute"  # every route of the app together

    app = create_app(Limited)
    with app.app_context():
        db.create_all()
        stamp(head())
    client = app.test_client()
    assert [client.get("/").status_code for _ in range(4)][-1] == 429  # the limit is real
    assert {probe(client, path).status_code for path in ("/healthz", "/readyz") * 10} == {200}


def test_a_flood_of_probes_checks_once_a_second(app: Flask) -> None:
    """Cheap: within HEALTH_CACHE_SECONDS a probe is answered from the last check."""
    from sqlalchemy import event

    stamp(head())
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client = app.test_client()
    assert {probe(client).status_code for _ in range(50)} == {200}
    assert 0 < len(statements) <= 3  # one check (the version table and its row), not fifty


def test_a_change_of_readiness_is_one_line_and_a_probe_is_none(
    fresh: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    client = fresh.test_client()
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            probe(client)  # never migrated: not ready
        stamp(head())
        for _ in range(3):
            probe(client)
            probe(client, "/healthz")
    assert [record.getMessage() for record in caplog.records] == ["not ready: schema behind", "ready again"]


def test_a_check_that_hangs_makes_the_others_not_ready(fresh: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database that stops answering holds its check; the probes behind it do not wait forever."""
    from koerskaart import health

    stamp(head())
    client = fresh.test_client()
    assert probe(client).status_code == 200
    monkeypatch.setattr(health, "WAIT_SECONDS", 0.05)
    memo = fresh.extensions["koerskaart.readiness"]
    with memo.lock:  # a check in flight that does not come back
        response = probe(client)
    assert response.status_code == 503
    assert set(response.get_json()["checks"].values()) == {"checking"}
    assert probe(client).status_code == 200  # the next check runs afresh
