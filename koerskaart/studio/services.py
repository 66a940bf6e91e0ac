"""Studio transactions: import and duplicate decks, keep a draft, publish immutable versions.

A version's text is canonical YAML in the deck file format, checked by the same loader and lint
as the deck files (content/). A draft may hold problems; publishing refuses any schema problem,
writes the version number into the text and freezes it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from ..clock import utcnow
from ..content import Deck, Problem
from ..content.lint import Finding, lint
from ..content.yamlio import dump_deck, parse_deck_text
from ..extensions import db
from ..live import decks
from ..models import DeckVersion, StudioDeck, User, VersionStatus, Visibility
from ..models.decks import CHANGE_NOTE_MAX, DECK_TEXT_MAX

EDITING_ROLES = ("author", "admin")


class StudioError(ValueError):
    """A refusal an author can act on; its message is shown as it is."""


@dataclass(frozen=True)
class Checked:
    """A text as the studio sees it: the deck (None when it does not load), its problems and lint."""

    deck: Deck | None
    problems: list[Problem]
    findings: list[Finding]


def may_edit(user: User, deck: StudioDeck) -> bool:
    return user.role in EDITING_ROLES and user.organisation_id == deck.organisation_id


def check(text: str, slug: str) -> Checked:
    """Exactly what `flask decks validate` says about a file with this text."""
    deck, problems = parse_deck_text(text, f"{slug}.yaml")
    if deck is not None and deck.slug != slug:
        problems = [Problem(f"{slug}.yaml", "slug", f"slug must stay {slug!r}")]
        deck = None
    return Checked(deck, problems, lint(deck) if deck is not None else [])


def visible_decks(user: User) -> list[StudioDeck]:
    """The organisation's own decks and every shared one."""
    query = select(StudioDeck).where(
        or_(
            StudioDeck.organisation_id == user.organisation_id,
            StudioDeck.visibility == Visibility.SHARED.value,
        )
    )
    return list(db.session.scalars(query.order_by(StudioDeck.slug)))


def deck_for(user: User, public_id: str) -> StudioDeck | None:
    """A deck the user may open; another organisation's private deck is as absent as a missing one."""
    deck: StudioDeck | None = db.session.scalar(select(StudioDeck).where(StudioDeck.public_id == public_id))
    if deck is None:
        return None
    if deck.organisation_id != user.organisation_id and deck.visibility != Visibility.SHARED.value:
        return None
    return deck


def draft_of(deck: StudioDeck) -> DeckVersion | None:
    return next((v for v in deck.versions if v.status == VersionStatus.DRAFT.value), None)


def published(deck: StudioDeck) -> list[DeckVersion]:
    return [v for v in deck.versions if v.status == VersionStatus.PUBLISHED.value]


def _slug_taken(slug: str) -> bool:
    if slug in decks.installed():
        return True
    return bool(db.session.scalar(select(func.count()).where(StudioDeck.slug == slug)))


def _free_slug(base: str) -> str:
    for n in range(1, 100):
        candidate = base if n == 1 else f"{base}-{n}"
        if not _slug_taken(candidate[:60]):
            return candidate[:60]
    raise StudioError("no free slug")  # 99 copies of one deck: ask for a name instead


def _new_deck(
    organisation_id: int, author_id: int | None, deck: Deck, source: tuple[str, int] | None
) -> StudioDeck:
    studio = StudioDeck(
        public_id=secrets.token_urlsafe(12),
        slug=deck.slug,
        organisation_id=organisation_id,
        source_slug=source[0] if source else None,
        source_version=source[1] if source else None,
    )
    db.session.add(studio)
    db.session.flush()
    db.session.add(DeckVersion(deck_id=studio.id, number=1, text=dump_deck(deck), author_id=author_id))
    return studio


def import_text(user: User, text: str) -> StudioDeck:
    """A new deck from a deck file's text; its first version is a draft. StudioError when it does not load."""
    if user.role not in EDITING_ROLES:
        raise StudioError("only authors and admins import decks")
    return import_for(user.organisation_id, text, user.id)


def import_for(organisation_id: int, text: str, author_id: int | None = None) -> StudioDeck:
    """The import itself, for a page (an author) or `flask decks import` (an organisation)."""
    if len(text.encode()) > DECK_TEXT_MAX:
        raise StudioError("the file is larger than 1 MiB")
    deck, problems = parse_deck_text(text, "import.yaml")
    if deck is None:
        raise StudioError("; ".join(str(problem) for problem in problems[:5]))
    if _slug_taken(deck.slug):
        raise StudioError(f"slug {deck.slug!r} is taken: choose another slug in the file")
    studio = _new_deck(organisation_id, author_id, deck.model_copy(update={"version": 1}), None)
    db.session.commit()
    return studio


def duplicate(user: User, slug: str, version: int | None = None) -> StudioDeck:
    """A draft copy of a deck file or a published studio deck the user can see; it records its source."""
    if user.role not in EDITING_ROLES:
        raise StudioError("only authors and admins duplicate decks")
    source = decks.get(slug, version)
    studio_source = db.session.scalar(select(StudioDeck).where(StudioDeck.slug == slug))
    if source is None or (studio_source is not None and deck_for(user, studio_source.public_id) is None):
        raise StudioError("no such deck")
    copy = source.model_copy(update={"slug": _free_slug(f"{slug}-kopie"), "version": 1})
    studio = _new_deck(user.organisation_id, user.id, copy, (slug, source.version))
    db.session.commit()
    return studio


def save_draft(user: User, deck: StudioDeck, text: str) -> Checked:
    """Keep ``text`` as the deck's draft (a new draft after the last published version); valid or not."""
    if not may_edit(user, deck):
        raise StudioError("not your deck")
    if len(text.encode()) > DECK_TEXT_MAX:
        raise StudioError("the text is larger than 1 MiB")
    draft = draft_of(deck)
    if draft is None:
        number = max((v.number for v in deck.versions), default=0) + 1
        draft = DeckVersion(deck_id=deck.id, number=number, text=text, author_id=user.id)
        db.session.add(draft)
    draft.text = text
    draft.author_id = user.id
    db.session.commit()
    return check(text, deck.slug)


def publish(user: User | None, deck: StudioDeck, change_note: str) -> DeckVersion:
    """Freeze the draft as the next version; StudioError while it has a schema problem.

    ``user`` None: the command line, which acts for the organisation.
    """
    if user is not None and not may_edit(user, deck):
        raise StudioError("not your deck")
    draft = draft_of(deck)
    if draft is None:
        raise StudioError("there is no draft to publish")
    checked = check(draft.text, deck.slug)
    if checked.deck is None:
        raise StudioError(f"the draft has {len(checked.problems)} problem(s): fix them first")
    draft.text = dump_deck(checked.deck.model_copy(update={"version": draft.number}))
    draft.status = VersionStatus.PUBLISHED.value
    draft.change_note = " ".join(change_note.split())[:CHANGE_NOTE_MAX] or None
    draft.published_at = utcnow()
    db.session.commit()
    return draft


def set_visibility(user: User, deck: StudioDeck, visibility: Visibility) -> None:
    if not may_edit(user, deck):
        raise StudioError("not your deck")
    deck.visibility = visibility.value
    db.session.commit()
