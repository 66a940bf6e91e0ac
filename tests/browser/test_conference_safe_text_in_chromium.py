"""Safe text on the conference path, in real Chromium against a real server (issue 13).

An author imports a deck whose every text an author writes holds hostile input (card prompt, body,
options, follow-ups, conference wording, facilitator note, source, phase titles, route, guide,
colophon, deck title; tests/helpers/hostile_markdown.py) and publishes it through the studio's own
pages. A facilitator of the same organisation chooses it for an event and plays every card with
three tables: a Chromium phone and bots, the big screen on a projector, the dashboard on a laptop.
Then the conference summary (page, PDF, CSV), the deck's page and its print PDF.

Every input tries to set ``window.__pwned`` or open a dialog; none may. Each page's own markup is
audited (no script but the app's, no event handler, no script URL, no frame), the card text
containers hold only the Markdown allow-list, every HTML document came with a Content-Security-
Policy without 'unsafe-inline', and what the author wrote shows as text, tags and all.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.pages import LAPTOP, PHONE, PROJECTOR, SERVER_ENV, create_account, log_in, on_card
from tests.browser.test_conference_in_chromium import join_event
from tests.browser.test_safe_text_in_chromium import ALLOWED, Watch, _answer_on_the_phone
from tests.helpers.conference_clients import join_event as join_as_bot
from tests.helpers.hostile_markdown import HOSTILE, hostile_deck
from tests.helpers.real_server import Phone, RealServer

pytestmark = pytest.mark.browser

AUTHOR = "gifauteur@oost.example"
FACILITATOR = "gifconferentie@oost.example"
SLUG = "gifstudio"
SCRIPT = HOSTILE[0]  # <script>window.__pwned=1</script>
TITLE = f"Gifstudio {SCRIPT}"
EVENT = f"Gifdag <b>vet</b> {HOSTILE[2]}"  # what a facilitator types, for good measure
KINDS = ["statement", "choice", "open", "frequency"]  # hostile_deck's card types, in turn
CARDS = 8
TABLES, PER_TABLE = 3, 4
HARVEST = 1  # a choice card: the room waits for the facilitator's release

# The page's own markup, whatever it holds: only the app's scripts, no handler, no script URL, no frame.
_PAGE_AUDIT = """() => {
  const problems = [];
  for (const script of document.querySelectorAll("script")) {
    const src = script.getAttribute("src");
    const ok = src ? src.startsWith("/static/") : script.getAttribute("type") === "application/json";
    if (!ok) problems.push(`<script> ${src || script.textContent.slice(0, 40)}`);
  }
  for (const el of document.querySelectorAll("iframe, frame, object, embed, base, math, foreignObject")) {
    problems.push(`<${el.tagName}>`);
  }
  const urls = /^(href|src|action|formaction|xlink:href|data|poster|background|srcset)$/i;
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name) || attr.name === "srcdoc") problems.push(`${attr.name} on <${el.tagName}>`);
      if (!urls.test(attr.name)) continue;
      const value = attr.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      const image = el.tagName === "IMG" && attr.name === "src" && value.startsWith("data:image/");
      if (/^(javascript|vbscript):/.test(value) || (value.startsWith("data:") && !image)) {
        problems.push(`${attr.name}=${attr.value.slice(0, 40)} on <${el.tagName}>`);
      }
    }
    if (el.tagName === "IMG") {
      const src = el.getAttribute("src") || "";
      if (!src.startsWith("/static/") && !src.startsWith("data:image/")) problems.push(`<img src=${src}>`);
    }
  }
  return problems;
}"""

# Card text on the big screen and the deck page's guide: only the Markdown allow-list, no attribute
# but a safe link's (tests/browser/test_safe_text_in_chromium.py audits the phone's and the summary's).
_TEXT_AUDIT = """(allowed) => {
  const places = ".plenary-prompt, #result-body .bar__label, #result-body .texts li, .deck-guide > :not(h2)";
  const problems = [];
  for (const place of document.querySelectorAll(places)) {
    for (const el of place.querySelectorAll("*")) {
      if (!allowed.includes(el.tagName)) problems.push(`<${el.tagName}> in ${place.id || place.className}`);
      for (const attr of el.attributes) {
        if (!(el.tagName === "A" && ["href", "rel", "target"].includes(attr.name))) {
          problems.push(`${attr.name} on <${el.tagName}> in ${place.id || place.className}`);
        }
      }
      const href = el.tagName === "A" ? el.getAttribute("href") : null;
      if (href !== null && !/^(https?:|mailto:)/i.test(href)) problems.push(`href ${href}`);
    }
  }
  return problems;
}"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    server = RealServer(tmp_path_factory.mktemp("conference-safe-text"), test_deck=True, env=SERVER_ENV)
    server.start()
    yield server
    server.stop()


