"""The facilitator's conference dashboard in real Chromium against a real server: an event made
through the form, and a participant who joins by the event code shows up on the dashboard."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import LAPTOP, PHONE, create_account, create_event, log_in, reflow_problems
from tests.helpers.real_server import RealServer

pytestmark = pytest.mark.browser

EMAIL = "dashboard@oost.example"


def test_a_joining_participant_appears_on_the_dashboard(
    browser: Any, live_server: RealServer, open_page: Any
) -> None:
    create_account(live_server, EMAIL)
    laptop = open_page(**LAPTOP)
    errors: list[str] = []
    laptop.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(laptop, live_server, EMAIL)
    create_event(laptop, live_server, harvest=1)

    rows = laptop.get_by_test_id("dash-table-row")
    expect(rows).to_have_count(3)
    expect(laptop.get_by_test_id("dash-total-players")).to_have_text("0")
    code = laptop.get_by_test_id("dash-code")
    expect(code).to_have_text(re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}$"))

    phone = open_page(**PHONE)
    phone.goto(live_server.url + "/e#" + code.inner_text().strip())
    phone.get_by_test_id("join-nickname").fill("Anne")
    phone.get_by_test_id("join-submit").click()
    phone.wait_for_url(re.compile(r"/t/"))
    phone.goto(live_server.url + "/e")
    assert reflow_problems(phone, "the event join page") == []

    expect(laptop.get_by_test_id("dash-total-players")).to_have_text("1")
    anne = rows.filter(has_text="Anne")
    expect(anne).to_have_count(1)
    expect(anne.get_by_test_id("dash-row-phase")).to_have_text(re.compile(r"\S"))

    # A control acknowledges in the live region; the sort buttons say their order.
    laptop.get_by_test_id("dash-pause").click()
    expect(laptop.get_by_test_id("dash-feedback")).to_have_text("Elke tafel is gepauzeerd.")
    laptop.get_by_test_id("dash-sort-players").click()
    expect(laptop.locator('th[data-sort="players"]')).to_have_attribute("aria-sort", "ascending")
    expect(rows.last).to_contain_text("Anne")
    laptop.get_by_test_id("dash-pause").click()
    expect(laptop.get_by_test_id("dash-feedback")).to_have_text("Elke tafel speelt weer verder.")

    # Synchronised pacing: the facilitator opens the first card at every table.
    laptop.get_by_test_id("dash-show-card-select").select_option("0")
    laptop.get_by_test_id("dash-show-card").click()
    expect(laptop.get_by_test_id("dash-feedback")).to_have_text("Kaart 1 staat open aan elke tafel.")
    expect(anne.get_by_test_id("dash-row-card")).to_have_text("1")
    expect(anne.get_by_test_id("dash-row-phase")).to_have_text("Beantwoorden")

    # A harvest cannot be released before three tables finished the card: said in words.
    laptop.get_by_test_id("dash-release-1").click()
    expect(laptop.get_by_test_id("dash-feedback")).to_contain_text("nog minder dan 3 tafels klaar")
    assert reflow_problems(laptop, "the dashboard") == []
    dashboard = laptop.url
    for path, name in (("/prepare", "prepare"), ("/qr", "the QR sheet")):
        laptop.goto(dashboard + path)
        assert reflow_problems(laptop, name) == []
    for path, name in (("/events", "the events"), ("/events/new", "a new event")):
        laptop.goto(live_server.url + path)
        assert reflow_problems(laptop, name) == []
    assert errors == []
