"""A deck's own page: what it holds, how long it takes, its guide and colophon, and its print version."""

from __future__ import annotations

from flask import Response, abort, render_template
from flask_babel import format_date
from flask_login import current_user

from ..content import Deck
from ..deckprint import LANGUAGES, print_filename, render_deck_pdf, routes_overview
from ..i18n import lang
from ..live import decks
from ..markdown import render_markdown
from .routes import bp


def _deck(slug: str) -> Deck:
    """A deck file, or a studio deck's newest version where the visitor may choose it (404 otherwise)."""
    deck = decks.installed().get(slug)
    if deck is None:  # a studio deck: only where the visitor's organisation may choose it
        organisation = current_user.organisation_id if current_user.is_authenticated else None
        deck = next((found for found in decks.available(organisation) if found.slug == slug), None)
    if deck is None:
        abort(404)  # another organisation's private deck is as absent as a missing one
    return deck


@bp.get("/decks/<slug>")
def deck_page(slug: str) -> str:
    deck = _deck(slug)
    language = lang()
    colophon = deck.colophon
    return render_template(
        "play/deck.html",
        deck=deck,
        title=deck.title.get(language),
        description=deck.description.get(language),
        routes=routes_overview(deck, language),
        guide=render_markdown(deck.facilitator.get(language)) if deck.facilitator else None,
        colophon=colophon,
        colophon_date=format_date(colophon.date, "long") if colophon else None,
        owner=colophon.owner.get(language) if colophon else None,
        colophon_note=colophon.note.get(language) if colophon and colophon.note else None,
        print_languages=[code for code in LANGUAGES if code in deck.languages],
    )


@bp.get("/decks/<slug>/print-<language>.pdf")
def deck_print(slug: str, language: str) -> Response:
    deck = _deck(slug)
    if language not in LANGUAGES or language not in deck.languages:
        abort(404)
    response = Response(render_deck_pdf(deck, language), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{print_filename(deck, language)}"'
    return response
