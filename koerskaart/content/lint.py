"""Content lint: what a machine can catch in a deck that the schema accepts.

Schema problems make a deck unusable; lint findings are editorial (issue 12) and only warnings,
because the bundled decks still have some until their rewrite. Pure: no Flask, no files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from .schema import Card, CardRole, CardType, Deck, Route, Text

NO_SOURCE = "no-source"
FREQUENCY_WORD_IN_SCALE = "frequency-word-in-scale"
DUPLICATE_CARD_ID = "duplicate-card-id"
MISSING_TRANSLATION = "missing-translation"
NO_GUIDE = "no-facilitator-guide"
NO_COLOPHON = "no-colophon"
NO_OPENING = "no-opening-card"
NO_CLOSING = "no-closing-card"
NO_SHORT_ROUTE = "no-short-route"
CODES = (
    NO_SOURCE,
    FREQUENCY_WORD_IN_SCALE,
    DUPLICATE_CARD_ID,
    MISSING_TRANSLATION,
    NO_GUIDE,
    NO_COLOPHON,
    NO_OPENING,
    NO_CLOSING,
    NO_SHORT_ROUTE,
)
# An academy expects a route for a meeting slot of an hour (decks review 2026-11, §5).
SHORT_ROUTE_MINUTES = 60

# A frequency inside an agree scale leaves someone who thinks "often" without an answer
# (decks review 2026-11, kp-tt-01); such a card belongs on the frequency scale.
FREQUENCY_WORDS = {
    "nl": ("vaak", "soms", "altijd", "nooit", "regelmatig", "zelden", "meestal"),
    "en": ("often", "sometimes", "always", "never", "regularly", "rarely", "usually"),
}
_FREQUENCY_RE = {
    lang: re.compile(r"\b(" + "|".join(words) + r")\b", re.IGNORECASE)
    for lang, words in FREQUENCY_WORDS.items()
}


@dataclass(frozen=True)
class Finding:
    deck: str
    card: str | None
    code: str
    message: str

    def __str__(self) -> str:
        where = f"{self.deck} {self.card}" if self.card else self.deck
        return f"{where}: {self.message}"


def translatable_texts(deck: Deck) -> list[tuple[str | None, str, Text]]:
    """Every translatable text as (card id or None, field path, text)."""
    found: list[tuple[str | None, str, Text]] = [
        (None, "title", deck.title),
        (None, "description", deck.description),
    ]
    if deck.facilitator:
        found.append((None, "facilitator", deck.facilitator))
    if deck.colophon:
        found.append((None, "colophon owner", deck.colophon.owner))
        if deck.colophon.note:
            found.append((None, "colophon note", deck.colophon.note))
    for phase in deck.phases:
        found.append((None, f"phase {phase.id} title", phase.title))
        if phase.description:
            found.append((None, f"phase {phase.id} description", phase.description))
    for route in deck.routes:
        found.append((None, f"route {route.id} title", route.title))
        if route.description:
            found.append((None, f"route {route.id} description", route.description))
    for card in deck.cards:
        found.append((card.id, "prompt", card.prompt))
        for name in ("body", "source", "facilitator"):
            value = getattr(card, name)
            if value is not None:
                found.append((card.id, name, value))
        for j, option in enumerate(card.options or []):
            found.append((card.id, f"options[{j}]", option))
        for j, question in enumerate(card.follow_up):
            found.append((card.id, f"follow_up[{j}]", question))
        if card.conference:
            found.append((card.id, "conference prompt", card.conference.prompt))
            if card.conference.body:
                found.append((card.id, "conference body", card.conference.body))
            for j, question in enumerate(card.conference.follow_up or []):
                found.append((card.id, f"conference follow_up[{j}]", question))
    return found


def _frequency_words(card: Card) -> list[str]:
    hits: list[str] = []
    for lang, pattern in _FREQUENCY_RE.items():
        text = getattr(card.prompt, lang)
        if text:
            hits.extend(f"{match.group(1).lower()} ({lang})" for match in pattern.finditer(text))
    return hits


def lint(deck: Deck) -> list[Finding]:
    """Every editorial finding in one deck, in card order."""
    findings: list[Finding] = []
    slug = deck.slug
    seen: set[str] = set()
    for card in deck.cards:
        # The house style (decks/README.md) asks a source on *every* card, and all bundled
        # action cards carry one too, so no card type is exempt.
        if card.source is None:
            findings.append(Finding(slug, card.id, NO_SOURCE, "card has no source note"))
        if card.type is CardType.STATEMENT:
            words = _frequency_words(card)
            if words:
                findings.append(
                    Finding(
                        slug,
                        card.id,
                        FREQUENCY_WORD_IN_SCALE,
                        f"agree-scale prompt contains a frequency word: {', '.join(words)}",
                    )
                )
        # The schema already rejects this; kept so lint alone is a complete check.
        if card.id in seen:
            findings.append(Finding(slug, card.id, DUPLICATE_CARD_ID, "card id used twice in this deck"))
        seen.add(card.id)
    for card_id, path, text in translatable_texts(deck):
        missing = [lang for lang in ("nl", "en") if not (getattr(text, lang) or "").strip()]
        if missing:
            findings.append(
                Finding(slug, card_id, MISSING_TRANSLATION, f"{path}: no {' or '.join(missing)} text")
            )
    # A route naming a missing card is a schema problem: such a deck does not load at all.
    findings.extend(_framing(deck))
    return findings


def route_minutes(deck: Deck, route: Route) -> tuple[int, int]:
    """The shortest and longest duration of a route (they differ when the host chooses phases)."""
    if route.choose is None:
        total = deck.total_minutes(deck.route_cards(route.id))
        return total, total
    totals = [
        deck.total_minutes(deck.route_cards(route.id, chosen))
        for chosen in combinations(route.choose.phases, route.choose.count)
    ]
    return min(totals), max(totals)


def _framing(deck: Deck) -> list[Finding]:
    """What an academy expects around the cards: a guide, a colophon, an opening, a close, a short route."""
    slug = deck.slug
    findings: list[Finding] = []
    if deck.facilitator is None:
        findings.append(Finding(slug, None, NO_GUIDE, "deck has no facilitator guide (facilitator)"))
    if deck.colophon is None:
        findings.append(Finding(slug, None, NO_COLOPHON, "deck has no colophon"))
    if deck.cards[0].role is not CardRole.OPENING:
        findings.append(
            Finding(slug, None, NO_OPENING, "deck does not start with an opening card (role: opening)")
        )
    if deck.cards[-1].role is not CardRole.CLOSING:
        findings.append(
            Finding(slug, None, NO_CLOSING, "deck does not end with a closing card (role: closing)")
        )
    if deck.total_minutes() > SHORT_ROUTE_MINUTES and not any(
        route_minutes(deck, route)[1] <= SHORT_ROUTE_MINUTES for route in deck.routes
    ):
        findings.append(
            Finding(slug, None, NO_SHORT_ROUTE, f"no route of at most {SHORT_ROUTE_MINUTES} minutes")
        )
    return findings


def _answer_shape(card: Card) -> str:
    """What a card's stored answers mean: its type, and for a choice card how many options.

    The two scales are fixed per type, so type and option count decide whether answers of
    two versions can be compared. The wording may change (a reworded prompt keeps its id).
    """
    if card.type is CardType.CHOICE:
        return f"a choice card with {len(card.options or [])} options"
    article = "an" if card.type.value[0] in "aeiou" else "a"  # an open card, an action card
    return f"{article} {card.type.value} card"


def lint_versions(decks: Iterable[Deck]) -> list[Finding]:
    """Across several versions of one deck: a card id must keep the same kind of answers.

    Results are compared by card id across versions, so an id whose card changed type or
    number of options would mix answers on two scales. Each card is compared with the latest
    earlier version that has it; versions with the same number keep the order given.
    """
    findings: list[Finding] = []
    last_seen: dict[tuple[str, str], tuple[int, Card]] = {}
    for deck in sorted(decks, key=lambda d: (d.slug, d.version)):
        for card in deck.cards:
            key = (deck.slug, card.id)
            earlier = last_seen.get(key)
            last_seen[key] = (deck.version, card)
            if earlier is None:
                continue
            before, now = _answer_shape(earlier[1]), _answer_shape(card)
            if before != now:
                findings.append(
                    Finding(
                        deck.slug,
                        card.id,
                        DUPLICATE_CARD_ID,
                        f"card id reused: {before} in version {earlier[0]}, {now} in version "
                        f"{deck.version}. Give the changed card a new id and retire this one",
                    )
                )
    return findings
