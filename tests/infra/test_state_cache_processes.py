"""Each process caches the tables it serves (live/store.py); the other process's changes still show.

One table, its players on two processes behind Redis, on PostgreSQL: the first process holds
the table at an older version when the second changes it, and must not serve its copy.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.real_server import Phone, RealServer, seat_phones

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.server]


def reconnect(phone: Phone, server: RealServer) -> Any:
    """The phone's page reloads against ``server``: what it is told first."""
    phone.sio.disconnect()
    mark = phone.mark()
    phone.connect(server.url)
    return phone.wait_for("table_joined", since=mark)


def test_a_process_serves_what_the_other_changed_in_a_table_it_has_cached(
    two_processes: tuple[RealServer, RealServer],
) -> None:
    first, second = two_processes
    host = Phone(first.url)
    guests = [Phone(second.url) for _ in range(3)]
    try:
        seat_phones([host, *guests])
        assert host.call("start_game") == {"ok": True}
        assert host.call("submit_answer", {"card_index": 0, "value": 2})["ok"]  # the first caches this
        for guest in guests[:2]:  # two answers on the second process
            assert guest.call("submit_answer", {"card_index": 0, "value": 4})["ok"]

        rejoined = reconnect(host, first)
        assert rejoined["table"]["round"]["answered"] == 3
        assert rejoined["you"]["my_answer"] == 2

        # The last guest reloads on the first process and answers there: all four are counted.
        last = guests[2]
        assert reconnect(last, first)["you"]["my_answer"] is None
        assert last.call("submit_answer", {"card_index": 0, "value": 5})["ok"]
        for phone in (host, *guests):
            revealed = phone.wait_for("table_updated", lambda s: s["reason"] == "round_revealed")
            assert revealed["round"]["result"]["counts"] == [0, 1, 0, 2, 1]

        # And back: the second process, which last saw three answers, shows the reveal.
        assert reconnect(guests[0], second)["table"]["round"]["status"] == "revealed"
    finally:
        for phone in (host, *guests):
            phone.close()
