"""The studio's live card preview (koerskaart/studio/preview.py): a card of every type as a phone, the
table screen and paper show it; problems named by the editor's fields; hostile Markdown harmless."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, render_template_string

from koerskaart.deckprint import deck_print_html
from koerskaart.live import decks
from koerskaart.studio.preview import field_name, render_preview, respond
from tests.helpers.hostile_markdown import HOSTILE, LONG

DECK: dict[str, Any] = {
    "schema_version": 1,
    "slug": "proef",
    "languages": ["nl", "en"],
    "title": {"nl": "Proefdeck", "en": "Trial deck"},
    "description": {"nl": "Om te proberen.", "en": "To try."},
    "phases": [{"id": "veilig", "title": {"nl": "Veiligheid", "en": "Safety"}}],
    "cards": [{"id": "eerste"}, {"id": "kaart"}, {"id": "laatste"}],
}


def _text(nl: str, en: str | None = None) -> dict[str, str]:
    return {"nl": nl, "en": en if en is not None else f"{nl} (en)"}


def card(kind: str, **extra: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": "kaart",
        "type": kind,
        "phase": "veilig",
        "prompt": _text("Hoe *veilig* voel jij je?", "How *safe* do you feel?"),
        "body": _text("Denk aan de **laatste** week."),
        "follow_up": [_text("Wat helpt?"), _text("- een\n- twee")],
        "source": _text("[Edmondson](https://example.org/bron)"),
        "facilitator": _text("Laat stiltes vallen."),
    }
    if kind == "choice":
        found["options"] = [_text("Ja"), _text("Nee"), _text("*Soms*")]
    return {**found, **extra}


@pytest.fixture
def request_context(app: Flask) -> Iterator[None]:
    with app.test_request_context("/studio/preview", method="POST"):
        yield


def preview(
    card_: dict[str, Any], language: str = "nl", deck: dict[str, Any] | None = None
) -> dict[str, Any]:
    return render_preview(card_, DECK if deck is None else deck, language)


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


# ── Every type, on the phone, the screen and paper ─────────────────────────────


@pytest.mark.usefixtures("request_context")
def test_respond_answers_json_with_three_previews_and_no_problems_for_a_valid_card() -> None:
    response = respond(card("statement"), DECK, "nl")
    assert response.mimetype == "application/json"
    answer = json.loads(response.get_data(as_text=True))
    assert set(answer) == {"phone", "screen", "print", "problems"}
    assert answer["problems"] == []


@pytest.mark.usefixtures("request_context")
def test_a_statement_card_shows_the_agree_scale_as_the_play_page_does() -> None:
    shown = preview(card("statement"))
    phone = squash(shown["phone"])
    assert '<span class="phase">Veiligheid</span>' in phone
    assert '<span class="progress">Kaart 2 van 3</span>' in phone
    assert (
        '<h1 class="card__prompt" data-testid="preview-prompt">Hoe <em>veilig</em> voel jij je?</h1>' in phone
    )
    assert '<p class="card__body">Denk aan de <strong>laatste</strong> week.</p>' in phone
    assert phone.count('<div class="option"><input type="radio" disabled>') == 5
    assert '<span class="option__text">Helemaal oneens</span>' in phone
    assert '<span class="btn btn--primary btn--block btn--large">Antwoord versturen</span>' in phone
    # Once the table talks: the questions and the source, as the play page then shows them.
    assert '<section class="followups"><h2>Vragen voor het gesprek</h2>' in phone
    assert "<li><ul><li>een</li><li>twee</li></ul></li>" in phone
    assert 'href="https://example.org/bron" target="_blank" rel="noopener noreferrer">Edmondson</a>' in phone
    # The host's note, open.
    assert '<details class="host-note" open><summary>' in phone
    screen = squash(shown["screen"])
    assert screen.count('<section class="view screen-card">') == 1  # while answering
    assert screen.count('<section class="view screen-card is-discussing">') == 1  # while talking
    assert 'class="page-screen kk-preview__device kk-preview__device--screen"' in screen
    assert "Helemaal oneens" in squash(shown["print"])
    assert '<ul class="answers answers--scale">' in shown["print"]


@pytest.mark.usefixtures("request_context")
def test_a_frequency_card_shows_the_frequency_scale() -> None:
    shown = preview(card("frequency"))
    assert '<span class="option__text">Nooit</span>' in shown["phone"]
    assert '<span class="option__text">Altijd</span>' in shown["phone"]
    assert "<li>Nooit</li>" in squash(shown["print"])


@pytest.mark.usefixtures("request_context")
def test_a_choice_card_shows_its_options_on_phone_screen_and_paper() -> None:
    shown = preview(card("choice"), "en")
    phone = squash(shown["phone"])
    assert '<span class="option__text">Nee (en)</span>' in phone
    assert '<span class="option__text"><em>Soms</em> (en)</span>' in phone
    assert phone.count('class="option"') == 3
    assert '<span class="progress">Card 2 of 3</span>' in phone
    screen = squash(shown["screen"])
    # The screen lists the options while the table answers, not once it talks.
    assert (
        screen.count(
            '<ul class="screen-options"><li>Ja (en)</li><li>Nee (en)</li><li><em>Soms</em> (en)</li></ul>'
        )
        == 1
    )
    assert '<ul class="answers"><li>Ja (en)</li>' in squash(shown["print"])


@pytest.mark.usefixtures("request_context")
def test_an_open_card_shows_a_text_box_with_its_length() -> None:
    shown = preview(card("open", max_length=120))
    phone = squash(shown["phone"])
    assert '<textarea class="input" rows="4" disabled aria-label="Jouw antwoord"></textarea>' in phone
    assert "0 van 120 tekens" in phone
    assert '<div class="lines">' in shown["print"]
    assert "0 van 280 tekens" in squash(preview(card("open"))["phone"])


@pytest.mark.usefixtures("request_context")
def test_an_action_card_shows_the_actions_and_is_talked_about_at_once() -> None:
    shown = preview(card("action"))
    phone = squash(shown["phone"])
    assert '<section class="panel actions"><h2>Onze acties</h2>' in phone
    assert 'class="option"' not in phone
    assert "kk-preview__stage" not in phone  # questions show from the start, as on the play page
    screen = squash(shown["screen"])
    assert screen.count("screen-card") == 1
    assert '<section class="view screen-card is-discussing">' in screen
    assert '<section class="actions"><h2>Onze acties</h2>' in screen
    assert '<div class="fields">' in shown["print"]


@pytest.mark.usefixtures("request_context")
def test_a_sensitive_card_is_flagged_on_paper() -> None:
    assert (
        '<span class="card__flag">Gevoelige kaart</span>'
        in preview(card("statement", sensitive=True))["print"]
    )
    assert "card__flag" not in preview(card("statement"))["print"]


@pytest.mark.usefixtures("request_context")
def test_conference_wording_is_a_hidden_variant_and_on_the_back_of_the_card() -> None:
    conference = {
        "prompt": _text("Hoe veilig voelen mensen zich bij jullie?"),
        "follow_up": [_text("Wat zie je?")],
    }
    shown = preview(card("statement", conference=conference))
    for html in (shown["phone"], shown["screen"]):
        team, mixed = html.split('data-variant="mixed"')
        assert 'data-variant="team">' in team
        assert "Hoe <em>veilig</em> voel jij je?" in team
        assert mixed.startswith(" hidden>")
        assert "Hoe veilig voelen mensen zich bij jullie?" in mixed
        assert "Wat zie je?" in mixed and "Wat helpt?" not in mixed
        assert (
            "Denk aan de <strong>laatste</strong> week." in mixed
        )  # its own body where the variant has none
    back = squash(shown["print"])
    assert "<h3>Aan een gemengde tafel</h3><p>Hoe veilig voelen mensen zich bij jullie?</p>" in back
    assert 'data-variant="mixed"' not in preview(card("statement"))["phone"]


@pytest.mark.usefixtures("request_context")
def test_the_print_preview_is_the_print_versions_own_card() -> None:
    """A bundled deck's cards, front and back, exactly as in the print HTML (decks/print.html)."""
    deck = decks.installed()["sociale-veiligheid"]
    mapping = deck.model_dump(mode="json", exclude_none=True)
    printed = squash(deck_print_html(deck, "en"))
    articles = re.findall(r'<article class="cell pos-\d ((?:card|back)[^"]*)">(.*?)</article>', printed)
    by_card = {
        (kind.split()[0], re.search(r"<span>(\d+) / ", body).group(1)): body for kind, body in articles
    }  # type: ignore[union-attr]
    for number in (1, 2, 5, len(deck.cards)):
        shown = squash(render_preview(mapping["cards"][number - 1], mapping, "en")["print"])
        front, back = re.findall(r'<article class="cell ((?:card|back)[^"]*)">(.*?)</article>', shown)
        assert front[1] == by_card[("card", str(number))]
        assert back[1] == by_card[("back", str(number))]
        assert render_preview(mapping["cards"][number - 1], mapping, "en")["problems"] == []


