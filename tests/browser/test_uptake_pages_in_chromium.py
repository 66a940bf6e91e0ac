"""Every uptake page (issue 14) in real Chromium, in Dutch and English, on phones of 320 and 360 px
(and a 1280 x 720 desk for the admins' pages): the accessibility audit of the studio pages
(tests/browser/studio_audit.js: labels, names, references, one h1, headings in order, landmarks, AA
contrast, 24 px targets), no sideways scroll, the skip link first and a visible focus.

And the team lead's flow on a 360 px phone: the request form by keyboard only, the ready link shown
once, opened the next day to start the table as its host; three more phones join, the table plays a
card and ends; after k such tables the admin's "Requested and played" counts them.

The audit's one studio-specific rule: "one primary action in view". The dashboard's filter form marks
the chosen date range as a primary-styled (pressed) link beside the views; those are no actions, so
links with aria-current are left out of that count here."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import (
    AUDIT,
    SERVER_ENV,
    create_account,
    keyboard_problems,
    log_in,
    reflow_problems,
    settle,
)
from tests.helpers.real_server import ROOT, Phone, RealServer

pytestmark = pytest.mark.browser

ADMIN = "beheerder.aanvragen@gemeente-oostelijk-voorbeeld.example"
DIRECTORATE = "Directie Maatschappelijke Ontwikkeling en Dienstverlening"
DEPARTMENT = "Afdeling Vergunningverlening, Toezicht en Handhaving"
TEAM = "Team Jeugd"  # the flow's unit: its requests and tables are released in a cohort of their own
DECK, ROUTE = "tegenspraak", "kort"  # a deck with routes; the route opens with a statement
PHONES = {
    width: {"viewport": {"width": width, "height": 740}, "is_mobile": True, "has_touch": True}
    for width in (320, 360)
}
DESK = {"viewport": {"width": 1280, "height": 720}}
ENV = {
    **SERVER_ENV,
    "KOERSKAART_REQUEST_RATE_LIMIT": "1000 per minute",
    "KOERSKAART_REQUEST_READY_RATE_LIMIT": "1000 per minute",
    "KOERSKAART_TABLE_START_RATE_LIMIT": "1000 per minute",
    "KOERSKAART_API_TOKEN_CREATE_RATE_LIMIT": "1000 per minute",
}

# Released facts on the server's database (as cohorts of k would be) in the last whole quarter, under
# a tree of three levels; requests too, so every view has rows, "< 3" cells and a chart.
SEED = f"""
from datetime import timedelta
from sqlalchemy import select
from koerskaart import create_app
from koerskaart.analytics.filters import last_quarter
from koerskaart.models import Organisation
from koerskaart.extensions import db
from tests.analytics import uptake_data as data

app = create_app()
with app.app_context():
    oost = select(Organisation.id).where(Organisation.name == "Gemeente Oost")
    organisation = db.session.scalars(oost).one()
    start, _end = last_quarter()
    top = data.unit(organisation, {DIRECTORATE!r})
    department = data.unit(organisation, {DEPARTMENT!r}, top)
    data.unit(organisation, "Team Toezicht", department)
    data.unit(organisation, {TEAM!r}, top)
    data.unit(organisation, "Oude afdeling", archived=True)
    data.tables(organisation, start + timedelta(days=10), count=3, unit=department, players=[3, 4, 9],
                reached=3, actions=2, from_request=2)
    data.tables(organisation, start + timedelta(days=40), count=3, unit=top, players=5, reached=1)
    data.requests(organisation, start + timedelta(days=5), count=3, unit=department)
    data.events(organisation, start + timedelta(days=41), unit=top)
