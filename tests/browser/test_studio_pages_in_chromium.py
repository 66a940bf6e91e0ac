"""Every studio page as a new author meets it, in real Chromium, in Dutch and in English: it reflows
at 320 px, it passes an accessibility audit (labels, names, references, headings, landmarks,
contrast, target size), it says where it is (Kaartstudio > set > page) and it offers one primary
action; the keyboard reaches its controls with a visible focus. No axe-core in the project: the
audit below checks, in the browser, what matters most on these pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import LAPTOP, SERVER_ENV, audit, create_account, keyboard_problems, log_in
from tests.helpers.real_server import RealServer

pytestmark = pytest.mark.browser

AUTHOR = "nieuwe.auteur.met.een.lang.adres@gemeente-oostelijk-voorbeeld.example"
COLLEAGUE = "collega.meelezer@gemeente-oostelijk-voorbeeld.example"
TITLE = "Verantwoordelijkheidsverdeling in het sociaal domein"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    server = RealServer(tmp_path_factory.mktemp("studio-pages"), test_deck=True, env=SERVER_ENV)
    server.start()
    yield server
    server.stop()


def test_every_studio_page_reflows_passes_the_audit_and_says_where_it_is(
    open_page: Any, live_server: RealServer
) -> None:
    create_account(live_server, AUTHOR, role="author")
    create_account(live_server, COLLEAGUE)
    page = open_page(**LAPTOP)
    log_in(page, live_server, AUTHOR)
    problems: list[str] = []

    # A new deck: the form first refuses an empty title and description, next to their fields.
    page.goto(live_server.url + "/studio/")
    expect(page.get_by_test_id("studio-empty")).to_be_visible()
    page.get_by_test_id("new-deck").click()
    page.get_by_test_id("new-deck-create").click()
    for field in ("title-nl", "description-nl"):
        expect(page.locator(f"#{field}")).to_have_attribute("aria-describedby", f"{field}-errors")
        expect(page.locator(f"#{field}-errors")).not_to_be_empty()
    problems += audit(page, "a new deck, refused")
    page.locator("#title-nl").fill(TITLE)
    page.locator("#description-nl").fill("Wie doet wat, en wie beslist?")
    page.get_by_test_id("new-deck-create").click()
    expect(page.get_by_test_id("card-order")).to_be_visible()
    deck_url = re.sub(r"/edit$", "", page.url)
    opening = page.eval_on_selector_all("[data-card]", "items => items.map(i => i.dataset.card)")[0]
    page.goto(deck_url + "/reviewers")
    page.get_by_test_id("link-label").fill("Externe deskundige")
    page.get_by_test_id("link-submit").click()
    review_link = page.get_by_test_id("review-link").input_value()
    page.goto(live_server.url + "/studio/")
    page.get_by_test_id("duplicate-proefdeck").click()  # a valid deck: its hub offers test and publish
    copy_url = page.url

    pages = {
        "studio": "/studio/",
        "new deck": "/studio/new",
        "deck (new)": deck_url,
        "deck (valid copy)": copy_url,
        "cards": deck_url + "/edit",
        "card": f"{deck_url}/cards/{opening}",
        "new card": deck_url + "/new-card",
        "settings": deck_url + "/edit/settings",
        "phases and routes": deck_url + "/edit/structure",
        "translations": copy_url + "/translations",
        "reviewers": deck_url + "/reviewers",
        "comments": deck_url + "/review",
        "compare versions": copy_url + "/diff",
        "learning from play": copy_url + "/play",
        "review requests": "/studio/reviews",
    }
    crumbs = {"nl": "Kaartstudio", "en": "Deck studio"}
    for language in ("nl", "en"):
        page.goto(f"{live_server.url}/lang/{language}?next=/studio/")
        for name, url in pages.items():
            page.goto(url if url.startswith("http") else live_server.url + url)
            state = f"{name} ({language})"
            problems += audit(page, state)
            if name != "review requests":  # a reviewer's page starts from their account
                expect(page.get_by_test_id("crumbs").locator("li").first).to_have_text(crumbs[language])
            if url.startswith(deck_url):  # the deck's own title, on every page of it
                expect(page.get_by_test_id("crumb-deck")).to_have_text(TITLE)
        page.goto(deck_url)
        problems += keyboard_problems(page, f"deck page ({language})")
        page.goto(f"{deck_url}/cards/{opening}")
        problems += keyboard_problems(page, f"card editor ({language})", presses=20)

    # The outside expert's link, and a page that does not exist, in the language of the browser.
    stranger = open_page(viewport={"width": 320, "height": 740}, locale="nl-NL")
    stranger.goto(review_link)
    problems += audit(stranger, "reviewer link")
    stranger.goto(live_server.url + "/studio/geen-set")
    problems += audit(stranger, "404 under /studio")
    assert problems == []
