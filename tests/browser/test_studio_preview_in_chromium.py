"""The studio's live card preview (templates/studio/_preview.html, static/js/studio-preview.js) in real
Chromium, without the card editor: a test-only page with a small card form (form[data-preview-url],
CSRF on, the real Content-Security-Policy) whose preview route calls koerskaart.studio.preview.respond.

Typing updates the phone; the 360 px phone and the editor's page never scroll sideways; hostile Markdown
in every field runs nothing (a flag any executed script would set, a dialog handler, CSP reports);
and only one preview request is ever out, the stale answers dropped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Blueprint, Flask, current_app, render_template_string, request
from playwright.sync_api import expect
from werkzeug.serving import make_server
from werkzeug.wrappers import Response as BaseResponse

from koerskaart.config import TestingConfig
from koerskaart.studio.preview import respond
from tests.browser.pages import LAPTOP, TIMEOUT, reflow_problems, settle
from tests.helpers.apps import fresh_app
from tests.helpers.hostile_markdown import HOSTILE
from tests.helpers.infra import free_port

pytestmark = pytest.mark.browser

DECK: dict[str, Any] = {
    "languages": ["nl", "en"],
    "title": {"nl": "Proefdeck", "en": "Trial deck"},
    "cards": [{"id": "eerste"}, {"id": "proefkaart"}, {"id": "laatste"}],
}

FIELDS = [
    ("prompt-nl", "Vraag"),
    ("prompt-en", "Question"),
    ("body-nl", "Toelichting"),
    ("options-0-nl", "Optie 1"),
    ("options-1-nl", "Optie 2"),
    ("follow_up-0-nl", "Vervolgvraag"),
    ("conference-prompt-nl", "Vraag aan een gemengde tafel"),
]
PAGE = """{% extends "base.html" %}
{% block content %}
<h1>Kaart bewerken</h1>
<form method="post" action="#" data-preview-url="{{ url_for('preview_test.preview') }}" novalidate>
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  <div class="field"><label class="label" for="type">Soort</label>
    <select class="input" id="type" name="type">
      {% for kind in kinds %}<option>{{ kind }}</option>{% endfor %}
    </select></div>
  {% for name, label in fields %}
  <div class="field"><label class="label" for="{{ name }}">{{ label }}</label>
    {% if name == "body-nl" %}<textarea class="input" id="{{ name }}" name="{{ name }}"></textarea>
    {% else %}<input class="input" id="{{ name }}" name="{{ name }}">{% endif %}</div>
  {% endfor %}
  {% include "studio/_preview.html" %}
