"""What a conference table's change means beyond its own table: the dashboard and the room.

Core, not the conference feature: a player's answer at a conference table goes through
``service.perform`` like any answer, and its consequences for the event (a dashboard row,
the cross-table tally, an automatic release to the big screen) must be written in the
same transaction and sent after the same commit.

Locks: a table's change takes its table lock and then (here, on PostgreSQL) the event's
row lock; nothing takes a table lock while holding the event's, so there is no cycle.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from typing import Any

from sqlalchemy import select, text, update

from ..engine import MIN_K, CardKind, CardRule, RoundStatus, TableState, TableStatus
from ..engine import events as ev
from ..engine.pacing import Phase, Progress, phases
from ..engine.plenary import Release, Tally, release, sample_texts, spread, spread_band
from ..extensions import db
from ..models import Answer, Conference, PlenaryRelease, PlenaryTally, RoundRow, Table
from . import decks
from .delivery import Emit
from .rooms import CONFERENCE_NAMESPACE, dashboard_room, plenary_room
from .store import Stored

_rng = random.SystemRandom()
_COUNTABLE = (CardKind.STATEMENT, CardKind.FREQUENCY, CardKind.CHOICE)


# -- the dashboard: progress, never content ----------------------------------------------


def progress(public_id: str, state: TableState, activity_at: float | None) -> Progress:
    current = state.current_round
    return Progress(
        id=public_id,
        status=state.status,
        card_index=state.card_index,
        round_open=current is not None and current.status is RoundStatus.OPEN,
        answerable=state.cards[state.card_index].answerable if state.cards else False,
        paused=state.paused,
        activity_at=activity_at or 0.0,
    )


def dashboard_row(
    public_id: str,
    label: str | None,
    seating_closed: bool,
    state: TableState,
    activity_at: float | None,
    phase: Phase | None = None,
) -> dict[str, object]:
    """One table on the dashboard: where it is and who sits there (nicknames only), no answers."""
    current = state.current_round
    is_open = current is not None and current.status is RoundStatus.OPEN
    if phase is None:
        phase = phases([progress(public_id, state, activity_at)], time.time())[public_id]
    return {
        "id": public_id,
        "label": label,
        "status": state.status.value,
        "phase": phase.value,
        "card_index": state.card_index if state.status is not TableStatus.LOBBY else None,
        "round": current.status.value if current is not None else None,
        "answered": len(current.answers) if is_open and current is not None else None,
        "players": [{"id": seat.id, "nickname": seat.nickname} for seat in state.seats.values()],
        "paused": state.paused,
        "hold_at": state.hold_at,
        "seating_closed": seating_closed,
        "below_k": 0 < len(state.seats) < state.settings.k,
        "activity_at": activity_at,
    }


def on_table_change(
    stored: Stored, table_public_id: str, new: TableState, events: tuple[ev.Event, ...]
) -> list[Emit]:
    """Inside the table's transaction: the tally, an automatic release, and the dashboard's news."""
    conference_id = stored.conference_id
    assert conference_id is not None
    emits: list[Emit] = []
    for event in events:
        if isinstance(event, ev.AnswersSealed):
            emits += _sealed(conference_id, new.cards[event.card_index], event)
        elif isinstance(event, ev.TableEnded) and not event.keep_open_text:
            _forget_texts(conference_id)
    dashboard = dashboard_room(conference_id)
    if any(event.audience is ev.Audience.TABLE and event.changes_state for event in events):
        row = dashboard_row(table_public_id, stored.label, stored.seating_closed, new, stored.activity_at)
        emits.append(Emit("dashboard_table", row, dashboard, CONFERENCE_NAMESPACE))
    else:
        counts = [event for event in events if isinstance(event, ev.AnswerCountChanged)]
        if counts:
            payload: dict[str, object] = {"id": table_public_id, "answered": counts[-1].answered}
            emits.append(Emit("dashboard_count", payload, dashboard, CONFERENCE_NAMESPACE))
    return emits


# -- the tally and releases ----------------------------------------------------------------


_PLENARY_LOCK = 0x4B4B_0000_0000  # + the event's id: PostgreSQL advisory lock keys are bigints


def _lock_conference(conference_id: int) -> Conference:
    """The event, with its plenary locked on PostgreSQL: tallies and releases change one at a time.

    An advisory lock, not the event's row: seating holds that row while it takes table
    locks, and this runs under a table lock.
    """
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PLENARY_LOCK + conference_id})
    conference = db.session.get(Conference, conference_id)
    assert conference is not None
    return conference


def _counts(card: CardRule, values: tuple[Any, ...] | list[Any]) -> list[int]:
    offset = 0 if card.kind is CardKind.CHOICE else 1
    counts = [0] * card.buckets
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value - offset < card.buckets:
            counts[value - offset] += 1
    return counts


def _sealed(conference_id: int, card: CardRule, event: ev.AnswersSealed) -> list[Emit]:
    conference = _lock_conference(conference_id)
    if card.kind in _COUNTABLE and event.declared:
        tally = db.session.scalars(
            select(PlenaryTally).where(
                PlenaryTally.conference_id == conference_id, PlenaryTally.card_index == event.card_index
            )
        ).first()
        if tally is None:
            tally = PlenaryTally(conference_id=conference_id, card_index=event.card_index, groups={})
            db.session.add(tally)
        groups = {group: list(counts) for group, counts in (tally.groups or {}).items()}
        for group, values in event.declared.items():
            added = _counts(card, values)
            before = groups.get(group, [0] * card.buckets)
            groups[group] = [a + b for a, b in zip(before, added, strict=True)]
        tally.groups = groups  # a new object: SQLAlchemy sees the change
        db.session.flush()
    if event.card_index in (conference.harvest_cards or []):
        return []  # a harvest releases once, when the facilitator says so
    view = try_release(conference, event.card_index, harvest=False)
    return plenary_emits(conference, view) if view is not None else []


def _forget_texts(conference_id: int) -> None:
    """A table ended without keeping its open answers (rule 5): a released sample may hold
    some of them, and a sample names no table, so every sample of the event goes."""
    db.session.execute(
        update(PlenaryRelease).where(PlenaryRelease.conference_id == conference_id).values(texts=None)
    )


def _latest(conference_id: int, card_index: int) -> list[PlenaryRelease]:
    return list(
        db.session.scalars(
            select(PlenaryRelease)
            .where(PlenaryRelease.conference_id == conference_id, PlenaryRelease.card_index == card_index)
            .order_by(PlenaryRelease.id)
        )
    )


def _revealed(conference_id: int, card_index: int) -> list[tuple[int, dict[str, Any] | None, list[Any]]]:
    """Each revealed table's round of a card: (round id, result, answer values)."""
    rounds = db.session.execute(
        select(RoundRow.id, RoundRow.result)
        .join(Table, Table.id == RoundRow.table_id)
        .where(
            Table.conference_id == conference_id,
            RoundRow.card_index == card_index,
            RoundRow.status == RoundStatus.REVEALED.value,
        )
        .order_by(RoundRow.id)
    ).all()
    values: dict[int, list[Any]] = defaultdict(list)
    if rounds:
        for round_id, value in db.session.execute(
            select(Answer.round_id, Answer.value).where(Answer.round_id.in_([r.id for r in rounds]))
        ):
            values[round_id].append(value)
    return [(r.id, r.result, values[r.id]) for r in rounds]


