"""The deck's name in the studio's breadcrumbs, the same on every page of a deck."""

from __future__ import annotations

from ..i18n import lang
from ..models import StudioDeck
from . import drafts, services


def deck_title(deck: StudioDeck) -> str:
    """The title of the draft, else of the newest published version, in the page's language.

    Read from the text as data, so a draft the schema refuses still shows its title; the slug
    when there is no title at all."""
    version = services.draft_of(deck) or next(iter(reversed(services.published(deck))), None)
    data = drafts.load(version.text) if version is not None else None
    title = (data or {}).get("title")
    if isinstance(title, dict):
        shown = title.get(lang()) or title.get("nl")
        if isinstance(shown, str) and shown.strip():
            return shown.strip()
    return deck.slug
