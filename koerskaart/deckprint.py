"""A deck on paper: the print version of the KoersKaart, from the same deck file.

A cover and a colophon, the facilitator guide, the routes with their durations, then every
card on its own A6 area, four to an A4 page with cut marks. Each page of fronts is followed by
its page of backs, mirrored left to right: printed double-sided and flipped on the long edge,
the back of the top-left card lands behind it, top right on the back page.

Rendering needs an app context (Jinja and Flask-Babel); the language is forced, so the same
call serves the command line (no request) and a download (whatever the visitor's language).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from markupsafe import Markup

from .content import Card, CardType, Deck
from .content.lint import route_minutes
from .i18n import scale_labels
from .markdown import render_markdown
from .pdf import render_pdf_pages

LANGUAGES = ("nl", "en")
CARDS_PER_SHEET = 4
# Where the back of the card in each front position lands on the back page: long-edge duplex
# mirrors left and right (positions: 0 top left, 1 top right, 2 bottom left, 3 bottom right).
BACK_POSITION = (1, 0, 3, 2)
RULED_LINES = 5  # lines to write on, on an open card

# The PDFs rendered so far: decks do not change while the process runs; a deck with the same
# slug and version but other content (a test's, an author's local file) renders afresh.
_rendered: dict[tuple[str, int, str], tuple[Deck, bytes, int]] = {}


def duration_label(low: int, high: int) -> str:
    """ "45 minutes", or "40 to 55 minutes" for a route whose length depends on the host's choice."""
    if low == high:
        return str(_("%(minutes)s minutes", minutes=low))
    return str(_("%(low)s to %(high)s minutes", low=low, high=high))


def _number_ranges(numbers: list[int]) -> str:
    """1, 2, 3, 5, 8, 9 as "1-3, 5, 8-9" (en dashes): card numbers as a host finds them in the pile."""
    parts: list[str] = []
    start = previous = None
    for number in [*sorted(numbers), None]:
        if start is not None and previous is not None and (number is None or number != previous + 1):
            parts.append(str(start) if start == previous else f"{start}\N{EN DASH}{previous}")
            start = None
        if number is not None and start is None:
            start = number
        previous = number
    return ", ".join(parts)


@dataclass(frozen=True)
class RouteOverview:
    """A route as a host reads it before choosing: its duration and which cards it holds."""

    id: str
    title: str
    description: str | None
    duration: str
    cards: list[tuple[int, str]]  # (card number in the deck, prompt): the cards it always plays
    card_numbers: str  # the same numbers as ranges, for paper
    choose_count: int = 0  # the host picks this many of choose_phases (0: no choice)
    choose_phases: list[str] = field(default_factory=list)
    mixed: bool = False


def routes_overview(deck: Deck, language: str) -> list[RouteOverview]:
    """The whole deck first, then each of the deck's routes; labels in the current locale."""
    numbered = list(enumerate(deck.cards, start=1))
    whole = RouteOverview(
        id="volledig",
        title=_("The whole deck"),
        description=None,
        duration=duration_label(deck.total_minutes(), deck.total_minutes()),
        cards=[(number, card.prompt.get(language)) for number, card in numbered],
        card_numbers=_number_ranges([number for number, _card in numbered]),
    )
    found = [whole]
    for route in deck.routes:
        listed = set(route.cards)
        fixed = [(n, card) for n, card in numbered if card.id in listed or card.role is not None]
        found.append(
            RouteOverview(
                id=route.id,
                title=route.title.get(language),
                description=route.description.get(language) if route.description else None,
                duration=duration_label(*route_minutes(deck, route)),
                cards=[(number, card.prompt.get(language)) for number, card in fixed],
                card_numbers=_number_ranges([number for number, _card in fixed]),
                choose_count=route.choose.count if route.choose else 0,
                choose_phases=[deck.phase_title(p, language) or p for p in route.choose.phases]
                if route.choose
                else [],
                mixed=route.mixed,
            )
        )
    return found


def type_labels() -> dict[str, str]:
    return {
        CardType.STATEMENT.value: _("Statement"),
        CardType.FREQUENCY.value: _("How often"),
        CardType.CHOICE.value: _("Choice"),
        CardType.OPEN.value: _("Open question"),
        CardType.ACTION.value: _("Action"),
    }


# Characters on a card's back beyond which it is set a size smaller to stay on its A6
# (the longest bundled backs hold about 1,100; tests/content/test_print.py checks none overflows).
DENSE_BACK = 950


def _back_length(card: Mapping[str, Any]) -> int:
    parts = [*card["follow_up"], card["facilitator"] or "", card["source"] or "", card["mixed_prompt"] or ""]
    return sum(len(part) for part in parts)


def _mixed_prompt(card: Card, language: str) -> str | None:
    """The card's prompt for a mixed table, where it differs from its own."""
    if card.conference is None:
        return None
    mixed = card.conference.prompt.get(language)
    return mixed if mixed != card.prompt.get(language) else None