def tally(conference: Conference, card_index: int) -> tuple[Tally, list[list[int]], list[list[str]]]:
    """Everything revealed of a card across the event: the tally, per-table values, kept texts."""
    card = decks.rules(conference.deck_slug, conference.card_ids, conference.deck_version)[card_index]
    revealed = _revealed(conference.id, card_index)
    per_table = [[v for v in values if isinstance(v, int)] for _id, _result, values in revealed]
    texts = [[str(t) for t in (result or {}).get("texts") or []] for _id, result, _values in revealed]
    row = db.session.scalars(
        select(PlenaryTally).where(
            PlenaryTally.conference_id == conference.id, PlenaryTally.card_index == card_index
        )
    ).first()
    groups = {group: tuple(counts) for group, counts in (row.groups if row else {}).items()}
    all_values = [v for values in per_table for v in values]
    counts = tuple(_counts(card, all_values)) if card.kind in _COUNTABLE else ()
    n = (
        sum(len(values) for _id, _result, values in revealed)
        if card.kind is not CardKind.OPEN
        else sum((result or {}).get("n", 0) for _id, result, _values in revealed)
    )
    return Tally(tables=len(revealed), counts=counts, n=n, groups=groups), per_table, texts


def try_release(conference: Conference, card_index: int, *, harvest: bool) -> dict[str, object] | None:
    """Release the card's aggregate to the room if the rules allow; the stored view, or None to wait."""
    cards = decks.rules(conference.deck_slug, conference.card_ids, conference.deck_version)
    card = cards[card_index]
    if not card.answerable:
        return None
    earlier = _latest(conference.id, card_index)
    if harvest and earlier:
        return None  # a harvest moment releases once
    current, per_table, texts = tally(conference, card_index)
    last = Release.from_dict(earlier[-1].release) if earlier else None
    with_groups = [row for row in earlier if row.with_groups]
    last_groups = Release.from_dict(with_groups[-1].release) if with_groups else None
    decided = release(card, current, last, last_groups, conference_k(conference))
    if decided is None:
        return None
    measure = spread(card, per_table) if card.kind in _COUNTABLE else None
    sample = sample_texts(texts, _rng) if card.kind is CardKind.OPEN else None
    row = PlenaryRelease(
        conference_id=conference.id,
        card_index=card_index,
        harvest=harvest,
        with_groups=decided.groups is not None,
        release=decided.to_dict(),
        spread=measure,
        texts=sample,
    )
    db.session.add(row)
    db.session.flush()
    return release_view(row)


def conference_k(conference: Conference) -> int:
    k = db.session.scalar(select(Table.k).where(Table.conference_id == conference.id).limit(1))
    return max(MIN_K, k or MIN_K)


def release_view(row: PlenaryRelease) -> dict[str, object]:
    return {
        "card_index": row.card_index,
        "harvest": row.harvest,
        "result": row.release,
        "spread": row.spread,
        "spread_band": spread_band(row.spread).value if row.spread is not None else None,
        "texts": row.texts,
    }


def latest_release(conference_id: int, card_index: int) -> dict[str, object] | None:
    rows = _latest(conference_id, card_index)
    return release_view(rows[-1]) if rows else None


def plenary_emits(conference: Conference, view: dict[str, object]) -> list[Emit]:
    """A new release goes to every dashboard; the big screen hears it if it shows that card."""
    emits = [Emit("plenary_released", view, dashboard_room(conference.id), CONFERENCE_NAMESPACE)]
    if conference.plenary_card == view["card_index"]:
        emits.append(Emit("plenary_updated", view, plenary_room(conference.id), CONFERENCE_NAMESPACE))
    return emits


__all__ = [
    "conference_k",
    "dashboard_row",
    "latest_release",
    "on_table_change",
    "plenary_emits",
    "progress",
    "release_view",
    "tally",
    "try_release",
]
