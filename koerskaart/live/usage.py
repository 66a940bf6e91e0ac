"""Uptake facts (models/usage.py): written when a table or an event ends, released in cohorts of k.

A table's fact is written in the table's own transaction, from the state the engine just
ended, once (``tables.usage_counted``). Only tables of an organisation count, never a
play-test, and only when they revealed at least one round: a played table had k players
answering a card. The fact holds counts and labels, never the table's id.

Release: facts of one (organisation, unit, deck) wait until k of them are pending and are then
released together with one cohort number and one date (the release day). Every analytics figure
sums whole cohorts, so a figure moves by none or by at least k tables (PRODUCT.md rule 6).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import func, insert, select, update

from ..clock import utcnow
from ..engine import MIN_K, CardKind, RoundStatus, TableState, TableStatus
from ..extensions import db
from ..models import Conference, DeckRequest, EventFact, RoundRow, Table, UsageCard, UsageFact
from . import store

PLAYED = frozenset({RoundStatus.REVEALED, RoundStatus.DISCUSSED})
_tables = Table.__table__


def cohort_size() -> int:
    return max(MIN_K, int(current_app.config["KOERSKAART_K"]))


def today() -> date:
    return utcnow().date()


def record_table(table_id: int, state: TableState) -> bool:
    """Write the ended table's fact if it counts (in the caller's transaction); True if written."""
    if state.status is not TableStatus.ENDED:
        return False
    row = db.session.execute(
        select(
            _tables.c.organisation_id,
            _tables.c.unit_id,
            _tables.c.deck_slug,
            _tables.c.deck_version,
            _tables.c.route,
            _tables.c.deck_text.is_not(None),
            _tables.c.request_id.is_not(None),
            _tables.c.conference_id.is_not(None),
            _tables.c.usage_counted,
        ).where(_tables.c.id == table_id)
    ).one()
    organisation_id, unit_id, deck_slug, version, route, playtest, from_request, at_event, counted = row
    if counted:
        return False
    db.session.execute(update(_tables).where(_tables.c.id == table_id).values(usage_counted=True))
    if organisation_id is None or playtest:
        return False
    if not any(r.status is RoundStatus.REVEALED for r in state.rounds.values()):
        return False
    played = [i for i, r in sorted(state.rounds.items()) if r.status in PLAYED]
    furthest = max([state.card_index, *state.rounds])
    reached_action = any(card.kind is CardKind.ACTION for card in state.cards[: furthest + 1])
    fact_id = db.session.execute(
        insert(UsageFact.__table__)
        .values(
            organisation_id=organisation_id,
            unit_id=unit_id,
            deck_slug=deck_slug,
            deck_version=version,
            route=route,
            at_event=bool(at_event),
            from_request=bool(from_request),
            players=len(state.seats),
            cards_revealed=len(played),
            reached_action=reached_action,
            actions_agreed=len(state.actions),
        )
        .returning(UsageFact.__table__.c.id)
    ).scalar_one()
    card_ids = {state.cards[i].id for i in played if i < len(state.cards) and state.cards[i].id}
    if card_ids:
        db.session.execute(
            insert(UsageCard.__table__),
            [
                {
                    "fact_id": fact_id,
                    "organisation_id": organisation_id,
                    "unit_id": unit_id,
                    "deck_slug": deck_slug,
                    "card_id": card_id,
                }
                for card_id in sorted(card_ids)
            ],
        )
    released = release(UsageFact, organisation_id, unit_id, deck_slug)
    if released:
        db.session.execute(
            update(UsageCard.__table__)
            .where(UsageCard.__table__.c.fact_id.in_(released))
            .values(cohort_on=today())
        )
    return True


def record_event(conference: Conference) -> bool:
    """Write an ended event's fact (in the caller's transaction, once); True if written."""
    if conference.usage_counted or conference.ended_at is None:
        return False
    conference.usage_counted = True
    rounds = RoundRow.__table__
    played = db.session.scalar(
        select(func.count(func.distinct(rounds.c.table_id)))
        .select_from(rounds.join(_tables, _tables.c.id == rounds.c.table_id))
        .where(_tables.c.conference_id == conference.id, rounds.c.status == RoundStatus.REVEALED.value)
    )
    if not played:
        return False
    db.session.execute(
        insert(EventFact.__table__).values(
            organisation_id=conference.organisation_id,
            unit_id=conference.unit_id,
            deck_slug=conference.deck_slug,
            tables=int(played),
        )
    )
    release(EventFact, conference.organisation_id, conference.unit_id, conference.deck_slug)
    return True


def _lock_key(*parts: object) -> int:
    """A signed 64-bit number for one release key (a collision only makes two keys wait for each other)."""
    digest = hashlib.sha256(repr(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def release(model: Any, organisation_id: int, unit_id: int | None, deck_slug: str) -> list[int]:
    """Release the pending rows of one (organisation, unit, deck) as a cohort once k wait; their ids."""
    table = model.__table__
    key_values = (organisation_id, unit_id, deck_slug)
    key = (
        table.c.organisation_id == organisation_id,
        table.c.unit_id.is_(None) if unit_id is None else table.c.unit_id == unit_id,
        table.c.deck_slug == deck_slug,
    )
    pending = select(table.c.id).where(*key, table.c.cohort.is_(None)).order_by(table.c.id)
    if db.session.get_bind().dialect.name == "postgresql":
        # Rows of the same key inserted by transactions still running are invisible here, and FOR
        # UPDATE locks only the rows it sees: k tables ending at once would each find only itself
        # pending and all stay pending. One lock per key, held to the commit, makes each release
        # wait for the one before, whose rows the next statement then sees (READ COMMITTED).
        db.session.execute(select(func.pg_advisory_xact_lock(_lock_key(table.name, *key_values))))
        pending = pending.with_for_update()
    ids = list(db.session.scalars(pending))
    if len(ids) < cohort_size():
        return []
    # A cohort's number only tells one key's cohorts apart; figures never group by it.
    number = (db.session.scalar(select(func.max(table.c.cohort)).where(*key)) or 0) + 1
    db.session.execute(update(table).where(table.c.id.in_(ids)).values(cohort=number, cohort_on=today()))
    return ids


def release_request(request: DeckRequest) -> None:
    """A new request waits for k of its (organisation, unit, deck) like a table's fact."""
    release(DeckRequest, request.organisation_id, request.unit_id, request.deck_slug)


