"""The deck format: schema, loader and the bundled-deck registry."""

from .loader import Problem, load_bundled, load_deck_file, load_decks
from .schema import Card, CardType, Deck, Text

__all__ = ["Card", "CardType", "Deck", "Problem", "Text", "load_bundled", "load_deck_file", "load_decks"]
