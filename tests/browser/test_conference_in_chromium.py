"""Issue 10's acceptance test, in real Chromium against a real server: a facilitator runs a
conference of three tables from a laptop and a projector; eighteen phones (a browser context
each) join with the event code and play two cards in synchronised pacing, the second a harvest
moment; the big screen shows the room only once the third table revealed; a player is moved;
and the conference summary is handed over as PDF and CSV."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.pages import (
    LAPTOP,
    PHONE,
    PROJECTOR,
    choose,
    create_account,
    create_event,
    fit_problems,
    join_event,
    log_in,
    on_card,
)
from tests.helpers.real_server import RealServer

pytestmark = pytest.mark.browser

EMAIL = "conferentie@oost.example"
PLAYERS = 18
STATEMENT, CHOICE = 0, 1  # the test deck's first two cards; the choice card is the harvest moment


def answer(page: Any, value: int, *, last: bool) -> None:
    """Answer the open card; the last answer at a table completes the round, which then reveals."""
    if not last:
        choose(page, value)
        return
    page.get_by_test_id(f"answer-option-{value}").check()
    page.get_by_test_id("send-answer").click()
    expect(page.locator("#result")).to_be_visible()


def table_of(page: Any) -> str:
    return str(page.url).rstrip("/").rsplit("/", 1)[-1]


def row_of(laptop: Any, table_id: str) -> Any:
    return laptop.locator(f'[data-testid="dash-table-row"][data-table-id="{table_id}"]')


def said(laptop: Any, text: str) -> None:
    expect(laptop.get_by_test_id("dash-feedback")).to_contain_text(text)


def test_a_facilitator_runs_three_tables_harvests_the_room_and_hands_over_the_summary(
    live_server: RealServer, open_page: Any, tmp_path: Path, artifacts: Path
) -> None:
    create_account(live_server, EMAIL)
    laptop = open_page(**LAPTOP, accept_downloads=True)
    errors: list[str] = []
    laptop.on("pageerror", lambda exc: errors.append(f"dashboard: {exc}"))
    log_in(laptop, live_server, EMAIL)
    create_event(laptop, live_server, harvest=CHOICE)
    code = laptop.get_by_test_id("dash-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", code)

    # The big screen on the projector, by the link on the dashboard: the code to join with.
    projector = open_page(**PROJECTOR)
    projector.on("pageerror", lambda exc: errors.append(f"big screen: {exc}"))
    projector.goto(live_server.url + str(laptop.get_by_test_id("dash-screen-link").get_attribute("href")))
    expect(projector.get_by_test_id("join-code")).to_have_text(code)

    # Eighteen phones join with the event code and are seated six at each table.
    phones = []
    for number in range(PLAYERS):
        phone = open_page(**PHONE)
        phone.on("pageerror", lambda exc: errors.append(f"phone: {exc}"))
        join_event(phone, live_server, code, f"Speler {number + 1}")
        phones.append(phone)
    expect(laptop.get_by_test_id("dash-total-players")).to_have_text(str(PLAYERS))
    tables: dict[str, list[Any]] = {}
    for phone in phones:
        tables.setdefault(table_of(phone), []).append(phone)
    assert sorted(len(group) for group in tables.values()) == [6, 6, 6]

    # Card 1, synchronised: opened at every table at once, and put on the big screen.
    laptop.get_by_test_id("dash-show-card-select").select_option(str(STATEMENT))
    laptop.get_by_test_id("dash-show-card").click()
    laptop.get_by_test_id("dash-screen-select").select_option(str(STATEMENT))
    laptop.get_by_test_id("dash-screen-show").click()
    for phone in phones:
        on_card(phone, 1)
        expect(phone.get_by_test_id("event-banner")).to_contain_text("Leiderschapsdag")
    expect(projector.get_by_test_id("plenary-prompt")).to_be_visible()

    groups = list(tables.values())
    for number, group in enumerate(groups):
        row = row_of(laptop, table_of(group[0]))
        for player, phone in enumerate(group):
            answer(phone, 2 + player % 3, last=player == len(group) - 1)
            if player == 2:  # the dashboard counts answers, never shows them
                expect(row.get_by_test_id("dash-row-count")).to_have_text("3/6")
        if number < 2:
            # One or two tables revealed: the room sees nothing yet.
            expect(projector.get_by_test_id("plenary-waiting")).to_be_visible()
            expect(projector.get_by_test_id("plenary-chart")).to_be_hidden()
    expect(projector.get_by_test_id("plenary-count")).to_contain_text("18")
    expect(projector.get_by_test_id("plenary-chart")).to_be_visible()
    expect(projector.get_by_test_id("plenary-spread")).to_be_visible()
    assert fit_problems(projector, "the big screen with a result") == []
    projector.screenshot(path=str(artifacts / "conference-big-screen.png"))
    laptop.screenshot(path=str(artifacts / "conference-dashboard.png"), full_page=True)
    groups[0][0].screenshot(path=str(artifacts / "conference-phone.png"), full_page=True)

    # Between cards (no round open) the facilitator moves a player to another table.
    mover = groups[0][-1]
    mover_name = f"Speler {phones.index(mover) + 1}"
    target = table_of(groups[1][0])
    target_label = row_of(laptop, target).get_by_test_id("dash-row-label")
    laptop.get_by_test_id("dash-move-player").select_option(label=mover_name)
    laptop.get_by_test_id("dash-move-to").select_option(label=target_label.inner_text().strip())
    laptop.get_by_test_id("dash-move").click()
    said(laptop, target_label.inner_text().strip())
    mover.wait_for_url(re.compile(rf"/t/{re.escape(target)}$"))
    groups[0].remove(mover)
    groups[1].append(mover)
    expect(
        laptop.locator(f'[data-testid="dash-table-row"][data-table-id="{target}"]').get_by_test_id(
            "dash-row-players"
        )
    ).to_contain_text(mover_name)

    # Card 2 is the harvest moment: every table reveals, and the room waits for the facilitator.
    laptop.get_by_test_id("dash-show-card-select").select_option(str(CHOICE))
    laptop.get_by_test_id("dash-show-card").click()
    laptop.get_by_test_id("dash-screen-select").select_option(str(CHOICE))
    laptop.get_by_test_id("dash-screen-show").click()
    for group in groups:
        for player, phone in enumerate(group):
            on_card(phone, 2)
            answer(phone, player % 3, last=player == len(group) - 1)
    expect(projector.get_by_test_id("plenary-waiting")).to_be_visible()
    laptop.get_by_test_id(f"dash-release-{CHOICE}").click()
    expect(projector.get_by_test_id("plenary-count")).to_contain_text("18")
    expect(projector.get_by_test_id("plenary-chart")).to_be_visible()
    expect(laptop.get_by_test_id("dash-releases")).to_contain_text("18")

    # The conference summary, as a page and as the PDF and CSV a facilitator hands over.
    laptop.get_by_test_id("dash-summary").click()
    expect(laptop.locator("h1")).to_contain_text("Leiderschapsdag")
    with laptop.expect_download() as pdf_download:
        laptop.get_by_test_id("event-download-pdf").click()
    pdf_path = tmp_path / "samenvatting.pdf"
    pdf_download.value.save_as(pdf_path)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages)
    assert "Leiderschapsdag" in text
    with laptop.expect_download() as csv_download:
        laptop.get_by_test_id("event-download-csv").click()
    csv_path = tmp_path / "samenvatting.csv"
    csv_download.value.save_as(csv_path)
    csv_text = csv_path.read_text(encoding="utf-8-sig")
    assert "Rugdekking" in csv_text and not re.search(r"Speler \d", csv_text)  # figures, never names
    assert errors == []
