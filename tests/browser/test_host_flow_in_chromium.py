"""The host's flow in real Chromium: by keyboard in a few keystrokes, with the focus where the table
is and a reveal announced with its result; skipping asks before it throws answers away; a table of
two is offered no reveal; a skipped card the host goes back to offers "Next card". And small things
on the pages around the game: the header, the forms, the home page on a phone.

The host is a Chromium page; the other players are bots over the documented socket protocol."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import (
    LAPTOP,
    PHONE,
    SERVER_ENV,
    answer,
    bots,
    create_account,
    log_in,
    on_card,
    start_table,
)
from tests.helpers.proefdeck import CHOICE, SENSITIVE, STATEMENT
from tests.helpers.real_server import RealServer

pytestmark = pytest.mark.browser

FACILITATOR = "facilitator@oost.example"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    server = RealServer(tmp_path_factory.mktemp("host-flow-server"), test_deck=True, env=SERVER_ENV)
    server.start()
    yield server
    server.stop()


def focused(page: Any) -> str:
    return str(page.evaluate("document.activeElement.id || document.activeElement.tagName"))


def tabs_to(page: Any, element_id: str, limit: int = 20) -> int:
    """Press Tab until the focus is on ``element_id``; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if focused(page) == element_id:
            return presses
    raise AssertionError(f"{element_id} not reached in {limit} Tabs (last: {focused(page)})")


def in_view(page: Any, element_id: str) -> bool:
    return bool(
        page.evaluate(
            """(id) => { const box = document.getElementById(id).getBoundingClientRect();
                        return box.top >= 0 && box.bottom <= innerHeight; }""",
            element_id,
        )
    )


def test_the_host_plays_by_keyboard_in_a_few_keystrokes(open_page: Any, live_server: RealServer) -> None:
    host = open_page(**LAPTOP)
    _, code = start_table(host, live_server)
    with bots(live_server, code, 3) as others:
        expect(host.get_by_test_id("lobby-players").locator("li")).to_have_count(4)
        # From the top of the page: skip link, brand, log in, NL, EN, join link, copy, lock, table screen,
        # and then the start, before the player list with its remove buttons (it came after them).
        assert tabs_to(host, "start-game") <= 10
        host.keyboard.press("Enter")
        on_card(host, STATEMENT + 1)

        # Answer by keyboard: into the scale, Space picks, arrows move, Tab to Send, Enter.
        host.keyboard.press("Tab")
        host.keyboard.press("Space")
        for _ in range(3):
            host.keyboard.press("ArrowDown")
        expect(host.get_by_test_id("answer-option-4")).to_be_checked()
        host.keyboard.press("Tab")
        assert focused(host) == "send-answer"
        host.keyboard.press("Enter")
        expect(host.locator("#answer-feedback")).to_have_text(re.compile("Je antwoord is binnen"))
        assert focused(host) == "send-answer", "the focus stays on the button, now 'change answer'"
        expect(host.get_by_test_id("send-answer")).to_have_text("Antwoord wijzigen")

        answer(others[:2], STATEMENT, [4, 2])
        expect(host.get_by_test_id("answer-status")).to_contain_text("3 van 4")
        assert tabs_to(host, "close-round") <= 3, "Nu onthullen comes right after the answer"
        host.keyboard.press("Enter")
        expect(host.get_by_test_id("result")).to_be_visible()
        expect(host.locator("#result-title")).to_be_focused()
        assert in_view(host, "result-title"), "the focused result heading is on screen"
        expect(host.locator("#announcer")).to_have_text(
            "Uitkomst onthuld: het vaakst gekozen is “Eens” (2 van 3)."
        )
        assert tabs_to(host, "next-card") <= 3, "Volgende kaart comes right after the result"
        host.keyboard.press("Enter")
        on_card(host, CHOICE + 1)
        expect(host.locator("#card-prompt")).to_be_focused()

        # Nobody answered the choice and the open card: Volgende kaart moves on, without a question.
        for number in (CHOICE + 2, SENSITIVE + 1):
            host.get_by_test_id("next-card").click()
            on_card(host, number)
        expect(host.get_by_test_id("confirm-dialog")).to_be_hidden()

        # A sensitive card: the announcement names bands, never a number.
        answer(others, SENSITIVE, [1, 1, 3])
        host.get_by_test_id("answer-option-1").check()
        host.get_by_test_id("send-answer").click()
        expect(host.locator("#announcer")).to_have_text(
            "Uitkomst onthuld, zonder precieze aantallen: “Nooit”: de meesten of iedereen."
        )
        expect(host.locator("#result-title")).to_be_focused()