"""

DECK_TITLE = re.compile(r"Tegenspraak", re.IGNORECASE)
VIEWS = ("tables-over-time", "players-per-table", "units", "cards", "requested-vs-played")


def _run(server: RealServer, *command: str) -> None:
    done = subprocess.run(
        [sys.executable, *command], cwd=ROOT, env=server.env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    server = RealServer(tmp_path_factory.mktemp("uptake-pages"), test_deck=True, env=ENV)
    server.start()
    create_account(server, ADMIN, role="admin")
    _run(server, "-m", "flask", "--app", "koerskaart", "analytics", "platform-admin", ADMIN)
    _run(server, "-c", SEED)
    yield server
    server.stop()


def audit(page: Any, state: str) -> list[str]:
    """The studio audit, with pressed range links not counted as primary actions (see the docstring)."""
    page.evaluate("document.querySelectorAll('a.btn--primary[aria-current]').forEach(a => a.dataset.on = 1)")
    found = [problem for problem in page.evaluate(AUDIT) if not problem.startswith("primary actions:")]
    primaries = page.evaluate(
        """() => [...document.querySelectorAll("main .btn--primary:not([data-on])")]
             .filter((b) => b.getBoundingClientRect().width > 0).map((b) => b.textContent.trim())"""
    )
    if len(primaries) > 1:
        found.append("primary actions: " + " | ".join(primaries))
    return [f"{state}: {problem}" for problem in found] + reflow_problems(page, state)


def desk_problems(page: Any, state: str) -> list[str]:
    settle(page)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    found = [f"{state}: {problem}" for problem in page.evaluate(AUDIT) if not problem.startswith("primary")]
    return found + ([f"{state} at 1280 px is {width} px wide"] if width > 1280 else [])


def _language(page: Any, server: RealServer, language: str) -> None:
    page.goto(f"{server.url}/lang/{language}?next=/")


def request_key(page: Any, server: RealServer) -> str:
    page.goto(server.url + "/organisation/requests")
    if page.get_by_test_id("create-request-page").count():
        page.get_by_test_id("create-request-page").click()
    link = str(page.get_by_test_id("request-page-link").input_value())
    return link.rsplit("/", 1)[-1]


def ask(page: Any, server: RealServer, key: str, unit: str = DEPARTMENT) -> str:
    """Request a deck through the form (by mouse: the keyboard flow is its own test); the ready link."""
    page.goto(f"{server.url}/request/{key}")
    page.get_by_test_id("request-unit").select_option(label=f"{DIRECTORATE} / {unit}")
    page.get_by_test_id(f"request-deck-{DECK}").check()
    page.get_by_test_id("request-size").fill("8")
    page.get_by_test_id("request-submit").click()
    return str(page.get_by_test_id("ready-link").input_value())


def test_every_uptake_page_passes_the_audit_in_both_languages_on_phones_and_a_desk(
    open_page: Any, live_server: RealServer
) -> None:
    problems: list[str] = []
    desk = open_page(**DESK, locale="nl-NL")
    log_in(desk, live_server, ADMIN)
    desk.goto(live_server.url + "/organisation/requests")
    problems += desk_problems(desk, "requests, no address yet (nl, 1280)")
    key = request_key(desk, live_server)
    desk.goto(live_server.url + "/organisation/units")
    desk.get_by_test_id("unit-name").filter(has_text=DEPARTMENT).click()
    unit_url = desk.url

    admin_pages = {
        "overview": "/organisation/uptake",
        **{view: f"/organisation/uptake/{view}" for view in VIEWS},
        "units": "/organisation/units",
        "unit": unit_url,
        "requests": "/organisation/requests",
        "api": "/organisation/api",
        "platform": "/platform/uptake",
        "platform decks": "/platform/uptake/decks",
    }
    for language in ("nl", "en"):
        _language(desk, live_server, language)
        for name, url in admin_pages.items():
            desk.goto(url if url.startswith("http") else live_server.url + url)
            problems += desk_problems(desk, f"{name} ({language}, 1280)")
        desk.goto(live_server.url + "/organisation/tokens")
        desk.get_by_test_id("token-name").fill(f"Kwartaalrapportage {language}")
        desk.get_by_test_id("token-submit").click()
        expect(desk.get_by_test_id("new-token")).to_be_visible()
        problems += desk_problems(desk, f"tokens, one just made ({language}, 1280)")

        for width, phone in PHONES.items():
            page = open_page(**phone, locale="nl-NL" if language == "nl" else "en-GB")
            log_in(page, live_server, ADMIN)
            _language(page, live_server, language)
            for name, url in admin_pages.items():
                page.goto(url if url.startswith("http") else live_server.url + url)
                problems += audit(page, f"{name} ({language}, {width})")
            page.goto(live_server.url + "/organisation/tokens")
            page.get_by_test_id("token-name").fill(f"Rapportage {language} {width}")
            page.get_by_test_id("token-submit").click()
            expect(page.get_by_test_id("new-token")).to_be_visible()
            problems += audit(page, f"tokens, one just made ({language}, {width})")
            page.goto(live_server.url + "/organisation/uptake/decks?start=gisteren")
            expect(page.get_by_test_id("uptake-problem")).to_be_visible()
            problems += audit(page, f"bad filters ({language}, {width})")

            # The team lead's pages, in a browser without an account.
            lead = open_page(**phone, locale="nl-NL" if language == "nl" else "en-GB")
            _language(lead, live_server, language)
            lead.goto(f"{live_server.url}/request/{key}")
            problems += audit(lead, f"request form ({language}, {width})")
            lead.get_by_test_id("request-submit").click()
            expect(lead.locator("#request-size-errors")).to_be_visible()
            problems += audit(lead, f"request form, refused ({language}, {width})")
            link = ask(lead, live_server, key)
            problems += audit(lead, f"request made ({language}, {width})")
            lead.goto(link)
            problems += audit(lead, f"ready page ({language}, {width})")
            if width == 360:
                lead.goto(f"{live_server.url}/request/{key}")
                problems += keyboard_problems(lead, f"request form keyboard ({language})", presses=16)
                page.goto(live_server.url + "/organisation/uptake/players-per-table")
                problems += keyboard_problems(page, f"players per table keyboard ({language})", presses=20)
                page.goto(live_server.url + "/organisation/units")
                problems += keyboard_problems(page, f"units keyboard ({language})", presses=16)
    assert problems == [], "\n".join(problems)


def _tab_to(page: Any, test_id: str, most: int = 30) -> None:
    """Tab until the element with ``test_id`` has the focus."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.dataset.testid") == test_id:
            return
    raise AssertionError(f"Tab never reaches {test_id}")


