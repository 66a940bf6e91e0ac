"""Reading a table's engine state from its rows, and writing back only what changed.

This is the hot path of every event (docs/performance.md): plain Core statements on the
session's connection, no ORM unit of work, no lazy loads. Reading a table costs four
SELECTs (table, rounds, seats with the open round's pending answers, team actions);
an answer adds one INSERT, a reveal one UPDATE, one DELETE and one multi-row INSERT.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, CursorResult, and_, bindparam, delete, insert, select, update

from ..clock import utcnow
from ..engine import (
    CardKind,
    Result,
    Round,
    RoundStatus,
    Seat,
    Settings,
    TableState,
    TableStatus,
    TeamAction,
)
from ..engine import events as ev
from ..extensions import db
from ..models import Answer, PendingAnswer, RoundRow, Table, TeamActionRow
from ..models import Seat as SeatRow
from . import decks

# Core tables: selecting them skips the ORM's compile and load steps.
_tables = Table.__table__
_seats = SeatRow.__table__
_rounds = RoundRow.__table__
_pending = PendingAnswer.__table__
_answers = Answer.__table__
_actions = TeamActionRow.__table__

_TABLE_COLUMNS = (
    _tables.c.id,
    _tables.c.public_id,
    _tables.c.deck_slug,
    _tables.c.k,
    _tables.c.k_text,
    _tables.c.capacity,
    _tables.c.status,
    _tables.c.locked,
    _tables.c.paused,
    _tables.c.card_index,
    _tables.c.timer_ends_at,
    _tables.c.keep_open_text,
    _tables.c.conference_id,
    _tables.c.steered,
    _tables.c.hold_at,
    _tables.c.activity_at,
    _tables.c.conference_label,
    _tables.c.seating_closed,
)
# A dashboard needs to know a table is alive, not the second: one extra write per table and
# ACTIVITY_GRAIN seconds at most (an answer otherwise writes no table row).
ACTIVITY_GRAIN = 15.0
# Built once: a prebuilt statement also keeps its cache key, so executing it costs no compiling.
_TABLE_BY_PUBLIC_ID = select(*_TABLE_COLUMNS).where(_tables.c.public_id == bindparam("public_id"))
_TABLE_BY_PUBLIC_ID_FOR_UPDATE = _TABLE_BY_PUBLIC_ID.with_for_update()
_TABLE_BY_ID = select(*_TABLE_COLUMNS).where(_tables.c.id == bindparam("table_id"))
_ROUNDS = (
    select(_rounds.c.id, _rounds.c.card_index, _rounds.c.status, _rounds.c.result)
    .where(_rounds.c.table_id == bindparam("table_id"))
    .order_by(_rounds.c.card_index)
)
_SEATS = (
    select(
        _seats.c.id,
        _seats.c.public_id,
        _seats.c.nickname,
        _seats.c.is_host,
        _seats.c.perspective,
        _seats.c.position,
    )
    .where(_seats.c.table_id == bindparam("table_id"))
    .order_by(_seats.c.position)
)
# Only the current round can be open (the engine closes or skips a round before it moves
# on), so its pending answers come along with the seats in the same statement.
_SEATS_WITH_PENDING = _SEATS.add_columns(_pending.c.id.label("pending_id"), _pending.c.value).outerjoin_from(
    _seats,
    _pending,
    and_(_pending.c.seat_id == _seats.c.id, _pending.c.round_id == bindparam("round_id")),
)
_ACTIONS = (
    select(
        _actions.c.public_id,
        _actions.c.card_index,
        _actions.c.who,
        _actions.c.what,
        _actions.c.due,
        _actions.c.position,
    )
    .where(_actions.c.table_id == bindparam("table_id"))
    .order_by(_actions.c.position)
)
_INSERT_PENDING = insert(_pending)
_INSERT_ANSWERS = insert(_answers)
_DELETE_PENDING = delete(_pending).where(_pending.c.round_id == bindparam("round_id"))
_SEAT_UPDATE = (
    update(_seats)
    .where(_seats.c.id == bindparam("pk"))
    .values(
        nickname=bindparam("v_nickname"),
        is_host=bindparam("v_is_host"),
        perspective=bindparam("v_perspective"),
    )
)
_PENDING_UPDATE = (
    update(_pending)
    .where(_pending.c.round_id == bindparam("r"), _pending.c.seat_id == bindparam("s"))
    .values(value=bindparam("v_value"))
)


@dataclass
class Stored:
    """A table's state as read, with the row ids and positions a write needs."""

    table_id: int
    state: TableState
    seat_pks: dict[str, int]  # seat public id -> seats.id
    round_pks: dict[int, int]  # card index -> rounds.id
    seat_position: int  # highest seats.position so far
    action_position: int  # highest team_actions.position so far
    conference_id: int | None = None  # a conference table's event
    activity_at: float | None = None
    label: str | None = None  # its name at the event ("Tafel 7")
    seating_closed: bool = False


