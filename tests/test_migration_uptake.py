"""Migration a7c9e1f3b5d7 (uptake) on a SQLite database in use: recreating `organisations`, `users`,
`tables` and `conferences` (SQLite's batch mode) keeps every row and every link between them, up
and down. With foreign keys on during the copy, dropping the old table would have deleted a
table's seats (CASCADE), emptied its owner (SET NULL) and refused over an organisation's users:
migrations/env.py turns the keys off while migrating and checks them after."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.test_migration_routes import NOW, _app, _db

BEFORE_UPTAKE = "e3b5c7d9f1a2"
SNAPSHOT = (
    "SELECT (SELECT count(*) FROM organisations), (SELECT count(*) FROM users),"
    " (SELECT owner_id FROM tables WHERE id = 1), (SELECT count(*) FROM seats),"
    " (SELECT count(*) FROM tables WHERE conference_id = 1), (SELECT owner_id FROM conferences WHERE id = 1)"
)


def _rows_in_use(path: Path) -> None:
    with sqlite3.connect(path) as con:
        con.execute("INSERT INTO organisations (id, name, created_at) VALUES (1, 'Gemeente Oost', ?)", (NOW,))
        con.execute(
            "INSERT INTO users (id, email, password_hash, organisation_id, role, active, session_token,"
            " created_at) VALUES (1, 'a@oost.example', 'x', 1, 'admin', 1, 't', ?)",
            (NOW,),
        )
        con.execute(
            "INSERT INTO conferences (id, public_id, code, screen_key_hash, name, held_on, deck_slug,"
            " deck_version, target_size, pacing, harvest_cards, status, organisation_id, owner_id, paused,"
            " created_at) VALUES (1, 'event-1', NULL, 'h', 'Dag', '2026-11-01', 'proefdeck', 1, 6, 'free',"
            " '[]', 'open', 1, 1, 0, ?)",
            (NOW,),
        )
        for number, conference in ((1, None), (2, 1)):
            con.execute(
                "INSERT INTO tables (id, public_id, join_code, screen_key_hash, deck_slug, deck_version,"
                " status, locked, paused, card_index, k, k_text, capacity, keep_open_text, created_at,"
                " owner_id, organisation_id, conference_id) VALUES (?, ?, NULL, 'h', 'proefdeck', 1,"
                " 'lobby', 0, 0, 0, 3, 4, 12, 0, ?, 1, 1, ?)",
                (number, f"table-{number}", NOW, conference),
            )
            for seat in range(3):
                con.execute(
                    "INSERT INTO seats (table_id, public_id, token_hash, is_host, position)"
                    " VALUES (?, ?, ?, 0, ?)",
                    (number, f"s{number}{seat}", f"h{number}{seat}", seat),
                )


def _snapshot(path: Path) -> tuple[object, ...]:
    with sqlite3.connect(path) as con:
        return tuple(con.execute(SNAPSHOT).fetchone())


def test_the_uptake_migration_keeps_every_row_and_link_up_and_down(tmp_path: Path) -> None:
    path = tmp_path / "in-use.sqlite3"
    app = _app(path)
    _db(app, "upgrade", BEFORE_UPTAKE)
    _rows_in_use(path)
    before = _snapshot(path)
    assert before == (1, 1, 1, 6, 1, 1)
    _db(app, "upgrade")
    assert _snapshot(path) == before
    _db(app, "downgrade", BEFORE_UPTAKE)
    assert _snapshot(path) == before
    _db(app, "upgrade")
    assert _snapshot(path) == before
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    with app.app_context():
        from koerskaart.extensions import db

        db.engine.dispose()
