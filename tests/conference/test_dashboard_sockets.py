"""The /conference namespace attacked from outside, through the documented protocol only.

A real server process and real WebSockets (docs/socket-protocol.md, "Conference dashboard
and big screen"): who may connect as a dashboard or a big screen, what a big screen may not
do, the documented refusals, and that a dashboard follows a table's answers within a second
and is dropped when its login ends.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.real_server import ROOT, Phone, RawSocket, RealServer
from tests.helpers.users import PASSWORD

pytestmark = pytest.mark.server
NS = "/conference"
CONFERENCE_EVENTS = (
    "event_joined",
    "event_updated",
    "dashboard_table",
    "dashboard_count",
    "dashboard_tables",
    "plenary_released",
    "plenary_updated",
)


# --- clients, written from the protocol ----------------------------------------------------------


def create_account(server: RealServer, email: str, organisation: str, role: str = "facilitator") -> None:
    """`flask users create` against the server's database, as an operator would run it."""
    command = [sys.executable, "-m", "flask", "--app", "koerskaart", "users", "create", "--email", email]
    command += ["--organisation", organisation, "--role", role, "--password-stdin"]
    done = subprocess.run(command, env=server.env, cwd=ROOT, input=PASSWORD, text=True, capture_output=True)
    assert done.returncode == 0, done.stdout + done.stderr


class Dashboard(Phone):
    """A facilitator's browser: logged in over HTTP, the dashboard over /conference."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url)
        for name in CONFERENCE_EVENTS:
            self.sio.on(name, self._recorder(name), namespace=NS)
        self.sio.on("disconnect", self._recorder("disconnect"), namespace=NS)
        self.sio.on("connect_error", self._recorder("connect_error"), namespace=NS)

    def create_event(self, tables: int = 3, pacing: str = "synchronised") -> tuple[str, str]:
        """A new event through the form; returns its id and its big screen's key."""
        token = self._csrf("/")  # the session's CSRF token, from any form
        data = {
            "csrf_token": token,
            "name": "Leiderschapsdag",
            "held_on": "2026-12-01",
            "deck": "proefdeck",
            "target_size": "6",
            "pacing": pacing,
            "tables": "\n".join(f"Tafel {i + 1}" for i in range(tables)),
        }
        response = self.http.post(self.base_url + "/events/new", data=data, allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text[:500]
        event_id = response.headers["Location"].split("/events/", 1)[1].split("/", 1)[0]
        return event_id, screen_key(self.http.cookies.get("session"), event_id)

    def open(self, event_id: str, base_url: str | None = None) -> dict[str, Any]:
        if base_url:
            self.base_url = base_url
        self.sio.connect(
            self.base_url,
            namespaces=[NS],
            transports=["websocket"],
            auth={"event": event_id, "as": "dashboard"},
            headers={"Cookie": "; ".join(f"{name}={value}" for name, value in self.http.cookies.items())},
            wait_timeout=10,
        )
        joined = self.wait_for("event_joined")
        deadline = time.monotonic() + 10
        while NS not in self.sio.namespaces:
            assert time.monotonic() < deadline, "the dashboard did not connect"
            time.sleep(0.02)
        return dict(joined)

    def steer(self, event: str, payload: Any = None) -> Any:
        time.sleep(0.06)  # below the per-connection rate limit (20 events a second)
        return self.sio.call(event, payload if payload is not None else {}, namespace=NS, timeout=10)


def screen_key(cookie: str | None, event_id: str) -> str:
    """The big screen's key, as the dashboard page puts it in its link: from the login's session.

    Flask's session cookie is signed, not encrypted; reading it stands in for reading the
    dashboard page's link, so these tests need no template.
    """
    assert cookie, "no session cookie"
    compressed = cookie.startswith(".")
    payload = cookie.lstrip(".").split(".", 1)[0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    session = json.loads(zlib.decompress(data) if compressed else data)
    keys = dict(session.get("event_screens", []))
    assert event_id in keys, "the event's screen key is not in the session"
    return str(keys[event_id])


def join_event(base_url: str, code: str, nickname: str, perspective: str = "") -> Phone:
    """A participant: POST /e with the event code, seated by the server, then /play."""
    phone = Phone(base_url)
    token = phone._csrf("/")
    data = {"csrf_token": token, "code": code, "nickname": nickname, "perspective": perspective}
    phone._seated(phone.http.post(base_url + "/e", data=data, allow_redirects=False, timeout=10))
    phone.connect()
    return phone


def raw_connect(
    base_url: str, auth: dict[str, Any], cookies: dict[str, str] | None = None
) -> tuple[RawSocket, str]:
    """A hand-made namespace connect; the server's first answer for /conference."""
    raw = RawSocket(base_url, cookies)
    raw.send(f"40{NS}," + json.dumps(auth))
    while (frame := raw.next_frame()) is not None:
        if frame.startswith((f"40{NS},", f"44{NS},")):
            return raw, frame
    raise AssertionError("the server closed the connection without answering the connect")


def refused(frame: str) -> bool:
    return frame.startswith(f"44{NS},") and json.loads(frame[len(f"44{NS},") :]) == {
        "message": "not_authenticated"
    }


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