def test_skipping_asks_first_and_a_skipped_card_reopens_with_next(
    open_page: Any, live_server: RealServer
) -> None:
    host = open_page(**PHONE)
    _, code = start_table(host, live_server)
    with bots(live_server, code, 3) as others:
        expect(host.get_by_test_id("lobby-players").locator("li")).to_have_count(4)
        host.get_by_test_id("start-game").click()
        on_card(host, 1)
        expect(host.get_by_test_id("prev-card")).to_be_hidden()  # nothing to go back to

        answer(others[:1], STATEMENT, [3])
        expect(host.get_by_test_id("answer-status")).to_contain_text("1 van 4")
        host.get_by_test_id("skip-card").click()
        dialog = host.get_by_test_id("confirm-dialog")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text("Het antwoord dat al is gegeven, wordt verwijderd")
        dialog.get_by_test_id("confirm-cancel").click()
        expect(dialog).to_be_hidden()
        expect(host.get_by_test_id("skip-card")).to_be_focused()
        on_card(host, 1)
        expect(host.get_by_test_id("answer-status")).to_contain_text("1 van 4")

        host.get_by_test_id("skip-card").click()
        expect(dialog.get_by_test_id("confirm-ok")).to_have_text("Kaart overslaan")
        dialog.get_by_test_id("confirm-ok").click()
        on_card(host, 2)

        # Back to the skipped card: it reopens empty, and the host is offered Volgende kaart.
        host.get_by_test_id("prev-card").click()
        on_card(host, 1)
        expect(host.get_by_test_id("answer-status")).to_contain_text("0 van 4")
        expect(host.get_by_test_id("next-card")).to_be_visible()
        expect(host.get_by_test_id("skip-card")).to_be_hidden()
        host.get_by_test_id("next-card").click()
        on_card(host, 2)


def test_a_table_of_two_is_offered_no_reveal(open_page: Any, live_server: RealServer) -> None:
    host = open_page(**PHONE)
    _, code = start_table(host, live_server)
    with bots(live_server, code, 1) as (other,):
        expect(host.get_by_test_id("discussion-only")).to_contain_text("minder dan 3")
        host.get_by_test_id("start-game").click()
        on_card(host, 1)
        expect(host.get_by_test_id("close-round")).to_be_hidden()
        expect(host.get_by_test_id("prev-card")).to_be_hidden()
        hint = host.locator("#hostbar-hint")
        expect(hint).to_have_text(re.compile("Geen uitkomst"))
        lines = hint.evaluate("(el) => el.offsetHeight / parseFloat(getComputedStyle(el).lineHeight)")
        assert lines <= 2.1, f"the hint takes {lines:.1f} lines"
        height = host.locator("#hostbar").evaluate("(el) => el.getBoundingClientRect().height")
        assert height <= 130, f"the host bar takes {height} px of a 740 px phone"

        answer([other], STATEMENT, [2])
        expect(host.get_by_test_id("answer-status")).to_contain_text("1 van 2")
        host.get_by_test_id("skip-card").click()  # the answers could never be shown: nothing to ask
        on_card(host, 2)
        expect(host.get_by_test_id("confirm-dialog")).to_be_hidden()


def test_small_things_around_the_game(open_page: Any, live_server: RealServer) -> None:
    # Home on a phone: the first screen links to both forms; starting comes first, and only the chosen
    # deck tells its story, so "Start een tafel" is less than 3 screens down (it was 4.7).
    visitor = open_page(**PHONE)
    visitor.goto(live_server.url + "/")
    top = "(el) => el.getBoundingClientRect().top + scrollY"
    assert visitor.get_by_test_id("jump-to-start").evaluate(top) < 740
    start = visitor.get_by_test_id("start-table").evaluate(top)
    assert start < 3 * 740, f"Start een tafel is {start / 740:.1f} screens down"

    # The name field and the perspective legend below it do not touch (nor does the focus ring).
    for path, field in (("/", "#join-nickname"), ("/join", "#join-nickname")):
        visitor.goto(live_server.url + path)
        gap = visitor.evaluate(
            """(field) => { const input = document.querySelector(field);
                 const legend = input.closest("form").querySelector(".perspective-choice legend");
                 return legend.getBoundingClientRect().top - input.getBoundingClientRect().bottom; }""",
            field,
        )
        assert gap >= 12, f"{path}: {gap} px between the name field and the legend"

    # The header: the page you are on is not a pill like the chosen language.
    create_account(live_server, FACILITATOR)
    facilitator = open_page(**PHONE)
    log_in(facilitator, live_server, FACILITATOR)
    facilitator.goto(live_server.url + "/account/tables")
    account = facilitator.get_by_test_id("header-account")
    expect(account).to_have_attribute("aria-current", "page")
    language = facilitator.locator('.lang-switch a[aria-current="true"]')
    background = "(el) => getComputedStyle(el).backgroundColor"
    assert language.evaluate(background) == "rgb(255, 255, 255)"
    assert account.evaluate(background) == "rgba(0, 0, 0, 0)"
