"""What players said about a deck's cards, for its authors: counts, and comments only from k on.

Feedback rows carry no player, table or time (``live/feedback.py``). Readers see only
their own organisation's rows; a card's comments appear only once at least k people
commented on it, shuffled, so a lone remark is never shown and order reveals nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from ..engine import MIN_K
from ..live import card_stats, decks
from ..models import User

READER_ROLES = ("author", "admin")


def threshold() -> int:
    """k for comments: the configured k, never below the engine's minimum."""
    return max(MIN_K, int(current_app.config["KOERSKAART_K"]))


def may_read(user: User | None) -> bool:
    """Authors and admins read their organisation's feedback; facilitators do not."""
    return user is not None and user.role in READER_ROLES


@dataclass
class CardFeedbackView:
    number: int  # 1-based position in the deck; 0 for a card the installed deck no longer has
    card_id: str
    prompt: str
    counts: dict[str, int] = field(default_factory=dict)  # verdict -> count
    commenters: int = 0
    comments: list[str] | None = None  # None: fewer than k comments, kept back

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class DeckFeedback:
    slug: str
    version: int | None  # None: no feedback on this deck yet
    versions: list[int]
    cards: list[CardFeedbackView]


def versions(slug: str, organisation_id: int) -> list[int]:
    """The deck versions this organisation has feedback on, newest first."""
    return card_stats.feedback_versions(slug, organisation_id)


def deck_feedback(
    slug: str, version: int | None, organisation_id: int, language: str, k: int
) -> DeckFeedback:
    """Per card of one deck version: counts per verdict, and shuffled comments from k commenters.

    The read itself is the core's (``live/card_stats.py``), shared with the studio's play page.
    """
    found = versions(slug, organisation_id)
    if version not in found:
        version = found[0] if found else None
    if version is None:
        return DeckFeedback(slug, None, found, [])
    views = {
        card_id: CardFeedbackView(0, card_id, card_id, said.counts, said.commenters, said.comments)
        for card_id, said in card_stats.feedback_by_card(slug, version, organisation_id, k).items()
    }
    _name_cards(slug, version, language, views)
    cards = sorted(views.values(), key=lambda v: (v.number == 0, v.number, v.card_id))
    return DeckFeedback(slug, version, found, cards)


def _name_cards(slug: str, version: int, language: str, views: dict[str, CardFeedbackView]) -> None:
    """Number and prompt from the deck (a studio deck at that version); ids stay stable across versions."""
    deck = decks.get(slug, version)
    if deck is None:
        return
    for number, card in enumerate(deck.cards, start=1):
        view = views.get(card.id)
        if view is not None:
            view.number = number
            view.prompt = card.prompt.get(language)


def deck_titles(language: str, organisation_id: int) -> dict[str, str]:
    """The decks a reader may choose, slug -> title: the deck files and the studio decks they can use."""
    return {deck.slug: deck.title.get(language) for deck in decks.available(organisation_id)}


__all__ = [
    "CardFeedbackView",
    "DeckFeedback",
    "deck_feedback",
    "deck_titles",
    "may_read",
    "threshold",
    "versions",
]
