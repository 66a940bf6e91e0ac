"""Clients of the /conference namespace, written from docs/socket-protocol.md: a facilitator's
dashboard (logged in over HTTP), a participant who joins by event code, a raw namespace connect."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
import zlib
from typing import Any

from tests.helpers.real_server import ROOT, Phone, RawSocket, RealServer
from tests.helpers.users import PASSWORD

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
