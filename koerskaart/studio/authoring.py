"""A deck from scratch: a slug from its title, and a first draft with one opening card."""

from __future__ import annotations

import re
import secrets
import unicodedata
from typing import Any

from ..content.schema import SCHEMA_VERSION, SLUG_RE
from ..extensions import db
from ..models import DeckVersion, StudioDeck, User
from . import drafts, services

SLUG_MAX = 60
# The first card of every deck: the ground rules and a light question (decks/README.md, role: opening).
OPENING_CARD: dict[str, Any] = {
    "id": "opening",
    "type": "open",
    "role": "opening",
    "prompt": {
        "nl": "Hoe kom je vandaag binnen, in een paar woorden?",
        "en": "How are you arriving today, in a few words?",
    },
    "body": {
        "nl": "Zo spelen we: je hoeft een antwoord nooit uit te leggen. Niemand ziet wie wat antwoordde, "
        "en een uitslag verschijnt pas als genoeg mensen hebben geantwoord.",
        "en": "How we play: you never have to explain an answer. Nobody sees who answered what, "
        "and a result only appears once enough people have answered.",
    },
}


def slug_from(title: str) -> str:
    """A slug that reads like the title: lowercase ASCII, words joined by hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > SLUG_MAX:
        slug = slug[:SLUG_MAX].rsplit("-", 1)[0] if "-" in slug[:SLUG_MAX] else slug[:SLUG_MAX]
    return slug or "set"


def suggest_slug(title: str) -> str:
    """A free slug for a deck with this title (a number added when taken)."""
    return services._free_slug(slug_from(title)[: SLUG_MAX - 3])


def slug_problem(slug: str) -> str | None:
    """Why a slug cannot be a new deck's (an English reason, translated by the page), or None."""
    if not re.fullmatch(SLUG_RE, slug) or len(slug) > SLUG_MAX:
        return "pattern"
    if services._slug_taken(slug):
        return "taken"
    return None


def new_deck_data(
    slug: str, title: dict[str, str], description: dict[str, str] | None, languages: list[str]
) -> dict[str, Any]:
    """A minimal draft: what the author gave, and one opening card in the deck's languages."""
    opening = {
        key: {lang: text for lang, text in value.items() if lang in languages}
        if isinstance(value, dict)
        else value
        for key, value in OPENING_CARD.items()
    }
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "slug": slug,
        "version": 1,
        "languages": languages,
        "title": title,
    }
    if description:
        data["description"] = description
    data["cards"] = [opening]
    return data


def create_deck(user: User, data: dict[str, Any]) -> StudioDeck:
    """A new deck of the user's organisation whose first version is a draft with ``data`` (valid or not)."""
    if user.role not in services.EDITING_ROLES:
        raise services.StudioError("only authors and admins create decks")
    slug = str(data["slug"])
    if slug_problem(slug) is not None:
        raise services.StudioError(f"slug {slug!r} is not free")
    studio = StudioDeck(public_id=secrets.token_urlsafe(12), slug=slug, organisation_id=user.organisation_id)
    db.session.add(studio)
    db.session.flush()
    db.session.add(DeckVersion(deck_id=studio.id, number=1, text=drafts.to_text(data), author_id=user.id))
    db.session.commit()
    return studio