def _card(deck: Deck, card: Card, number: int, language: str) -> dict[str, Any]:
    def text(value: Any) -> str | None:
        return value.get(language) if value is not None else None

    found: dict[str, Any] = {
        "id": card.id,
        "number": number,
        "type": card.type.value,
        "role": card.role.value if card.role else None,
        "phase": deck.phase_title(card.phase, language),
        "prompt": card.prompt.get(language),
        "body": text(card.body),
        "options": [option.get(language) for option in card.options or []],
        "follow_up": [question.get(language) for question in card.follow_up],
        "facilitator": text(card.facilitator),
        "source": text(card.source),
        "sensitive": card.sensitive,
        # A paper deck goes to mixed tables too: the card's wording for them, on its back.
        "mixed_prompt": _mixed_prompt(card, language),
    }
    found["dense"] = _back_length(found) > DENSE_BACK
    return found


def _sheets(
    cards: list[dict[str, Any]],
) -> list[tuple[list[dict[str, Any] | None], list[dict[str, Any] | None]]]:
    """Pages of four: (fronts by position, backs by position), an empty place as None."""
    sheets = []
    for start in range(0, len(cards), CARDS_PER_SHEET):
        group: list[dict[str, Any] | None] = list(cards[start : start + CARDS_PER_SHEET])
        group += [None] * (CARDS_PER_SHEET - len(group))
        backs: list[dict[str, Any] | None] = [None] * CARDS_PER_SHEET
        for position, card in enumerate(group):
            backs[BACK_POSITION[position]] = card
        sheets.append((group, backs))
    return sheets


def deck_print_html(deck: Deck, language: str) -> str:
    """The print HTML of ``deck`` in ``language`` ("nl" or "en"); needs an app context."""
    if language not in LANGUAGES:
        raise ValueError(f"no print version in {language!r}")
    with force_locale(language):
        cards = [_card(deck, card, n, language) for n, card in enumerate(deck.cards, start=1)]
        colophon = deck.colophon
        context = {
            "lang": language,
            "deck": deck,
            "title": deck.title.get(language),
            "description": deck.description.get(language),
            "colophon": colophon,
            "colophon_date": format_date(colophon.date, "long") if colophon else None,
            "owner": colophon.owner.get(language) if colophon else None,
            "colophon_note": colophon.note.get(language) if colophon and colophon.note else None,
            "guide": render_markdown(deck.facilitator.get(language)) if deck.facilitator else None,
            "routes": routes_overview(deck, language),
            "total": len(cards),
            "sheets": _sheets(cards),
            "type_labels": type_labels(),
            "scale_labels": scale_labels(),
            "ruled_lines": RULED_LINES,
        }
        return current_app.jinja_env.get_template("decks/print.html").render(**context)


def card_print_fragments(
    card: Mapping[str, Any], *, title: str, total: int, version: int, language: str
) -> tuple[Markup, Markup]:
    """One card's front and back exactly as on paper (decks/_card.html), for the studio's preview.

    ``card`` has the keys of a printed card (``id``, ``number``, ``type``, ``role``, ``phase``,
    ``prompt``, ``body``, ``options``, ``follow_up``, ``facilitator``, ``source``, ``sensitive``,
    ``mixed_prompt``: texts in ``language``, still Markdown); ``dense`` is worked out here.
    """
    if language not in LANGUAGES:
        raise ValueError(f"no print version in {language!r}")
    with force_locale(language):
        shown = {**card, "dense": _back_length(card) > DENSE_BACK}
        context = {"type_labels": type_labels(), "scale_labels": scale_labels(), "ruled_lines": RULED_LINES}
        macros: Any = current_app.jinja_env.get_template("decks/_card.html").make_module(context)
        # The macros render through the app's autoescaping environment: Markup already.
        front = Markup(macros.card_front(shown, title, total))
        back = Markup(macros.card_back(shown, title, total, version))
        return front, back


def render_deck_pdf(deck: Deck, language: str) -> bytes:
    """The print PDF of ``deck`` in ``language``, rendered once per deck version and language."""
    return render_deck_pdf_pages(deck, language)[0]


def render_deck_pdf_pages(deck: Deck, language: str) -> tuple[bytes, int]:
    """As ``render_deck_pdf``, with the PDF's number of pages."""
    key = (deck.slug, deck.version, language)
    cached = _rendered.get(key)
    if cached is not None and cached[0] == deck:
        return cached[1], cached[2]
    pdf, pages = render_pdf_pages(deck_print_html(deck, language))
    _rendered[key] = (deck, pdf, pages)
    return pdf, pages


def print_filename(deck: Deck, language: str) -> str:
    """The download's name: which deck, which version, which language."""
    return f"koerskaart-{deck.slug}-v{deck.version}-{language}.pdf"
