"""The deck format: schema, loader and the bundled-deck registry."""

from .loader import Problem, load_bundled, load_deck_file, load_decks
from .schema import FULL_ROUTE, Card, CardRole, CardType, Deck, Route, Text

__all__ = [
    "FULL_ROUTE",
    "Card",
    "CardRole",
    "CardType",
    "Deck",
    "Problem",
    "Route",
    "Text",
    "load_bundled",
    "load_deck_file",
    "load_decks",
]