</form>
{% endblock %}
"""

# Runs before the page's own scripts: every hostile input tries to set window.__pwned.
WATCH = """
window.__pwned = undefined;
document.addEventListener("securitypolicyviolation", (event) => {
  window.kkCsp(`${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`);
});
"""


class PreviewConfig(TestingConfig):
    WTF_CSRF_ENABLED = True  # the form posts its token, as the editor's will


def card_from(form: Any) -> dict[str, Any]:
    """The test page's form as a card mapping (the editor's route does this for its own form)."""

    def text(name: str) -> dict[str, str]:
        return {"nl": form.get(f"{name}-nl", ""), "en": form.get(f"{name}-en", "")}

    card: dict[str, Any] = {
        "id": "proefkaart",
        "type": form.get("type", ""),
        "prompt": text("prompt"),
        "body": text("body"),
        "follow_up": [text("follow_up-0")] if form.get("follow_up-0-nl") else [],
        "conference": {"prompt": text("conference-prompt")},
    }
    if card["type"] == "choice":
        card["options"] = [text("options-0"), text("options-1")]
    return card


def preview_blueprint() -> Blueprint:
    bp = Blueprint("preview_test", __name__, url_prefix="/preview-test")

    @bp.get("/")
    def page() -> str:
        kinds = ("statement", "frequency", "choice", "open", "action")
        return render_template_string(PAGE, preview_url="/preview-test/preview", kinds=kinds, fields=FIELDS)

    @bp.post("/preview")
    def preview() -> BaseResponse:  # CSRF: checked by the app's CSRFProtect before this runs
        time.sleep(current_app.config.get("PREVIEW_TEST_DELAY", 0))
        return respond(card_from(request.form), DECK, request.form.get("preview_language", "nl"))

    return bp


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Flask]]:
    with fresh_app(PreviewConfig) as app:
        app.register_blueprint(preview_blueprint())
        port = free_port()
        httpd = make_server("127.0.0.1", port, app, threaded=True)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{port}/preview-test/", app
        finally:
            httpd.shutdown()
            httpd.server_close()
            thread.join(timeout=5)


@pytest.fixture
def editor(open_page: Any, server: tuple[str, Flask]) -> Iterator[tuple[Any, dict[str, list[str]]]]:
    page = open_page(**LAPTOP)
    seen: dict[str, list[str]] = {"dialogs": [], "csp": [], "errors": []}
    page.expose_function("kkCsp", lambda text: seen["csp"].append(text))
    page.add_init_script(WATCH)

    def on_dialog(dialog: Any) -> None:
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.goto(server[0])
    yield page, seen
    server[1].config["PREVIEW_TEST_DELAY"] = 0


def phone_prompt(page: Any) -> Any:
    return page.locator('[data-testid="preview-phone"] [data-variant="team"] h1.card__prompt')


def test_typing_updates_the_phone_screen_and_paper(editor: tuple[Any, dict[str, list[str]]]) -> None:
    page, seen = editor
    status = page.get_by_test_id("preview-status")
    # First the empty form: a preview, and its one problem linked to its field.
    expect(status).to_have_text("Voorbeeld bijgewerkt: 1 probleem in deze kaart")
    problem = page.get_by_test_id("preview-problems").locator("a")
    expect(problem).to_have_text("prompt-nl")
    expect(problem).to_have_attribute("href", "#prompt-nl")

    page.fill("#prompt-nl", "Hoe *veilig* voel jij je in dit team?")
    expect(phone_prompt(page)).to_have_text("Hoe veilig voel jij je in dit team?")
    expect(phone_prompt(page).locator("em")).to_have_text("veilig")
    expect(phone_prompt(page)).to_have_attribute("role", "none")  # the editor's outline stays the editor's
    expect(problem).to_have_text("prompt-en")  # the deck is played in English too
    page.fill("#prompt-en", "How *safe* do you feel in this team?")
    expect(status).to_have_text("Voorbeeld bijgewerkt")
    expect(page.get_by_test_id("preview-problems")).to_be_hidden()
    phone = page.get_by_test_id("preview-phone")
    expect(phone.locator(".option")).to_have_count(5)
    expect(phone.locator(".progress").first).to_have_text("Kaart 2 van 3")

    page.select_option("#type", "choice")
    page.fill("#options-0-nl", "Ja, **altijd**")
    page.fill("#options-1-nl", "Nee")
    expect(phone.locator('[data-variant="team"] .option__text')).to_have_text(["Ja, altijd", "Nee"])
    screen = page.get_by_test_id("preview-screen")
    expect(screen.locator('[data-variant="team"] .screen-options li')).to_have_text(["Ja, altijd", "Nee"])
    expect(page.get_by_test_id("preview-print").locator(".answers li")).to_have_text(["Ja, altijd", "Nee"])

    # The screen keeps its 1280 x 720, scaled into its column; the phone its 360 px.
    settle(page)
    sizes = page.evaluate(
        """() => {
          const screen = document.querySelector('[data-testid="preview-screen"] .kk-preview__device--screen');
          const phone = document.querySelector('[data-testid="preview-phone"]');
          const column = screen.closest(".kk-preview__region").getBoundingClientRect();
          return {screen: [screen.offsetWidth, screen.offsetHeight, screen.getBoundingClientRect().width,
                           column.width],
                  phone: [phone.offsetWidth, phone.clientWidth, phone.scrollWidth]};
        }"""
    )
    width, height, shown_width, column_width = sizes["screen"]
    assert (width, height) == (1280, 720)
    assert shown_width <= column_width + 0.5
    assert sizes["phone"][0] == 360 and sizes["phone"][2] <= sizes["phone"][1]

    # English, from the preview's own switch.
    page.get_by_test_id("preview-lang-en").check()
    expect(phone.locator(".progress").first).to_have_text("Card 2 of 3")
    expect(phone_prompt(page)).to_have_text("How safe do you feel in this team?")
    expect(phone.locator('[data-variant="team"] .btn')).to_have_text("Send answer")

    # Conference wording: the switch shows it once the card has some.
    mixed = page.get_by_test_id("preview-mixed")
    expect(mixed).to_be_disabled()
    page.fill("#conference-prompt-nl", "Hoe veilig voelen mensen zich bij jullie?")
    expect(mixed).to_be_enabled()
    mixed.check()
    expect(page.locator('[data-testid="preview-phone"] [data-variant="mixed"] h1')).to_be_visible()
    expect(page.locator('[data-testid="preview-phone"] [data-variant="mixed"] h1')).to_have_text(
        "Hoe veilig voelen mensen zich bij jullie?"
    )
    expect(phone_prompt(page)).to_be_hidden()
    assert seen == {"dialogs": [], "csp": [], "errors": []}


def test_nothing_sticks_out_of_the_phone_or_the_page(editor: tuple[Any, dict[str, list[str]]]) -> None:
    page, seen = editor
    long_word = "Medezeggenschapsraadsvergaderingsvoorbereidingsdocumentatie" * 2
    page.select_option("#type", "choice")
    page.fill("#prompt-nl", f"Wat vind jij van {long_word}?")
    page.fill("#body-nl", f"- {long_word}\n- https://example.org/{long_word}")
    page.fill("#options-0-nl", long_word)
    page.fill("#options-1-nl", "Nee")
    page.fill("#follow_up-0-nl", long_word)
    expect(phone_prompt(page)).to_contain_text("Wat vind jij van")
    settle(page)
    phone = page.evaluate(
        """() => {
          const el = document.querySelector('[data-testid="preview-phone"]');
          const right = el.getBoundingClientRect().left + el.clientWidth;
          const wide = [...el.querySelectorAll("*")]
            .filter((child) => child.getBoundingClientRect().right > right + 0.5)
            .map((child) => `${child.tagName}.${child.className}`);
          return [el.clientWidth, el.scrollWidth, wide.slice(0, 8)];
        }"""
    )
    assert phone[0] == 360 and phone[1] <= 360, phone[2]
    # The editor's page reflows at 320 px with the preview in it (the devices scale down).
    assert reflow_problems(page, "card preview") == []
    assert seen == {"dialogs": [], "csp": [], "errors": []}


def test_hostile_markdown_runs_nothing(editor: tuple[Any, dict[str, list[str]]]) -> None:
    page, seen = editor
    page.select_option("#type", "choice")
    page.fill("#conference-prompt-nl", "Gemengd")
    page.get_by_test_id("preview-mixed").check()  # once the card has conference wording
    for start in range(0, len(HOSTILE), 5):
        texts = [HOSTILE[(start + i) % len(HOSTILE)] for i in range(6)]
        marker = f"Ronde {start}:"
        page.fill("#body-nl", texts[1])
        page.fill("#options-0-nl", texts[2])
        page.fill("#options-1-nl", texts[3])
        page.fill("#follow_up-0-nl", texts[4])
        page.fill("#conference-prompt-nl", f"{marker} {texts[5]}")
        page.fill("#prompt-nl", f"{marker} {texts[0]}")
        expect(phone_prompt(page)).to_contain_text(marker)
        expect(page.locator('[data-testid="preview-phone"] [data-variant="mixed"] h1')).to_contain_text(
            marker
        )
        # Point at and focus what an author's text became, where a handler would fire.
        for link in page.locator(".kk-preview a:visible").all()[:12]:
            link.dispatch_event("mouseover")
            link.focus()
        settle(page)
        assert page.evaluate("window.__pwned") is None, texts
    assert (
        page.locator(".kk-preview script, .kk-preview img, .kk-preview iframe, .kk-preview svg").count() == 0
    )
    assert page.locator(".kk-preview [style]:not(.kk-preview__device):not(.kk-preview__scaler)").count() == 0
    assert seen == {"dialogs": [], "csp": [], "errors": []}


def test_one_request_at_a_time_and_the_last_edit_wins(
    editor: tuple[Any, dict[str, list[str]]], server: tuple[str, Flask]
) -> None:
    page, seen = editor
    expect(page.get_by_test_id("preview-status")).not_to_be_empty()
    server[1].config["PREVIEW_TEST_DELAY"] = 0.6  # slower than the typing below
    out = {"now": 0, "most": 0, "sent": 0}

    def started(req: Any) -> None:
        if req.url.endswith("/preview"):
            out["now"] += 1
            out["sent"] += 1
            out["most"] = max(out["most"], out["now"])

    def ended(req: Any) -> None:
        if req.url.endswith("/preview"):
            out["now"] -= 1

    page.on("request", started)
    page.on("requestfinished", ended)
    page.on("requestfailed", ended)
    final = "Wat zeg je als je het niet eens bent?"
    for end in range(20, len(final) + 1, 4):
        page.fill("#prompt-nl", final[:end])
        page.wait_for_timeout(350)  # past the debounce: each pause would send, were one not out already
    page.fill("#prompt-nl", final)
    expect(phone_prompt(page)).to_have_text(final, timeout=TIMEOUT)
    page.wait_for_timeout(1500)  # nothing older arrives after the newest
    expect(phone_prompt(page)).to_have_text(final)
    assert out["most"] == 1, out
    assert 2 <= out["sent"] < 7, out
    assert seen == {"dialogs": [], "csp": [], "errors": []}
