"""The deck format: one YAML file per deck, validated by these pydantic models.

Unknown fields are rejected everywhere so that a typo in a deck file is an error,
not a silently ignored line. Messages are written for deck authors, not for Python
programmers: the loader turns them into ``file: cards[3].options: message``.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1
FULL_ROUTE = "volledig"  # the implicit route of every deck: all its cards
SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_OPTIONS = 5
MIN_OPTIONS = 2


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A piece of interface text in every language the deck supports."""

    nl: Annotated[str, Field(min_length=1, max_length=2000)]
    en: Annotated[str | None, Field(min_length=1, max_length=2000)] = None

    def get(self, lang: str) -> str:
        """The text in ``lang``, falling back to Dutch."""
        value = getattr(self, lang, None) if lang in ("nl", "en") else None
        return value or self.nl

    @field_validator("nl", "en")
    @classmethod
    def _not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("text must not be blank")
        return value.strip() if value is not None else None


class CardType(StrEnum):
    STATEMENT = "statement"  # 1-5 agree scale
    FREQUENCY = "frequency"  # never ... always, 1-5
    CHOICE = "choice"  # pick one of 2-5 options
    OPEN = "open"  # short text
    ACTION = "action"  # the table agrees who does what by when


class LongText(Text):
    """A longer text with a little Markdown (emphasis, lists, links): a facilitator guide."""

    nl: Annotated[str, Field(min_length=1, max_length=12000)]
    en: Annotated[str | None, Field(min_length=1, max_length=12000)] = None


# Minutes a table spends on a card of each type, talk included (decks review 2026-11, §5:
# 4-6 minutes per scale or choice card, 8-10 per action card). A deck or a card may differ.
DEFAULT_MINUTES: dict[str, int] = {
    "statement": 5,
    "frequency": 5,
    "choice": 5,
    "open": 6,
    "action": 9,
}
Minutes = Annotated[int, Field(ge=1, le=60)]


class CardRole(StrEnum):
    OPENING = "opening"  # the ground rules and a light first question; every route starts here
    CLOSING = "closing"  # the check-out; every route ends here


class Variant(Strict):
    """Wording for a mixed conference table, where "our team" does not fit."""

    prompt: Text
    body: Text | None = None
    follow_up: Annotated[list[Text], Field(max_length=6)] | None = None


class Phase(Strict):
    id: Annotated[str, Field(pattern=SLUG_RE, max_length=40)]
    title: Text
    description: Text | None = None


class Card(Strict):
    id: Annotated[str, Field(pattern=SLUG_RE, max_length=40)]
    type: CardType
    phase: str | None = None
    prompt: Text
    body: Text | None = None
    options: list[Text] | None = None
    follow_up: Annotated[list[Text], Field(max_length=6)] = []
    source: Text | None = None
    sensitive: bool = False
    max_length: Annotated[int, Field(ge=20, le=500)] | None = None
    role: CardRole | None = Field(
        default=None,
        description="opening: the deck's first card; closing: its last. Both are on every route.",
    )
    minutes: Minutes | None = Field(
        default=None, description="Minutes at the table for this card, over the deck's minutes for its type."
    )
    facilitator: Text | None = Field(
        default=None,
        description="A note for whoever leads the table: "
        "shown on the host's phone and in print, not on players' phones.",
    )
    conference: Variant | None = Field(
        default=None, description="Wording for a mixed conference table, where 'our team' does not fit."
    )

    @model_validator(mode="after")
    def _options_fit_type(self) -> Card:
        if self.type is CardType.CHOICE:
            if not self.options or len(self.options) < MIN_OPTIONS:
                raise ValueError(f"options: at least {MIN_OPTIONS} options")
            if len(self.options) > MAX_OPTIONS:
                raise ValueError(f"options: at most {MAX_OPTIONS} options")
        elif self.options is not None:
            raise ValueError(f"options: only choice cards have options, not {self.type.value} cards")
        if self.max_length is not None and self.type is not CardType.OPEN:
            raise ValueError("max_length: only open cards have a max_length")
        if self.conference and self.conference.follow_up is not None and not self.follow_up:
            raise ValueError(
                "conference.follow_up: the card has no follow_up of its own, "
                "so there is nothing to replace (remove conference.follow_up or give the card follow_up)"
            )
        return self


def _twice(ids: list[str]) -> list[str]:
    """The ids that occur more than once, each once, in order of first appearance."""
    return [i for n, i in enumerate(ids) if ids.count(i) > 1 and ids.index(i) == n]


class ChoosePhases(Strict):
    """A route whose host picks ``count`` of these phases when the table starts."""

    count: Annotated[int, Field(ge=1, le=10)]
    phases: Annotated[list[str], Field(min_length=2)]