@pytest.mark.usefixtures("request_context")
def test_the_partial_has_three_labelled_regions_a_language_switch_and_a_polite_status(app: Flask) -> None:
    html = render_template_string('{% include "studio/_preview.html" %}', preview_url="/studio/x/preview")
    assert 'data-preview-url="/studio/x/preview"' in html
    for title in (
        "Telefoon (360 px breed)",
        "Tafelscherm (1280 \N{MULTIPLICATION SIGN} 720)",
        "Print (A6, voor- en achterkant)",
    ):
        assert title in html
    assert html.count("aria-labelledby=") == 4
    assert 'role="status" aria-live="polite"' in html
    assert 'name="preview_language" value="nl"' in html and 'name="preview_language" value="en"' in html
    assert '<script type="module" src="/static/js/studio-preview.js"></script>' in html
    assert 'href="/static/css/studio-preview.css"' in html
    assert "<style" not in html and " style=" not in html and " on" not in re.sub(r'"[^"]*"', "", html)


# ── Problems, named by the editor's fields ────────────────────────────────────


def test_field_names_follow_the_form() -> None:
    assert field_name("prompt.nl") == "prompt-nl"
    assert field_name("options[0].en") == "options-0-en"
    assert field_name("follow_up[2].nl") == "follow_up-2-nl"
    assert field_name("conference.prompt.nl") == "conference-prompt-nl"
    assert field_name("conference.follow_up[1].en") == "conference-follow_up-1-en"
    assert field_name("max_length") == "max_length"