def _bots_play_and_end(server: RealServer, host: Phone | None, code: str) -> list[Phone]:
    """Three phones join by code; with a bot ``host`` the table also plays its first card (revealed once
    all four answered) and ends."""
    phones = [Phone(server.url) for _ in range(3)]
    for phone in phones:
        phone.join(code)
        phone.connect()
    if host is not None:
        host.wait_for("table_updated", lambda state: len(state["seats"]) == 4)
        assert host.call("start_game", {})["ok"]
        state = host.wait_for("table_updated", lambda state: state["status"] == "playing")
        for phone in (host, *phones):
            ack = phone.call("submit_answer", {"card_index": state["card_index"], "value": 4})
            assert ack and ack.get("ok"), ack
        host.wait_for("table_updated", lambda state: (state["round"] or {}).get("status") == "revealed")
        assert host.call("end_table", {"keep_open_text": False})["ok"]
    return phones


def _start_by_bot(server: RealServer, link: str) -> tuple[Phone, str]:
    """A host that opens a ready link and starts its table over HTTP; (host, join code)."""
    host = Phone(server.url)
    token = host._csrf(link.replace(server.url, ""))
    response = host.http.post(link, data={"csrf_token": token}, allow_redirects=False, timeout=10)
    host._seated(response)
    return host, str(host.connect()["join"]["code"])