class Route(Strict):
    """A named subset of the deck's cards, played in the deck's order.

    The opening and closing cards belong to every route without being listed.
    """

    id: Annotated[str, Field(pattern=SLUG_RE, max_length=40)]
    title: Text
    description: Text | None = None
    cards: list[str] = Field(default=[], description="Card ids, played in the deck's order.")
    choose: ChoosePhases | None = Field(
        default=None, description="Phases the host picks from; all cards of the picked phases are played."
    )
    mixed: bool = Field(
        default=False, description="Meant for conference tables of people from different teams."
    )

    @model_validator(mode="after")
    def _has_cards(self) -> Route:
        problems = []
        if not self.cards and self.choose is None:
            problems.append("cards: the route is empty, list card ids in cards or phases to pick in choose")
        for card_id in _twice(self.cards):
            problems.append(f"cards: card {card_id!r} is listed twice")
        if self.choose is not None:
            for phase_id in _twice(self.choose.phases):
                problems.append(f"choose.phases: phase {phase_id!r} is listed twice")
            if self.choose.count >= len(self.choose.phases):
                problems.append(
                    f"choose.count: {self.choose.count} of {len(self.choose.phases)} phases leaves the host "
                    "nothing to choose, make count smaller or list more phases"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self


class Colophon(Strict):
    """Who stands behind a deck: printed on its cover and shown beside it."""

    owner: Text
    date: Annotated[date, Field(description="Year-month-day, for example 2026-12-01.")]
    authors: Annotated[list[str], Field(min_length=1)]
    reviewers: list[str] = []
    sources: Annotated[list[Annotated[str, Field(min_length=1, max_length=400)]], Field(min_length=1)]
    contact: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        description="An e-mail address or web page for questions about the deck."
    )
    note: Text | None = Field(
        default=None, description="For example: which descriptions are the authors' own reading of a source."
    )


