"""Count what one answer costs Redis and PostgreSQL in the deployment recipe's set-up.

    .venv/bin/python deploy/loadcount.py            # a table of six, three cards
    .venv/bin/python deploy/loadcount.py --players 8 --verbose

Two `python -m koerskaart serve` processes on a real PostgreSQL and a real Redis (started
here, as the tests start them), migrated once, six players of one table split across the
processes. For each answer, the reveal and `next_card`: the SQL statements PostgreSQL
executed (its own statement log, so the pool's pings and the transaction commands count too)
and the messages and bytes published on the Socket.IO channel in Redis (a subscriber of our
own receives exactly what each process receives), plus every Redis command (MONITOR).
Counts, not timings: the machine's speed does not change them. docs/deployment.md,
"Sizing a real deployment", uses them.

Never switch on log_statement in production: the statement log holds the answers (as bound
parameters). Here it belongs to a throwaway server, deleted with it at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import redis  # noqa: E402

from tests.helpers.infra import postgres_server, redis_server  # noqa: E402
from tests.helpers.real_server import Phone, RealServer, seat_phones  # noqa: E402

CHANNEL = "flask-socketio"  # koerskaart/live/drops.py
STATEMENT = re.compile(r"LOG:  (?:statement|execute [^:]*): (.*)")
SETTLE = 0.4  # seconds for the last publish and log line of an action to land before counting


class Redis:
    """What goes through Redis: the channel's messages (and bytes), and every command."""

    def __init__(self, url: str) -> None:
        self.messages = 0
        self.bytes = 0
        self.commands: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._client = redis.Redis.from_url(url)
        self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        self._pubsub.subscribe(CHANNEL)
        self._monitor = redis.Redis.from_url(url).monitor()
        self._monitor.__enter__()
        threading.Thread(target=self._listen, daemon=True).start()
        threading.Thread(target=self._watch, daemon=True).start()

    def _listen(self) -> None:
        with contextlib.suppress(redis.RedisError):  # the server stops at the end
            for message in self._pubsub.listen():
                with self._lock:
                    self.messages += 1
                    self.bytes += len(message["data"])

    def _watch(self) -> None:
        with contextlib.suppress(redis.RedisError):
            for command in self._monitor.listen():
                name = str(command["command"]).split(" ", 1)[0].upper()
                with self._lock:
                    self.commands[name] += 1

    def snapshot(self) -> tuple[int, int, Counter[str]]:
        with self._lock:
            return self.messages, self.bytes, Counter(self.commands)


class Postgres:
    """Statements PostgreSQL executed, from its log (log_statement = all)."""

    def __init__(self, url: str) -> None:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("ALTER SYSTEM SET log_statement = 'all'")
            connection.execute("SELECT pg_reload_conf()")
            row = connection.execute("SHOW data_directory").fetchone()
        assert row is not None
        self.log = Path(row[0]).parent / "log"  # tests/helpers/infra.py: pg_ctl -l <base>/log
        self.offset = 0

    def since_last(self) -> list[str]:
        with self.log.open("rb") as log:
            log.seek(self.offset)
            text = log.read().decode(errors="replace")
            self.offset = log.tell()
        return [match.group(1) for match in STATEMENT.finditer(text)]


def count(
    postgres: Postgres, queue: Redis, before: tuple[int, int, Counter[str]], verbose: bool
) -> dict[str, Any]:
    time.sleep(SETTLE)
    statements = postgres.since_last()
    messages, sent, commands = queue.snapshot()
    control = sum(1 for s in statements if s.split(" ", 1)[0].upper() in ("BEGIN", "COMMIT", "ROLLBACK"))
    if verbose:
        for statement in statements:
            print("      ", statement[:120])
    return {
        "sql": len(statements),
        "sql_control": control,
        "messages": messages - before[0],
        "bytes": sent - before[1],
        "commands": dict(commands - before[2]),
    }


def report(label: str, row: dict[str, Any]) -> None:
    sql = f"{row['sql']} ({row['sql_control']})"
    print(f"{label:<32} | {sql:>18} | {row['messages']:>8} | {row['bytes']:>6} | {row['commands']}")


def measured(postgres: Postgres, queue: Redis, verbose: bool, label: str, action: Any) -> None:
    """Run ``action`` (which waits for its ack) and report what it cost."""
    before = queue.snapshot()
    postgres.since_last()
    action()
    report(label, count(postgres, queue, before, verbose))


