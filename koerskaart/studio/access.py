"""Who may open a studio page: authors and admins (403 for others), and only decks of their
organisation or shared ones (404 otherwise, as if absent)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from ..models import StudioDeck, User
from . import services


def author() -> User:
    user: User = current_user._get_current_object()
    if user.role not in services.EDITING_ROLES:
        abort(403)
    return user


def author_deck(public_id: str) -> StudioDeck:
    found = services.deck_for(author(), public_id)
    if found is None:
        abort(404)  # another organisation's private deck is as absent as a missing one
    return found


def editable_deck(public_id: str, refusal: int = 403) -> tuple[StudioDeck, User]:
    """A deck the author may change, and the author: 404 as ``author_deck``; ``refusal`` for a
    deck they may see but not change (another organisation's shared deck)."""
    user = author()
    found = author_deck(public_id)
    if not services.may_edit(user, found):
        abort(refusal)
    return found, user
