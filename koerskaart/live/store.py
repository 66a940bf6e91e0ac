"""Reading a table's engine state from its rows, and writing back only what changed.

This is the hot path of every event (docs/performance.md): plain Core statements on the
session's connection, no ORM unit of work, no lazy loads. Reading a table costs one SELECT
of its row when this process has its seats, rounds and actions cached at the row's
``version``, and four otherwise (table, rounds, seats with the open round's pending
answers, team actions). An answer adds one INSERT and the version's UPDATE, a reveal one
UPDATE of the round, one DELETE and one multi-row INSERT.

The cache (``TableCache``), and why a stale entry can never be used
------------------------------------------------------------------
Every transaction that changes a table's seats, rounds, pending answers or team actions
raises ``tables.version`` in the same transaction: ``save`` does, ``bump`` does for the
few writers outside it, and an ORM flush of such rows does on its own (``_orm_changes_bump``).
Committed versions therefore only grow, and each committed version names one content.

An entry is (table id, version, the three reads as immutable tuples), keyed by public id,
and is only ever filled in two ways:

* by a read, labelled with the version read *before* the child rows. Later statements
  see data at least as new (read committed, SQLite, or one lock-held snapshot), so the
  content is that of the label or of a later commit; a later commit has a higher version,
  which every later read sees, so a too-new entry is never matched, only wasted. A read in
  a transaction that has itself changed the table (``_WRITTEN``) would see uncommitted
  rows: it fills nothing.
* by ``save``, at the version its own UPDATE … RETURNING reports, and only once the
  session commits (``_after_commit``); a rollback, a failed commit or a closed session
  drops it (``_after_transaction_end``). If the returned version is not the loaded one
  plus one, someone else changed the table between the read and the write, and nothing is
  cached. So an uncommitted version number (which another process may reach later with
  other content, after this one rolls back) never labels anything in the cache.

Every load builds new engine objects from the entry's tuples, so what a caller changes
(the engine copies anyway) can never leak into the cache. Ended tables are not cached.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import (
    Connection,
    CursorResult,
    Integer,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy import event as orm_events
from sqlalchemy.orm import InstanceState, Session, SessionTransaction, UOWTransaction

from ..clock import utcnow
from ..engine import Answer as AnswerValue
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
    _tables.c.deck_version,
    _tables.c.card_ids,
    _tables.c.deck_text,
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
    _tables.c.version,
    _tables.c.join_code,
    _tables.c.screen_key_hash,
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
_SEAT_BY_TOKEN_HASH = select(_seats.c.public_id, _seats.c.feedback_cards).where(
    _seats.c.table_id == bindparam("table_id"), _seats.c.token_hash == bindparam("token_hash")
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


_BUMP = (
    update(_tables)
    .where(_tables.c.id == bindparam("pk"))
    .values(version=_tables.c.version + 1)
    .returning(_tables.c.version)
)
# Tables per process: 2,000 players sit at 334 tables, 10,000 at 1,700. An entry of a
# 30-card table with 6 seats is about 12 KB, so a full cache stays below 25 MB.
CACHE_SIZE = 2048
_CACHE_KEY = "koerskaart.table_cache"
_PENDING = "koerskaart.store.pending"  # session.info: public id -> (cache, entry) to keep once committed
_WRITTEN = "koerskaart.store.written"  # session.info: ids of tables this transaction changed


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
    public_id: str = ""
    version: int = 0  # tables.version as read (after ``save``: as written)
    join_code: str | None = None
    screen_key_hash: str = ""


@dataclass(frozen=True)
class _Rest:
    """What the three reads after the table's row returned, as immutable values (see the module's doc).

    Only the open round's pending answers are read, so they are kept with the card index
    they belong to: an entry is of no use if the table's current round is another open one.
    """

    table_id: int
    version: int
    rounds: tuple[tuple[int, int, RoundStatus, Result | None], ...]  # (card index, pk, status, result)
    open_indexes: frozenset[int]
    seats: tuple[tuple[str, int, str | None, bool, str | None], ...]  # (id, pk, nickname, host, perspective)
    pending_index: int | None  # the card whose pending answers were read, if its round was open
    pending: tuple[tuple[str, AnswerValue], ...]  # (seat id, value) in seat order
    actions: tuple[tuple[str, int, str, str, str], ...]  # (id, card index, who, what, due)
    seat_position: int
    action_position: int

    def fits(self, table: Any) -> bool:
        return (
            self.table_id == table.id
            and self.version == table.version
            and (table.card_index not in self.open_indexes or table.card_index == self.pending_index)
        )


class TableCache:
    """Per process (one per app): each table's ``_Rest``, least recently used first out."""

    def __init__(self, maxsize: int = CACHE_SIZE) -> None:
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[str, _Rest] = OrderedDict()
        self._lock = threading.Lock()  # threading mode; under gevent nothing in here yields

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, public_id: object) -> bool:
        return public_id in self._entries

    def get(self, public_id: str) -> _Rest | None:
        with self._lock:
            rest = self._entries.get(public_id)
            if rest is not None:
                self._entries.move_to_end(public_id)
            return rest

    def put(self, public_id: str, rest: _Rest) -> None:
        with self._lock:
            held = self._entries.get(public_id)
            if held is not None and held.table_id == rest.table_id and held.version > rest.version:
                return  # a slow reader does not replace what a later commit left
            self._entries[public_id] = rest
            self._entries.move_to_end(public_id)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)

    def drop(self, public_id: str) -> None:
        with self._lock:
            self._entries.pop(public_id, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def cache() -> TableCache:
    """This app's table cache (each app its own, so tests' apps never share one)."""
    extensions = current_app.extensions
    found = extensions.get(_CACHE_KEY)
    if found is None:
        found = extensions.setdefault(_CACHE_KEY, TableCache())
    assert isinstance(found, TableCache)
    return found


def _inserted_pk(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None  # an INSERT of one row always has one
    return int(key[0])


def _connection() -> Connection:
    return db.session.connection()


def _written() -> set[int]:
    written: set[int] = db.session.info.setdefault(_WRITTEN, set())
    return written


def load(public_id: str, *, for_update: bool = False) -> Stored | None:
    """Read a table by its public id; ``for_update`` row-locks it on PostgreSQL.

    On SQLite the per-table lock in ``service`` serialises writers (one process only).
    """
    conn = _connection()
    locking = for_update and conn.dialect.name == "postgresql"
    query = _TABLE_BY_PUBLIC_ID_FOR_UPDATE if locking else _TABLE_BY_PUBLIC_ID
    row = conn.execute(query, {"public_id": public_id}).first()
    return _with_rest(conn, row) if row is not None else None


def load_by_id(table_id: int) -> Stored:
    conn = _connection()
    return _with_rest(conn, conn.execute(_TABLE_BY_ID, {"table_id": table_id}).one())


def _with_rest(conn: Connection, table: Any) -> Stored:
    """The table's row as read, with its other rows from the cache if they are current there."""
    tables = cache()
    if table.status == TableStatus.ENDED.value:
        tables.drop(table.public_id)  # an ended table is read rarely (summaries): it takes no room
        return _build(table, _read_rest(conn, table))
    rest = tables.get(table.public_id)
    if rest is not None and rest.fits(table):
        tables.hits += 1
        return _build(table, rest)
    tables.misses += 1
    rest = _read_rest(conn, table)
    if table.id not in db.session.info.get(_WRITTEN, ()):
        tables.put(table.public_id, rest)
    return _build(table, rest)


def _read_rest(conn: Connection, table: Any) -> _Rest:
    rounds = tuple(
        (
            row.card_index,
            row.id,
            RoundStatus(row.status),
            Result.from_dict(row.result) if row.result else None,
        )
        for row in conn.execute(_ROUNDS, {"table_id": table.id})
    )
    open_indexes = frozenset(index for index, _pk, status, _result in rounds if status is RoundStatus.OPEN)
    open_pk = next((pk for index, pk, _s, _r in rounds if index == table.card_index), None)
    if table.card_index not in open_indexes:
        open_pk = None
    seats = []
    pending = []
    seat_position = 0
    if open_pk is None:
        seat_rows = conn.execute(_SEATS, {"table_id": table.id})
    else:
        seat_rows = conn.execute(_SEATS_WITH_PENDING, {"table_id": table.id, "round_id": open_pk})
    for row in seat_rows:
        seat_position = max(seat_position, row.position)
        seats.append((row.public_id, row.id, row.nickname, row.is_host, row.perspective))
        if open_pk is not None and row.pending_id is not None:
            pending.append((row.public_id, row.value))
    actions = []
    action_position = 0
    for row in conn.execute(_ACTIONS, {"table_id": table.id}):
        action_position = max(action_position, row.position)
        actions.append((row.public_id, row.card_index, row.who, row.what, row.due))
    return _Rest(
        table.id,
        table.version,
        rounds,
        open_indexes,
        tuple(seats),
        table.card_index if open_pk is not None else None,
        tuple(pending),
        tuple(actions),
        seat_position,
        action_position,
    )


def _build(table: Any, rest: _Rest) -> Stored:
    """New engine objects from the table's row and ``rest``: nothing handed out is shared."""
    state = TableState(
        cards=decks.rules(table.deck_slug, table.card_ids, table.deck_version, table.deck_text),
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
    rounds = state.rounds
    for index, pk, status, result in rest.rounds:
        round_pks[index] = pk
        rounds[index] = Round(card_index=index, status=status, result=result)
    if rest.pending and table.card_index == rest.pending_index:
        rounds[table.card_index].answers = dict(rest.pending)
    seat_pks: dict[str, int] = {}
    seats = state.seats
    for seat_id, pk, nickname, is_host, perspective in rest.seats:
        seat_pks[seat_id] = pk
        seats[seat_id] = Seat(seat_id, nickname, is_host, perspective)
    state.actions = [TeamAction(*action) for action in rest.actions]
    return Stored(
        table.id,
        state,
        seat_pks,
        round_pks,
        rest.seat_position,
        rest.action_position,
        table.conference_id,
        table.activity_at,
        table.conference_label,
        table.seating_closed,
        table.public_id,
        table.version,
        table.join_code,
        table.screen_key_hash,
    )


def empty(table: Table) -> Stored:
    """A table that was just flushed and has nothing yet: no need to read it back."""
    state = TableState(
        cards=decks.rules(table.deck_slug, table.card_ids, table.deck_version, table.deck_text),
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
        table.public_id,
        table.version,
        table.join_code,
        table.screen_key_hash,
    )


def save(
    stored: Stored,
    new: TableState,
    events: tuple[ev.Event, ...],
    new_tokens: dict[str, str] | None = None,
    now: float | None = None,
    *,
    card_clock: float | None = None,
) -> None:
    """Write the difference between ``stored.state`` and ``new`` (the caller commits).

    A change to seats, rounds, pending answers or actions also raises the table's version,
    and the new state is cached at it once the session commits. ``now`` marks a conference
    table's activity; ``card_clock`` (the action's time) times the cards the table leaves and
    enters, and without it a card left is not timed (an abandoned table expired long after).
    """
    conn = _connection()
    old = stored.state
    wrote = [
        _insert_seats(conn, stored, new, new_tokens or {}),
        _save_rounds(
            conn, stored, old, new, {e.card_index: e for e in events if isinstance(e, ev.AnswersSealed)}
        ),
        _delete_seats(conn, stored, new),
        _save_actions(conn, stored, old, new),
    ]
    _time_cards(conn, stored, old, new, card_clock)  # not read by ``load``: raises no version
    if any(isinstance(e, ev.TableEnded) and not e.keep_open_text for e in events):
        _purge_open_text(conn, stored, new)  # answers: not among what ``load`` reads
    version = _save_table(conn, stored, old, new, now, bump=any(wrote))
    if version is None:
        return
    _written().add(stored.table_id)
    tables = cache()
    if version != stored.version + 1 or new.status is TableStatus.ENDED or not stored.public_id:
        tables.drop(stored.public_id)  # someone wrote in between (see the module's doc), or it ended
    else:
        pending: dict[str, tuple[TableCache, _Rest]] = db.session.info.setdefault(_PENDING, {})
        pending[stored.public_id] = (tables, _rest_of(stored, old, new, version))
    stored.version = version


def _rest_of(stored: Stored, old: TableState, new: TableState, version: int) -> _Rest:
    """``new`` as ``_read_rest`` would read it back at ``version``."""
    # A Result is frozen and made of plain ints and strings, as read back from its JSON column.
    rounds = tuple(
        (index, stored.round_pks[index], new.rounds[index].status, new.rounds[index].result)
        for index in sorted(new.rounds)
    )
    open_indexes = frozenset(
        index for index, round_ in new.rounds.items() if round_.status is RoundStatus.OPEN
    )
    current = new.rounds.get(new.card_index)
    kept = {a.id: a for a in old.actions}  # an action is never rewritten: the row keeps what was added
    pending: tuple[tuple[str, AnswerValue], ...] = ()
    pending_index = None
    if current is not None and current.status is RoundStatus.OPEN:
        pending_index = new.card_index
        pending = tuple(
            (seat_id, current.answers[seat_id]) for seat_id in new.seats if seat_id in current.answers
        )
    return _Rest(
        stored.table_id,
        version,
        rounds,
        open_indexes,
        tuple(
            (seat.id, stored.seat_pks[seat.id], seat.nickname, seat.is_host, seat.perspective)
            for seat in new.seats.values()
        ),
        pending_index,
        pending,
        tuple((a.id, a.card_index, a.who, a.what, a.due) for a in (kept.get(a.id, a) for a in new.actions)),
        stored.seat_position,
        stored.action_position,
    )


def bump(table_ids: Iterable[int]) -> None:
    """Raise the version of tables whose seats, rounds, pending answers or actions were changed
    other than by ``save`` or an ORM flush (which raise it themselves), in the caller's transaction."""
    _bump(db.session(), table_ids)


def _bump(session: Session, table_ids: Iterable[int]) -> None:
    ids = sorted(set(table_ids))  # one order, so two bumps never wait on each other's rows
    if ids:
        session.connection().execute(
            update(_tables).where(_tables.c.id.in_(ids)).values(version=_tables.c.version + 1)
        )
        session.info.setdefault(_WRITTEN, set()).update(ids)


def _save_table(
    conn: Connection, stored: Stored, old: TableState, new: TableState, now: float | None, *, bump: bool
) -> int | None:
    """The table's row: what changed, and with ``bump`` the version; returns the new version if raised."""
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
            stored.join_code = None
    if not bump:
        if changes:
            conn.execute(update(_tables).where(_tables.c.id == stored.table_id).values(**changes))
        return None
    if not changes:
        return int(conn.execute(_BUMP, {"pk": stored.table_id}).scalar_one())
    statement = (
        update(_tables)
        .where(_tables.c.id == stored.table_id)
        .values(**changes, version=_tables.c.version + 1)
        .returning(_tables.c.version)
    )
    return int(conn.execute(statement).scalar_one())


def _insert_seats(conn: Connection, stored: Stored, new: TableState, tokens: dict[str, str]) -> bool:
    wrote = False
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
            wrote = True
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
    return wrote or bool(changed)


def _delete_seats(conn: Connection, stored: Stored, new: TableState) -> bool:
    gone = [pk for public_id, pk in stored.seat_pks.items() if public_id not in new.seats]
    if gone:  # their pending answers were deleted above (and would cascade anyway)
        conn.execute(delete(_seats).where(_seats.c.id.in_(gone)))
    return bool(gone)


def _save_rounds(
    conn: Connection,
    stored: Stored,
    old: TableState,
    new: TableState,
    sealed: dict[int, ev.AnswersSealed],
) -> bool:
    wrote = False
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
            wrote = True
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
                wrote = True
        if _save_pending(conn, stored, pk, before.answers if before else {}, round_.answers):
            wrote = True
        if index in sealed:
            # The revealed answers: no seat, no time, in the engine's shuffled order; one executemany.
            conn.execute(_INSERT_ANSWERS, [{"round_id": pk, "value": v} for v in sealed[index].answers])
    return wrote


def _time_cards(
    conn: Connection, stored: Stored, old: TableState, new: TableState, clock: float | None
) -> None:
    """How long the table stays on each card: a table-level time, never a seat's or an answer's.

    Entering a card stamps its round with the whole second; leaving it (another card, or the
    end) adds the whole seconds since then to the round's total and clears the stamp, so once
    a table has moved on only durations remain. A revisit adds to the same total.
    """
    was_on = old.card_index if old.status is TableStatus.PLAYING else None
    now_on = new.card_index if new.status is TableStatus.PLAYING else None
    if was_on == now_on:
        return
    second = float(int(clock)) if clock is not None else None
    left = stored.round_pks.get(was_on) if was_on is not None else None
    if left is not None:
        stamp = _rounds.c.entered_at
        values: dict[str, object] = {"entered_at": None}
        if second is not None:  # whole seconds; a clock that went back adds nothing
            spent = case((stamp < second, cast(second - stamp, Integer)), else_=0)
            values["seconds_on_card"] = func.coalesce(_rounds.c.seconds_on_card, 0) + spent
        conn.execute(update(_rounds).where(_rounds.c.id == left, stamp.is_not(None)).values(**values))
    entered = stored.round_pks.get(now_on) if now_on is not None else None
    if entered is not None and second is not None:
        conn.execute(update(_rounds).where(_rounds.c.id == entered).values(entered_at=second))


def _save_pending(
    conn: Connection, stored: Stored, round_pk: int, before: dict[str, Any], after: dict[str, Any]
) -> bool:
    if before == after:
        return False
    if not after:  # closed, skipped or emptied: the link between seat and answer goes at once
        conn.execute(_DELETE_PENDING, {"round_id": round_pk})
        return True
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
    return bool(gone or added or changed)


def _save_actions(conn: Connection, stored: Stored, old: TableState, new: TableState) -> bool:
    if old.actions == new.actions:
        return False
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
    return bool(gone or added)


def _purge_open_text(conn: Connection, stored: Stored, state: TableState) -> None:
    open_rounds = [
        stored.round_pks[index]
        for index in state.rounds
        if state.cards[index].kind is CardKind.OPEN and index in stored.round_pks
    ]
    if open_rounds:
        conn.execute(delete(_answers).where(_answers.c.round_id.in_(open_rounds)))


def seat_by_token_hash(table_id: int, token_hash: str) -> tuple[str, list[int] | None] | None:
    """A seat of the table by its rejoin token's hash: its public id and the cards it judged.

    Always a query, never the cache: a removed seat's token must stop working at once.
    """
    row = _connection().execute(_SEAT_BY_TOKEN_HASH, {"table_id": table_id, "token_hash": token_hash}).first()
    return (row.public_id, row.feedback_cards) if row is not None else None


def load_state(table: Table) -> TableState:
    """The engine's view of ``table`` (read-only callers: pages, reports, socket connects)."""
    return load_by_id(table.id).state


# -- what the session's transaction means for the cache ------------------------------------


@orm_events.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the transaction may still roll back
    pending: dict[str, tuple[TableCache, _Rest]] | None = session.info.pop(_PENDING, None)
    for public_id, (tables, rest) in (pending or {}).items():
        tables.put(public_id, rest)


@orm_events.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous: SessionTransaction) -> None:
    session.info.pop(_PENDING, None)  # a savepoint's rollback too: keeping less is always safe


@orm_events.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # committed (applied above), rolled back, failed or closed
        session.info.pop(_PENDING, None)
        session.info.pop(_WRITTEN, None)


_CHILD_ROWS = (SeatRow, RoundRow, TeamActionRow, PendingAnswer)
_NOT_READ = frozenset(
    {"feedback_cards", "groups", "entered_at", "seconds_on_card", "table", "pending"}
)  # what ``load`` never reads


def _parent_ids(session: Session, objects: Iterable[object]) -> set[int]:
    """The tables that ORM-changed seats, rounds, pending answers or actions belong to."""
    table_ids: set[int] = set()
    round_ids: set[int] = set()
    for obj in objects:
        if isinstance(obj, PendingAnswer):
            round_ids.add(obj.round_id)
        elif isinstance(obj, _CHILD_ROWS):
            table_ids.add(obj.table_id)
    if round_ids:
        found = session.connection().execute(select(_rounds.c.table_id).where(_rounds.c.id.in_(round_ids)))
        table_ids.update(found.scalars())
    return table_ids


def _changes_what_load_reads(obj: object) -> bool:
    state: InstanceState[Any] = inspect(obj)
    return any(attr.history.has_changes() for attr in state.attrs if attr.key not in _NOT_READ)


@orm_events.listens_for(Session, "before_flush")
def _orm_changes_bump(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    """A seat, round, pending answer or action changed or deleted through the ORM raises its table's
    version too (before the flush, while the row and its parent ids can still be read).

    No service writes them so except retention (a round's kept texts); tests do. A seat's
    ``feedback_cards`` (live/feedback.py) is not read by ``load``: changing it raises nothing,
    which also keeps that seat's row lock from ever waiting for a table lock.
    """
    changed = [obj for obj in session.dirty if isinstance(obj, _CHILD_ROWS) and _changes_what_load_reads(obj)]
    deleted = [obj for obj in session.deleted if isinstance(obj, _CHILD_ROWS)]
    if changed or deleted:
        _bump(session, _parent_ids(session, [*changed, *deleted]))


@orm_events.listens_for(Session, "after_flush")
def _orm_additions_bump(session: Session, _flush: UOWTransaction) -> None:
    """Rows added through the ORM: their parent ids are known once inserted."""
    added = [obj for obj in session.new if isinstance(obj, _CHILD_ROWS)]
    if added:
        _bump(session, _parent_ids(session, added))
