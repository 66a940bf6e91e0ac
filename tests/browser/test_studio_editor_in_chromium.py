"""The studio's form editor in Chromium: a card moved by keyboard keeps the focus, a drag moves
it too, and the card editor reflows to a phone's width without scrolling sideways."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.pages import create_account, log_in, reflow_problems
from tests.helpers.real_server import RealServer

EMAIL = "auteur@oost.example"


def _card_ids(page: Any) -> list[str]:
    ids: list[str] = page.eval_on_selector_all("[data-card]", "items => items.map(i => i.dataset.card)")
    return ids


def test_reorder_by_keyboard_and_pointer_and_a_card_editor_that_reflows(
    open_page: Any, live_server: RealServer
) -> None:
    create_account(live_server, EMAIL, role="author")
    page = open_page(viewport={"width": 1024, "height": 800})
    log_in(page, live_server, EMAIL)
    page.goto(live_server.url + "/studio/")
    page.get_by_test_id("duplicate-proefdeck").click()
    page.get_by_test_id("open-editor").click()
    expect(page.get_by_test_id("card-order")).to_be_visible()
    before = _card_ids(page)
    assert len(before) >= 3

    # Keyboard: focus "Down" on the first card, press Enter; the page comes back with the focus
    # on the same card's button, one place lower.
    page.get_by_test_id(f"down-{before[0]}").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"moved={before[0]}"))
    after = _card_ids(page)
    assert after[:2] == [before[1], before[0]]
    focused = page.evaluate("document.activeElement && document.activeElement.dataset.testid")
    assert focused == f"down-{before[0]}"
    page.keyboard.press("Shift+Tab")  # Up is just before it: the keyboard stays on the moved card
    assert page.evaluate("document.activeElement.dataset.testid") == f"up-{before[0]}"

    # Pointer: drag the last card by its handle onto the first one.
    last = after[-1]
    handle = page.locator(f"#card-{last} [data-drag-handle]")
    expect(handle).to_be_visible()
    start = handle.bounding_box()
    target = page.locator(f"#card-{after[0]}").bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(target["x"] + 20, target["y"] + 4, steps=8)
    page.mouse.up()
    page.wait_for_url(re.compile(rf"moved={last}"))
    assert _card_ids(page)[0] == last

    # The card editor at 320 and 360 px: nothing scrolls sideways.
    page.get_by_test_id(f"edit-{before[1]}").click()
    expect(page.get_by_test_id("card-form")).to_be_visible()
    assert reflow_problems(page, "card editor") == []
    page.get_by_test_id("editor-nav-settings").click()
    assert reflow_problems(page, "deck settings") == []
    page.get_by_test_id("editor-nav-structure").click()
    assert reflow_problems(page, "phases and routes") == []
