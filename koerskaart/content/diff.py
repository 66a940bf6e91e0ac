"""What changed between two versions of a deck, card by card (issue 13, versions).

Pure: two loaded decks in, plain dataclasses out. Cards, phases and routes are matched by id.
Each changed field carries its old and new value per language as lines (a list such as options
gives a line per item; a nested value such as a conference variant gives ``field: text`` lines),
so a page can show them side by side without knowing the schema. Formatting is the page's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from pydantic import BaseModel

from .schema import Card, Deck, Phase, Route, Text

# The fields compared, in the order a reader expects them; ids are what items are matched by.
CARD_FIELDS = (
    "type",
    "phase",
    "role",
    "prompt",
    "body",
    "options",
    "follow_up",
    "max_length",
    "source",
    "sensitive",
    "minutes",
    "facilitator",
    "conference",
)
DECK_FIELDS = ("languages", "title", "description", "facilitator", "colophon", "minutes")
PHASE_FIELDS = ("title", "description")
ROUTE_FIELDS = ("title", "description", "cards", "choose", "mixed")
LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class LanguageChange:
    """One field's lines before and after, in one language; ``language`` None for a field without one."""

    language: str | None
    old: tuple[str, ...]
    new: tuple[str, ...]


@dataclass(frozen=True)
class FieldChange:
    """A field whose value differs: the languages (or the language-free value) that changed."""

    field: str
    changes: tuple[LanguageChange, ...]


@dataclass(frozen=True)
class ItemChange:
    """A card, phase or route present in both versions whose fields differ."""

    id: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class Move:
    """A card that changed place among the cards both versions have; positions are 1-based in each deck."""

    id: str
    old_position: int
    new_position: int


@dataclass(frozen=True)
class ItemsDiff:
    """Phases or routes: the ids added and removed, and the changes of those kept."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[ItemChange, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass(frozen=True)
class DeckDiff:
    """Every difference between an old and a new version of a deck."""

    fields: tuple[FieldChange, ...]  # deck-level: title, description, guide, colophon, minutes, languages
    phases: ItemsDiff
    routes: ItemsDiff
    cards_added: tuple[str, ...]
    cards_removed: tuple[str, ...]  # no longer played, retired ones included
    cards_retired: tuple[str, ...]  # the removed cards the new version keeps under retired
    cards_moved: tuple[Move, ...]
    cards_changed: tuple[ItemChange, ...]

    @property
    def empty(self) -> bool:
        return not (
            self.fields
            or not self.phases.empty
            or not self.routes.empty
            or self.cards_added
            or self.cards_removed
            or self.cards_moved
            or self.cards_changed
        )

    @property
    def card_ids(self) -> set[str]:
        """The ids of the cards added, removed or changed (a move alone leaves a card as it was)."""
        return {*self.cards_added, *self.cards_removed, *(change.id for change in self.cards_changed)}


def diff_decks(old: Deck, new: Deck) -> DeckDiff:
    """What changed from ``old`` to ``new``; an empty diff when they are the same deck."""
    old_cards = {card.id: card for card in old.cards}
    new_cards = {card.id: card for card in new.cards}
    retired = {card.id for card in new.retired}
    removed = tuple(card.id for card in old.cards if card.id not in new_cards)
    return DeckDiff(
        fields=_field_changes(old, new, DECK_FIELDS),
        phases=_items_diff(old.phases, new.phases, PHASE_FIELDS),
        routes=_items_diff(old.routes, new.routes, ROUTE_FIELDS),
        cards_added=tuple(card.id for card in new.cards if card.id not in old_cards),
        cards_removed=removed,
        cards_retired=tuple(card_id for card_id in removed if card_id in retired),
        cards_moved=_moves([c.id for c in old.cards], [c.id for c in new.cards]),
        cards_changed=tuple(
            ItemChange(card.id, fields)
            for card in new.cards
            if card.id in old_cards and (fields := _field_changes(old_cards[card.id], card, CARD_FIELDS))
        ),
    )


def _items_diff(
    old: Sequence[Phase | Route], new: Sequence[Phase | Route], names: tuple[str, ...]
) -> ItemsDiff:
    old_by_id = {item.id: item for item in old}
    new_ids = {item.id for item in new}
    return ItemsDiff(
        added=tuple(item.id for item in new if item.id not in old_by_id),
        removed=tuple(item.id for item in old if item.id not in new_ids),
        changed=tuple(
            ItemChange(item.id, fields)
            for item in new
            if item.id in old_by_id and (fields := _field_changes(old_by_id[item.id], item, names))
        ),
    )


def _moves(old_ids: list[str], new_ids: list[str]) -> tuple[Move, ...]:
    """The kept cards outside a longest common subsequence of the two orders: those a reader sees move.

    Comparing bare positions would call every card after an added one moved.
    """
    new_set, old_set = set(new_ids), set(old_ids)
    a = [i for i in old_ids if i in new_set]
    b = [i for i in new_ids if i in old_set]
    # Longest common subsequence; decks hold at most 200 cards, so the quadratic table is small.
    lengths = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for x in range(len(a) - 1, -1, -1):
        for y in range(len(b) - 1, -1, -1):
            lengths[x][y] = (
                lengths[x + 1][y + 1] + 1 if a[x] == b[y] else max(lengths[x + 1][y], lengths[x][y + 1])
            )
    stay: set[str] = set()
    x = y = 0
    while x < len(a) and y < len(b):
        if a[x] == b[y]:
            stay.add(a[x])
            x, y = x + 1, y + 1
        elif lengths[x + 1][y] >= lengths[x][y + 1]:
            x += 1
        else:
            y += 1
    return tuple(
        Move(card_id, old_ids.index(card_id) + 1, position)
        for position, card_id in enumerate(new_ids, start=1)
        if card_id in old_set and card_id not in stay
    )


def _field_changes(
    old: Card | Deck | Phase | Route, new: Card | Deck | Phase | Route, names: tuple[str, ...]
) -> tuple[FieldChange, ...]:
    changes = []
    for name in names:
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        old_lines, new_lines = lines(before), lines(after)
        keys = [key for key in (None, *LANGUAGES) if key in old_lines or key in new_lines]
        per_language = tuple(
            LanguageChange(key, old_lines.get(key, ()), new_lines.get(key, ()))
            for key in keys
            if old_lines.get(key, ()) != new_lines.get(key, ())
        )
        if per_language:
            changes.append(FieldChange(name, per_language))
    return tuple(changes)


def lines(value: Any, prefix: str = "") -> dict[str | None, tuple[str, ...]]:
    """A field's value as lines per language (None: the lines that belong to no language)."""
    found: dict[str | None, list[str]] = {}
    _collect(value, prefix, found)
    return {key: tuple(items) for key, items in found.items()}


def _collect(value: Any, prefix: str, found: dict[str | None, list[str]]) -> None:
    if value is None:
        return
    if isinstance(value, Text):
        for language in LANGUAGES:
            text = getattr(value, language)
            if text is not None:
                found.setdefault(language, []).append(prefix + text)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _collect(getattr(value, name), f"{prefix}{name}: ", found)
    elif isinstance(value, list | tuple):
        if not value and prefix:  # a nested empty list differs from an absent one (conference follow_up)
            found.setdefault(None, []).append(prefix + "—")
        for item in value:
            _collect(item, prefix, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            _collect(item, f"{prefix}{_plain(key)}: ", found)
    else:
        found.setdefault(None, []).append(prefix + _plain(value))


def _plain(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
