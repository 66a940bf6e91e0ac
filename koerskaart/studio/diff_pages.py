"""The studio's version comparison: what changed between two versions of a deck, card by card.

routes.py puts ``diff`` on the studio blueprint as GET /studio/<public_id>/diff.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext

from ..content import Deck, Problem
from ..content.diff import DeckDiff, FieldChange, LanguageChange, diff_decks
from ..content.yamlio import parse_deck_text
from ..i18n import lang
from ..models import DeckVersion, StudioDeck, User, VersionStatus
from ..security import login_required
from . import access, services


@dataclass(frozen=True)
class Side:
    """One version as the page compares it: the deck, or the problems that keep it from loading."""

    version: DeckVersion
    deck: Deck | None
    problems: list[Problem]


def comparable(user: User, deck: StudioDeck) -> list[DeckVersion]:
    """The versions the user may compare: the published ones, and the draft for its authors."""
    return [
        version
        for version in deck.versions
        if version.status == VersionStatus.PUBLISHED.value or services.may_edit(user, deck)
    ]


def default_pair(versions: list[DeckVersion]) -> tuple[int, int] | None:
    """The last published version against the draft, or else the last two published versions."""
    if len(versions) < 2:
        return None
    return versions[-2].number, versions[-1].number  # a draft is always the newest number


def _number(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 9:
        abort(404)
    return int(raw)


def _side(deck: StudioDeck, version: DeckVersion) -> Side:
    loaded, problems = parse_deck_text(version.text, f"{deck.slug}.yaml")
    return Side(version, loaded, problems)


def field_label(name: str) -> str:
    labels: dict[str, str] = {
        "type": _("Card type"),
        "phase": _("Phase"),
        "role": _("Role"),
        "prompt": _("Question"),
        "body": _("Explanation"),
        "options": _("Answer options"),
        "follow_up": _("Follow-up questions"),
        "max_length": _("Maximum answer length"),
        "source": _("Source"),
        "sensitive": _("Sensitive"),
        "minutes": _("Minutes"),
        "facilitator": _("Facilitator note"),
        "conference": _("Wording at a conference"),
        "languages": _("Languages"),
        "title": _("Title"),
        "description": _("Description"),
        "colophon": _("Colophon"),
        "cards": _("Cards"),
        "choose": _("Phases the host picks from"),
        "mixed": _("For mixed conference tables"),
    }
    return labels.get(name, name)


def deck_field_label(name: str) -> str:
    """A deck's own fields, where facilitator is the guide rather than a card's note."""
    if name == "facilitator":
        return str(_("Facilitator guide"))
    if name == "minutes":
        return str(_("Minutes per card type"))
    return field_label(name)


def language_label(code: str | None) -> str:
    return str({"nl": _("Dutch"), "en": _("English")}.get(code or "", ""))


def ordered(change: FieldChange) -> list[LanguageChange]:
    """The language-free change first, then the reader's language, then the other one."""
    current = lang()
    return sorted(change.changes, key=lambda c: (c.language is not None, c.language != current))


def summary(diff: DeckDiff) -> str:
    if diff.empty:
        return str(_("No differences between these versions."))
    parts = [
        ngettext("%(num)d card changed", "%(num)d cards changed", len(diff.cards_changed)),
        ngettext("%(num)d added", "%(num)d added", len(diff.cards_added)),
        ngettext("%(num)d removed", "%(num)d removed", len(diff.cards_removed)),
    ]
    if diff.cards_moved:
        parts.append(ngettext("%(num)d moved", "%(num)d moved", len(diff.cards_moved)))
    deck_level = len(diff.fields) + sum(
        len(items.added) + len(items.removed) + len(items.changed) for items in (diff.phases, diff.routes)
    )
    if deck_level:
        parts.append(
            ngettext("%(num)d change to the deck itself", "%(num)d changes to the deck itself", deck_level)
        )
    return ", ".join(parts)


@login_required
def diff(public_id: str) -> str:
    user = access.author()
    deck = services.deck_for(user, public_id)
    if deck is None:
        abort(404)  # another organisation's private deck is as absent as a missing one
    versions = comparable(user, deck)
    by_number = {version.number: version for version in versions}
    asked = _number("from"), _number("to")
    if any(number is not None and number not in by_number for number in asked):
        abort(404)
    pair = default_pair(versions)
    if asked[0] is not None or asked[1] is not None:
        base = pair or (versions[-1].number, versions[-1].number)  # an asked number exists: versions has one
        pair = (asked[0] if asked[0] is not None else base[0], asked[1] if asked[1] is not None else base[1])
    old = _side(deck, by_number[pair[0]]) if pair else None
    new = _side(deck, by_number[pair[1]]) if pair else None
    found = diff_decks(old.deck, new.deck) if old and new and old.deck and new.deck else None
    current = lang()
    return render_template(
        "studio/diff.html",
        deck=deck,
        versions=versions,
        old=old,
        new=new,
        diff=found,
        summary=summary(found) if found else "",
        old_cards={card.id: card for card in [*old.deck.cards, *old.deck.retired]}
        if old and old.deck
        else {},
        new_cards={card.id: card for card in [*new.deck.cards, *new.deck.retired]}
        if new and new.deck
        else {},
        phase_titles={
            phase.id: phase.title.get(current)
            for side in (old, new)
            if side and side.deck
            for phase in side.deck.phases
        },
        route_titles={
            route.id: route.title.get(current)
            for side in (old, new)
            if side and side.deck
            for route in side.deck.routes
        },
        field_label=field_label,
        deck_field_label=deck_field_label,
        language_label=language_label,
        ordered=ordered,
        lang=current,
    )