def _inserted_pk(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None  # an INSERT of one row always has one
    return int(key[0])


def _connection() -> Connection:
    return db.session.connection()


def load(public_id: str, *, for_update: bool = False) -> Stored | None:
    """Read a table by its public id; ``for_update`` row-locks it on PostgreSQL.

    On SQLite the per-table lock in ``service`` serialises writers (one process only).
    """
    conn = _connection()
    locking = for_update and conn.dialect.name == "postgresql"
    query = _TABLE_BY_PUBLIC_ID_FOR_UPDATE if locking else _TABLE_BY_PUBLIC_ID
    row = conn.execute(query, {"public_id": public_id}).first()
    return _load_rest(conn, row) if row is not None else None


def load_by_id(table_id: int) -> Stored:
    conn = _connection()
    return _load_rest(conn, conn.execute(_TABLE_BY_ID, {"table_id": table_id}).one())


def _load_rest(conn: Connection, table: Any) -> Stored:
    state = TableState(
        cards=decks.rules(table.deck_slug),
        settings=Settings(k=table.k, k_text=table.k_text, capacity=table.capacity, steered=table.steered),
        status=TableStatus(table.status),
        locked=table.locked,
        paused=table.paused,
        card_index=table.card_index,
        timer_ends_at=table.timer_ends_at,
        keep_open_text=table.keep_open_text,
        hold_at=table.hold_at,
    )
    round_pks: dict[int, int] = {}
    for row in conn.execute(_ROUNDS, {"table_id": table.id}):
        round_pks[row.card_index] = row.id
        state.rounds[row.card_index] = Round(
            card_index=row.card_index,
            status=RoundStatus(row.status),
            result=Result.from_dict(row.result) if row.result else None,
        )
    current = state.rounds.get(state.card_index)
    open_pk = round_pks[state.card_index] if current and current.status is RoundStatus.OPEN else None
    if open_pk is None:
        seat_rows = conn.execute(_SEATS, {"table_id": table.id})
    else:
        seat_rows = conn.execute(_SEATS_WITH_PENDING, {"table_id": table.id, "round_id": open_pk})
    seat_pks: dict[str, int] = {}
    seat_position = 0
    for row in seat_rows:
        seat_pks[row.public_id] = row.id
        seat_position = max(seat_position, row.position)
        state.seats[row.public_id] = Seat(row.public_id, row.nickname, row.is_host, row.perspective)
        if open_pk is not None and row.pending_id is not None:
            assert current is not None
            current.answers[row.public_id] = row.value
    action_position = 0
    for row in conn.execute(_ACTIONS, {"table_id": table.id}):
        action_position = max(action_position, row.position)
        state.actions.append(TeamAction(row.public_id, row.card_index, row.who, row.what, row.due))
    return Stored(
        table.id,
        state,
        seat_pks,
        round_pks,
        seat_position,
        action_position,
        table.conference_id,
        table.activity_at,
        table.conference_label,
        table.seating_closed,
    )


def empty(table: Table) -> Stored:
    """A table that was just flushed and has nothing yet: no need to read it back."""
    state = TableState(
        cards=decks.rules(table.deck_slug),
        settings=Settings(k=table.k, k_text=table.k_text, capacity=table.capacity, steered=table.steered),
        hold_at=table.hold_at,
    )
    return Stored(
        table.id,
        state,
        {},
        {},
        0,
        0,
        table.conference_id,
        table.activity_at,
        table.conference_label,
        table.seating_closed,
    )


def save(
    stored: Stored,
    new: TableState,
    events: tuple[ev.Event, ...],
    new_tokens: dict[str, str] | None = None,
    now: float | None = None,
) -> None:
    """Write the difference between ``stored.state`` and ``new`` (the caller commits)."""
    conn = _connection()
    old = stored.state
    _save_table(conn, stored, old, new, now)
    _insert_seats(conn, stored, new, new_tokens or {})
    sealed = {event.card_index: event for event in events if isinstance(event, ev.AnswersSealed)}
    _save_rounds(conn, stored, old, new, sealed)
    _delete_seats(conn, stored, new)
    _save_actions(conn, stored, old, new)
    if any(isinstance(event, ev.TableEnded) and not event.keep_open_text for event in events):
        _purge_open_text(conn, stored, new)


def _save_table(
    conn: Connection, stored: Stored, old: TableState, new: TableState, now: float | None
) -> None:
    changes: dict[str, object] = {}
    if now is not None and (stored.activity_at is None or now - stored.activity_at >= ACTIVITY_GRAIN):
        changes["activity_at"] = stored.activity_at = now
    for name in ("locked", "paused", "card_index", "timer_ends_at", "keep_open_text", "hold_at"):
        if getattr(old, name) != getattr(new, name):
            changes[name] = getattr(new, name)
    if old.status is not new.status:
        changes["status"] = new.status.value
        if new.status is TableStatus.ENDED:
            changes["ended_at"] = utcnow()
            changes["join_code"] = None  # an ended table cannot be joined, and its code may be reused
    if changes:
        conn.execute(update(_tables).where(_tables.c.id == stored.table_id).values(**changes))


def _insert_seats(conn: Connection, stored: Stored, new: TableState, tokens: dict[str, str]) -> None:
    changed = []
    for seat in new.seats.values():
        before = stored.state.seats.get(seat.id)
        if before is None:
            stored.seat_position += 1
            result = conn.execute(
                insert(_seats).values(
                    table_id=stored.table_id,
                    public_id=seat.id,
                    token_hash=tokens[seat.id],
                    nickname=seat.nickname,
                    is_host=seat.is_host,
                    perspective=seat.perspective,
                    position=stored.seat_position,
                )
            )
            stored.seat_pks[seat.id] = _inserted_pk(result)
        elif before != seat:
            changed.append(
                {
                    "pk": stored.seat_pks[seat.id],
                    "v_nickname": seat.nickname,
                    "v_is_host": seat.is_host,
                    "v_perspective": seat.perspective,
                }
            )
    if changed:
        conn.execute(_SEAT_UPDATE, changed)


def _delete_seats(conn: Connection, stored: Stored, new: TableState) -> None:
    gone = [pk for public_id, pk in stored.seat_pks.items() if public_id not in new.seats]
    if gone:  # their pending answers were deleted above (and would cascade anyway)
        conn.execute(delete(_seats).where(_seats.c.id.in_(gone)))


def _save_rounds(
    conn: Connection,
    stored: Stored,
    old: TableState,
    new: TableState,
    sealed: dict[int, ev.AnswersSealed],
) -> None:
    for index, round_ in new.rounds.items():
        before = old.rounds.get(index)
        pk = stored.round_pks.get(index)
        if pk is None:
            result = conn.execute(
                insert(_rounds).values(
                    table_id=stored.table_id,
                    card_index=index,
                    card_id=new.cards[index].id,
                    status=round_.status.value,
                    result=round_.result.to_dict() if round_.result else None,
                )
            )
            pk = stored.round_pks[index] = _inserted_pk(result)
        else:
            changes: dict[str, object] = {}
            if before is None or before.status is not round_.status:
                changes["status"] = round_.status.value
            if before is None or before.result != round_.result:
                changes["result"] = round_.result.to_dict() if round_.result else None
            if index in sealed:
                changes["groups"] = sealed[index].groups
            if changes:
                conn.execute(update(_rounds).where(_rounds.c.id == pk).values(**changes))
        _save_pending(conn, stored, pk, before.answers if before else {}, round_.answers)
        if index in sealed:
            # The revealed answers: no seat, no time, in the engine's shuffled order; one executemany.
            conn.execute(_INSERT_ANSWERS, [{"round_id": pk, "value": v} for v in sealed[index].answers])


def _save_pending(
    conn: Connection, stored: Stored, round_pk: int, before: dict[str, Any], after: dict[str, Any]
) -> None:
    if before == after:
        return
    if not after:  # closed, skipped or emptied: the link between seat and answer goes at once
        conn.execute(_DELETE_PENDING, {"round_id": round_pk})
        return
    gone = [stored.seat_pks[s] for s in before if s not in after and s in stored.seat_pks]
    if gone:
        conn.execute(delete(_pending).where(_pending.c.round_id == round_pk, _pending.c.seat_id.in_(gone)))
    added = [
        {"round_id": round_pk, "seat_id": stored.seat_pks[s], "value": v}
        for s, v in after.items()
        if s not in before
    ]
    if added:
        conn.execute(_INSERT_PENDING, added)
    changed = [
        {"r": round_pk, "s": stored.seat_pks[s], "v_value": v}
        for s, v in after.items()
        if s in before and before[s] != v
    ]
    if changed:
        conn.execute(_PENDING_UPDATE, changed)


def _save_actions(conn: Connection, stored: Stored, old: TableState, new: TableState) -> None:
    if old.actions == new.actions:
        return
    wanted = {action.id for action in new.actions}
    have = {action.id for action in old.actions}
    gone = list(have - wanted)
    if gone:
        conn.execute(
            delete(_actions).where(_actions.c.table_id == stored.table_id, _actions.c.public_id.in_(gone))
        )
    added = []
    for action in new.actions:
        if action.id not in have:
            stored.action_position += 1
            added.append(
                {
                    "table_id": stored.table_id,
                    "public_id": action.id,
                    "card_index": action.card_index,
                    "who": action.who,
                    "what": action.what,
                    "due": action.due,
                    "position": stored.action_position,
                }
            )
    if added:
        conn.execute(insert(_actions), added)


def _purge_open_text(conn: Connection, stored: Stored, state: TableState) -> None:
    open_rounds = [
        stored.round_pks[index]
        for index in state.rounds
        if state.cards[index].kind is CardKind.OPEN and index in stored.round_pks
    ]
    if open_rounds:
        conn.execute(delete(_answers).where(_answers.c.round_id.in_(open_rounds)))


def load_state(table: Table) -> TableState:
    """The engine's view of ``table`` (read-only callers: pages, reports, socket connects)."""
    return load_by_id(table.id).state
