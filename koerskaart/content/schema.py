"""The deck format: one YAML file per deck, validated by these pydantic models.

Unknown fields are rejected everywhere so that a typo in a deck file is an error,
not a silently ignored line. Messages are written for deck authors, not for Python
programmers: the loader turns them into ``file: cards[3].options: message``.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1
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
        return self


class Deck(Strict):
    schema_version: Literal[1]
    slug: Annotated[str, Field(pattern=SLUG_RE, max_length=60)]
    version: Annotated[int, Field(ge=1)] = 1
    languages: list[Literal["nl", "en"]]
    title: Text
    description: Text
    phases: list[Phase] = []
    cards: Annotated[list[Card], Field(min_length=1, max_length=200)]

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
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            problems.append(f"card ids used twice: {', '.join(dupes)}")
        phase_ids = [phase.id for phase in self.phases]
        if len(set(phase_ids)) != len(phase_ids):
            problems.append("phase ids used twice")
        for index, card in enumerate(self.cards):
            if self.phases and card.phase not in phase_ids:
                problems.append(f"cards[{index}].phase: unknown phase {card.phase!r}")
            if not self.phases and card.phase is not None:
                problems.append(f"cards[{index}].phase: the deck has no phases")
        if "en" in self.languages:
            for path, text in self._texts():
                if text.en is None:
                    problems.append(f"{path}.en: English text missing")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _texts(self) -> list[tuple[str, Text]]:
        found: list[tuple[str, Text]] = [("title", self.title), ("description", self.description)]
        for i, phase in enumerate(self.phases):
            found.append((f"phases[{i}].title", phase.title))
            if phase.description:
                found.append((f"phases[{i}].description", phase.description))
        for i, card in enumerate(self.cards):
            found.append((f"cards[{i}].prompt", card.prompt))
            for name in ("body", "source"):
                value = getattr(card, name)
                if value is not None:
                    found.append((f"cards[{i}].{name}", value))
            for j, option in enumerate(card.options or []):
                found.append((f"cards[{i}].options[{j}]", option))
            for j, question in enumerate(card.follow_up):
                found.append((f"cards[{i}].follow_up[{j}]", question))
        return found

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
