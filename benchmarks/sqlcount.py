"""Count the SQL statements one `submit_answer` costs, and the one that reveals.

    python benchmarks/sqlcount.py            # counts per answer, per round
    python benchmarks/sqlcount.py --verbose  # and every statement
    python benchmarks/sqlcount.py --cpu      # CPU per answer in service.perform, per connect

--cpu seats 20 tables x 6 players through the services (no sockets) and times, with
``time.process_time``, every ``service.perform`` of a ``submit_answer`` over 4 cards, and
``service.connect`` of every seat (in-process, one thread, no transport).

Six players at one table of the test deck, over the Socket.IO test client, on an
SQLite file (a real file, as in production). An ``executemany`` is one statement.

With the per-process table cache (live/store.py) an answer is 3 statements: SELECT tables;
INSERT pending_answers; UPDATE tables SET version ... RETURNING. The answer that reveals is 5
(the round's UPDATE, the DELETE of its pending answers, one INSERT of the answers), next_card 3.
``--cold`` empties the cache before each answer, as a process meets a table another process
changed: 3 more SELECTs (rounds, seats with pending answers, team actions). Before the cache
an answer was 5, a reveal 7 and next_card 6.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from koerskaart import create_app  # noqa: E402
from koerskaart.config import TestingConfig  # noqa: E402
from koerskaart.content import load_deck_file  # noqa: E402
from koerskaart.extensions import db  # noqa: E402
from koerskaart.live import decks, store  # noqa: E402
from tests.helpers.players import full_table  # noqa: E402
from tests.helpers.proefdeck import TEST_DECK  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--cold", action="store_true", help="empty the table cache before each answer")
    parser.add_argument("--cpu", action="store_true", help="time perform and connect instead")
    parser.add_argument("--tables", type=int, default=20, help="tables for --cpu")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="kk-sqlcount-"))

    class FileConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'count.sqlite3'}"

    app = create_app(FileConfig)
    deck, problems = load_deck_file(TEST_DECK)
    assert deck is not None, problems
    decks.install(app.extensions, {deck.slug: deck})
    statements: list[str] = []
    if args.cpu:
        return _cpu(app, args.tables)

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
                if args.cold:
                    store.cache().clear()
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


def _cpu(app: Any, tables: int) -> int:
    """CPU per answer inside ``service.perform`` and per ``service.connect``, in milliseconds."""
    from koerskaart.engine import actions as act
    from koerskaart.live import service

    values = ([1, 2, 3, 4, 5, 5], [0, 1, 2, 0, 1, 2], [f"t{i}" for i in range(6)], [1, 2, 3, 4, 5, 1])
    with app.app_context():
        db.create_all()
        seated: list[tuple[str, list[tuple[str, str]]]] = []
        for _ in range(tables):
            table, host, token, _key = service.create_table("proefdeck", "Host")
            seats = [(host, token)]
            for n in range(5):
                _t, seat_id, seat_token, _d = service.join_table(table.join_code or "", f"P{n}")
                seats.append((seat_id, seat_token))
            seated.append((table.public_id, seats))
        for public_id, seats in seated:
            service.perform(public_id, act.Start(seats[0][0]))
        db.session.remove()
        answer_ms: list[float] = []
        reveal_ms: list[float] = []
        for card, row in enumerate(values):
            for n, value in enumerate(row):
                for public_id, seats in seated:
                    started = time.process_time()
                    service.perform(public_id, act.Submit(seats[n][0], card, value))
                    spent = (time.process_time() - started) * 1000
                    (reveal_ms if n == len(row) - 1 else answer_ms).append(spent)
            for public_id, seats in seated:
                service.perform(public_id, act.Next(seats[0][0]))
        connect_ms: list[float] = []
        with app.test_request_context():
            for _ in range(3):
                for public_id, seats in seated:
                    for _seat_id, token in seats:
                        started = time.process_time()
                        service.connect(public_id, "seat", token, None)
                        connect_ms.append((time.process_time() - started) * 1000)
                        db.session.rollback()

        def summary(ms: list[float]) -> str:
            ms = sorted(ms)
            return f"mean {statistics.fmean(ms):.3f} ms, median {ms[len(ms) // 2]:.3f} ms (n={len(ms)})"

        print(f"perform submit_answer (not revealing): {summary(answer_ms)}")
        print(f"perform submit_answer (the reveal):    {summary(reveal_ms)}")
        print(f"connect (a seat, by its token):        {summary(connect_ms)}")
        db.session.remove()
    return 0


if __name__ == "__main__":
    sys.exit(main())
