"""Translations side by side: every text of a version in Dutch and English, the missing ones first."""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from flask import abort, render_template, request
from pydantic import ValidationError

from ..content import Deck
from ..content.lint import translatable_texts
from ..content.yamlio import DeckYamlLoader
from ..models import StudioDeck
from . import access, services


@dataclass(frozen=True)
class TextRow:
    card: str | None  # the card's id, or None for the deck's own texts
    field: str
    nl: str
    en: str | None  # None: missing


def translations(public_id: str) -> tuple[str, int]:
    """GET /studio/<id>/translations[?version=N]: the draft (or version N) side by side."""
    deck: StudioDeck = access.author_deck(public_id)
    number = request.args.get("version", type=int)
    published = services.published(deck)
    if number is not None:
        version = next((v for v in published if v.number == number), None)
    else:  # the draft, or else the newest published version
        version = services.draft_of(deck) or (published[-1] if published else None)
    if version is None:
        abort(404)
    checked = services.check(version.text, deck.slug)
    loaded = checked.deck or _without_english_check(version.text)
    rows = []
    if loaded is not None:
        texts = translatable_texts(loaded)
        rows = [TextRow(card, field, text.nl, text.en) for card, field, text in texts]
    missing = [row for row in rows if not row.en]
    page = render_template(
        "studio/translations.html",
        deck=deck,
        version=version,
        problems=checked.problems if loaded is None else [],
        rows=missing + [row for row in rows if row.en],
        missing=len(missing),
        english=loaded is not None and ("en" in loaded.languages or checked.deck is None),
    )
    return page, 200


def _without_english_check(text: str) -> Deck | None:
    """A bilingual draft whose only problem is missing English still loads here: that is this
    page's whole point. Read as Dutch only, so the schema's English check does not refuse it."""
    try:
        raw = yaml.load(text, Loader=DeckYamlLoader)
    except yaml.YAMLError:
        return None
    if not isinstance(raw, dict):
        return None
    try:
        return Deck.model_validate({**raw, "languages": ["nl"]})
    except ValidationError:
        return None
