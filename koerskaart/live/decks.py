"""The installed decks, and the card rules the engine needs from them."""

from __future__ import annotations

from flask import current_app

from ..content import Card, Deck
from ..engine import CardKind, CardRule
from ..engine.cards import DEFAULT_TEXT_LENGTH

EXTENSION_KEY = "koerskaart.decks"
RULES_KEY = "koerskaart.deck_rules"


def installed() -> dict[str, Deck]:
    decks: dict[str, Deck] = current_app.extensions[EXTENSION_KEY]
    return decks


def get(slug: str) -> Deck | None:
    return installed().get(slug)


def card_rule(card: Card) -> CardRule:
    return CardRule(
        kind=CardKind(card.type.value),
        id=card.id,
        options=len(card.options or []),
        max_length=card.max_length or DEFAULT_TEXT_LENGTH,
        sensitive=card.sensitive,
    )


def rules(slug: str) -> tuple[CardRule, ...]:
    """Card rules of an installed deck, computed once when the app loads its decks."""
    cached: dict[str, tuple[CardRule, ...]] = current_app.extensions[RULES_KEY]
    return cached[slug]


def install(extensions: dict[str, object], decks: dict[str, Deck]) -> None:
    """Register ``decks`` on an app (its ``extensions`` dict)."""
    extensions[EXTENSION_KEY] = decks
    extensions[RULES_KEY] = {slug: tuple(card_rule(c) for c in deck.cards) for slug, deck in decks.items()}