def purge_contacts(on: date | None = None) -> int:
    """Delete the contact addresses of requests whose expected date is before ``on`` (today by
    default): an address is kept only until the day after the date (the caller commits); how many."""
    cutoff = on or today()
    result = db.session.execute(
        update(DeckRequest.__table__)
        .where(
            DeckRequest.__table__.c.expected_on < cutoff, DeckRequest.__table__.c.contact_email.is_not(None)
        )
        .values(contact_email=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def backfill(table_ids: Iterable[int] | None = None) -> int:
    """Facts for ended tables that have none yet (tables that ended before uptake existed); the count.

    The caller commits. Reads each table's state through the store, as the end itself would.
    """
    query = select(Table).where(Table.status == TableStatus.ENDED.value, Table.usage_counted.is_(False))
    if table_ids is not None:
        query = query.where(Table.id.in_(list(table_ids)))
    written = 0
    for table in db.session.scalars(query.order_by(Table.ended_at, Table.id)).all():
        written += record_table(table.id, store.load_state(table))
    for conference in db.session.scalars(
        select(Conference).where(Conference.ended_at.is_not(None), Conference.usage_counted.is_(False))
    ).all():
        record_event(conference)
    return written


def released_fact_count(organisation_id: int) -> int:
    """How many of an organisation's played tables are released (for tests and the CLI)."""
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(UsageFact.__table__)
            .where(UsageFact.organisation_id == organisation_id, UsageFact.cohort.is_not(None))
        )
        or 0
    )
