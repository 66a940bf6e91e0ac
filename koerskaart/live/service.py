"""Table services: each call is one transaction that runs the engine and says what to send where.

Nothing here emits: handlers do, after the commit, so a client is never told about
something the database does not hold.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select

from ..engine import ActionRefused, Code, TableState, TableStatus, apply
from ..engine import actions as act
from ..engine import events as ev
from ..extensions import db
from ..models import Seat, Table, User
from . import decks, store, views
from .codes import format_code, new_join_code, normalise_code

_rng = random.SystemRandom()  # shuffles that anonymise must not be predictable
_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
_locks_guard = threading.Lock()


class TableUnavailable(Exception):
    """Unknown, locked, full or ended: deliberately indistinguishable."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


@dataclass
class Emit:
    event: str
    payload: dict[str, object]
    room: str


@dataclass
class Outcome:
    emits: list[Emit] = field(default_factory=list)
    removed_seats: list[str] = field(default_factory=list)
    state: TableState | None = None


def table_room(public_id: str) -> str:
    return f"table:{public_id}"


def seat_room(public_id: str) -> str:
    return f"seat:{public_id}"


@contextmanager
def _serialised(table_public_id: str) -> Iterator[None]:
    """One change at a time per table in this process; FOR UPDATE serialises across processes.

    Keyed by the public id, which every caller already has: no query to find the lock.
    """
    with _locks_guard:
        lock = _locks[table_public_id]
    with lock:
        yield


def create_table(
    deck_slug: str,
    nickname: str | None,
    owner: User | None = None,
    role: str | None = None,
    team_label: str | None = None,
) -> tuple[Table, str, str, str]:
    """A new table with its host seated; returns (table, host seat id, rejoin token, screen key).

    A table started by a logged-in account belongs to it and its organisation, and may
    carry the facilitator's name for the team (anonymous tables never do).
    """
    deck = decks.get(deck_slug)
    if deck is None:
        raise ValueError("unknown deck")
    config = current_app.config
    screen_key = new_token()
    table = Table(
        public_id=secrets.token_urlsafe(12),
        join_code=_free_code(),
        screen_key_hash=token_hash(screen_key),
        deck_slug=deck.slug,
        deck_version=deck.version,
        k=max(3, config["KOERSKAART_K"]),
        k_text=max(3, config["KOERSKAART_K"], config["KOERSKAART_K_TEXT"]),
        capacity=config["TABLE_CAPACITY"],
        owner_id=owner.id if owner is not None else None,
        organisation_id=owner.organisation_id if owner is not None else None,
        team_label=team_label if owner is not None else None,
    )
    db.session.add(table)
    db.session.flush()
    seat_id, token = _seat(table, act.Join(secrets.token_urlsafe(12), nickname, as_host=True, role=role))
    db.session.commit()
    return table, seat_id, token, screen_key


def _free_code() -> str:
    for _ in range(10):
        code = new_join_code()
        if db.session.scalar(select(func.count()).where(Table.join_code == code)) == 0:
            return code
    raise RuntimeError("could not find a free join code")  # 30^8 codes: practically unreachable


def _seat(table: Table, join: act.Join) -> tuple[str, str]:
    stored = store.empty(table)  # just flushed: nothing to read back
    try:
        outcome = apply(stored.state, join, time.time(), _rng)
    except ActionRefused as exc:
        raise TableUnavailable from exc
    token = new_token()
    store.save(stored, outcome.state, outcome.events, {join.seat_id: token_hash(token)})
    return join.seat_id, token