def test_a_team_lead_requests_by_keyboard_and_starts_the_table_the_next_day(
    browser: Any, open_page: Any, live_server: RealServer
) -> None:
    phone = {**PHONES[360], "locale": "nl-NL"}
    admin = open_page(**DESK, locale="nl-NL")
    log_in(admin, live_server, ADMIN)
    key = request_key(admin, live_server)

    # The request form, by keyboard only: unit, deck, route, date, size, send.
    lead = open_page(**phone)
    lead.goto(f"{live_server.url}/request/{key}")
    _tab_to(lead, "request-unit")
    unit = lead.get_by_test_id("request-unit")
    for _ in range(10):  # a closed select moves its choice with the arrow keys
        lead.keyboard.press("ArrowDown")
        if unit.evaluate("s => s.options[s.selectedIndex].text").endswith(TEAM):
            break
    expect(unit.locator("option:checked")).to_have_text(f"{DIRECTORATE} / {TEAM}")
    _tab_to(lead, lead.locator("input[name=deck]").first.get_attribute("data-testid"))
    for _ in range(10):
        if lead.get_by_test_id(f"request-deck-{DECK}").is_checked():
            break
        lead.keyboard.press("ArrowDown")
    expect(lead.get_by_test_id(f"request-deck-{DECK}")).to_be_checked()
    _tab_to(lead, f"request-route-{DECK}")
    route = lead.get_by_test_id(f"request-route-{DECK}")
    for _ in range(10):
        if route.input_value() == ROUTE:
            break
        lead.keyboard.press("ArrowDown")
    expect(route).to_have_value(ROUTE)
    day = date.today() + timedelta(days=1)
    # The date's segments follow the browser's own language, not the page's: day first, or month first.
    _tab_to(lead, "request-date")
    for order in ("%d%m%Y", "%m%d%Y"):
        lead.keyboard.type(day.strftime(order))
        if lead.get_by_test_id("request-date").input_value() == day.isoformat():
            break
        for _ in range(2):  # back from the year to the first of the field's three parts
            lead.keyboard.press("Shift+Tab")
    expect(lead.get_by_test_id("request-date")).to_have_value(day.isoformat())
    _tab_to(lead, "request-size")
    lead.keyboard.type("4")
    _tab_to(lead, "request-submit")
    lead.keyboard.press("Enter")
    link = str(lead.get_by_test_id("ready-link").input_value())
    assert "/request/ready/" in link
    lead.goto(f"{live_server.url}/request/{key}")
    expect(lead.get_by_test_id("ready-link")).to_have_count(0)  # shown once, on the response only

    # The next day, on another phone: open the link, start the table, land on it as its host.
    host = open_page(**phone)
    host.goto(link)
    expect(host.get_by_test_id("request-summary")).to_contain_text(TEAM)
    host.get_by_role("button", name="Start de tafel").click()
    host.wait_for_url(re.compile(r"/t/[^/]+$"))
    join_code = host.get_by_test_id("join-code")
    expect(join_code).to_have_text(re.compile(r"^\s*[0-9A-Z]{4}-[0-9A-Z]{4}\s*$"))  # filled in by the socket
    code = join_code.inner_text().strip()
    phones = _bots_play_and_end(live_server, None, code)
    try:
        expect(host.get_by_test_id("lobby-players").locator("li")).to_have_count(4)
        host.get_by_test_id("start-game").click()
        state = phones[0].wait_for("table_updated", lambda state: state["status"] == "playing")
        for bot in phones:
            assert bot.call("submit_answer", {"card_index": state["card_index"], "value": 4})["ok"]
        host.get_by_test_id("answer-option-4").check()
        host.get_by_test_id("send-answer").click()
        expect(host.get_by_test_id("result")).to_be_visible()  # everyone answered: revealed by itself
        host.get_by_test_id("end-table").click()
        host.get_by_test_id("end-dialog").get_by_test_id("confirm-end").click()
        expect(host.locator("#ended-title")).to_be_visible()
    finally:
        for bot in phones:
            bot.close()

    # Two more team leads of the same unit: k = 3 requests and tables, released together.
    for _ in range(2):
        other = Phone(live_server.url)
        token = other._csrf(f"/request/{key}")
        unit = re.search(
            rf'<option value="([^"]+)">{re.escape(DIRECTORATE)} / {TEAM}</option>',
            other.http.get(f"{live_server.url}/request/{key}", timeout=10).text,
        )
        assert unit
        data = {
            "csrf_token": token,
            "unit": unit.group(1),
            "deck": DECK,
            "route-" + DECK: ROUTE,
            "expected_on": day.isoformat(),
            "expected_size": "4",
        }
        made = other.http.post(f"{live_server.url}/request/{key}", data=data, timeout=10).text
        ready = re.search(r'value="([^"]+)" data-testid="ready-link"', made)
        assert ready, made[:2000]
        bot_host, code = _start_by_bot(live_server, ready.group(1))
        for bot in [bot_host, *_bots_play_and_end(live_server, bot_host, code)]:
            bot.close()

    today = datetime.utcnow().date()
    start, end = min(today, date.today()) - timedelta(days=1), max(today, date.today())
    admin.goto(f"{live_server.url}/organisation/uptake/requested-vs-played?start={start}&end={end}")
    row = admin.get_by_test_id("uptake-table").locator("tbody tr").filter(has_text=TEAM)
    expect(row).to_have_count(1)
    expect(row.locator("td")).to_have_text([DECK_TITLE, "3", "3", "3", "100,0"], timeout=10_000)