def fields(problems: list[dict[str, str]]) -> set[str]:
    return {problem["field"] for problem in problems}


@pytest.mark.usefixtures("request_context")
def test_an_invalid_card_still_previews_and_names_each_problem_by_its_field() -> None:
    broken = card(
        "choice",
        prompt={"en": "Only English"},
        options=[_text("Ja"), {"nl": "Nee", "en": "x" * 2001}],
        follow_up=[_text("Een"), _text("Twee"), {"nl": "   ", "en": "Three"}],
        conference={"prompt": {"en": "Mixed"}},
        minutes=0,
    )
    shown = preview(broken)
    assert fields(shown["problems"]) == {
        "prompt-nl",
        "options-1-en",
        "follow_up-2-nl",
        "conference-prompt-nl",
        "minutes",
    }
    assert all(problem["message"] for problem in shown["problems"])
    phone = squash(shown["phone"])
    assert "Denk aan de <strong>laatste</strong> week." in phone  # what can be read, shows
    assert '<span class="option__text">Nee</span>' in phone
    assert "<li>Twee</li>" in phone


@pytest.mark.usefixtures("request_context")
def test_problems_of_the_cards_shape_and_of_the_deck_are_named_too() -> None:
    one_option = preview(card("choice", options=[_text("Ja")]))["problems"]
    assert one_option == [{"field": "options", "message": "at least 2 options"}]
    assert fields(preview(card("statement", options=[_text("Ja"), _text("Nee")]))["problems"]) == {"options"}
    assert fields(preview(card("statement", max_length=100))["problems"]) == {"max_length"}
    # What only the deck knows: its phases, and that it is also played in English.
    unknown = preview(card("statement", phase="elders"))["problems"]
    assert unknown == [{"field": "phase", "message": "unknown phase 'elders'"}]
    english = preview(card("statement", prompt={"nl": "Alleen Nederlands", "en": ""}, body={"nl": "Tekst"}))
    assert fields(english["problems"]) == {"prompt-en", "body-en"}
    assert all("English text missing" in problem["message"] for problem in english["problems"])
    dutch_only = {**DECK, "languages": ["nl"]}
    assert preview(card("statement", prompt={"nl": "Alleen Nederlands"}), deck=dutch_only)["problems"] == []
    # A deck that is itself broken still gives the card's own findings and a preview.
    broken = {"cards": "kapot", "phases": [{"id": 3}]}
    shown = preview(card("open"), deck=broken)
    assert shown["problems"] == [{"field": "phase", "message": "the deck has no phases"}]
    assert fields(preview(card("open", id="Kaart 1"), deck=broken)["problems"]) == {"id"}
    assert '<span class="progress">Kaart 1 van 1</span>' in squash(shown["phone"])


@pytest.mark.usefixtures("request_context")
def test_a_card_without_a_type_or_prompt_previews_empty_rather_than_failing() -> None:
    shown = preview({"prompt": {"nl": "Alleen een vraag"}}, deck={})
    assert fields(shown["problems"]) == {"id", "type"}
    assert "Alleen een vraag" in shown["phone"] and "Alleen een vraag" in shown["print"]
    assert fields(preview({}, deck={})["problems"]) == {"id", "type", "prompt-nl"}


# ── Safe text: nothing an author writes comes out executable ────────────────────

