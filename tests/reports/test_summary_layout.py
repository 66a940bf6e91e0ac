"""The summary page in real Chromium, at 360 px and on a laptop: the chart's type is shown at its
drawn size (never scaled down to about 10 px, never blown up), and the actions table keeps its
distance from the panel below it."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from koerskaart.charts import FONT
from tests.helpers.hostile import played_with
from tests.helpers.infra import require
from tests.helpers.users import PASSWORD, make_user

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
EMAIL = "fac@oost.example"

# Per chart: the size its type is shown at (its font size times how much the page scales it).
CHART_TYPE = """() => [...document.querySelectorAll("svg.chart-svg")].map((svg) =>
  +svg.getAttribute("font-size") * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width)"""
# From the bottom of the actions table to the top of whatever follows its section.
ACTIONS_GAP = """() => {
  const table = document.querySelector("[data-testid=summary-actions]");
  const next = table.closest("section").nextElementSibling;
  return next.getBoundingClientRect().top - table.getBoundingClientRect().bottom;
}"""


@pytest.fixture
def served(app: Flask) -> Iterator[str]:
    """The test app on a real HTTP port, for a real browser."""
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def chromium() -> Iterator[Any]:
    require(shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def test_the_chart_keeps_its_type_size_and_the_actions_their_margin(
    app: Flask, served: str, chromium: Any
) -> None:
    make_user(EMAIL, role="facilitator")
    client: FlaskClient = app.test_client()
    assert client.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    texts = ["Meer tijd", "Eerlijk zijn", "Samen leren", "Minder druk", "Luisteren"]
    table_id = played_with(app, client, texts, (("Sam", "Terugblik plannen", "1 maart"),), team="Team Inkoop")
    for width in (360, 1280):
        context = chromium.new_context(viewport={"width": width, "height": 800}, locale="nl-NL")
        try:
            page = context.new_page()
            page.goto(served + "/login")
            page.get_by_label("E-mailadres").fill(EMAIL)
            page.get_by_label("Wachtwoord").fill(PASSWORD)
            page.get_by_test_id("login-submit").click()
            page.wait_for_url(lambda url: "/login" not in url)
            page.goto(f"{served}/tables/{table_id}/summary")
            sizes = page.evaluate(CHART_TYPE)
            assert len(sizes) == 3 and all(abs(size - FONT) < 0.5 for size in sizes), (width, sizes)
            assert page.evaluate(ACTIONS_GAP) >= 16, width
        finally:
            context.close()
