"""Six phones and a table screen in real Chromium: join by code, play two cards to the reveal."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.helpers.real_server import RealServer

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "locale": "nl-NL"}
LAPTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "nl-NL"}
TIMEOUT = 15_000  # ms: a ceiling for waiting, never a measurement


def _answer(page: Any, value: int) -> None:
    page.get_by_test_id(f"answer-option-{value}").check()
    page.get_by_test_id("send-answer").click()


def test_six_phones_join_by_code_and_play_two_cards(
    browser: Any, live_server: RealServer, artifacts: Path
) -> None:
    contexts = []
    try:
        host_ctx = browser.new_context(**PHONE)
        contexts.append(host_ctx)
        host = host_ctx.new_page()
        host.set_default_timeout(TIMEOUT)
        host.goto(live_server.url + "/")
        host.locator('label[for="deck-proefdeck"]').click()
        host.get_by_test_id("start-table").click()
        expect(host.get_by_test_id("join-code")).to_have_text(re.compile(r"^\s*[0-9A-Z]{4}-[0-9A-Z]{4}\s*$"))
        code = host.get_by_test_id("join-code").inner_text().strip()
        host.screenshot(path=str(artifacts / "01-host-lobby-360.png"), full_page=True)

        screen_url = host.get_by_test_id("screen-link").get_attribute("href")
        screen_ctx = browser.new_context(**LAPTOP)
        contexts.append(screen_ctx)
        screen = screen_ctx.new_page()
        screen.set_default_timeout(TIMEOUT)
        screen.goto(live_server.url + screen_url)
        expect(screen.get_by_test_id("join-code")).to_have_text(code)

        phones = [host]
        for number in range(1, 6):
            ctx = browser.new_context(**PHONE)
            contexts.append(ctx)
            phone = ctx.new_page()
            phone.set_default_timeout(TIMEOUT)
            if number == 1:  # one by the typed code, the rest by the QR link with the code in the fragment
                phone.goto(live_server.url + "/join")
                phone.locator('input[name="code"]').fill(code.lower().replace("-", " "))
            else:
                phone.goto(live_server.url + "/join#" + code)
            phone.locator('input[name="nickname"]').fill(f"Speler {number}")
            phone.get_by_test_id("join-submit").click()
            phone.get_by_test_id("lobby-players").wait_for()
            phones.append(phone)

        host.get_by_test_id("lobby-players").get_by_text("Speler 5", exact=True).wait_for()
        phones[3].screenshot(path=str(artifacts / "02-player-lobby-360.png"), full_page=True)
        host.get_by_test_id("start-game").click()

        # Card 1: a statement on the 1-5 scale.
        values = [5, 4, 4, 2, 1, 4]
        for phone in phones:
            phone.get_by_test_id("card-prompt").get_by_text("In ons team kun je fouten bespreken.").wait_for()
        for index, (phone, value) in enumerate(zip(phones, values, strict=True)):
            _answer(phone, value)
            if index == 2:
                expect(phones[5].get_by_test_id("answer-status")).to_contain_text("3")
                phones[5].screenshot(path=str(artifacts / "03-counting-360.png"), full_page=True)
                assert not phones[5].get_by_test_id("result").is_visible()
        expected = [1, 1, 0, 3, 1]  # how many chose 1..5
        for phone in phones:
            result = phone.get_by_test_id("result")
            result.wait_for()
            for i, count in enumerate(expected):
                expect(result.get_by_test_id(f"result-count-{i}")).to_have_text(str(count))
        phones[1].screenshot(path=str(artifacts / "04-reveal-360.png"), full_page=True)
        expect(screen.get_by_test_id("screen-result")).to_contain_text("Eens")
        screen.screenshot(path=str(artifacts / "05-screen-reveal.png"), full_page=True)

        # Card 2: a choice between three options.
        host.get_by_test_id("next-card").click()
        for phone in phones:
            phone.get_by_test_id("card-prompt").get_by_text("Wat helpt het meest?").wait_for()
        choices = [0, 1, 1, 2, 1, 1]
        for phone, value in zip(phones[:5], choices[:5], strict=True):
            _answer(phone, value)
        # A phone that reloads mid-round is back on its seat and card, its answer still chosen.
        phones[4].reload()
        expect(phones[4].get_by_test_id("card-prompt")).to_contain_text("Wat helpt het meest?")
        expect(phones[4].get_by_test_id("answer-option-1")).to_be_checked()
        expect(phones[4].get_by_test_id("answer-status")).to_contain_text("5")
        _answer(phones[5], choices[5])
        for phone in phones:
            result = phone.get_by_test_id("result")
            result.wait_for()
            for i, count in enumerate([1, 4, 1]):
                expect(result.get_by_test_id(f"result-count-{i}")).to_have_text(str(count))
        screen.get_by_test_id("screen-result").get_by_text("Ruimte").wait_for()
        screen.screenshot(path=str(artifacts / "06-screen-choice.png"), full_page=True)

        # No horizontal scrolling on a 360 px phone.
        width = phones[2].evaluate("document.documentElement.scrollWidth")
        assert width <= 360
    finally:
        for ctx in contexts:
            ctx.close()
