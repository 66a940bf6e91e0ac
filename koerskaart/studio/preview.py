"""The live preview of a card while an author edits it (issue 13): as a 360 px phone shows it,
as the table screen (1280 x 720) shows it, and on paper (A6, front and back).

The card editor posts its form; its route turns the form into a card mapping (the shape of a
card in a deck file) and calls ``respond``. The card is checked with the deck format's own
pydantic model (``content.schema.Card``) and, for what only the deck knows (its phases, its
languages), inside a deck made of the deck's own phases and languages and this one card; every
problem is named by the editor's field (``prompt-nl``, ``options-0-en``, ``conference-prompt-nl``).

An invalid card still previews: whatever can be read from the mapping is shown. All HTML is
rendered here with autoescaping, card text only through the safe Markdown filters
(koerskaart/markdown.py) as on the real pages; the browser inserts it with
static/js/lib/safe-html.js. The phone and the screen are static replicas of play/table.html and
play/screen.html with the classes of their scripts (static/js/views/card.js, answer-form.js);
paper is deckprint's own card markup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import Response, jsonify, render_template
from flask_babel import force_locale
from pydantic import ValidationError

from ..content.schema import Card, CardRole, CardType, Deck, Phase
from ..content.yamlio import validation_problems
from ..deckprint import card_print_fragments
from ..i18n import scale_labels

LANGUAGES = ("nl", "en")
DEFAULT_MAX_LENGTH = 280  # an open card's answer length when the card sets none (as the play page)
_INDEX = re.compile(r"\[(\d+)\]")
_CARD_PATH = re.compile(r"^cards\[0\](?:\.|$)")
# A required text the card lacks altogether: its Dutch field is the one to fill in (Dutch first).
_REQUIRED_TEXT = re.compile(r"(?:^|\.)(?:prompt|(?:options|follow_up)\[\d+\])$")
MISSING = "required field missing"  # content/yamlio.py's words for pydantic's "missing"


def field_name(location: str) -> str:
    """A problem's path in the card (``options[0].en``) as the editor's field name (``options-0-en``)."""
    return _INDEX.sub(r".\1", location).replace(".", "-")


def _problem(location: str, message: str) -> dict[str, str]:
    return {"field": field_name(location), "message": message}


def _valid_phases(deck: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The deck's phases that are valid themselves, so that a broken phase hides no card problem."""
    found = []
    for phase in deck.get("phases") or []:
        try:
            found.append(Phase.model_validate(phase).model_dump(mode="json", exclude_none=True))
        except ValidationError:
            continue
    return found


def _languages(deck: Mapping[str, Any]) -> list[str]:
    listed = deck.get("languages")
    if isinstance(listed, list) and all(lang in LANGUAGES for lang in listed):
        return ["nl", *(["en"] if "en" in listed else [])]
    return ["nl"]


def _deck_problems(card: dict[str, Any], deck: Mapping[str, Any]) -> list[dict[str, str]]:
    """What the deck's own checks say about this card: its phase, its English where the deck has en."""
    placeholder = {"nl": "-", "en": "-"}
    trial = {
        "schema_version": 1,
        "slug": "preview",
        "languages": _languages(deck),
        "title": placeholder,
        "description": placeholder,
        "phases": _valid_phases(deck),
        "cards": [card],
    }
    try:
        Deck.model_validate(trial)
    except ValidationError as exc:
        return [
            _problem(_CARD_PATH.sub("", problem.location), problem.message)
            for problem in validation_problems(exc)
            if _CARD_PATH.match(problem.location)
        ]
    return []