def answers(phones: list[Phone], card: int) -> list[Any]:
    values: dict[int, list[Any]] = {
        0: [1 + i % 5 for i in range(len(phones))],  # a statement: 1..5
        1: [i % 3 for i in range(len(phones))],  # a choice of three
        2: [f"antwoord {i}" for i in range(len(phones))],  # open text
    }
    return values[card]


def answer(phone: Phone, card: int, value: Any) -> None:
    assert phone.call("submit_answer", {"card_index": card, "value": value})["ok"]


def plain_table(
    servers: list[RealServer], players: int, postgres: Postgres, queue: Redis, verbose: bool
) -> None:
    """One table of ``players`` seated by code, split across the processes; three cards."""
    phones = [Phone(servers[i % 2].url) for i in range(players)]
    try:
        seat_phones(phones)
        assert phones[0].call("start_game") == {"ok": True}
        for card in range(3):
            for number, (phone, value) in enumerate(zip(phones, answers(phones, card), strict=True), start=1):
                what = "reveal" if number == len(phones) else f"answer {number}"
                measured(
                    postgres,
                    queue,
                    verbose,
                    f"card {card} {what}",
                    lambda p=phone, v=value, c=card: answer(p, c, v),
                )
            measured(postgres, queue, verbose, f"card {card} next_card", lambda: phones[0].call("next_card"))
    finally:
        for phone in phones:
            phone.close()


def conference(
    servers: list[RealServer], players: int, postgres: Postgres, queue: Redis, verbose: bool
) -> None:
    """An event of three tables of ``players``, synchronised, a dashboard open; two cards."""
    from tests.helpers.conference_clients import Dashboard, create_account, join_event
    from tests.helpers.users import PASSWORD

    create_account(servers[0], "fac@loadcount.example", "Loadcount")
    dashboard = Dashboard(servers[0].url)
    phones: list[Phone] = []
    try:
        dashboard.log_in("fac@loadcount.example", PASSWORD)
        event_id, _key = dashboard.create_event(tables=3, pacing="synchronised")
        code = dashboard.open(event_id)["event"]["join"]["code"]
        phones = [join_event(servers[i % 2].url, code, f"speler{i}") for i in range(3 * players)]
        tables: dict[str, list[Phone]] = {}
        for phone in phones:
            tables.setdefault(str(phone.table_id), []).append(phone)
        for card in range(2):
            measured(
                postgres,
                queue,
                verbose,
                f"card {card} show_card (3 tables)",
                lambda c=card: dashboard.steer("show_card", {"card_index": c}),
            )
            for index, group in enumerate(tables.values()):
                for number, (phone, value) in enumerate(
                    zip(group, answers(group, card), strict=True), start=1
                ):
                    what = "reveal" if number == len(group) else f"answer {number}"
                    label = f"card {card} table {index + 1} {what}"
                    measured(
                        postgres, queue, verbose, label, lambda p=phone, v=value, c=card: answer(p, c, v)
                    )
    finally:
        for phone in (*phones, dashboard):
            phone.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=6, help="players per table")
    parser.add_argument(
        "--conference", action="store_true", help="an event of three tables, with a dashboard"
    )
    parser.add_argument("--verbose", action="store_true", help="print every statement")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="kk-loadcount-"))
    with postgres_server() as database, redis_server() as queue_url:
        env = {
            "DATABASE_URL": database,
            "REDIS_URL": queue_url,
            "SECRET_KEY": "loadcount",
            "KOERSKAART_MIGRATE": "0",
            "KOERSKAART_JOIN_RATE_LIMIT": "1000 per minute",
        }
        servers = [RealServer(base / name, test_deck=True, env=env) for name in ("one", "two")]
        command = [sys.executable, "-m", "flask", "--app", "koerskaart", "db", "upgrade"]
        subprocess.run(command, env=servers[0].env, cwd=ROOT, check=True, capture_output=True)
        try:
            for server in servers:
                server.instance.mkdir()
                server.start()
            postgres, queue = Postgres(database), Redis(queue_url)
            kind = "an event of 3 tables and a dashboard" if args.conference else "one table"
            print(f"{kind}, {args.players} players a table, split across 2 processes on PostgreSQL + Redis")
            print("every Redis message reaches each process (2 here): Redis sends bytes x processes")
            print(f"{'action':<32} | SQL (BEGIN/COMMIT) | messages |  bytes | Redis commands")
            (conference if args.conference else plain_table)(
                servers, args.players, postgres, queue, args.verbose
            )
        finally:
            for server in servers:
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
