"""The /conference namespace attacked from outside, through the documented protocol only.

A real server process and real WebSockets (docs/socket-protocol.md, "Conference dashboard
and big screen"): who may connect as a dashboard or a big screen, what a big screen may not
do, the documented refusals, and that a dashboard follows a table's answers within a second
and is dropped when its login ends.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.conference_clients import (
    NS,
    Dashboard,
    create_account,
    join_event,
    raw_connect,
    refused,
)
from tests.helpers.real_server import RealServer
from tests.helpers.users import PASSWORD

pytestmark = pytest.mark.server


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    running = RealServer(Path(tmp_path_factory.mktemp("conference")), test_deck=True)
    running.start()
    create_account(running, "fac@oost.example", "Gemeente Oost")
    create_account(running, "co@oost.example", "Gemeente Oost")
    create_account(running, "fac@west.example", "Gemeente West")
    yield running
    running.stop()


@pytest.fixture
def facilitator(server: RealServer) -> Iterator[Dashboard]:
    dashboard = Dashboard(server.url)
    dashboard.log_in("fac@oost.example", PASSWORD)
    yield dashboard
    dashboard.close()


@pytest.fixture
def event(facilitator: Dashboard) -> tuple[str, str]:
    return facilitator.create_event()


# --- who may connect -----------------------------------------------------------------------------


def test_a_dashboard_without_a_login_is_refused(server: RealServer, event: tuple[str, str]) -> None:
    event_id, _key = event
    for auth in (
        {"event": event_id, "as": "dashboard"},
        {"event": event_id},
        {"event": "no-such-event", "as": "dashboard"},
        {"event": ["not", "a", "string"], "as": "dashboard"},
    ):
        raw, frame = raw_connect(server.url, auth)
        try:
            assert refused(frame), (auth, frame)
        finally:
            raw.close()


def test_a_big_screen_needs_its_key(server: RealServer, event: tuple[str, str]) -> None:
    event_id, key = event
    for wrong in ("", "x" * 43, key[:-1], key + "x", None, 12):
        raw, frame = raw_connect(server.url, {"event": event_id, "as": "screen", "key": wrong})
        try:
            assert refused(frame), (wrong, frame)
        finally:
            raw.close()
    raw, frame = raw_connect(server.url, {"event": event_id, "as": "screen", "key": key})
    try:
        assert frame.startswith(f"40{NS},"), frame
    finally:
        raw.close()


def test_a_big_screen_only_listens(server: RealServer, event: tuple[str, str]) -> None:
    event_id, key = event
    raw, frame = raw_connect(server.url, {"event": event_id, "as": "screen", "key": key})
    try:
        assert frame.startswith(f"40{NS},")
        for number, (name, payload) in enumerate(
            [
                ("show_card", {"card_index": 0}),
                ("refresh_dashboard", {}),
                ("release_harvest", {"card_index": 0}),
                ("end_event", {"keep_open_text": False}),
            ]
        ):
            raw.send(f"42{NS},{number}" + json.dumps([name, payload]))
            assert raw.answer(number, NS) == {"ok": False, "error": "not_authenticated"}, name
    finally:
        raw.close()


def test_a_facilitator_of_another_organisation_is_refused(server: RealServer, event: tuple[str, str]) -> None:
    event_id, _key = event
    stranger = Dashboard(server.url)
    stranger.log_in("fac@west.example", PASSWORD)
    raw, frame = raw_connect(
        server.url, {"event": event_id, "as": "dashboard"}, dict(stranger.http.cookies.items())
    )
    try:
        assert refused(frame), frame
    finally:
        raw.close()
    # A co-facilitator of the same organisation opens the same event.
    colleague = Dashboard(server.url)
    colleague.log_in("co@oost.example", PASSWORD)
    try:
        assert colleague.open(event_id)["event"]["id"] == event_id
    finally:
        colleague.close()


# --- what a dashboard may send -------------------------------------------------------------------


def test_unknown_events_and_invalid_payloads_get_their_codes(
    facilitator: Dashboard, event: tuple[str, str]
) -> None:
    event_id, _key = event
    facilitator.open(event_id)
    for name in ("drop_tables", "submit_answer", "connect", "on_show_card"):
        assert facilitator.steer(name, {}) == {"ok": False, "error": "unknown_event"}, name
    for name, payload in (
        ("show_card", {"card_index": "0"}),
        ("show_card", {"card_index": -1}),
        ("show_card", {"card_index": True}),
        ("show_card", {}),
        ("show_card", ["card_index", 0]),
        ("show_card", {"card_index": 0, "extra": 1}),
        ("pause_event", {"paused": "yes"}),
        ("announce", {"countdown_seconds": "60"}),
        ("move_player", {"seat_id": 1, "to": "x"}),
        ("merge_tables", {"source": "a", "into": "b"}),
        ("close_table", {"table": "x"}),
        ("refresh_dashboard", {"x": 1}),
    ):
        assert facilitator.steer(name, payload) == {"ok": False, "error": "invalid_payload"}, (name, payload)
    # Well-formed but not fitting: the documented domain codes.
    assert facilitator.steer("show_card", {"card_index": 99}) == {"ok": False, "error": "invalid_card"}
    assert facilitator.steer("move_player", {"seat_id": "nobody", "to": "nowhere"}) == {
        "ok": False,
        "error": "unknown_table",
    }
    assert facilitator.steer("release_harvest", {"card_index": 0}) == {"ok": False, "error": "invalid_card"}
    assert facilitator.steer("refresh_dashboard") == {"ok": True}


# --- what a dashboard hears ----------------------------------------------------------------------


def test_a_dashboard_sees_an_answer_within_a_second_and_goes_with_its_login(
    server: RealServer, facilitator: Dashboard
) -> None:
    event_id, _key = facilitator.create_event(tables=1)  # all three at one table
    joined = facilitator.open(event_id)
    code = joined["event"]["join"]["code"]
    phones = [join_event(server.url, code, f"speler{i}") for i in range(3)]
    try:
        assert facilitator.steer("show_card", {"card_index": 0}) == {"ok": True}
        for phone in phones:
            phone.wait_for("table_updated", lambda s: s["card_index"] == 0 and s["status"] == "playing")
        mark = facilitator.mark()
        started = time.monotonic()
        assert phones[0].call("submit_answer", {"card_index": 0, "value": 4})["ok"]
        news = facilitator.wait_for(
            "dashboard_count",
            lambda p: p["id"] == phones[0].table_id and p["answered"] == 1,
            timeout=1.0,
            since=mark,
        )
        assert time.monotonic() - started < 1.0
        assert set(news) == {"id", "answered"}  # progress, never content

        # The login ends: the dashboard's socket goes, on whatever process holds it.
        mark = facilitator.mark()
        assert facilitator.post_form("/logout", "/").status_code == 302
        facilitator.wait_for("disconnect", since=mark, timeout=5)
        # Its cookies no longer open the dashboard.
        raw, frame = raw_connect(
            server.url, {"event": event_id, "as": "dashboard"}, dict(facilitator.http.cookies.items())
        )
        try:
            assert refused(frame), frame
        finally:
            raw.close()
    finally:
        for phone in phones:
            phone.close()
