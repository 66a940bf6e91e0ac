"""Issue 9 item 11 (the session cookie): starting tables no longer grows it without bound.

Browsers drop a cookie over 4 KB; before the cap, every table started added its screen key,
and after about 62 tables the session (with a facilitator's login in it) was lost.
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from koerskaart.extensions import socketio
from koerskaart.play.routes import SCREEN_KEYS_KEPT
from tests.helpers.users import log_in, make_user

TABLES = 100
COOKIE_BOUND = 2048  # bytes of the session cookie's value: half of what browsers keep


def start(client: FlaskClient) -> str:
    response = client.post("/tables", data={"deck": "proefdeck", "nickname": "Fac"})
    assert response.status_code == 302, response.status_code
    return response.headers["Location"].rsplit("/", 1)[-1]


def screen_key_on_page(client: FlaskClient, table_id: str) -> str | None:
    page = client.get(f"/t/{table_id}")
    assert page.status_code == 200
    found = re.search(rf"/t/{table_id}/screen#([\w-]+)", page.get_data(as_text=True))
    return found.group(1) if found else None


def test_a_hundred_tables_keep_the_session_cookie_small_and_the_latest_screen_links(app: Flask) -> None:
    make_user("fac@oost.example")
    client = log_in(app, "fac@oost.example")  # a login is in the same cookie: it must survive
    table_ids = []
    for _ in range(TABLES):
        table_ids.append(start(client))
        cookie = client.get_cookie("session")
        assert cookie is not None
        assert len(cookie.value) < COOKIE_BOUND, f"{len(cookie.value)} bytes after {len(table_ids)} tables"

    latest = table_ids[-SCREEN_KEYS_KEPT:]
    for table_id in latest:
        key = screen_key_on_page(client, table_id)
        assert key is not None, "a recent table lost its screen link"
        screen = socketio.test_client(
            app, namespace="/play", auth={"table": table_id, "as": "screen", "key": key}
        )
        assert screen.is_connected("/play"), "the screen key on the page does not open the screen"
        screen.disconnect(namespace="/play")
    # Older tables no longer offer the link (documented); their host still plays from the page.
    assert screen_key_on_page(client, table_ids[0]) is None
    assert client.get("/account/tables").status_code == 200  # still logged in


def test_the_oldest_screen_link_goes_when_one_more_table_starts(app: Flask) -> None:
    client = app.test_client()
    first = start(client)
    for _ in range(SCREEN_KEYS_KEPT - 1):
        start(client)
    assert screen_key_on_page(client, first) is not None  # the oldest of ten is still kept
    start(client)
    assert screen_key_on_page(client, first) is None  # the eleventh pushed it out
