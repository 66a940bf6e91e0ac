"""Table services: each call is one transaction that runs the engine and says what to send where.

Nothing here emits: handlers publish the returned ``Delivery`` after the commit, so a
client is never told about something the database does not hold.
"""

from __future__ import annotations

import hmac
import random
import secrets
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from flask import current_app, url_for
from sqlalchemy import func, select

from ..engine import MIN_K, ActionRefused, Code, TableState, TableStatus, apply
from ..engine import actions as act
from ..extensions import db
from ..models import Seat, Table, User
from ..models.table import normalise_team_label
from ..qr import join_qr_svg
from ..security import TOKEN_MAX_LENGTH, new_token, token_hash
from . import decks, store, views
from .codes import format_code, new_join_code, normalise_code
from .delivery import Delivery, address
from .rooms import seat_room, table_room

_rng = random.SystemRandom()  # shuffles that anonymise must not be predictable
_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
_locks_guard = threading.Lock()

ClientKind = Literal["seat", "screen"]  # what a socket is: a player's phone, or a table screen
CLIENT_KINDS: tuple[ClientKind, ...] = ("seat", "screen")


class TableUnavailable(Exception):
    """Unknown, locked, full or ended: deliberately indistinguishable."""


class NotAuthenticated(Exception):
    """A socket that is no seat or screen of the table it names: unknown, removed or wrong key alike."""


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
    perspective: str | None = None,
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
        k=max(MIN_K, config["KOERSKAART_K"]),
        k_text=max(MIN_K, config["KOERSKAART_K"], config["KOERSKAART_K_TEXT"]),
        capacity=config["TABLE_CAPACITY"],
        owner_id=owner.id if owner is not None else None,
        organisation_id=owner.organisation_id if owner is not None else None,
        team_label=normalise_team_label(team_label) if owner is not None else None,
    )
    db.session.add(table)
    db.session.flush()
    seat_id, token = _seat(
        table, act.Join(secrets.token_urlsafe(12), nickname, as_host=True, perspective=perspective)
    )
    db.session.commit()
    return table, seat_id, token, screen_key


def _free_code() -> str:
    for _ in range(10):
        code = new_join_code()
        if db.session.scalar(select(func.count()).where(Table.join_code == code)) == 0:
            return code
    raise RuntimeError("could not find a free join code")  # 29^8 codes: practically unreachable


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
    raw_code: str, nickname: str | None, perspective: str | None = None
) -> tuple[Table, str, str, Delivery]:
    """Seat a new player by join code; every refusal is the same TableUnavailable."""
    code = normalise_code(raw_code)
    # One query whatever the reason for a refusal, so refusals also take the same time.
    row = db.session.execute(
        select(Table, func.count(Seat.id))
        .outerjoin(Seat, Seat.table_id == Table.id)
        .where(Table.join_code == (code or "-"))
        .group_by(Table.id)
    ).first()
    if row is None or row[0].locked or row[0].status == TableStatus.ENDED or row[1] >= row[0].capacity:
        raise TableUnavailable
    table: Table = row[0]
    with _serialised(table.public_id):
        stored = store.load(table.public_id, for_update=True)
        if stored is None:
            db.session.rollback()
            raise TableUnavailable
        seat_public_id = secrets.token_urlsafe(12)
        try:
            outcome = apply(
                stored.state, act.Join(seat_public_id, nickname, perspective=perspective), time.time(), _rng
            )
        except ActionRefused as exc:
            db.session.rollback()
            raise TableUnavailable from exc
        token = new_token()
        store.save(stored, outcome.state, outcome.events, {seat_public_id: token_hash(token)})
        db.session.commit()
    return table, seat_public_id, token, address(table.public_id, outcome.state, outcome.events)


def find_seat(table_public_id: str, token: str | None) -> Seat | None:
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return db.session.scalars(
        select(Seat)
        .join(Table)
        .where(Seat.token_hash == token_hash(token), Table.public_id == table_public_id)
    ).first()


def screen_allowed(table: Table, key: str | None) -> bool:
    if not key or len(key) > TOKEN_MAX_LENGTH:
        return False
    return hmac.compare_digest(table.screen_key_hash, token_hash(key))


def get_table(public_id: str) -> Table | None:
    return db.session.scalars(select(Table).where(Table.public_id == public_id)).first()


def perform(table_public_id: str, action: act.Action) -> Delivery:
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
            outcome = apply(stored.state, action, time.time(), _rng)
            store.save(stored, outcome.state, outcome.events)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
    return address(table_public_id, outcome.state, outcome.events)


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


@dataclass(frozen=True)
class Connected:
    """A socket the table accepted: the rooms it joins and its ``table_joined`` message."""

    seat_id: str | None
    rooms: tuple[str, ...]
    joined: dict[str, object]


def connect(table_public_id: object, kind: object, seat_token: str | None, screen_key: object) -> Connected:
    """Who a new socket is (a seat by its cookie, a screen by its key) and what it is told first.

    Raises NotAuthenticated for everything else, with no hint which check failed.
    """
    if not isinstance(table_public_id, str) or len(table_public_id) > 64 or kind not in CLIENT_KINDS:
        raise NotAuthenticated
    table = get_table(table_public_id)
    if table is None:
        raise NotAuthenticated
    seat_id: str | None = None
    rooms = [table_room(table_public_id)]
    if kind == "seat":
        seat = find_seat(table_public_id, seat_token)
        if seat is None:
            raise NotAuthenticated
        seat_id = seat.public_id
        rooms.insert(0, seat_room(seat_id))
    elif not screen_allowed(table, screen_key if isinstance(screen_key, str) else None):
        raise NotAuthenticated
    state = current_state(table)
    return Connected(seat_id, tuple(rooms), _joined_view(table, state, kind, seat_id))


def _joined_view(table: Table, state: TableState, kind: str, seat_id: str | None) -> dict[str, object]:
    join = None
    if table.join_code and state.status is not TableStatus.ENDED:
        code = format_code(table.join_code)
        url = url_for("play.join", _external=True) + "#" + code
        join = {"code": code, "url": url, "qr_svg": join_qr_svg(url)}
    # "role" on the wire is the socket's kind (seat or screen), as documented in the protocol.
    you: dict[str, object] = {"role": kind}
    if seat_id:
        you.update(seat_id=seat_id, my_answer=views.my_answer(state, seat_id))
    return {"you": you, "join": join, "table": views.snapshot(state)}


__all__ = [
    "CLIENT_KINDS",
    "ClientKind",
    "Connected",
    "NotAuthenticated",
    "TableUnavailable",
    "connect",
    "create_table",
    "current_state",
    "expire",
    "find_seat",
    "get_table",
    "join_table",
    "perform",
    "screen_allowed",
]
