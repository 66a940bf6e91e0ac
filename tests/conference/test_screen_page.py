"""The event's big screen page: it renders for anyone with the link, carries the strings its script
needs, and never the screen key (that lives in the URL fragment, so it never reaches the server)."""

from __future__ import annotations

import json
import re

from flask import Flask

from koerskaart.conference import services
from koerskaart.extensions import socketio
from tests.helpers.events import make_event


def _data(html: str) -> dict[str, object]:
    found = re.search(r'<script id="kk-data" type="application/json">(.*?)</script>', html, re.DOTALL)
    assert found, "no kk-data block"
    data = json.loads(found.group(1))
    assert isinstance(data, dict)
    return data


def test_the_screen_page_renders_with_its_data_and_no_key(app: Flask) -> None:
    conference = make_event()
    key = services.new_screen_key(conference)
    page = app.test_client().get(f"/events/{conference.public_id}/screen")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert key not in html
    data = _data(html)
    assert data["event_id"] == conference.public_id
    assert isinstance(data["cards"], list) and data["cards"]
    strings = data["strings"]
    assert isinstance(strings, dict)
    needed = ("people_at_tables", "spread_low", "spread_medium", "spread_high", "few", "some", "almost_all")
    for name in needed:
        assert strings[name], name
    assert "%(share)s" in strings["spread_high"]
    assert 'src="/static/js/plenary.js"' in html
    assert "Wacht op minstens 3 tafels" in html  # Dutch first
    assert "Leiderschapsdag" in html


def test_the_screen_page_speaks_english_when_asked(app: Flask) -> None:
    conference = make_event()
    client = app.test_client()
    html = client.get(f"/events/{conference.public_id}/screen", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "Waiting for at least 3 tables" in html
    assert "Tables differ strongly from each other" in _data(html)["strings"]["spread_high"]  # type: ignore[index]


def test_an_unknown_event_has_no_screen(app: Flask) -> None:
    assert app.test_client().get("/events/nope/screen").status_code == 404


def test_the_screen_socket_gets_what_the_page_draws(app: Flask) -> None:
    """The script reads event.join (code, url, qr_svg) and plenary; the key opens it, no key does not."""
    conference = make_event()
    key = services.new_screen_key(conference)
    auth = {"event": conference.public_id, "as": "screen", "key": key}
    sock = socketio.test_client(app, namespace="/conference", auth=auth)
    assert sock.is_connected("/conference")
    joined = [p["args"][0] for p in sock.get_received("/conference") if p["name"] == "event_joined"]
    assert joined
    event = joined[-1]["event"]
    assert joined[-1]["plenary"] is None and event["plenary_card"] is None
    assert event["name"] == "Leiderschapsdag"
    assert event["join"]["code"] and event["join"]["url"] and event["join"]["qr_svg"].startswith("<svg")
    sock.disconnect(namespace="/conference")
    wrong = socketio.test_client(app, namespace="/conference", auth={**auth, "key": "wrong"})
    assert not wrong.is_connected("/conference")