def _text(value: str) -> dict[str, str]:
    return {"nl": value, "en": value}


def hostile_studio_deck(folder: Path) -> str:
    """hostile_deck's cards, and hostile phases, a route, a guide, a colophon and title: a deck file's text.

    The conference wording of card n starts "Zaal n:" (card text "Kaart n:"), so a page shows which it is.
    """
    raw: dict[str, Any] = yaml.safe_load(hostile_deck(folder, SLUG).read_text(encoding="utf-8"))
    raw["title"] = _text(TITLE)
    raw["description"] = _text(HOSTILE[2])
    raw["phases"] = [
        {
            "id": f"fase-{n + 1}",
            "title": _text(f"Fase {n + 1}: {HOSTILE[n + 3]}"),
            "description": _text(HOSTILE[5]),
        }
        for n in range(2)
    ]
    for index, card in enumerate(raw["cards"]):
        card["phase"] = f"fase-{index // 4 + 1}"
        card["conference"]["prompt"] = _text(f"Zaal {index + 1}: {HOSTILE[(index * 5) % len(HOSTILE)]}")
    short = [card["id"] for card in raw["cards"][:3]]
    raw["routes"] = [
        {"id": "kort", "title": _text(HOSTILE[8]), "description": _text(HOSTILE[9]), "cards": short}
    ]
    raw["facilitator"] = _text("\n\n".join(HOSTILE))
    raw["colophon"] = {
        "owner": _text(HOSTILE[7]),
        "date": "2026-12-01",
        "authors": [SCRIPT],
        "sources": [HOSTILE[2], HOSTILE[10]],
        "contact": HOSTILE[13],
        "note": _text(HOSTILE[20]),
    }
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)


