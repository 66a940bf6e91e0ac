"""Count the SQL statements one `submit_answer` costs, and the one that reveals.

    python benchmarks/sqlcount.py            # counts per answer, per round
    python benchmarks/sqlcount.py --verbose  # and every statement

Six players at one table of the test deck, over the Socket.IO test client, on an
SQLite file (a real file, as in production). An ``executemany`` is one statement.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from koerskaart import create_app  # noqa: E402
from koerskaart.config import TestingConfig  # noqa: E402
from koerskaart.content import load_deck_file  # noqa: E402
from koerskaart.extensions import db  # noqa: E402
from koerskaart.live import decks  # noqa: E402
from tests.helpers.players import full_table  # noqa: E402
from tests.helpers.proefdeck import TEST_DECK  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="kk-sqlcount-"))

    class FileConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'count.sqlite3'}"

    app = create_app(FileConfig)
    deck, problems = load_deck_file(TEST_DECK)
    assert deck is not None, problems
    decks.install(app.extensions, {deck.slug: deck})
    statements: list[str] = []

    with app.app_context():
        db.create_all()

        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
            statements.append(" ".join(statement.split())[:110])

        players = full_table(app, 6)
        players[0].send("start_game")
        for card, values in enumerate(([1, 2, 3, 4, 5, 5], [0, 1, 2, 0, 1, 2], [f"t{i}" for i in range(6)])):
            counts = []
            for player, value in zip(players, values, strict=True):
                statements.clear()
                assert player.answer(card, value)["ok"]
                counts.append(len(statements))
                if args.verbose:
                    print(f"-- card {card}, answer {len(counts)}: {len(statements)} statements")
                    for line in statements:
                        print("   ", line)
            print(f"card {card}: statements per answer {counts[:-1]}, on the reveal {counts[-1]}")
            statements.clear()
            assert players[0].send("next_card")["ok"]
            print(f"card {card}: next_card {len(statements)}")
        db.session.remove()
    return 0


if __name__ == "__main__":
    sys.exit(main())