# What studio-preview.js's previewFragment keeps (static/js/lib/safe-html.js); the server sends nothing else.
PREVIEW_TAGS = {
    *("p", "ul", "ol", "li", "em", "strong", "a", "code", "br", "h3", "h4", "blockquote"),
    *("div", "section", "article", "span", "figure", "figcaption", "h1", "h2"),
    *("details", "summary", "fieldset", "legend", "input", "textarea"),
}
PREVIEW_ATTRIBUTES = {
    *("class", "lang", "hidden", "open", "disabled", "rows", "aria-hidden", "aria-label", "type"),
    *("data-variant", "data-testid", "data-preview-width", "data-preview-height", "href", "target", "rel"),
}


class Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in PREVIEW_TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attrs:
            if name not in PREVIEW_ATTRIBUTES:
                self.problems.append(f"attribute {name}={value!r} on {tag}")
            if name == "href" and not (value or "").startswith(("https://", "http://", "mailto:")):
                self.problems.append(f"href {value!r}")
            if name == "type" and value != "radio":
                self.problems.append(f"type {value!r}")


def audit(html: str) -> list[str]:
    parser = Audit()
    parser.feed(html)
    parser.close()
    return parser.problems


def hostile_card(kind: str, texts: list[str]) -> dict[str, Any]:
    def pick(n: int) -> dict[str, str]:
        return {"nl": texts[n % len(texts)][:2000], "en": texts[(n + 1) % len(texts)][:2000]}

    found: dict[str, Any] = {
        "id": "gif",
        "type": kind,
        "prompt": pick(0),
        "body": pick(1),
        "follow_up": [pick(2), pick(3)],
        "source": pick(4),
        "facilitator": pick(5),
        "conference": {"prompt": pick(6), "body": pick(7), "follow_up": [pick(8)]},
    }
    if kind == "choice":
        found["options"] = [pick(9), pick(10), pick(11)]
    return found


@pytest.mark.usefixtures("request_context")
@pytest.mark.parametrize("kind", ["statement", "frequency", "choice", "open", "action"])
def test_hostile_markdown_in_every_field_comes_out_inert(kind: str) -> None:
    texts = [*HOSTILE, LONG[:1990]]
    for start in range(0, len(texts), 4):
        rotated = texts[start:] + texts[:start]
        hostile_deck = {**DECK, "title": {"nl": HOSTILE[0], "en": HOSTILE[2]}, "phases": []}
        for language in ("nl", "en"):
            shown = preview(hostile_card(kind, rotated), language, hostile_deck)
            for region in ("phone", "screen", "print"):
                # Tags and attributes as parsed: a text may show "<form action=...>" as text, never as a tag.
                assert audit(shown[region]) == [], (kind, region, rotated[0])


@pytest.mark.usefixtures("request_context")
def test_hostile_text_in_problems_is_only_ever_data() -> None:
    """Problem messages go into the page with textContent; still, they are plain strings."""
    shown = preview({"id": "<script>x</script>", "type": "<img src=x onerror=alert(1)>"}, deck={})
    assert fields(shown["problems"]) == {"id", "type", "prompt-nl"}
    assert all(isinstance(problem["message"], str) for problem in shown["problems"])
    assert "<script>" not in shown["phone"] and "<img" not in shown["phone"]


# ── The print card's look: decks/print.html's card rules, scoped for the editor ────────────────

ROOT = Path(__file__).resolve().parents[2] / "koerskaart"
CARD_SELECTOR = re.compile(r"^\.(card__|answers|lines|fields|back|block-text)")


def css_rules(css: str) -> dict[str, set[str]]:
    """selector -> its declarations, normalised; innermost blocks only (no @page or @media nesting)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules: dict[str, set[str]] = {}
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = {re.sub(r"\s+", " ", part).strip() for part in body.split(";") if part.strip()}
        rules.setdefault(re.sub(r"\s+", " ", selector).strip(), set()).update(declarations)
    return rules


def test_the_preview_paper_has_every_card_rule_of_the_print_version() -> None:
    printed = (ROOT / "templates/decks/print.html").read_text(encoding="utf-8")
    style = printed.split("<style>", 1)[1].split("</style>", 1)[0]
    preview = css_rules((ROOT / "static/css/studio-preview.css").read_text(encoding="utf-8"))
    checked = 0
    for selector, declarations in css_rules(style).items():
        if not CARD_SELECTOR.match(selector):
            continue
        parts = [part.strip() for part in selector.split(",")]
        scoped = [
            ", ".join(f"{prefix} {part}" for part in parts)
            for prefix in (".kk-preview__paper", ".kk-preview .kk-preview__paper")
        ]
        found = next((preview[name] for name in scoped if name in preview), None)
        assert found is not None, f"{selector} is not in studio-preview.css"
        assert declarations <= found, (selector, declarations - found)
        checked += 1
    assert checked >= 15