class Deck(Strict):
    schema_version: Literal[1]
    slug: Annotated[str, Field(pattern=SLUG_RE, max_length=60)]
    version: Annotated[int, Field(ge=1)] = 1
    languages: list[Literal["nl", "en"]]
    title: Text
    description: Text
    phases: list[Phase] = []
    cards: Annotated[list[Card], Field(min_length=1, max_length=200)]
    facilitator: LongText | None = Field(
        default=None,
        description="The facilitator guide (spelleiderskaart). A little Markdown: ### subheadings, "
        "paragraphs, - lists, **bold**, *emphasis*, [links](https://...).",
    )
    colophon: Colophon | None = None
    minutes: dict[CardType, Minutes] = Field(
        default={},
        description="Minutes per card type, over the defaults: "
        "statement 5, frequency 5, choice 5, open 6, action 9.",
    )
    routes: Annotated[list[Route], Field(max_length=20)] = Field(
        default=[],
        description="Named shorter ways through the deck. 'volledig' (the whole deck) is always there.",
    )
    retired: Annotated[list[Card], Field(max_length=200)] = Field(
        default=[],
        description="Cards no longer played, kept as they were so that tables and events that played "
        "them still show them in their summaries. Their ids are never used again.",
    )

    @field_validator("languages")
    @classmethod
    def _dutch_first(cls, value: list[str]) -> list[str]:
        if "nl" not in value:
            raise ValueError("nl is required in languages")
        if len(set(value)) != len(value):
            raise ValueError("languages are listed twice")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Deck:
        problems: list[str] = []
        ids = [card.id for card in self.cards]
        every_id = ids + [card.id for card in self.retired]
        dupes = sorted({i for i in every_id if every_id.count(i) > 1})
        if dupes:
            problems.append(f"card ids used twice: {', '.join(dupes)} (give each card its own id)")
        phase_ids = [phase.id for phase in self.phases]
        if len(set(phase_ids)) != len(phase_ids):
            problems.append("phase ids used twice")
        for index, card in enumerate(self.cards):
            if self.phases and card.phase not in phase_ids:
                problems.append(f"cards[{index}].phase: unknown phase {card.phase!r}")
            if not self.phases and card.phase is not None:
                problems.append(f"cards[{index}].phase: the deck has no phases")
        problems.extend(self._role_problems())
        problems.extend(self._route_problems(set(ids), phase_ids))
        if "en" in self.languages:
            for path, text in self._texts():
                if text.en is None:
                    problems.append(f"{path}.en: English text missing (the deck lists en in languages)")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _role_problems(self) -> list[str]:
        problems = []
        last = len(self.cards) - 1
        for index, card in enumerate(self.cards):
            if card.role is CardRole.OPENING and index != 0:
                problems.append(
                    f"cards[{index}].role: an opening card must be the deck's first card, "
                    "move it to the top of cards (a deck has one opening card)"
                )
            if card.role is CardRole.CLOSING and index != last:
                problems.append(
                    f"cards[{index}].role: a closing card must be the deck's last card, "
                    "move it to the end of cards (a deck has one closing card)"
                )
        return problems

    def _route_problems(self, card_ids: set[str], phase_ids: list[str]) -> list[str]:
        problems = []
        seen: set[str] = set()
        for index, route in enumerate(self.routes):
            if route.id == FULL_ROUTE:
                problems.append(
                    f"routes[{index}].id: {FULL_ROUTE!r} is reserved for the whole deck, "
                    "which every deck offers already, choose another id"
                )
            elif route.id in seen:
                problems.append(f"routes[{index}].id: another route is called {route.id!r} too, rename one")
            seen.add(route.id)
            for card_id in route.cards:
                if card_id not in card_ids:
                    problems.append(f"routes[{index}].cards: no card {card_id!r} in this deck")
            for phase_id in route.choose.phases if route.choose else []:
                if phase_id not in phase_ids:
                    problems.append(f"routes[{index}].choose.phases: no phase {phase_id!r} in this deck")
        return problems

    def _texts(self) -> list[tuple[str, Text]]:
        found: list[tuple[str, Text]] = [("title", self.title), ("description", self.description)]
        if self.facilitator:
            found.append(("facilitator", self.facilitator))
        if self.colophon:
            found.append(("colophon.owner", self.colophon.owner))
            if self.colophon.note:
                found.append(("colophon.note", self.colophon.note))
        for i, phase in enumerate(self.phases):
            found.append((f"phases[{i}].title", phase.title))
            if phase.description:
                found.append((f"phases[{i}].description", phase.description))
        for i, route in enumerate(self.routes):
            found.append((f"routes[{i}].title", route.title))
            if route.description:
                found.append((f"routes[{i}].description", route.description))
        for i, card in enumerate(self.cards):
            found.append((f"cards[{i}].prompt", card.prompt))
            for name in ("body", "source", "facilitator"):
                value = getattr(card, name)
                if value is not None:
                    found.append((f"cards[{i}].{name}", value))
            for j, option in enumerate(card.options or []):
                found.append((f"cards[{i}].options[{j}]", option))
            for j, question in enumerate(card.follow_up):
                found.append((f"cards[{i}].follow_up[{j}]", question))
            if card.conference:
                found.append((f"cards[{i}].conference.prompt", card.conference.prompt))
                if card.conference.body:
                    found.append((f"cards[{i}].conference.body", card.conference.body))
                for j, question in enumerate(card.conference.follow_up or []):
                    found.append((f"cards[{i}].conference.follow_up[{j}]", question))
        return found

    # ── Routes and timing ──────────────────────────────────────────────────────
    def card_minutes(self, card: Card) -> int:
        """Minutes a table spends on ``card``, talk included."""
        if card.minutes is not None:
            return card.minutes
        return self.minutes.get(card.type, DEFAULT_MINUTES[card.type.value])

    def total_minutes(self, cards: list[Card] | tuple[Card, ...] | None = None) -> int:
        return sum(self.card_minutes(card) for card in (self.cards if cards is None else cards))

    def route(self, route_id: str) -> Route | None:
        return next((route for route in self.routes if route.id == route_id), None)

    def route_cards(self, route_id: str = "", chosen_phases: list[str] | tuple[str, ...] = ()) -> list[Card]:
        """The cards a table plays on a route, in the deck's order.

        ``""`` or ``FULL_ROUTE`` is the whole deck. A route that lets the host choose phases
        takes every card of exactly ``choose.count`` of them; ValueError otherwise.
        """
        if route_id in ("", FULL_ROUTE):
            return list(self.cards)
        route = self.route(route_id)
        if route is None:
            raise ValueError(f"deck {self.slug!r} has no route {route_id!r}")
        chosen = set(chosen_phases)
        if route.choose is None:
            if chosen:
                raise ValueError(f"route {route_id!r} has no phases to choose")
        elif (
            len(chosen) != len(chosen_phases)
            or len(chosen) != route.choose.count
            or not chosen <= set(route.choose.phases)
        ):
            raise ValueError(
                f"route {route_id!r}: choose exactly {route.choose.count} different phases "
                f"of {', '.join(route.choose.phases)} (got {', '.join(chosen_phases) or 'none'})"
            )
        listed = set(route.cards)
        return [
            card
            for card in self.cards
            if card.id in listed or card.role is not None or (card.phase is not None and card.phase in chosen)
        ]

    def cards_by_id(self, card_ids: list[str] | tuple[str, ...]) -> list[Card] | None:
        """The cards with these ids in this order, retired ones too; None if one is not in the deck."""
        by_id = {card.id: card for card in [*self.cards, *self.retired]}
        found = [by_id.get(card_id) for card_id in card_ids]
        return None if any(card is None for card in found) else [c for c in found if c is not None]

    def phase_title(self, phase_id: str | None, lang: str) -> str | None:
        """The title of a phase in ``lang``, or None for a card outside phases."""
        for phase in self.phases:
            if phase.id == phase_id:
                return phase.title.get(lang)
        return None


_PYDANTIC_PREFIX = re.compile(r"^(Value error|Assertion failed), ")


def clean_message(message: str) -> str:
    """Pydantic's message without its Python-flavoured prefix."""
    return _PYDANTIC_PREFIX.sub("", message)
