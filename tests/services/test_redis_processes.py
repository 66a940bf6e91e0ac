"""Two server processes behind one table: PostgreSQL holds the state, Redis carries the messages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live import Phone, RealServer
from tests.services.servers import postgres_server, redis_server

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.server]


@pytest.fixture
def two_processes(tmp_path: Path) -> Iterator[tuple[RealServer, RealServer]]:
    with postgres_server() as database, redis_server() as queue:
        env = {"DATABASE_URL": database, "REDIS_URL": queue, "SECRET_KEY": "shared-by-both-processes"}
        first = RealServer(tmp_path / "one", test_deck=True, env=env)
        second = RealServer(tmp_path / "two", test_deck=True, env=env)
        (tmp_path / "one").mkdir()
        (tmp_path / "two").mkdir()
        try:
            first.start()
            second.start()
            yield first, second
        finally:
            first.stop()
            second.stop()


def test_players_on_different_processes_share_one_table(two_processes: tuple[RealServer, RealServer]) -> None:
    first, second = two_processes
    host = Phone(first.url)
    guests = [Phone(second.url) for _ in range(3)]
    try:
        host.start_table("proefdeck")
        code = host.connect()["join"]["code"]
        for guest in guests:
            guest.join(code)
            guest.connect()
        host.wait_for("table_updated", lambda s: len(s["seats"]) == 4)
        assert host.call("start_game") == {"ok": True}
        for guest in guests:  # the start happened on the other process
            guest.wait_for("table_updated", lambda s: s["status"] == "playing")
        for phone, value in zip([host, *guests], [2, 4, 4, 5], strict=True):
            assert phone.call("submit_answer", {"card_index": 0, "value": value}) == {
                "ok": True,
                "card_index": 0,
            }
        for phone in (host, *guests):
            revealed = phone.wait_for("table_updated", lambda s: s["reason"] == "round_revealed")
            assert revealed["round"]["result"]["counts"] == [0, 1, 0, 2, 1]
    finally:
        for phone in (host, *guests):
            phone.close()