def without_blanks(value: Any) -> Any:
    """``value`` with every empty or blank text left out, and a field left empty by that, as a form's
    empty field means "none" (a list keeps its places, so ``options-2`` stays the third option)."""
    if isinstance(value, Mapping):
        kept = {key: without_blanks(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item is not None and item != {}}
    if isinstance(value, list):
        return [without_blanks(item) for item in value]
    if isinstance(value, str) and not value.strip():
        return None
    return value


def check_card(
    card: Mapping[str, Any], deck: Mapping[str, Any]
) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    """(the card as the schema reads it, or None; its problems, each ``{"field", "message"}``)."""
    try:
        checked = Card.model_validate(without_blanks(card))
    except ValidationError as exc:
        problems = []
        for problem in validation_problems(exc):
            location = problem.location
            if problem.message == MISSING and _REQUIRED_TEXT.search(location):
                location += ".nl"
            problems.append(_problem(location, problem.message))
        return None, problems
    normalised = checked.model_dump(mode="json", exclude_none=True)
    return normalised, _deck_problems(normalised, deck)


# ── Reading a card that may be invalid ─────────────────────────────────────────


def _text(value: Any, language: str) -> str | None:
    """A text in ``language``, falling back to Dutch (as ``Text.get``); None when there is none."""
    if isinstance(value, str):
        value = {"nl": value}
    if not isinstance(value, Mapping):
        return None
    for lang in (language, "nl"):
        found = value.get(lang)
        if isinstance(found, str) and found.strip():
            return found.strip()
    return None


def _texts(values: Any, language: str) -> list[str]:
    if not isinstance(values, list):
        return []
    return [text for value in values if (text := _text(value, language))]


def _position(card: Mapping[str, Any], deck: Mapping[str, Any]) -> tuple[int, int]:
    """(the card's number in the deck, the deck's card count); a new card comes last."""
    cards = deck.get("cards")
    cards = cards if isinstance(cards, list) else []
    for index, other in enumerate(cards):
        if isinstance(other, Mapping) and card.get("id") and other.get("id") == card.get("id"):
            return index + 1, len(cards)
    return len(cards) + 1, len(cards) + 1


def _phase_title(card: Mapping[str, Any], deck: Mapping[str, Any], language: str) -> str | None:
    phases = deck.get("phases")
    for phase in phases if isinstance(phases, list) else []:
        if isinstance(phase, Mapping) and card.get("phase") and phase.get("id") == card.get("phase"):
            return _text(phase.get("title"), language)
    return None


def card_view(card: Mapping[str, Any], deck: Mapping[str, Any], language: str) -> dict[str, Any]:
    """What the preview shows of ``card`` in ``language``: texts still Markdown, whatever is readable.

    The keys of a printed card (deckprint) and what the phone and the screen need besides: the
    deck's title, the card's position, and its wording at a mixed conference table.
    """
    kind = card.get("type")
    number, total = _position(card, deck)
    prompt = _text(card.get("prompt"), language) or ""
    body = _text(card.get("body"), language)
    follow_up = _texts(card.get("follow_up"), language)
    conference = card.get("conference")
    mixed: dict[str, Any] | None = None
    if isinstance(conference, Mapping):
        # As live.decks.wording: the variant's words where it has them, the card's own elsewhere.
        variant_follow_up = conference.get("follow_up")
        mixed = {
            "prompt": _text(conference.get("prompt"), language) or prompt,
            "body": _text(conference.get("body"), language) or body,
            "follow_up": _texts(variant_follow_up, language)
            if isinstance(variant_follow_up, list)
            else follow_up,
        }
    max_length = card.get("max_length")
    version = deck.get("version")
    return {
        "id": str(card.get("id") or ""),
        "number": number,
        "total": total,
        "type": kind if kind in {t.value for t in CardType} else "",
        "role": card.get("role") if card.get("role") in {r.value for r in CardRole} else None,
        "phase": _phase_title(card, deck, language),
        "prompt": prompt,
        "body": body,
        "options": _texts(card.get("options"), language),
        "follow_up": follow_up,
        "facilitator": _text(card.get("facilitator"), language),
        "source": _text(card.get("source"), language),
        "sensitive": card.get("sensitive") is True,
        "max_length": max_length if isinstance(max_length, int) and max_length > 0 else DEFAULT_MAX_LENGTH,
        "mixed": mixed,
        "mixed_prompt": mixed["prompt"] if mixed and mixed["prompt"] != prompt else None,
        "deck_title": _text(deck.get("title"), language) or "",
        "version": version if isinstance(version, int) and version > 0 else 1,
    }


def _wordings(view: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """("team", the card's own words) and, with conference wording, ("mixed", those words)."""
    own = {"prompt": view["prompt"], "body": view["body"], "follow_up": view["follow_up"]}
    return [("team", own), *([("mixed", view["mixed"])] if view["mixed"] else [])]


def render_preview(card: Mapping[str, Any], deck: Mapping[str, Any], language: str) -> dict[str, Any]:
    """The three previews' HTML and the card's problems (``respond``'s JSON, as a dict)."""
    if language not in LANGUAGES:
        language = "nl"
    checked, problems = check_card(card, deck)
    view = card_view(checked if checked is not None else without_blanks(card), deck, language)
    with force_locale(language):
        context = {
            "card": view,
            "wordings": _wordings(view),
            "scale_labels": scale_labels(),
            "preview_lang": language,
        }
        phone = render_template("studio/_preview_phone.html", **context)
        screen = render_template("studio/_preview_screen.html", **context)
    front, back = card_print_fragments(
        view, title=view["deck_title"], total=view["total"], version=view["version"], language=language
    )
    with force_locale(language):
        printed = render_template("studio/_preview_print.html", front=front, back=back, preview_lang=language)
    return {"phone": phone, "screen": screen, "print": printed, "problems": problems}


def respond(card: Mapping[str, Any], deck: Mapping[str, Any], language: str) -> Response:
    """The preview of ``card`` (a card mapping as in a deck file) in ``deck`` (the deck mapping,
    perhaps invalid) in ``language``, as JSON: ``{"phone", "screen", "print": html, "problems":
    [{"field", "message"}]}``. Needs a request context (templates, the locale)."""
    return jsonify(render_preview(card, deck, language))
