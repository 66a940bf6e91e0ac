"""A conference: one facilitator, one deck, many tables, and what the room may see together.

Anonymity lives in these shapes too (docs/anonymity.md, conferences): ``PlenaryTally``
sums declared perspectives over every table of an event and is never kept per table;
``PlenaryRelease`` holds exactly what was shown on the big screen, so the next release
can be checked against it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db

CONFERENCE_NAME_MAX = 120
TABLE_NAME_MAX = 40
ANNOUNCEMENT_MAX = 280
TARGET_SIZE_DEFAULT = 6
TARGET_SIZE_MAX = 8


class Pacing(StrEnum):
    FREE = "free"  # every table at its own speed, its host pacing it
    SYNCHRONISED = "synchronised"  # the facilitator opens and closes rounds everywhere


class ConferenceStatus(StrEnum):
    OPEN = "open"
    ENDED = "ended"


class Conference(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "conferences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    code: Mapped[str | None] = mapped_column(String(16), unique=True)  # the event code; freed at the end
    screen_key_hash: Mapped[str] = mapped_column(String(64))  # the big screen's key
    name: Mapped[str] = mapped_column(String(CONFERENCE_NAME_MAX))
    held_on: Mapped[date] = mapped_column(Date)
    deck_slug: Mapped[str] = mapped_column(String(60))
    deck_version: Mapped[int] = mapped_column(Integer)
    # The route chosen at the start and the ids of the cards played, in order (live/decks.py);
    # NULL card_ids: the whole deck as installed. Mixed wording: a card's conference variant.
    route: Mapped[str | None] = mapped_column(String(40))
    card_ids: Mapped[list[str] | None] = mapped_column(JSON)
    mixed_wording: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    target_size: Mapped[int] = mapped_column(Integer, default=TARGET_SIZE_DEFAULT)
    pacing: Mapped[str] = mapped_column(String(16), default=Pacing.FREE.value)
    harvest_cards: Mapped[list[int]] = mapped_column(JSON, default=list)  # card indexes, ascending
    status: Mapped[str] = mapped_column(String(16), default=ConferenceStatus.OPEN.value)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # Synchronised pacing: the card every table was last told to open (None before the start).
    current_card: Mapped[int | None] = mapped_column(Integer)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    # What phones and table screens show above the game, and a countdown's end (epoch seconds).
    announcement: Mapped[str | None] = mapped_column(String(ANNOUNCEMENT_MAX))
    countdown_ends_at: Mapped[float | None] = mapped_column(Float)
    # The card on the big screen (None: the event's code and QR).
    plenary_card: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Uptake (models/usage.py): the unit the event is for, and whether its fact was written.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"), index=True)
    usage_counted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class PlenaryTally(db.Model):  # type: ignore[name-defined,misc]
    """Declared perspectives' answer counts for one card, summed over an event's tables."""

    __tablename__ = "plenary_tallies"
    __table_args__ = (UniqueConstraint("conference_id", "card_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("conferences.id", ondelete="CASCADE"), index=True)
    card_index: Mapped[int] = mapped_column(Integer)
    groups: Mapped[dict[str, list[int]]] = mapped_column(JSON)  # perspective -> counts per option


class PlenaryRelease(db.Model):  # type: ignore[name-defined,misc]
    """One aggregate shown to the room; the latest per card is what the big screen shows."""

    __tablename__ = "plenary_releases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("conferences.id", ondelete="CASCADE"), index=True)
    card_index: Mapped[int] = mapped_column(Integer)
    harvest: Mapped[bool] = mapped_column(Boolean, default=False)
    with_groups: Mapped[bool] = mapped_column(Boolean, default=False)
    release: Mapped[dict[str, Any]] = mapped_column(JSON)  # engine.plenary.Release.to_dict()
    spread: Mapped[float | None] = mapped_column(Float)
    texts: Mapped[list[str] | None] = mapped_column(JSON)  # a shuffled sample, where tables kept them


class CardFeedback(db.Model):  # type: ignore[name-defined,misc]
    """A player's verdict on a card: no player, no table, no time (the deck's authors read it)."""

    __tablename__ = "card_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deck_slug: Mapped[str] = mapped_column(String(60), index=True)
    deck_version: Mapped[int] = mapped_column(Integer)
    card_id: Mapped[str] = mapped_column(String(40))
    # The organisation whose table gave it (None for anonymous tables): its authors see it.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    verdict: Mapped[str] = mapped_column(String(16))  # unclear / strong / not_relevant
    comment: Mapped[str | None] = mapped_column(String(280))
    # Given at a play-test of a draft: kept apart from what the published versions collect.
    playtest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
