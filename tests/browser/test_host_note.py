"""A card's facilitator note in real Chromium (issue 12): the host's phone shows it, folded, under
"Notitie voor de spelleider"; a guest's phone does not, and a card without a note shows none.

Host and guest are two Chromium contexts (two phones, two cookie jars) at a table started on the
bundled Sociale veiligheid deck's short route, chosen in the start form's route select."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from koerskaart.content import load_bundled
from tests.browser.pages import PHONE, join, on_card
from tests.helpers.real_server import RealServer

pytestmark = pytest.mark.browser

SLUG = "sociale-veiligheid"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    server = RealServer(tmp_path_factory.mktemp("host-note-server"))  # the bundled decks
    server.start()
    yield server
    server.stop()


def test_only_the_host_sees_a_cards_facilitator_note(open_page: Any, live_server: RealServer) -> None:
    route = load_bundled()[SLUG].route_cards("kort")
    first, second = route[:2]
    assert first.facilitator is not None and second.facilitator is None

    host = open_page(**PHONE)
    host.goto(live_server.url + "/")
    host.locator(f'label[for="deck-{SLUG}"]').click()
    host.get_by_test_id(f"route-{SLUG}").select_option(f"{SLUG}|kort|")
    host.locator("#start-nickname").fill("Gastvrouw")
    host.get_by_test_id("start-table").click()
    code = host.get_by_test_id("join-code")
    expect(code).to_be_visible()

    guest = open_page(**PHONE)
    join(guest, live_server, code.inner_text().strip(), "Gast")
    expect(host.get_by_test_id("lobby-players").locator("li")).to_have_count(2)
    host.get_by_test_id("start-game").click()
    for page in (host, guest):
        on_card(page, 1)
        # The short route's cards, not the whole deck's.
        expect(page.locator("#card-progress")).to_have_text(re.compile(rf"\b{len(route)}\s*$"))

    note = host.get_by_test_id("host-note")
    expect(note).to_be_visible()
    assert note.evaluate("el => el.tagName") == "DETAILS"
    expect(note.locator("summary")).to_have_text("Notitie voor de spelleider")
    expect(host.locator("#host-note-text")).to_be_hidden()  # folded until the host opens it
    note.locator("summary").click()
    expect(host.locator("#host-note-text")).to_have_text(first.facilitator.nl)
    expect(guest.get_by_test_id("host-note")).to_be_hidden()
    expect(guest.get_by_text("Notitie voor de spelleider")).to_be_hidden()

    host.get_by_test_id("next-card").click()  # nobody answered: on without a question
    for page in (host, guest):
        on_card(page, 2)
    expect(host.locator("#card-prompt")).to_have_text(second.prompt.nl)
    expect(host.get_by_test_id("host-note")).to_be_hidden()
    expect(guest.get_by_test_id("host-note")).to_be_hidden()
