"""What the engine needs to know about a card: its kind and what counts as an answer."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from .errors import ActionRefused, Code

SCALE_POINTS = 5
DEFAULT_TEXT_LENGTH = 280
_SPACE = re.compile(r"\s+")


class CardKind(StrEnum):
    STATEMENT = "statement"
    FREQUENCY = "frequency"
    CHOICE = "choice"
    OPEN = "open"
    ACTION = "action"


@dataclass(frozen=True)
class CardRule:
    """The rules of one card: the engine never sees deck text."""

    kind: CardKind
    options: int = 0
    id: str = ""  # the deck's stable card id, kept with stored rounds
    max_length: int = DEFAULT_TEXT_LENGTH
    sensitive: bool = False

    def __deepcopy__(self, memo: dict[int, object]) -> CardRule:
        return self  # frozen and made of immutable values; ``apply`` copies a state on every action

    @property
    def answerable(self) -> bool:
        """Action cards are agreed together, not answered privately."""
        return self.kind is not CardKind.ACTION

    @property
    def buckets(self) -> int:
        """How many bars a distribution of this card has."""
        if self.kind is CardKind.CHOICE:
            return self.options
        return SCALE_POINTS if self.kind in (CardKind.STATEMENT, CardKind.FREQUENCY) else 0


Answer = int | str


def clean_text(value: str, max_length: int) -> str:
    """Normalise free text: no control characters, single spaces, bounded length."""
    # Line breaks and tabs become spaces first; then control and format characters go
    # (bidi overrides can disguise text), except the zero-width joiner composed emoji need.
    value = _SPACE.sub(" ", unicodedata.normalize("NFC", value))
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch == "\u200d")
    return _SPACE.sub(" ", value).strip()[:max_length]


def validate_answer(card: CardRule, value: object) -> Answer:
    """The answer as stored, or ActionRefused(INVALID_ANSWER) if the card does not allow it."""
    if card.kind is CardKind.OPEN:
        if not isinstance(value, str):
            raise ActionRefused(Code.INVALID_ANSWER)
        if len(value) > card.max_length * 2:  # far beyond the limit: refuse, don't truncate
            raise ActionRefused(Code.INVALID_ANSWER)
        text = clean_text(value, card.max_length)
        if not text:
            raise ActionRefused(Code.INVALID_ANSWER)
        return text
    if card.kind is CardKind.ACTION:
        raise ActionRefused(Code.NOT_ANSWERABLE)
    # bool is an int in Python; true/false is not a point on a scale.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ActionRefused(Code.INVALID_ANSWER)
    low, high = (0, card.options - 1) if card.kind is CardKind.CHOICE else (1, SCALE_POINTS)
    if not low <= value <= high:
        raise ActionRefused(Code.INVALID_ANSWER)
    return value
