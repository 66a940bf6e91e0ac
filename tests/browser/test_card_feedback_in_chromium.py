"""Card feedback in real Chromium: after the reveal the phone asks about the card, and at the end."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import PHONE, answer, bots, choose, reflow_problems, start_table
from tests.helpers.real_server import RealServer

pytestmark = pytest.mark.browser


def test_a_phone_flags_a_revealed_card_once_and_the_rest_at_the_end(
    open_page: Any, live_server: RealServer
) -> None:
    page = open_page(**PHONE)
    _table_id, code = start_table(page, live_server)
    with bots(live_server, code, 3) as phones:
        page.get_by_test_id("start-game").click()
        expect(page.get_by_test_id("feedback-card")).to_be_hidden()
        choose(page, 4)
        answer(phones, 0, [1, 2, 3])
        box = page.get_by_test_id("feedback-card")
        expect(box).to_be_visible()
        expect(box).to_contain_text("Wat vond je van deze kaart?")
        assert not reflow_problems(page, "feedback after the reveal")
        box.locator("summary").click()
        box.get_by_test_id("feedback-comment").fill("Scherpe  vraag")
        box.get_by_test_id("feedback-strong").click()
        expect(box).to_contain_text("Dank je wel")
        expect(box.get_by_test_id("feedback-strong")).to_be_hidden()

        page.reload()  # the server remembers: the card is not offered again
        expect(page.get_by_test_id("card-prompt")).to_be_visible()
        expect(page.get_by_test_id("feedback-card")).to_be_hidden()

        page.get_by_test_id("next-card").click()
        page.get_by_test_id("end-table").click()
        page.get_by_test_id("confirm-end").click()
        end = page.get_by_test_id("feedback-end")
        expect(end).to_be_visible()
        items = end.get_by_test_id("feedback-item")
        expect(items).to_have_count(1)  # the second card, reached but never revealed
        items.first.get_by_test_id("feedback-unclear").click()
        expect(items.first).to_contain_text("Dank je wel")
        assert not reflow_problems(page, "feedback at the end")
