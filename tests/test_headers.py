"""Issue 9 item 10: every route answers with the security headers, and no page holds inline code.

Every rule in ``app.url_map`` is requested with real arguments (a played table, a share link, an
invitation, a user), by every method it takes; a new route with an argument this test cannot fill
fails here until it is added.
"""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from koerskaart import create_app
from koerskaart.analytics import request_services
from koerskaart.auth import services as accounts
from koerskaart.conference import services as conference_services
from koerskaart.config import TestingConfig
from koerskaart.content import load_deck_file
from koerskaart.extensions import db
from koerskaart.live import decks, service
from koerskaart.reports import sharing
from koerskaart.studio import services as studio_services
from tests.helpers.players import start_table
from tests.helpers.proefdeck import TEST_DECK
from tests.helpers.summaries import played_table
from tests.helpers.users import log_in, make_user

SHARED = {"reports.shared_summary", "reports.shared_file"}
LAST = ("auth.logout", "auth.logout_everywhere")  # they end the session the other requests use


def directives(response: Any) -> dict[str, str]:
    policy = response.headers.get("Content-Security-Policy", "")
    parts = (part.strip().split(None, 1) for part in policy.split(";") if part.strip())
    return {part[0]: (part[1] if len(part) > 1 else "") for part in parts}


def check_headers(response: Any, endpoint: str | None, where: str) -> None:
    csp = directives(response)
    assert csp, f"{where}: no Content-Security-Policy"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"], where
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"], where
    for directive, value in {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "frame-ancestors": "'none'",
    }.items():
        assert csp.get(directive) == value, f"{where}: {directive} is {csp.get(directive)!r}"
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    expected_referrer = "no-referrer" if endpoint in SHARED else "same-origin"
    assert response.headers.get("Referrer-Policy") == expected_referrer, where
    if endpoint != "static":
        assert "no-store" in response.headers.get("Cache-Control", ""), f"{where}: cacheable"
        assert "accept-language" in {v.lower() for v in response.vary}, f"{where}: no Vary"


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    """A logged-in admin with a played table, a share link, an invitation, a colleague and a studio deck."""
    admin = make_user("admin@oost.example", role="admin")
    colleague = make_user("collega@oost.example")
    client = log_in(app, "admin@oost.example")
    table_id = played_table(app, client)
    table = service.get_table(table_id)
    assert table is not None
    link, share_token = sharing.create_link(table, admin)
    invite, invite_token = accounts.create_invite(admin, "nieuw@oost.example", "facilitator")
    event, _key = conference_services.create(
        admin, "Dag", date(2026, 12, 1), table.deck_slug, table_names=["Tafel 1"]
    )
    event_table = service.create_event_table(event, "Tafel 2")
    db.session.commit()
    studio_deck = studio_services.duplicate(admin, table.deck_slug)
    studio_services.publish(admin, studio_deck, "")
    loaded = studio_services.check(studio_deck.versions[0].text, studio_deck.slug).deck
    assert loaded is not None
    return {
        "public_id": studio_deck.public_id,
        "card_id": loaded.cards[0].id,  # the studio's card editor
        "number": 1,
        "event_id": event.public_id,
        "event_code": event.code,
        "event_table_id": event_table.public_id,
        "client": client,
        "table_id": table_id,
        "share_token": share_token,
        "link_id": link.id,
        "invite_token": invite_token,
        "invite_id": invite.id,
        "user_id": colleague.id,
        "key": request_services.renew_key(admin.organisation_id),  # the organisation's deck request page
        "name": "decks",  # an uptake view (the dashboard, its CSV)
    }


def url_for_rule(rule: Rule, world: dict[str, Any]) -> str:
    values: dict[str, Any] = {}
    for name in rule.arguments:
        if name == "token":
            values[name] = world["invite_token" if rule.endpoint == "auth.accept_invite" else "share_token"]
        elif name == "filename":
            values[name] = "js/join.js"
        elif name == "fmt":
            values[name] = "csv"
        elif name == "code":
            values[name] = world["event_code"] if rule.endpoint.startswith("conference.") else "en"
        elif name == "slug":  # a deck's page and its print PDF
            values[name] = service.get_table(world["table_id"]).deck_slug  # type: ignore[union-attr]
        elif name == "language":
            values[name] = "nl"
        elif name == "table_id" and rule.endpoint.startswith("conference."):
            values[name] = world["event_table_id"]
        elif name == "name" and rule.endpoint.startswith("analytics_api."):
            values[name] = "decks"  # an uptake view
        elif name == "rest":  # the API's JSON 404 for any other path under /api
            values[name] = "v1/nothing"
        elif name in world:
            values[name] = world[name]
        else:
            pytest.fail(f"{rule.rule}: this test cannot fill <{name}>; add it to url_for_rule")
    built = rule.build(values, append_unknown=False)
    assert built is not None, rule.rule
    return built[1]