def join_table(
    raw_code: str, nickname: str | None, role: str | None = None
) -> tuple[Table, str, str, Outcome]:
    """Seat a new player by join code; every refusal is the same TableUnavailable."""
    code = normalise_code(raw_code)
    # One query whatever the reason for a refusal, so refusals also take the same time.
    row = db.session.execute(
        select(Table, func.count(Seat.id))
        .outerjoin(Seat, Seat.table_id == Table.id)
        .where(Table.join_code == (code or "-"))
        .group_by(Table.id)
    ).first()
    if row is None or row[0].locked or row[0].status == TableStatus.ENDED.value or row[1] >= row[0].capacity:
        raise TableUnavailable
    table: Table = row[0]
    with _serialised(table.public_id):
        stored = store.load(table.public_id, for_update=True)
        if stored is None:
            db.session.rollback()
            raise TableUnavailable
        seat_public_id = secrets.token_urlsafe(12)
        try:
            outcome = apply(stored.state, act.Join(seat_public_id, nickname, role=role), time.time(), _rng)
        except ActionRefused as exc:
            db.session.rollback()
            raise TableUnavailable from exc
        token = new_token()
        store.save(stored, outcome.state, outcome.events, {seat_public_id: token_hash(token)})
        db.session.commit()
    return table, seat_public_id, token, _outcome(table.public_id, outcome.state, outcome.events)


def find_seat(table_public_id: str, token: str | None) -> Seat | None:
    if not token or len(token) > 200:
        return None
    return db.session.scalars(
        select(Seat)
        .join(Table)
        .where(Seat.token_hash == token_hash(token), Table.public_id == table_public_id)
    ).first()


def screen_allowed(table: Table, key: str | None) -> bool:
    if not key or len(key) > 200:
        return False
    return hmac.compare_digest(table.screen_key_hash, token_hash(key))


def get_table(public_id: str) -> Table | None:
    return db.session.scalars(select(Table).where(Table.public_id == public_id)).first()


def perform(table_public_id: str, build: Callable[[TableState], act.Action]) -> Outcome:
    """Run one action on a table in one transaction; raises ActionRefused (nothing stored).

    The table is read once, under the lock (and FOR UPDATE on PostgreSQL), and only
    the difference is written: see ``store``.
    """
    with _serialised(table_public_id):
        try:
            db.session.rollback()  # start fresh: read what other processes committed
            stored = store.load(table_public_id, for_update=True)
            if stored is None:
                raise ActionRefused(Code.NOT_SEATED)
            outcome = apply(stored.state, build(stored.state), time.time(), _rng)
            store.save(stored, outcome.state, outcome.events)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
    return _outcome(table_public_id, outcome.state, outcome.events)


def expire(table_public_id: str) -> None:
    """End a table nobody ended (retention), inside the caller's transaction: the caller commits.

    The engine's Expire ends it as the host would, without keeping open text. Nobody is
    told: the table was abandoned long ago (``retention``), and the CLI has no sockets.
    """
    with _serialised(table_public_id):
        stored = store.load(table_public_id, for_update=True)
        if stored is None:
            raise ActionRefused(Code.NOT_SEATED)
        outcome = apply(stored.state, act.Expire(), time.time(), _rng)
        store.save(stored, outcome.state, outcome.events)


def current_state(table: Table) -> TableState:
    return store.load_state(table)


_COUNT_ONLY = (ev.AnswerCountChanged, ev.AnswerRecorded, ev.AnswersSealed, ev.SeatRemoved)


def _outcome(table_public_id: str, state: TableState, events: tuple[ev.Event, ...]) -> Outcome:
    """Turn engine events into messages: one snapshot for state changes, counts on the hot path."""
    outcome = Outcome(state=state)
    room = table_room(table_public_id)
    changes = [event for event in events if not isinstance(event, _COUNT_ONLY)]
    for event in events:
        if isinstance(event, ev.SeatRemoved):
            outcome.removed_seats.append(event.seat_id)
            outcome.emits.append(Emit("seat_removed", {}, seat_room(event.seat_id)))
    if changes:
        outcome.emits.append(Emit("table_updated", views.snapshot(state, views.reason(changes)), room))
    else:
        counts = [event for event in events if isinstance(event, ev.AnswerCountChanged)]
        if counts:
            last = counts[-1]
            payload: dict[str, object] = {
                "card_index": last.card_index,
                "answered": last.answered,
                "total": last.total,
            }
            outcome.emits.append(Emit("answer_count_changed", payload, room))
    return outcome


__all__ = [
    "Emit",
    "Outcome",
    "TableUnavailable",
    "create_table",
    "current_state",
    "find_seat",
    "format_code",
    "get_table",
    "join_table",
    "perform",
    "screen_allowed",
    "seat_room",
    "table_room",
]
