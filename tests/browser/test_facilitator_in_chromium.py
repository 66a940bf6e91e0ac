"""Issue 3's acceptance test, in real Chromium against a real server: a facilitator, tried as a new
user would, plays with a team, opens the summary, downloads the PDF and hands it over."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.helpers.real_server import ROOT, RealServer

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "locale": "nl-NL"}
LAPTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "nl-NL"}
TIMEOUT = 15_000  # ms: a ceiling for waiting, never a measurement

EMAIL = "facilitator@oost.example"
PASSWORD = "een lange zin als wachtwoord"
TEAM = "Team Inkoop"
DECK_TITLE = "Proefdeck"
STATEMENT = "In ons team kun je fouten bespreken."


# --- set-up ----------------------------------------------------------------------------------------


def create_account(server: RealServer, email: str, password: str) -> None:
    """What an admin does on the server: `flask --app koerskaart users create`, on its own instance."""
    command = ["users", "create", "--email", email, "--organisation", "Gemeente Oost", "--password-stdin"]
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "koerskaart", *command],
        cwd=ROOT,
        env=server.env,  # the server's instance folder, so its database and secret key
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# --- what a facilitator and the team do --------------------------------------------------------------


def log_in(page: Any, server: RealServer) -> None:
    page.goto(server.url + "/")
    page.get_by_test_id("header-login").click()
    page.get_by_label("E-mailadres").fill(EMAIL)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("header-account")).to_be_visible()


def start_table(page: Any, server: RealServer, team: str) -> tuple[str, str]:
    """Start a table on the test deck for ``team``; returns (table id, join code)."""
    page.goto(server.url + "/")
    page.locator('label[for="deck-proefdeck"]').click()
    page.get_by_test_id("start-team").fill(team)
    page.get_by_test_id("start-table").click()
    code = page.get_by_test_id("join-code")
    expect(code).to_have_text(re.compile(r"^\s*[0-9A-Z]{4}-[0-9A-Z]{4}\s*$"))
    return page.url.rstrip("/").rsplit("/", 1)[-1], code.inner_text().strip()


def join_by_code(phone: Any, server: RealServer, code: str, nickname: str) -> None:
    phone.goto(server.url + "/join")
    phone.locator('input[name="code"]').fill(code)
    phone.locator('input[name="nickname"]').fill(nickname)
    phone.get_by_test_id("join-submit").click()
    phone.get_by_test_id("lobby-players").wait_for()


def play_to_the_reveal(players: list[Any], values: list[int], expected_counts: list[int]) -> None:
    """Everyone answers the scale card; every screen shows the same result."""
    for player in players:
        expect(player.get_by_test_id("card-prompt")).to_have_text(STATEMENT)
    for player, value in zip(players, values, strict=True):
        player.get_by_test_id(f"answer-option-{value}").check()
        player.get_by_test_id("send-answer").click()
    for player in players:
        result = player.get_by_test_id("result")
        for option, count in enumerate(expected_counts):
            expect(result.get_by_test_id(f"result-count-{option}")).to_have_text(str(count))


def play_a_table(
    host: Any, phones: list[Any], server: RealServer, values: list[int], counts: list[int]
) -> str:
    """Start a table for the team, let the phones join, play the scale card and end; returns its id."""
    table_id, code = start_table(host, server, TEAM)
    for number, phone in enumerate(phones, start=1):
        join_by_code(phone, server, code, f"Speler {number}")
    expect(host.get_by_test_id("lobby-players").locator("li")).to_have_count(len(phones) + 1)
    host.get_by_test_id("start-game").click()
    play_to_the_reveal([host, *phones], values, counts)
    end_table_for_everyone(host, phones)
    return table_id


def end_table_for_everyone(host: Any, phones: list[Any]) -> None:
    host.get_by_test_id("end-table").click()
    dialog = host.get_by_test_id("end-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_test_id("confirm-end").click()
    for page in (host, *phones):
        expect(page.locator("#ended-title")).to_be_visible()


def open_your_tables(page: Any) -> None:
    """Je account → Je tafels, as a facilitator finds it."""
    page.get_by_test_id("header-account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Je tafels")


def follow_link_to_summary(page: Any, table_id: str) -> None:
    page.locator(f'[data-testid="history-summary"][href$="/tables/{table_id}/summary"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text(DECK_TITLE)


def download(page: Any, test_id: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_test_id(test_id).click()
    path = info.value.path()
    assert path is not None, info.value.failure()
    with open(path, "rb") as file:
        return file.read()


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF"), data[:20]
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- what the page must be ------------------------------------------------------------------------


def assert_no_horizontal_scroll_at_360(page: Any, screenshot: Path | None = None) -> None:
    size = page.viewport_size
    page.set_viewport_size({"width": 360, "height": 740})
    width, client = page.evaluate(
        "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    assert width <= client, f"{page.url} scrolls sideways at 360 px: {width} > {client}"
    if screenshot:
        page.screenshot(path=str(screenshot), full_page=True)
    page.set_viewport_size(size)


# Without axe-core in the project: the checks that matter most on these pages, in the browser.
ACCESSIBILITY_PROBLEMS = """() => {
  const problems = [];
  const named = (el) => (el.getAttribute("aria-label") || "").trim() ||
    (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean)
      .map((id) => (document.getElementById(id) || {}).textContent || "").join("").trim();
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    if (!(el.labels && el.labels.length) && !named(el)) problems.push("no label: " + el.outerHTML);
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    if (!el.textContent.trim() && !named(el)) problems.push("no name: " + el.outerHTML);
  }
  for (const el of document.querySelectorAll("img")) {
    if (!el.hasAttribute("alt")) problems.push("no alt: " + el.outerHTML);
  }
  for (const el of document.querySelectorAll("svg")) {
    const hidden = el.closest("[aria-hidden=true]");
    if (!hidden && !(el.getAttribute("role") === "img" && named(el))) {
      problems.push("svg neither hidden nor named: " + el.outerHTML.slice(0, 120));
    }
  }
  const levels = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) => +h.tagName[1]);
  if (levels.filter((level) => level === 1).length !== 1) problems.push("not one h1: " + levels);
  levels.forEach((level, i) => {
    if (i && level > levels[i - 1] + 1) problems.push(`heading h${levels[i - 1]} then h${level}`);
  });
  return problems;
}"""


def assert_accessible(page: Any) -> None:
    assert page.evaluate(ACCESSIBILITY_PROBLEMS) == [], page.url
    expect(page.locator("html")).to_have_attribute("lang", "nl")


# --- the test --------------------------------------------------------------------------------------


def test_a_facilitator_plays_opens_the_summary_downloads_and_hands_it_over(
    open_page: Any, live_server: RealServer, artifacts: Path
) -> None:
    create_account(live_server, EMAIL, PASSWORD)
    laptop = open_page(**LAPTOP)
    phones = [open_page(**PHONE) for _ in range(3)]

    # The facilitator logs in on a laptop, starts a table for the team and plays along.
    log_in(laptop, live_server)
    first = play_a_table(laptop, phones, live_server, values=[5, 4, 4, 2], counts=[0, 1, 0, 2, 1])

    # Je tafels → the summary: the chart, the numbers, the downloads.
    open_your_tables(laptop)
    assert_no_horizontal_scroll_at_360(laptop)
    follow_link_to_summary(laptop, first)
    summary = laptop.get_by_test_id("summary-card-1")
    expect(summary.get_by_role("heading")).to_contain_text(STATEMENT)
    chart = summary.locator('svg[role="img"]')
    expect(chart).to_be_visible()
    expect(chart).to_have_accessible_name("Antwoorden op kaart 1")
    for option, count in enumerate([0, 1, 0, 2, 1]):
        expect(summary.get_by_test_id(f"summary-count-1-{option}")).to_have_text(str(count))
    expect(summary).to_contain_text("4 antwoorden · mediaan 4,0")
    expect(laptop.get_by_test_id("summary-facts")).to_contain_text(TEAM)
    expect(laptop.get_by_test_id("download-pdf")).to_have_text("PDF downloaden")
    text = pdf_text(download(laptop, "download-pdf"))
    assert DECK_TITLE in text and STATEMENT in text
    csv = download(laptop, "download-csv")
    assert csv.startswith(b"\xef\xbb\xbf") and STATEMENT in csv.decode("utf-8-sig")
    assert_accessible(laptop)
    assert_no_horizontal_scroll_at_360(laptop)

    # A share link, copied with the button, opens the summary and its PDF for someone without an account.
    laptop.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    laptop.get_by_test_id("create-share-link").click()
    shown = laptop.get_by_test_id("share-link")
    expect(shown).to_have_value(re.compile(re.escape(live_server.url) + r"/s/[\w-]{43,}$"))
    laptop.get_by_test_id("copy-share-link").click()
    expect(laptop.locator("#copy-share-status")).to_have_text("Gekopieerd.")
    link = laptop.evaluate("navigator.clipboard.readText()")
    assert link == shown.input_value()
    assert_accessible(laptop)
    assert_no_horizontal_scroll_at_360(laptop)

    stranger = open_page(**PHONE)
    stranger.goto(link)
    expect(stranger.get_by_role("heading", level=1)).to_have_text(DECK_TITLE)
    expect(stranger.get_by_test_id("shared-note")).to_be_visible()
    expect(stranger.get_by_test_id("summary-count-1-3")).to_have_text("2")
    expect(stranger.get_by_test_id("create-share-link")).to_have_count(0)
    assert DECK_TITLE in pdf_text(download(stranger, "download-pdf"))
    assert_accessible(stranger)
    assert_no_horizontal_scroll_at_360(stranger, screenshot=artifacts / "10-shared-summary-360.png")

    # The facilitator revokes the link: the same address is now the 404 page.
    laptop.get_by_test_id("share-link-row").get_by_role("button", name="Intrekken").click()
    expect(laptop.get_by_role("status").filter(has_text="De deellink werkt niet meer.")).to_be_visible()
    expect(laptop.get_by_test_id("share-link-row")).to_have_count(0)
    response = stranger.reload()
    assert response is not None and response.status == 404
    expect(stranger.get_by_test_id("error-404")).to_be_visible()

    # A second table for the same team: its summary sets last time beside this time.
    second = play_a_table(laptop, phones, live_server, values=[5, 5, 4, 4], counts=[0, 0, 0, 2, 2])
    open_your_tables(laptop)
    follow_link_to_summary(laptop, second)
    comparison = laptop.get_by_test_id("summary-comparison")
    expect(comparison.get_by_role("heading", level=2)).to_have_text("Vergeleken met vorige keer")
    expect(laptop.get_by_test_id("summary-earlier-1-3")).to_have_text("2")  # last time two chose 4
    expect(laptop.get_by_test_id("summary-count-1-4")).to_have_text("2")
    assert_accessible(laptop)
    assert_no_horizontal_scroll_at_360(laptop, screenshot=artifacts / "11-summary-compared-360.png")