def test_every_route_sends_the_security_headers(app: Flask, world: dict[str, Any]) -> None:
    client: FlaskClient = world["client"]
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: (rule.endpoint in LAST, rule.endpoint))
    checked = set()
    for rule in rules:
        path = url_for_rule(rule, world)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method)
            response.close()  # a static file's handle
            check_headers(response, rule.endpoint, f"{method} {path} ({response.status_code})")
            checked.add(rule.endpoint)
    assert {"play.table", "play.screen", "reports.summary_page", "reports.shared_summary"} <= checked


def test_error_pages_send_them_too(app: Flask) -> None:
    client = app.test_client()
    check_headers(client.get("/no/such/page"), None, "404")
    check_headers(client.get("/t/no-such-table/screen"), "play.screen", "screen 404")
    check_headers(client.post("/"), None, "405")


def test_the_rate_limit_page_sends_them_too() -> None:
    class Limited(TestingConfig):
        RATELIMIT_ENABLED = True
        TABLE_START_SESSION_RATE_LIMIT = "1 per minute"

    app = create_app(Limited)
    with app.app_context():
        db.create_all()
        client = app.test_client()
        client.post("/tables", data={"deck": "proefdeck"})
        response = client.post("/tables", data={"deck": "proefdeck"})
        assert response.status_code == 429
        check_headers(response, "play.start_table", "429")


# --- no inline code: what the policy would block is not in the pages ---------------------------


class InlineCode(HTMLParser):
    """Inline scripts, event-handler attributes, style attributes and <style> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower(): value for name, value in attrs}
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{name}= on <{tag}>" for name in names if name == "style" or name.startswith("on")]
        if any((value or "").strip().lower().startswith("javascript:") for value in names.values()):
            self.found.append(f"javascript: URL on <{tag}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_no_page_holds_inline_code(app: Flask, world: dict[str, Any]) -> None:
    client: FlaskClient = world["client"]
    table_id = world["table_id"]
    # The pages with the most on them: the share link and the invitation just made.
    made_share = client.post(f"/tables/{table_id}/share-links")
    made_invite = client.post("/account/team/invites", data={"email": "later@oost.example", "role": "author"})
    assert 'data-testid="copy-share-link"' in made_share.get_data(as_text=True)
    assert 'data-testid="invite-link"' in made_invite.get_data(as_text=True)
    pages = {"share link made": made_share, "invitation made": made_invite}
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or set()) and rule.endpoint != "static":
            path = url_for_rule(rule, world)
            pages[path] = client.get(path, follow_redirects=True)
    pages["404"] = client.get("/no/such/page")
    for where, response in pages.items():
        if response.mimetype == "text/html":
            assert not inline_code(response.get_data(as_text=True)), where


def test_the_inline_code_check_finds_what_it_looks_for() -> None:
    found = inline_code(
        '<script>x()</script><script type="application/json">{}</script><script src="/a.js"></script>'
        '<p style="color:red" onclick="x()"></p><style>p{}</style><a href="javascript:x()"></a>'
    )
    assert found == [
        "inline <script>",
        "style= on <p>",
        "onclick= on <p>",
        "<style>",
        "javascript: URL on <a>",
    ]


# --- the one exception: a documented setting lets named sites frame the table screen -------------


def test_a_setting_lets_named_sites_frame_the_table_screen_only(app: Flask) -> None:
    class Embedded(TestingConfig):
        SCREEN_FRAME_ANCESTORS = ["https://intranet.example.org", "'self'"]

    embedded = create_app(Embedded)
    deck, problems = load_deck_file(TEST_DECK)
    assert deck is not None, problems
    decks.install(embedded.extensions, {deck.slug: deck})
    with embedded.app_context():
        db.create_all()
        host = start_table(embedded)
        screen = host.http.get(f"/t/{host.table_id}/screen")
        assert screen.status_code == 200
        assert directives(screen)["frame-ancestors"] == "https://intranet.example.org 'self'"
        assert "X-Frame-Options" not in screen.headers  # it would override the allowed sites
        assert directives(screen)["script-src"] == "'self'"
        for path in (f"/t/{host.table_id}", "/", "/join"):
            page = host.http.get(path)
            assert directives(page)["frame-ancestors"] == "'none'", path
            assert page.headers["X-Frame-Options"] == "DENY", path


@pytest.mark.parametrize("value", [["https://a.example;script-src"], ["https://a.example\nX: y"]])
def test_a_malformed_frame_setting_stops_the_server_at_start(value: list[str]) -> None:
    class Broken(TestingConfig):
        SCREEN_FRAME_ANCESTORS = value

    with pytest.raises(ValueError):
        create_app(Broken)


def test_the_table_page_and_the_screen_are_never_cached(app: Flask) -> None:
    """The table page links the screen with its key; the screen's key is in its address."""
    host = start_table(app)
    page = host.http.get(f"/t/{host.table_id}")
    assert re.search(rf"/t/{host.table_id}/screen#[\w-]+", page.get_data(as_text=True))
    assert "no-store" in page.headers["Cache-Control"]
    assert "no-store" in host.http.get(f"/t/{host.table_id}/screen").headers["Cache-Control"]


def test_static_files_keep_their_own_caching(app: Flask) -> None:
    response = app.test_client().get("/static/js/join.js")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
