"""Learning from play: per card of a published version, what tables did with it and what players said.

GET /studio/<public_id>/play[?version=N], for the authors and admins of the deck's own
organisation (404 for anyone else's deck, shared ones included). The figures are the core's
(``live/card_stats.py``): only ended, non-play-test tables of the organisation that revealed a
round count, and a figure based on fewer than k tables shows as "< k".
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from markupsafe import Markup

from ..charts import share_bar
from ..content import Card
from ..i18n import lang
from ..live import card_stats, decks
from ..models import StudioDeck
from ..security import login_required
from . import access, services

bp = Blueprint("studio_play", __name__, url_prefix="/studio")


@dataclass(frozen=True)
class CardRow:
    """One card of the version as the page lists it, with its figures and bars."""

    number: int | None  # its place in the version; None for a retired card
    card: Card
    stats: card_stats.CardStats
    planned: int  # the deck's minutes for this card
    skipped_bar: Markup | None
    minutes_bar: Markup | None
    diverged_bar: Markup | None


def _deck(public_id: str) -> StudioDeck:
    """The user's own organisation's deck; a shared deck of another one is as absent as a missing one."""
    return access.editable_deck(public_id, refusal=404)[0]


def _asked_version(published: list[int]) -> int | None:
    raw = request.args.get("version")
    if raw is None or raw == "":
        return published[-1] if published else None
    if not raw.isdigit() or len(raw) > 9 or int(raw) not in published:
        abort(404)
    return int(raw)


def _rows(deck_slug: str, number: int, stats: card_stats.VersionStats) -> list[CardRow]:
    deck = decks.get(deck_slug, number)
    if deck is None:
        return []
    listed: list[tuple[int | None, Card]] = list(enumerate(deck.cards, start=1))
    # Retired cards only where play left something on them (a table's playlist keeps them).
    listed += [(None, card) for card in deck.retired if card.id in stats.cards]
    shown = [stats.card(card.id).minutes for _n, card in listed]
    top = max(
        [m.high for m in shown if m.high is not None] + [deck.card_minutes(card) for _n, card in listed] + [1]
    )
    rows = []
    for number_in_deck, card in listed:
        figures = stats.card(card.id)
        planned = deck.card_minutes(card)
        minutes = figures.minutes
        rows.append(
            CardRow(
                number_in_deck,
                card,
                figures,
                planned,
                share_bar(figures.skipped.share) if figures.skipped.share is not None else None,
                share_bar(minutes.median / top, planned / top) if minutes.median is not None else None,
                share_bar(figures.diverged.share) if figures.diverged.share is not None else None,
            )
        )
    return rows


def percent(share: float) -> str:
    return str(format_percent(share, "#,##0%"))


def minutes_text(value: float) -> str:
    return str(format_decimal(value, "#,##0.#"))


@bp.get("/<public_id>/play")
@login_required
def play(public_id: str) -> Response:
    deck = _deck(public_id)
    published = [version.number for version in services.published(deck)]
    number = _asked_version(published)
    k = card_stats.threshold()
    stats = card_stats.version_stats(deck.slug, number, deck.organisation_id, k) if number else None
    loaded = decks.get(deck.slug, number) if number else None
    page = render_template(
        "studio/play.html",
        deck=deck,
        title=loaded.title.get(lang()) if loaded else deck.slug,
        published=published,
        number=number,
        stats=stats,
        rows=_rows(deck.slug, number, stats) if number and stats else [],
        k=k,
        lang=lang(),
        percent=percent,
        minutes_text=minutes_text,
        verdicts={"unclear": _("Unclear"), "strong": _("Strong"), "not_relevant": _("Not relevant")},
    )
    response = Response(page)
    response.headers["Cache-Control"] = "private, no-store"  # comments: as the feedback page
    return response
