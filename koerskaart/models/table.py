"""A table and everything it owns: seats, rounds, answers and team actions.

Anonymity lives in the shape of these rows (PRODUCT.md rule 4): ``PendingAnswer``
links an answer to a seat only while its round is open and is deleted at the
reveal; ``Answer`` has no seat, no nickname and no timestamp, and its rows are
written in shuffled order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..engine import TableStatus
from ..extensions import db

TEAM_LABEL_MAX = 60


def normalise_team_label(label: str | None) -> str | None:
    """A facilitator's team name as typed, tidied (spacing, length); None when nothing is left."""
    cleaned = " ".join((label or "").split())[:TEAM_LABEL_MAX]
    return cleaned or None


class Table(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "tables"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    join_code: Mapped[str | None] = mapped_column(String(16), unique=True)  # freed when the table ends
    screen_key_hash: Mapped[str] = mapped_column(String(64))
    deck_slug: Mapped[str] = mapped_column(String(60))
    deck_version: Mapped[int] = mapped_column(Integer)
    # The route chosen at the start and the ids of the cards played, in order (live/decks.py);
    # NULL card_ids: the whole deck as installed. Mixed wording: a card's conference variant.
    route: Mapped[str | None] = mapped_column(String(40))
    card_ids: Mapped[list[str] | None] = mapped_column(JSON)
    mixed_wording: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A play-test: the studio draft's text as it was when the test started (models/decks.py). Such a
    # table counts in no statistics: no comparison, no card feedback for the deck's readers.
    deck_text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=TableStatus.LOBBY.value)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    card_index: Mapped[int] = mapped_column(Integer, default=0)
    timer_ends_at: Mapped[float | None] = mapped_column(Float)
    k: Mapped[int] = mapped_column(Integer)
    k_text: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    keep_open_text: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set by `flask retention purge`: raw answers and kept open text are gone, aggregates stay.
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when a logged-in facilitator started the table; anonymous tables have neither.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    # A facilitator's own name for the team ("Team Inkoop"), so a later table on the same
    # deck can be compared with this one. Only owned tables carry one.
    team_label: Mapped[str | None] = mapped_column(String(TEAM_LABEL_MAX))
    # Conference tables: the event, the table's name there ("Tafel 7"), whether automatic
    # seating may still place people here, and the pacing rules the engine reads.
    conference_id: Mapped[int | None] = mapped_column(
        ForeignKey("conferences.id", ondelete="CASCADE"), index=True
    )
    conference_label: Mapped[str | None] = mapped_column(String(40))
    seating_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    steered: Mapped[bool] = mapped_column(Boolean, default=False)
    hold_at: Mapped[int | None] = mapped_column(Integer)
    # When anything last happened (coarse, epoch seconds): a dashboard flags a stuck table.
    activity_at: Mapped[float | None] = mapped_column(Float)
    # Raised in the same transaction as every change to the table's seats, rounds, pending
    # answers or team actions: a process that cached them at this version may trust its copy
    # (live/store.py). Never an ORM version counter: writers bump it in SQL.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Uptake (models/usage.py): the organisation's unit the table plays for, the request whose
    # ready link started it, and whether its usage fact was written (once, when it ended).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"), index=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("deck_requests.id", ondelete="SET NULL"), index=True
    )
    usage_counted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    seats: Mapped[list[Seat]] = relationship(
        back_populates="table", order_by="Seat.position", cascade="all, delete-orphan"
    )
    rounds: Mapped[list[RoundRow]] = relationship(
        back_populates="table", order_by="RoundRow.card_index", cascade="all, delete-orphan"
    )
    actions: Mapped[list[TeamActionRow]] = relationship(
        back_populates="table", order_by="TeamActionRow.position", cascade="all, delete-orphan"
    )


class Seat(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "seats"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("tables.id", ondelete="CASCADE"), index=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the rejoin token
    nickname: Mapped[str | None] = mapped_column(String(60))
    perspective: Mapped[str | None] = mapped_column(String(16))  # "manager"/"employee" if the player said
    is_host: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer)
    # Card indexes this seat gave feedback on: one verdict per card, the verdict itself
    # is stored apart without the seat (models/conference.py::CardFeedback).
    feedback_cards: Mapped[list[int] | None] = mapped_column(JSON)

    table: Mapped[Table] = relationship(back_populates="seats")


class RoundRow(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("table_id", "card_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("tables.id", ondelete="CASCADE"), index=True)
    card_index: Mapped[int] = mapped_column(Integer)
    card_id: Mapped[str] = mapped_column(String(40))  # stable across deck versions, unlike the index
    status: Mapped[str] = mapped_column(String(16))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # frozen once revealed
    # Per-perspective counts, stored only when releasable (docs/anonymity.md, rule 6).
    groups: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # How long the table (never a seat) stayed on this card, for the deck's authors: since when
    # it is on the card (whole epoch seconds; cleared when it leaves, so no timeline is kept) and
    # the whole seconds of all its visits so far (live/store.py::_time_cards).
    entered_at: Mapped[float | None] = mapped_column(Float)
    seconds_on_card: Mapped[int | None] = mapped_column(Integer)

    table: Mapped[Table] = relationship(back_populates="rounds")
    pending: Mapped[list[PendingAnswer]] = relationship(cascade="all, delete-orphan")


class PendingAnswer(db.Model):  # type: ignore[name-defined,misc]
    """One seat's answer while its round is open: the only row that links answer and seat."""

    __tablename__ = "pending_answers"
    __table_args__ = (UniqueConstraint("round_id", "seat_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    seat_id: Mapped[int] = mapped_column(ForeignKey("seats.id", ondelete="CASCADE"))
    value: Mapped[Any] = mapped_column(JSON)


class Answer(db.Model):  # type: ignore[name-defined,misc]
    """A revealed answer: no seat, no nickname, no time; written in shuffled order."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    value: Mapped[Any] = mapped_column(JSON)


class TeamActionRow(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "team_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("tables.id", ondelete="CASCADE"), index=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    card_index: Mapped[int] = mapped_column(Integer)
    who: Mapped[str] = mapped_column(String(120))
    what: Mapped[str] = mapped_column(Text)
    due: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)

    table: Mapped[Table] = relationship(back_populates="actions")
