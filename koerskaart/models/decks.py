"""Decks made in the studio: a deck of an organisation and its versions (issue 13).

A version holds the deck's text as canonical YAML in the deck file format, so the studio and
the deck files share one schema and one validator. A draft may be invalid; publishing checks
it and freezes it: a published version's text never changes again, because tables and events
record the (slug, version) they played and keep playing it when a newer one is published.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db

CHANGE_NOTE_MAX = 500
DECK_TEXT_MAX = 1024 * 1024  # as a deck file (content.loader.MAX_DECK_BYTES)


class Visibility(StrEnum):
    PRIVATE = "private"  # the organisation's own facilitators choose it
    SHARED = "shared"  # every organisation sees it, may play and duplicate it


class VersionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class StudioDeck(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "studio_decks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    # The key tables play by; unique across all organisations and never a bundled deck's slug.
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.PRIVATE.value)
    # Where a duplicate came from: a bundled or studio deck's slug and the version copied.
    source_slug: Mapped[str | None] = mapped_column(String(60))
    source_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    versions: Mapped[list[DeckVersion]] = relationship(
        back_populates="deck", order_by="DeckVersion.number", cascade="all, delete-orphan"
    )


class DeckVersion(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "deck_versions"
    __table_args__ = (UniqueConstraint("deck_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("studio_decks.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # the deck's `version` once published
    status: Mapped[str] = mapped_column(String(16), default=VersionStatus.DRAFT.value)
    text: Mapped[str] = mapped_column(Text)  # canonical YAML in the deck file format
    change_note: Mapped[str | None] = mapped_column(String(CHANGE_NOTE_MAX))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    deck: Mapped[StudioDeck] = relationship(back_populates="versions")
