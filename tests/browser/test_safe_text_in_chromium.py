"""Safe text in real Chromium: a deck with hostile input in every card text field (tests/helpers/
hostile_markdown.py) is played on a phone, shown on the table screen, summarised and listed on its
deck page. Every input tries to set ``window.__pwned`` or open a dialog; none may, and no card text
container may hold a tag, an event attribute or a link outside the allow-list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import (
    PHONE,
    PROJECTOR,
    SERVER_ENV,
    answer,
    bots,
    choose,
    create_account,
    log_in,
    on_card,
    start_table,
)
from tests.helpers.hostile_markdown import hostile_deck
from tests.helpers.real_server import RealServer

pytestmark = pytest.mark.browser

EMAIL = "gif@oost.example"
KINDS = ["statement", "choice", "open", "frequency"]  # hostile_deck's card types, in turn
CARDS = 8
ALLOWED = {"P", "UL", "OL", "LI", "EM", "STRONG", "A", "CODE", "BR", "H3", "H4", "BLOCKQUOTE"}
ALLOWED_WITH_THE_PAGES_OWN = ALLOWED | {"SPAN"}  # the summary's card number, a span of the template

# Where card text lands: on the phone, the table screen, the summary and the deck page.
_AUDIT = """(allowed) => {
  const places = "#card-prompt, #card-body, #followup-list, #card-options, #host-note-text, #card-source, "
    + "#answer-area .option__text, .bar__label, #recap h3, .summary-card h3, .summary-table th, "
    + ".deck-route__cards";
  const problems = [];
  for (const place of document.querySelectorAll(places)) {
    for (const el of place.querySelectorAll("*")) {
      if (!allowed.includes(el.tagName)) problems.push(`<${el.tagName}> in ${place.id || place.className}`);
      for (const attr of el.attributes) {
        const risky = /^on/i.test(attr.name) || attr.name === "style" || attr.name === "srcdoc";
        if (risky) problems.push(`${attr.name} on <${el.tagName}>`);
      }
      if (el.tagName === "A") {
        const href = el.getAttribute("href");
        if (href !== null && !/^(https?:|mailto:)/i.test(href)) problems.push(`href ${href}`);
        const rel = el.getAttribute("rel"), target = el.getAttribute("target");
        if (rel !== "noopener noreferrer" || target !== "_blank") problems.push("a link without rel/target");
      }
    }
  }
  return problems;
}"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    extra = tmp_path_factory.mktemp("hostile-decks")
    hostile_deck(extra)
    server = RealServer(
        tmp_path_factory.mktemp("safe-text-server"), env={**SERVER_ENV, "KOERSKAART_DECK_DIRS": str(extra)}
    )
    server.start()
    yield server
    server.stop()


class Watch:
    """Fails the test on any dialog, a set ``window.__pwned`` or card text outside the allow-list."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.pages: list[Any] = []

    def add(self, page: Any) -> Any:
        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        self.pages.append(page)
        return page

    def check(self, step: str) -> None:
        for page in self.pages:
            assert page.evaluate("() => window.__pwned === undefined"), f"script ran: {step} ({page.url})"
            assert page.evaluate(_AUDIT, sorted(ALLOWED_WITH_THE_PAGES_OWN)) == [], f"{step} ({page.url})"
        assert self.dialogs == [], step


def _answer_on_the_phone(page: Any, kind: str) -> None:
    if kind == "open":
        page.get_by_test_id("answer-text").fill("Mijn antwoord")
        page.get_by_test_id("send-answer").click()
        expect(page.locator("#answer-feedback")).to_have_class(re.compile("is-ok"))
    else:
        choose(page, 1 if kind == "choice" else 3)


def test_hostile_card_text_runs_nowhere(open_page: Any, live_server: RealServer) -> None:
    watch = Watch()
    create_account(live_server, EMAIL)
    host = watch.add(open_page(**PHONE))
    log_in(host, live_server, EMAIL)
    table_id, code = start_table(host, live_server, deck="gifdeck", team="Team Gif")
    response = host.reload()
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy

    screen = watch.add(open_page(**PROJECTOR))
    screen.goto(live_server.url + str(host.get_by_test_id("screen-link").get_attribute("href")))
    expect(screen.get_by_test_id("join-code")).to_have_text(code)
    watch.check("lobby")

    with bots(live_server, code, 3) as phones:
        host.get_by_test_id("start-game").click()
        for index in range(CARDS):
            kind = KINDS[index % len(KINDS)]
            on_card(host, index + 1)
            # What the author wrote shows as text, tags and all: it is never parsed as HTML.
            expect(host.get_by_test_id("card-prompt")).to_contain_text(f"Kaart {index + 1}:")
            watch.check(f"card {index + 1} open")
            _answer_on_the_phone(host, kind)
            values: list[Any] = {"open": ["een", "twee", "drie"], "choice": [0, 1, 2]}.get(kind, [1, 2, 5])
            answer(phones, index, values)
            expect(host.locator("#followups")).to_be_visible()  # the reveal, then the discussion
            expect(screen.locator("#followups")).to_be_visible()
            watch.check(f"card {index + 1} revealed and discussed")
            if index == 0:
                expect(host.get_by_test_id("card-prompt")).to_contain_text(
                    "<script>window.__pwned=1</script>"
                )
            if index == 6:  # the harmless Markdown renders: a link that opens in a new tab
                link = host.locator('#card-body a[href="https://example.org"]')
                expect(link).to_have_attribute("rel", "noopener noreferrer")
                expect(link).to_have_attribute("target", "_blank")
                expect(host.locator("#card-body strong")).to_have_text("vet")
            if index < CARDS - 1:  # the last card has no next one: the host ends the table
                host.get_by_test_id("next-card").click()

    host.get_by_test_id("end-table").click()
    host.get_by_test_id("end-dialog").get_by_test_id("confirm-end").click()
    expect(host.locator("#ended-title")).to_be_visible()
    watch.check("ended (recap)")

    host.goto(f"{live_server.url}/tables/{table_id}/summary")
    expect(host.locator(".summary-card h3").first).to_contain_text("Kaart 1:")
    watch.check("team summary")

    host.goto(f"{live_server.url}/decks/gifdeck")
    for details in host.locator("details").all():
        details.locator("summary").click()
    expect(host.locator(".deck-route__cards li").first).to_contain_text("Kaart 1:")
    watch.check("deck page")

    # The audit sees what it is there to see.
    host.evaluate("""() => document.querySelector(".deck-route__cards li")
        .append(Object.assign(document.createElement("img"), {alt: ""}))""")
    assert host.evaluate(_AUDIT, sorted(ALLOWED_WITH_THE_PAGES_OWN)) == ["<IMG> in deck-route__cards"]
