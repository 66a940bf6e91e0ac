"""The game on a real PostgreSQL server: the production database, row locks and all."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import inspect, select

from koerskaart import create_app
from koerskaart.config import TestingConfig, database_url
from koerskaart.content import load_deck_file
from koerskaart.extensions import db
from koerskaart.live import decks
from koerskaart.models import Answer, PendingAnswer
from tests.helpers.infra import postgres_server
from tests.helpers.players import full_table
from tests.helpers.proefdeck import OPEN, STATEMENT, TEST_DECK

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture
def pg_app(postgres_url: str) -> Iterator[Flask]:
    class PostgresConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url(postgres_url)

    app = create_app(PostgresConfig)
    deck, _ = load_deck_file(TEST_DECK)
    assert deck is not None
    decks.install(app.extensions, {deck.slug: deck})
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_a_game_on_postgres_stores_answers_without_identity(pg_app: Flask) -> None:
    assert db.engine.dialect.name == "postgresql"
    players = full_table(pg_app, 6)
    host = players[0]
    host.send("start_game")
    for player, value in zip(players, [1, 2, 3, 4, 5, 5], strict=True):
        assert player.answer(STATEMENT, value)["ok"]
    assert host.last_state()["round"]["result"]["counts"] == [1, 1, 1, 1, 2]
    assert db.session.scalars(select(PendingAnswer)).all() == []
    assert sorted(a.value for a in db.session.scalars(select(Answer))) == [1, 2, 3, 4, 5, 5]
    assert {c["name"] for c in inspect(db.engine).get_columns("answers")} == {"id", "round_id", "value"}

    host.send("next_card")
    host.send("skip_card")
    markers = ["appel-1", "peer-2", "kers-3", "pruim-4", "vijg-5", "druif-6"]
    for player, marker in zip(players, markers, strict=True):
        assert player.answer(OPEN, marker)["ok"]
    host.send("end_table", {"keep_open_text": False})
    stored = [a.value for a in db.session.scalars(select(Answer))]
    assert len(stored) == 6 and not set(markers) & {str(v) for v in stored}


def test_simultaneous_last_answers_reveal_exactly_once(pg_app: Flask) -> None:
    """Two phones answering at the same moment must not both miss (or both fire) the reveal."""
    players = full_table(pg_app, 4)
    players[0].send("start_game")
    players[0].answer(STATEMENT, 3)
    players[1].answer(STATEMENT, 3)
    acks: list[dict] = []
    ready = threading.Barrier(2)

    def answer(index: int) -> None:
        with pg_app.app_context():
            ready.wait(timeout=10)
            acks.append(players[index].answer(STATEMENT, 4))

    threads = [threading.Thread(target=answer, args=(i,)) for i in (2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert acks == [{"ok": True, "card_index": 0}] * 2
    reveals = [u for u in players[1].events("table_updated") if u["reason"] == "round_revealed"]
    assert len(reveals) == 1 and reveals[0]["round"]["result"]["counts"] == [0, 0, 2, 2, 0]
