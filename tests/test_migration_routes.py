"""Migration b7d2e4f6a8c1 (routes, issue 12): tables and events from before routes keep meaning the
version-1 cards they played; rows of other decks keep NULL (the whole deck as installed)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from flask import Flask

from koerskaart import create_app
from koerskaart.config import TestingConfig
from koerskaart.content import load_bundled

BEFORE_ROUTES = "9a4e7c2b5d31"
NOW = "2026-11-01 10:00:00"


def _app(path: Path) -> Flask:
    class Migrating(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"

    return create_app(Migrating)


def _db(app: Flask, *args: str) -> None:
    done = app.test_cli_runner().invoke(args=["db", *args])
    assert done.exit_code == 0, done.output


def _insert_version_1_rows(path: Path) -> None:
    """A table and an event of each deck, written as the app before routes wrote them."""
    with sqlite3.connect(path) as con:
        con.execute("INSERT INTO organisations (id, name, created_at) VALUES (1, 'Gemeente Oost', ?)", (NOW,))
        for number, slug in enumerate(("sociale-veiligheid", "eigen-deck"), start=1):
            con.execute(
                "INSERT INTO conferences (id, public_id, code, screen_key_hash, name, held_on, deck_slug,"
                " deck_version, target_size, pacing, harvest_cards, status, organisation_id, paused,"
                " created_at) VALUES (?, ?, NULL, 'h', 'Dag', '2026-11-01', ?, 1, 6, 'free', '[]',"
                " 'open', 1, 0, ?)",
                (number, f"event-{number}", slug, NOW),
            )
            con.execute(
                "INSERT INTO tables (id, public_id, join_code, screen_key_hash, deck_slug, deck_version,"
                " status, locked, paused, card_index, k, k_text, capacity, keep_open_text, created_at)"
                " VALUES (?, ?, NULL, 'h', ?, 1, 'ended', 0, 0, 0, 3, 4, 12, 0, ?)",
                (number, f"table-{number}", slug, NOW),
            )


def _rows(path: Path, name: str) -> dict[str, tuple[object, ...]]:
    with sqlite3.connect(path) as con:
        found = con.execute(f"SELECT deck_slug, route, card_ids, mixed_wording FROM {name}").fetchall()
    return {row[0]: row[1:] for row in found}


def _columns(path: Path, name: str) -> set[str]:
    with sqlite3.connect(path) as con:
        return {row[1] for row in con.execute(f"PRAGMA table_info({name})")}


def test_older_rows_get_their_version_1_card_ids_and_the_downgrade_drops_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "before-routes.sqlite3"
    app = _app(path)
    _db(app, "upgrade", BEFORE_ROUTES)
    _insert_version_1_rows(path)

    _db(app, "upgrade")
    version_1 = [f"sv-{n:02d}" for n in range(1, 17)]
    for name in ("tables", "conferences"):
        rows = _rows(path, name)
        route, card_ids, mixed = rows["sociale-veiligheid"]
        assert route is None and json.loads(str(card_ids)) == version_1 and mixed == 0
        assert rows["eigen-deck"] == (None, None, 0)
    # Every one of those ids is still in the installed deck, the rewritten ones among its retired cards.
    deck = load_bundled()["sociale-veiligheid"]
    cards = deck.cards_by_id(version_1)
    assert cards is not None and [card.id for card in cards] == version_1
    assert {"sv-02", "sv-03"} <= {card.id for card in deck.retired}

    _db(app, "downgrade", BEFORE_ROUTES)
    for name in ("tables", "conferences"):
        assert not {"route", "card_ids", "mixed_wording"} & _columns(path, name)
        with sqlite3.connect(path) as con:
            assert con.execute(f"SELECT count(*) FROM {name}").fetchone() == (2,)
    _db(app, "upgrade")  # and up again, as a deploy after a rollback would
    assert _rows(path, "tables")["sociale-veiligheid"][1] is not None
    with app.app_context():
        from koerskaart.extensions import db

        db.engine.dispose()
