"""The deck format: schema, loader and the bundled-deck registry."""

from .loader import load_bundled, load_deck_file, load_decks
from .schema import FULL_ROUTE, Card, CardRole, CardType, Deck, Route, Text
from .yamlio import Problem, dump_deck, parse_deck_text

__all__ = [
    "FULL_ROUTE",
    "Card",
    "CardRole",
    "CardType",
    "Deck",
    "Problem",
    "Route",
    "Text",
    "dump_deck",
    "load_bundled",
    "load_deck_file",
    "load_decks",
    "parse_deck_text",
]
