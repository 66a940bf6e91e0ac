"""The organisation's uptake dashboard in real Chromium: an admin opens it from their account, filters
the last quarter by unit, sees a chart beside the numbers and downloads the CSV; every page fits a
1280 px desk or projector and reflows at 360 and 320 px, and every chart has an accessible name.

The figures are released facts written on the server's own database (as cohorts of k would be),
so the test is about the pages, not about playing tables (tests/analytics covers that path)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import LAPTOP, PHONE, SERVER_ENV, create_account, log_in, reflow_problems, settle
from tests.helpers.real_server import ROOT, RealServer

pytestmark = pytest.mark.browser

ADMIN = "beheerder.gebruikscijfers@gemeente-oostelijk-voorbeeld.example"
UNIT = "Afdeling Vergunningverlening, Toezicht en Handhaving"

# Facts released on the server's database: two cohorts in the last whole quarter, one unit under
# a directorate, one cohort of tables of three and one with a table of nine players.
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
    top = data.unit(organisation, "Directie Dienstverlening")
    unit = data.unit(organisation, {UNIT!r}, top)
    data.tables(organisation, start + timedelta(days=10), count=3, unit=unit, players=[3, 4, 9], reached=3)
    data.tables(organisation, start + timedelta(days=40), count=3, unit=top, players=5, reached=1)
    data.events(organisation, start + timedelta(days=41), unit=top)
"""

CHARTS_NAMED = """() => [...document.querySelectorAll("svg")]
  .filter((svg) => svg.getAttribute("aria-hidden") !== "true" && !svg.closest("[aria-hidden=true]"))
  .filter((svg) => svg.getAttribute("role") !== "img" || !(svg.getAttribute("aria-label") || "").trim())
  .map((svg) => svg.outerHTML.slice(0, 80))"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    server = RealServer(tmp_path_factory.mktemp("uptake-server"), test_deck=True, env=SERVER_ENV)
    server.start()
    create_account(server, ADMIN, role="admin")
    done = subprocess.run(
        [sys.executable, "-c", SEED], cwd=ROOT, env=server.env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    yield server
    server.stop()


def desk_problems(page: Any, state: str) -> list[str]:
    """At 1280 px nothing scrolls sideways, and every chart is an image with a name."""
    settle(page)
    problems = []
    width = page.evaluate("document.scrollingElement.scrollWidth")
    if width > 1280:
        problems.append(f"{state} at 1280 px is {width} px wide")
    problems += [f"{state}: a chart without a name: {svg}" for svg in page.evaluate(CHARTS_NAMED)]
    return problems


def test_an_admin_filters_the_last_quarter_by_unit_and_downloads_the_csv(
    open_page: Any, live_server: RealServer, tmp_path: Path
) -> None:
    page = open_page(**LAPTOP, accept_downloads=True)
    log_in(page, live_server, ADMIN)
    page.get_by_test_id("header-account").click()
    page.get_by_test_id("nav-uptake").click()
    expect(page.locator("h1")).to_have_text("Gebruik in je organisatie")
    expect(page.get_by_test_id("uptake-figures")).to_contain_text("6")
    problems = desk_problems(page, "overview")

    page.get_by_test_id("uptake-nav-players-per-table").click()
    page.get_by_test_id("filter-unit").select_option(label=f"Directie Dienstverlening / {UNIT}")
    page.get_by_test_id("filter-submit").click()
    expect(page.locator("h1")).to_have_text("Spelers per tafel")
    chart = page.get_by_test_id("uptake-chart").locator("svg")
    expect(chart).to_have_attribute("role", "img")
    expect(chart).to_have_attribute("aria-label", "Spelers per tafel: Tafels")
    table = page.get_by_test_id("uptake-table")
    expect(table.locator("tbody tr").last).to_contain_text("Alle tafels")
    expect(table.locator("tbody tr").last).to_contain_text("3")
    expect(table).to_contain_text("< 3")
    expect(page.get_by_test_id("uptake-small-note")).to_be_visible()
    problems += desk_problems(page, "players per table, one unit")

    with page.expect_download() as caught:
        page.get_by_test_id("uptake-csv").click()
    download = caught.value
    assert download.suggested_filename.startswith("koerskaart-players-per-table-")
    assert download.suggested_filename.endswith(".csv")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = saved.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "Spelers aan tafel;Tafels;Gemiddeld aantal spelers"
    assert "9+;< 3;" in text and "Alle tafels;3;5,3" in text

    for view in ("tables-over-time", "units", "cards", "requested-vs-played"):
        page.get_by_test_id(f"uptake-nav-{view}").click()
        expect(page.get_by_test_id("uptake-view")).to_have_attribute("data-view", view)
        problems += desk_problems(page, view)
    assert problems == []


def test_the_pages_reflow_on_a_phone(open_page: Any, live_server: RealServer) -> None:
    page = open_page(**PHONE)
    log_in(page, live_server, ADMIN)
    problems: list[str] = []
    for language in ("nl", "en"):
        page.goto(f"{live_server.url}/lang/{language}?next=/organisation/uptake")
        problems += reflow_problems(page, f"overview ({language})")
        for view in ("tables-over-time", "players-per-table", "units", "cards", "requested-vs-played"):
            page.goto(f"{live_server.url}/organisation/uptake/{view}")
            problems += reflow_problems(page, f"{view} ({language})")
            problems += [f"{view}: a chart without a name: {svg}" for svg in page.evaluate(CHARTS_NAMED)]
        page.goto(f"{live_server.url}/organisation/uptake/decks?start=gisteren")
        expect(page.get_by_test_id("uptake-problem")).to_be_visible()
        problems += reflow_problems(page, f"bad filters ({language})")
    assert problems == []
