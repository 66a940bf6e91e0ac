"""A conference on two server processes: PostgreSQL holds the event, Redis carries the messages.

The facilitator's dashboard sits on one process, most participants on the other: the
dashboard hears every change made on the other process, a synchronised card reaches phones
on both, and the room's aggregate is released once when the third table reveals, even when
the last two tables reveal at the same moment on different processes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.conference_clients import Dashboard, create_account, join_event
from tests.helpers.infra import two_processes as started_pair
from tests.helpers.real_server import Phone, RealServer
from tests.helpers.users import PASSWORD

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.server]


@pytest.fixture
def two_processes(tmp_path: Path) -> Iterator[tuple[RealServer, RealServer]]:
    with started_pair(tmp_path, {"KOERSKAART_JOIN_RATE_LIMIT": "200 per minute"}) as pair:
        yield pair


def seated(dashboard: Dashboard, since: int) -> int:
    """How many players the dashboard's rows show now (rows as last sent, one per table)."""
    rows: dict[str, int] = {}
    with dashboard._changed:
        for name, payload in dashboard.received[since:]:
            if name == "dashboard_tables":
                rows = {row["id"]: len(row["players"]) for row in payload["tables"]}
            elif name == "dashboard_table":
                rows[payload["id"]] = len(payload["players"])
    return sum(rows.values())


def releases(dashboard: Dashboard) -> list[dict[str, Any]]:
    with dashboard._changed:
        return [payload for name, payload in dashboard.received if name == "plenary_released"]


def test_a_conference_across_two_processes(two_processes: tuple[RealServer, RealServer]) -> None:
    a, b = two_processes
    create_account(a, "fac@oost.example", "Gemeente Oost")
    create_account(a, "co@oost.example", "Gemeente Oost")
    facilitator, colleague = Dashboard(a.url), Dashboard(b.url)
    phones: list[Phone] = []
    try:
        facilitator.log_in("fac@oost.example", PASSWORD)
        event_id, _key = facilitator.create_event(tables=3, pacing="synchronised")
        joined = facilitator.open(event_id)  # the dashboard on process A
        colleague.log_in("co@oost.example", PASSWORD)
        colleague.open(event_id)  # a co-facilitator's dashboard on process B
        code = joined["event"]["join"]["code"]
        start = facilitator.mark()

        # Nine participants join by HTTP, five on B and four on A; the dashboard on A sees them all.
        for i in range(9):
            phones.append(join_event(b.url if i % 2 == 0 else a.url, code, f"speler{i}"))
        deadline = time.monotonic() + 10
        while seated(facilitator, start) < 9:
            assert time.monotonic() < deadline, "the dashboard on A did not see the joins on B"
            time.sleep(0.05)
        by_table: dict[str, list[Phone]] = {}
        for phone in phones:
            by_table.setdefault(str(phone.table_id), []).append(phone)
        assert sorted(len(group) for group in by_table.values()) == [3, 3, 3]

        # A synchronised card from A reaches every phone, on B too.
        assert facilitator.steer("show_card", {"card_index": 0}) == {"ok": True}
        for phone in phones:
            phone.wait_for("table_updated", lambda s: s["status"] == "playing" and s["card_index"] == 0)

        def on(server: RealServer, group: list[Phone]) -> list[Phone]:
            """The group's phones on ``server`` first."""
            return sorted(group, key=lambda phone: phone.base_url != server.url)

        first, second, third = (by_table[table] for table in sorted(by_table))
        # Table one reveals; its first answer comes from B and the dashboard on A counts it.
        mark = facilitator.mark()
        ordered = on(b, first)
        assert ordered[0].base_url == b.url
        assert ordered[0].call("submit_answer", {"card_index": 0, "value": 4})["ok"]
        facilitator.wait_for(
            "dashboard_count",
            lambda p: p["id"] == ordered[0].table_id and p["answered"] == 1,
            timeout=2,
            since=mark,
        )
        for phone in ordered[1:]:
            assert phone.call("submit_answer", {"card_index": 0, "value": 2})["ok"]
        facilitator.wait_for(
            "dashboard_table",
            lambda row: row["id"] == ordered[0].table_id and row["round"] == "revealed",
            since=mark,
        )

        # Tables two and three: all but one answer; then their last answers land together, one
        # on A and one on B. Whichever commits second is the third table: one release.
        last_two = []
        for group, server in ((second, a), (third, b)):
            ordered = on(server, group)
            for phone in ordered[1:]:
                assert phone.call("submit_answer", {"card_index": 0, "value": 5})["ok"]
            last_two.append(ordered[0])
        assert releases(facilitator) == [] and releases(colleague) == []  # two tables: the room waits
        acks: list[Any] = []
        threads = [
            threading.Thread(
                target=lambda p=phone: acks.append(p.call("submit_answer", {"card_index": 0, "value": 1}))
            )
            for phone in last_two
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=15)
        assert [ack["ok"] for ack in acks] == [True, True]
        for dashboard in (facilitator, colleague):
            release = dashboard.wait_for("plenary_released", timeout=5)
            assert release["card_index"] == 0
            assert release["result"]["tables"] == 3 and release["result"]["n"] == 9
            assert release["result"]["counts"] == [2, 2, 0, 1, 4]
        time.sleep(1.0)  # anything sent twice would have arrived by now
        assert len(releases(facilitator)) == 1 and len(releases(colleague)) == 1
        # A dashboard that (re)connects on either process is told the same single release.
        late = Dashboard(b.url)
        late.http.cookies.update(colleague.http.cookies)
        try:
            assert list(late.open(event_id)["releases"]) == ["0"]
        finally:
            late.close()
    finally:
        for client in (facilitator, colleague, *phones):
            client.close()