class ConferenceWatch(Watch):
    """Watch (dialogs, ``window.__pwned``, the phone's and summary's card text), and per page its
    own markup, the big screen's card text, and the CSP of every HTML document it loaded."""

    def __init__(self) -> None:
        super().__init__()
        self.policies: list[tuple[str, str | None]] = []

    def add(self, page: Any) -> Any:
        def on_response(response: Any) -> None:
            html = response.headers.get("content-type", "").startswith("text/html")
            if response.request.is_navigation_request() and html:
                self.policies.append((response.url, response.headers.get("content-security-policy")))

        page.on("response", on_response)
        return super().add(page)

    def check(self, step: str) -> None:
        super().check(step)
        for page in self.pages:
            assert page.evaluate(_PAGE_AUDIT) == [], f"{step} ({page.url})"
            assert page.evaluate(_TEXT_AUDIT, sorted(ALLOWED)) == [], f"{step} ({page.url})"
        for url, policy in self.policies:
            assert policy and "script-src 'self'" in policy and "unsafe-inline" not in policy, (url, policy)


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pdf_text_and_problems(data: bytes) -> tuple[str, list[str]]:
    """The PDF's text, and anything in it that could act: JavaScript, launch actions, odd link targets."""
    assert data.startswith(b"%PDF")
    problems = [
        f"{name!r} in the PDF" for name in (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch") if name in data
    ]
    reader = PdfReader(io.BytesIO(data))
    root: Any = reader.trailer["/Root"].get_object()  # compressed object streams hide names from the bytes
    problems += [f"{key} in the catalog" for key in ("/OpenAction", "/AA", "/AcroForm") if key in root]
    if "/Names" in root and "/JavaScript" in root["/Names"].get_object():
        problems.append("document JavaScript")
    for page in reader.pages:
        if "/AA" in page:
            problems.append("a page action")
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            action = action.get_object() if action is not None else {}
            if action.get("/S") not in (None, "/URI"):
                problems.append(f"a {action.get('/S')} action")
            uri = str(action.get("/URI", ""))
            if uri and not re.match(r"^(https?:|mailto:)", uri, re.I):
                problems.append(f"link to {uri}")
    return "\n".join(page.extract_text() for page in reader.pages), problems


def _bot_value(kind: str, number: int) -> object:
    if kind == "open":  # what participants type: hostile too, and shown on the big screen
        return f"Bot {number}: {HOSTILE[number % len(HOSTILE)]}"[:200]
    return number % 5 if kind == "choice" else 1 + number % 5


def test_hostile_studio_deck_runs_nowhere_on_the_conference_path(
    open_page: Any, live_server: RealServer, tmp_path: Path
) -> None:
    watch = ConferenceWatch()
    create_account(live_server, AUTHOR, role="author")
    create_account(live_server, FACILITATOR)

    # The author imports the deck file and publishes it, on the studio's own pages.
    studio = watch.add(open_page(**LAPTOP))
    log_in(studio, live_server, AUTHOR)
    studio.goto(live_server.url + "/studio/")
    studio.get_by_test_id("import-text").fill(hostile_studio_deck(tmp_path))
    studio.get_by_test_id("import-submit").click()
    studio.wait_for_url(re.compile(r"/studio/[\w-]+$"))
    deck_url = studio.url
    expect(studio.get_by_test_id("draft-text")).to_have_value(re.compile(re.escape(SCRIPT)))
    watch.check("studio: the imported draft")
    for page in ("translations", "diff"):
        assert studio.goto(f"{deck_url}/{page}").ok, page
        watch.check(f"studio: {page}")
    studio.goto(deck_url)
    studio.get_by_test_id("publish-note").fill(HOSTILE[2])
    studio.get_by_test_id("publish").click()
    expect(studio.get_by_test_id("studio-versions")).to_contain_text(HOSTILE[2])  # the note, as text
    watch.check("studio: published")

    # The facilitator chooses it for an event of three synchronised tables.
    laptop = watch.add(open_page(**LAPTOP))
    log_in(laptop, live_server, FACILITATOR)
    laptop.goto(live_server.url + "/events/new")
    expect(laptop.get_by_test_id(f"event-deck-{SLUG}")).to_be_visible()
    watch.check("new event: the deck among the choices")
    laptop.locator("#name").fill(EVENT)
    laptop.get_by_test_id(f"event-deck-{SLUG}").check()
    laptop.get_by_test_id("event-pacing-synchronised").check()
    laptop.locator("#target_size").fill(str(PER_TABLE))
    laptop.locator("#tables").fill("\n".join(f"Tafel {n + 1}" for n in range(TABLES)))
    laptop.get_by_test_id("event-create").click()
    laptop.get_by_test_id(f"harvest-{HARVEST}").check()
    watch.check("prepare: the harvest choice lists the cards")
    laptop.get_by_test_id("harvest-save").click()
    expect(laptop.get_by_test_id("dash-table-row")).to_have_count(TABLES)
    event_url = laptop.url
    expect(laptop.locator("#dash-title")).to_have_text(EVENT)
    option = laptop.get_by_test_id("dash-show-card-select").locator('option[value="0"]')
    expect(option).to_contain_text(f"Zaal 1: {SCRIPT}")  # plain text in the dashboard's lists
    code = laptop.get_by_test_id("dash-code").inner_text().strip()
    watch.check("dashboard")

    screen = watch.add(open_page(**PROJECTOR))
    screen.goto(live_server.url + str(laptop.get_by_test_id("dash-screen-link").get_attribute("href")))
    expect(screen.get_by_test_id("join-code")).to_have_text(code)
    expect(screen.locator("#join-name")).to_have_text(EVENT)
    watch.check("big screen: join")

    # A phone in Chromium (its nickname hostile too) and bots fill the three tables.
    phone = watch.add(open_page(**PHONE))
    join_event(phone, live_server, code, "<img src=x onerror=alert(1)>")
    bots: list[Phone] = []
    try:
        for number in range(TABLES * PER_TABLE - 1):
            bots.append(join_as_bot(live_server.url, code, f"<svg onload=alert({number})>"))
        expect(laptop.get_by_test_id("dash-total-players")).to_have_text(str(TABLES * PER_TABLE))
        watch.check("everyone seated")
        _play_every_card(watch, laptop, screen, phone, bots)
    finally:
        for bot in bots:
            bot.close()

    laptop.get_by_test_id("dash-end").click()
    laptop.get_by_test_id("dash-end-confirm").click()
    expect(laptop.get_by_test_id("dash-state")).not_to_be_empty()
    watch.check("event ended")

    laptop.goto(live_server.url + "/events")
    expect(laptop.locator("main")).to_contain_text(EVENT)
    watch.check("the facilitator's events")

    # The conference summary: the page, its PDF and its CSV.
    laptop.goto(event_url + "/summary")
    expect(laptop.locator("h1")).to_contain_text(EVENT)
    expect(laptop.get_by_test_id("event-summary-card-1")).to_contain_text(f"Zaal 1: {SCRIPT}")
    watch.check("conference summary")
    pdf = laptop.request.get(event_url + "/summary.pdf")
    assert pdf.ok, pdf.status
    text, problems = _pdf_text_and_problems(pdf.body())
    assert problems == []
    assert _squeezed(f"Zaal 1: {SCRIPT}") in _squeezed(text)
    assert _squeezed(EVENT) in _squeezed(text)
    csv = laptop.request.get(event_url + "/summary.csv")
    assert csv.ok, csv.status
    csv_text = csv.body().decode("utf-8-sig")
    assert f"Zaal 1: {SCRIPT}" in csv_text and "**" not in csv_text

    # The deck's own page and its print version.
    laptop.goto(f"{live_server.url}/decks/{SLUG}")
    for details in laptop.locator("details").all():
        details.locator("summary").click()
    expect(laptop.get_by_test_id("deck-title")).to_have_text(TITLE)
    expect(laptop.locator(".deck-route__cards li").first).to_contain_text(f"Kaart 1: {SCRIPT}")
    expect(laptop.locator(".deck-guide")).to_contain_text(SCRIPT)
    watch.check("deck page")
    printed = laptop.request.get(f"{live_server.url}/decks/{SLUG}/print-nl.pdf")
    assert printed.ok, printed.status
    text, problems = _pdf_text_and_problems(printed.body())
    assert problems == []
    for expected in (TITLE, f"Kaart 1: {SCRIPT}"):
        assert _squeezed(expected) in _squeezed(text), expected
    # A card's phase is printed in capitals (CSS), the author's text as it was written.
    assert _squeezed(f"Fase 1: {HOSTILE[3]}").upper() in _squeezed(text)

    # The audits see what they are there to see.
    screen.evaluate("""() => document.querySelector(".plenary-prompt")
        .append(Object.assign(document.createElement("img"), {src: "x"}))""")
    assert screen.evaluate(_TEXT_AUDIT, sorted(ALLOWED)) == [
        "<IMG> in waiting-prompt",
        "src on <IMG> in waiting-prompt",
    ]
    assert screen.evaluate(_PAGE_AUDIT) == ["<img src=x>"]
    # Every kind of page was loaded with its policy checked: the studio, the event's, the phone's.
    paths = {re.sub(r"^https?://[^/]+", "", url) for url, _policy in watch.policies}
    for pattern in (
        r"^/studio/[\w-]+$",
        r"^/events/[\w-]+$",
        r"^/events/[\w-]+/screen$",
        r"^/t/",
        r"/summary$",
        r"^/decks/",
    ):
        assert any(re.search(pattern, path) for path in paths), (pattern, paths)


def _play_every_card(watch: ConferenceWatch, laptop: Any, screen: Any, phone: Any, bots: list[Phone]) -> None:
    """The facilitator opens each card everywhere and puts it on the big screen; everyone answers."""
    for index in range(CARDS):
        kind = KINDS[index % len(KINDS)]
        laptop.get_by_test_id("dash-show-card-select").select_option(str(index))
        laptop.get_by_test_id("dash-show-card").click()
        laptop.get_by_test_id("dash-screen-select").select_option(str(index))
        laptop.get_by_test_id("dash-screen-show").click()
        on_card(phone, index + 1)
        # The mixed tables get the conference wording, as text: never parsed as HTML.
        expect(phone.get_by_test_id("card-prompt")).to_contain_text(f"Zaal {index + 1}:")
        expect(screen.locator("#view-waiting .plenary-prompt")).to_contain_text(f"Zaal {index + 1}:")
        watch.check(f"card {index + 1} open")
        _answer_on_the_phone(phone, kind)
        for number, bot in enumerate(bots):
            ack = bot.call("submit_answer", {"card_index": index, "value": _bot_value(kind, number)})
            assert ack and ack.get("ok"), ack
        if index == HARVEST:
            expect(screen.get_by_test_id("plenary-waiting")).to_be_visible()
            laptop.get_by_test_id(f"dash-release-{index}").click()
        expect(screen.get_by_test_id("plenary-result")).to_be_visible()
        expect(screen.locator("#result-prompt")).to_contain_text(f"Zaal {index + 1}:")
        watch.check(f"card {index + 1} on the big screen")
        if index == 0:
            expect(phone.get_by_test_id("card-prompt")).to_contain_text(f"Zaal 1: {SCRIPT}")
            expect(screen.locator("#result-prompt")).to_contain_text(f"Zaal 1: {SCRIPT}")
        if index == HARVEST:  # the options on the bars: text, tags and all
            expect(screen.locator("#result-body .bar__label").first).to_contain_text(HOSTILE[5])
        if kind == "open":  # a shuffled sample of what was typed, each exactly as typed
            expect(screen.locator("#result-body .texts li").first).not_to_be_empty()
            typed = {str(_bot_value(kind, n)) for n in range(len(bots))} | {"Mijn antwoord"}
            shown = {text.strip() for text in screen.locator("#result-body .texts li").all_text_contents()}
            assert shown <= typed, shown - typed
