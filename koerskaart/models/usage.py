"""Uptake (issue 14): organisation units, deck requests, API tokens, and the facts analytics read.

Anonymity lives in these shapes (docs/anonymity.md, "Uptake"):

- ``UsageFact`` is one played table, written in the table's own transaction when it ends:
  counts and labels only (deck, route, unit, how many players, cards revealed, whether it
  reached the action cards, how many actions were agreed). No answer, no text, no nickname,
  no join code, no link back to the table row.
- ``UsageCard`` says which cards a played table revealed (ids only).
- ``EventFact`` is one ended conference: its deck, unit, date and number of tables.
- Facts are **released in cohorts** of k per (organisation, unit, deck): a fact counts in no
  figure until k of them wait, and then they are released together, dated by the release day
  (``cohort_on``). Every figure is a sum over whole cohorts, so two looks at the same cell differ
  by none or by at least k tables (PRODUCT.md rule 6). A ``DeckRequest`` is released the same way.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db

UNIT_NAME_MAX = 80
TOKEN_NAME_MAX = 60
EMAIL_MAX = 254
_ORG = "organisations.id"


class OrgUnit(db.Model):  # type: ignore[name-defined,misc]
    """A part of an organisation (directorate → department …): a tree an admin keeps."""

    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_units.id"), index=True
    )  # NO ACTION: checked at the statement's end
    name: Mapped[str] = mapped_column(String(UNIT_NAME_MAX))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # An archived unit is no longer offered in forms; what it played stays counted under it.
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DeckRequest(db.Model):  # type: ignore[name-defined,misc]
    """A team lead's request for a deck, made without an account; its ready link starts the table."""

    __tablename__ = "deck_requests"
    __table_args__ = (Index("ix_deck_requests_release", "organisation_id", "cohort_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"), index=True)
    deck_slug: Mapped[str] = mapped_column(String(60))
    route: Mapped[str | None] = mapped_column(String(40))
    expected_on: Mapped[date] = mapped_column(Date)
    expected_size: Mapped[int] = mapped_column(Integer)
    # Optional, and deleted the day after ``expected_on`` (`flask analytics purge`, retention).
    contact_email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the ready link's token
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    cohort: Mapped[int | None] = mapped_column(Integer)
    cohort_on: Mapped[date | None] = mapped_column(Date)


class ApiToken(db.Model):  # type: ignore[name-defined,misc]
    """A personal access token for the organisation's own reporting: only its hash is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(TOKEN_NAME_MAX))
    prefix: Mapped[str] = mapped_column(String(12))  # shown in lists, so a person can tell tokens apart
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_on: Mapped[date | None] = mapped_column(Date)  # a day, never a time


class UsageFact(db.Model):  # type: ignore[name-defined,misc]
    """One played table, as counts and labels (see the module's docstring)."""

    __tablename__ = "usage_facts"
    __table_args__ = (
        Index("ix_usage_facts_release", "organisation_id", "cohort_on"),
        Index("ix_usage_facts_pending", "organisation_id", "unit_id", "deck_slug", "cohort"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"))
    deck_slug: Mapped[str] = mapped_column(String(60))
    deck_version: Mapped[int] = mapped_column(Integer)
    route: Mapped[str | None] = mapped_column(String(40))
    at_event: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    from_request: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    players: Mapped[int] = mapped_column(Integer)
    cards_revealed: Mapped[int] = mapped_column(Integer)
    reached_action: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    actions_agreed: Mapped[int] = mapped_column(Integer, default=0)
    cohort: Mapped[int | None] = mapped_column(Integer)
    cohort_on: Mapped[date | None] = mapped_column(Date)


class UsageCard(db.Model):  # type: ignore[name-defined,misc]
    """A card a played table revealed: its id, and the fact's release keys copied for fast sums."""

    __tablename__ = "usage_cards"
    # The cards view counts released rows per (deck, card) over a date range. These indexes hold
    # every column it reads in its GROUP BY order, so SQLite streams one without a sort: per
    # organisation (with the unit) and across organisations. They replace (organisation, cohort_on,
    # deck, card), which made SQLite sort every row of the range (the platform's two years: 1.1 s
    # → 0.2 s with 1.3 million rows) and which SQLite, having no statistics, still chose for a deck
    # filter when kept beside them. PostgreSQL scans in parallel instead (0.1-0.2 s). Figures in
    # docs/performance.md, "Uptake at 100,000 tables"; migration b8d0f2a4c6e8.
    __table_args__ = (
        Index("ix_usage_cards_tally", "organisation_id", "deck_slug", "card_id", "cohort_on", "unit_id"),
        Index("ix_usage_cards_platform", "deck_slug", "card_id", "cohort_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fact_id: Mapped[int] = mapped_column(ForeignKey("usage_facts.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"))
    deck_slug: Mapped[str] = mapped_column(String(60))
    card_id: Mapped[str] = mapped_column(String(40))
    cohort_on: Mapped[date | None] = mapped_column(Date)


class EventFact(db.Model):  # type: ignore[name-defined,misc]
    """One ended conference: its deck, unit, day and how many tables played."""

    __tablename__ = "event_facts"
    __table_args__ = (
        Index("ix_event_facts_release", "organisation_id", "cohort_on"),
        Index("ix_event_facts_pending", "organisation_id", "unit_id", "deck_slug", "cohort"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"))
    deck_slug: Mapped[str] = mapped_column(String(60))
    tables: Mapped[int] = mapped_column(Integer)
    cohort: Mapped[int | None] = mapped_column(Integer)
    cohort_on: Mapped[date | None] = mapped_column(Date)
