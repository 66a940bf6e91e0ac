"""The table screen on a 1280 x 720 projector, in real Chromium: nobody scrolls a projector, so every
state of a whole bundled deck (lobby, each card open and revealed, pause, timer, the end recap page by
page) fits the viewport, in readable type, in Dutch and in English; and the screen shows no site header.

The table is played by bots over the documented socket protocol (tests/helpers/real_server.py
`Phone`); two Chromium table screens, one Dutch and one English, watch it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from koerskaart.content import load_deck_file
from tests.browser.pages import PROJECTOR, SERVER_ENV, TIMEOUT, fit_problems, on_card, settle
from tests.helpers.real_server import ROOT, Phone, RealServer

pytestmark = pytest.mark.browser

DECKS = ROOT / "koerskaart" / "decks"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    server = RealServer(tmp_path_factory.mktemp("screen-server"), env=SERVER_ENV)
    server.start()
    yield server
    server.stop()


def _screen_url(host: Phone) -> str:
    page = host.http.get(f"{host.base_url}/t/{host.table_id}", timeout=10).text
    found = re.search(r'<script id="kk-data" type="application/json">(.*?)</script>', page, re.DOTALL)
    assert found, "no page data on the table page"
    return str(json.loads(found.group(1))["screen_url"])


def _open_screen(browser: Any, server: RealServer, path: str, language: str) -> Any:
    context = browser.new_context(**PROJECTOR)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{server.url}/lang/{language}?next=/")
    page.goto(server.url + path)
    return page


def _long_text(number: int, limit: int) -> str:
    """An open answer as long as the card allows: the worst case for the screen."""
    words = (
        f"Antwoord {number}: we zouden vaker hardop moeten zeggen wat we zien, ook als het ongemakkelijk is, "
        "en elkaar daarbij het voordeel van de twijfel geven, zodat niemand er later op wordt aangekeken. "
    ) * 4
    return words[:limit].rstrip()


def _answers(card: Any) -> list[Any]:
    """Six answers that fill the result: the longest texts, every option, every scale point."""
    if card.type == "open":
        return [_long_text(n, card.max_length or 280) for n in range(6)]
    if card.type == "choice":
        return [n % len(card.options or []) for n in range(6)]
    return [1, 2, 3, 4, 5, 4]


def _recap_pages(screen: Any) -> list[list[int]]:
    """Page through the end recap with its own controls; the card numbers shown on each page."""
    pager = screen.get_by_test_id("screen-pager")
    expect(pager).to_be_visible()
    screen.get_by_test_id("pager-pause").click()  # whoever sits at the laptop stops the pages turning
    pages = []
    count = int(pager.get_attribute("data-pages"))
    for _ in range(count):
        settle(screen)
        shown = screen.locator("#recap > li:not([hidden])")
        indexes = shown.evaluate_all("(items) => items.map((li) => li.dataset.cardIndex)")
        pages.append([int(index) for index in indexes])
        screen.get_by_test_id("pager-next").click()
    return pages


@pytest.mark.parametrize("deck_slug", ["sociale-veiligheid", "kompas-publiek-leiderschap"])
def test_every_screen_state_fits_a_1280_by_720_projector(
    browser: Any, live_server: RealServer, artifacts: Path, deck_slug: str
) -> None:
    deck, problems_loading = load_deck_file(DECKS / f"{deck_slug}.yaml")
    assert deck is not None, problems_loading
    problems: list[str] = []
    screens: dict[str, Any] = {}
    host = Phone(live_server.url)
    players = [Phone(live_server.url) for _ in range(5)]
    try:
        host.start_table(deck_slug)
        code = str(host.connect()["join"]["code"])
        path = _screen_url(host)
        screens = {language: _open_screen(browser, live_server, path, language) for language in ("nl", "en")}

        def check(state: str) -> None:
            for language, screen in screens.items():
                found = fit_problems(screen, f"{deck_slug}, {state} ({language})")
                if found:
                    name = re.sub(r"\W+", "-", f"screen-{deck_slug}-{state}-{language}")
                    screen.screenshot(path=str(artifacts / f"{name}.png"))
                problems.extend(found)

        players[0].join(code)
        players[0].connect()
        for screen in screens.values():
            expect(screen.get_by_test_id("lobby-players").locator("li")).to_have_count(2)
            expect(screen.locator("#discussion-only")).to_be_visible()
            expect(screen.locator(".site-header")).to_be_hidden()
            gap = screen.evaluate(
                """() => document.getElementById("discussion-only").getBoundingClientRect().top
                         - document.getElementById("lobby-players").getBoundingClientRect().bottom"""
            )
            assert gap >= 12, f"the two-player warning touches the names ({gap} px)"
        check("lobby, two players")
        for player in players[1:]:
            player.join(code)
            player.connect()
        for screen in screens.values():
            expect(screen.get_by_test_id("lobby-players").locator("li")).to_have_count(6)
        check("lobby, six players")

        phones = [host, *players]
        actions = 0
        assert host.call("start_game")["ok"]
        for index, card in enumerate(deck.cards):
            for screen in screens.values():
                on_card(screen, index + 1)
            check(f"card {index + 1} ({card.type}), open")
            if index == 1:
                assert host.call("set_timer", {"seconds": 300})["ok"]
                assert host.call("pause_table", {"paused": True})["ok"]
                for screen in screens.values():
                    expect(screen.get_by_test_id("paused-banner")).to_be_visible()
                check(f"card {index + 1}, paused with a timer")
                assert host.call("pause_table", {"paused": False})["ok"]
            if card.type == "action":
                for number, phone in enumerate(phones[:3]):
                    what = f"Actie {number + 1}: " + _long_text(number, 120)
                    ack = phone.call("add_action", {"who": "Sam", "what": what, "due": "voor de zomer"})
                    assert ack["ok"], ack
                actions += 3
                for screen in screens.values():
                    expect(screen.locator("#action-list > li")).to_have_count(actions)
                check(f"card {index + 1} (action), {actions} actions")
            else:
                for phone, value in zip(phones, _answers(card), strict=True):
                    assert phone.call("submit_answer", {"card_index": index, "value": value})["ok"]
                for screen in screens.values():
                    expect(screen.get_by_test_id("screen-result")).to_be_visible()
                check(f"card {index + 1} ({card.type}), revealed")
            if index + 1 < len(deck.cards):
                assert host.call("next_card")["ok"]

        assert host.call("end_table", {"keep_open_text": True})["ok"]
        every_card = list(range(len(deck.cards)))
        for language, screen in screens.items():
            expect(screen.get_by_test_id("recap")).to_be_visible()
            pages = _recap_pages(screen)
            assert sorted(i for page in pages for i in page) == every_card, (language, pages)
            for number in range(len(pages)):
                state = f"{deck_slug}, end, recap page {number + 1} ({language})"
                problems.extend(fit_problems(screen, state))
                screen.get_by_test_id("pager-next").click()
        english = screens["en"]
        expect(english.locator("html")).to_have_attribute("lang", "en")
    finally:
        for phone in [host, *players]:
            phone.close()
        for screen in screens.values():
            screen.context.close()

    assert problems == []


def test_the_english_phase_title_reads_as_english() -> None:
    for path in sorted(Path(DECKS).glob("*.yaml")):
        deck, _ = load_deck_file(path)
        assert deck is not None
        for phase in deck.phases:
            assert phase.title.en != "Translate into action", path.name
