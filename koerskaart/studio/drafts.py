"""A draft as plain data: what the form editor reads and changes, valid or not.

The text is read as YAML (the deck files' loader) into the mappings and lists a deck file holds,
even when the schema refuses it; an edit changes that data; ``to_text`` writes it back as canonical
YAML. Saving goes through ``services.save_draft``: the same check as a file. A draft may be invalid,
and stays as invalid as the author left it: nothing here repairs or drops what it does not know.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import yaml
from pydantic import ValidationError

from ..content import Deck
from ..content.yamlio import DeckYamlLoader, dump_data, dump_deck

CLOSING = "closing"


def load(text: str) -> dict[str, Any] | None:
    """The draft's data, or None when the text is no YAML mapping (then only the text area edits it)."""
    try:
        data = yaml.load(text, Loader=DeckYamlLoader)
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def to_text(data: Mapping[str, Any]) -> str:
    """Canonical YAML: ``dump_deck`` when the schema accepts the data, else the same layout as is."""
    try:
        deck = Deck.model_validate(dict(data))
    except ValidationError:
        return dump_data(data)
    return dump_deck(deck)


def cards(data: Mapping[str, Any], key: str = "cards") -> list[Any]:
    """The draft's cards (or retired cards) as they stand; [] when the field is no list."""
    found = data.get(key)
    return found if isinstance(found, list) else []


def card_id(card: Any) -> str | None:
    value = card.get("id") if isinstance(card, dict) else None
    return value if isinstance(value, str) else None


def card_index(data: Mapping[str, Any], wanted: str) -> int | None:
    """The position of the first card with this id."""
    return next((n for n, card in enumerate(cards(data)) if card_id(card) == wanted), None)


def phase_ids(data: Mapping[str, Any]) -> list[str]:
    phases = data.get("phases")
    found = (
        [phase.get("id") for phase in phases if isinstance(phase, dict)] if isinstance(phases, list) else []
    )
    return [value for value in found if isinstance(value, str)]


def move_card(data: dict[str, Any], index: int, position: int) -> int:
    """Move the card at ``index`` to ``position`` (clamped); its new position."""
    listed = cards(data)
    position = max(0, min(position, len(listed) - 1))
    listed.insert(position, listed.pop(index))
    return position


def insert_card(data: dict[str, Any], card: dict[str, Any]) -> int:
    """Add a card at the end, before a closing card that ends the deck; its position."""
    if not isinstance(data.get("cards"), list):
        data["cards"] = []
    listed: list[Any] = data["cards"]
    last = listed[-1] if listed else None
    position = len(listed) - 1 if isinstance(last, dict) and last.get("role") == CLOSING else len(listed)
    listed.insert(position, card)
    return position


def replace_card(data: dict[str, Any], index: int, card: Mapping[str, Any], known: Iterable[str]) -> None:
    """Put the editor's card in place of the one at ``index``; fields the editor does not know stay."""
    old = cards(data)[index]
    kept = (
        {key: value for key, value in old.items() if key not in set(known)} if isinstance(old, dict) else {}
    )
    data["cards"][index] = {**card, **kept}


def card_ids(text: str) -> dict[str, Any]:
    """The cards of a version's text by id (a published version: always loads)."""
    data = load(text) or {}
    return {found: card for card in [*cards(data), *cards(data, "retired")] if (found := card_id(card))}


def remove_card(data: dict[str, Any], index: int, published: Mapping[str, Any]) -> bool:
    """Take the card at ``index`` out of the deck and out of its routes.

    ``published``: the cards of the published versions by id, the newest one of each. A card
    some version published moves to ``retired`` as it was published there, as the format asks:
    tables that played it still show it, and its id is never used again. True when it retired.
    """
    card = cards(data).pop(index)
    removed = card_id(card)
    for route in data.get("routes") or []:
        if isinstance(route, dict) and isinstance(route.get("cards"), list):
            route["cards"] = [listed for listed in route["cards"] if listed != removed]
    retired_ids = {card_id(old) for old in cards(data, "retired")}
    if removed is None or removed not in published or removed in retired_ids:
        return False
    if not isinstance(data.get("retired"), list):
        data["retired"] = []
    data["retired"].append(published[removed])
    return True


def rename_phase(data: dict[str, Any], old: str, new: str) -> None:
    """A phase got a new id: its cards and the routes that pick it follow."""
    for card in cards(data):
        if isinstance(card, dict) and card.get("phase") == old:
            card["phase"] = new
    for route in data.get("routes") or []:
        choose = route.get("choose") if isinstance(route, dict) else None
        if isinstance(choose, dict) and isinstance(choose.get("phases"), list):
            choose["phases"] = [new if phase == old else phase for phase in choose["phases"]]
