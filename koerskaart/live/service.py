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
from typing import Any, Literal

from flask import current_app, url_for
from sqlalchemy import func, select

from ..content import FULL_ROUTE, Deck
from ..engine import MIN_K, ActionRefused, Code, TableState, TableStatus, apply
from ..engine import actions as act
from ..extensions import db
from ..models import Conference, DeckRequest, Seat, Table, User
from ..models.table import normalise_team_label
from ..qr import join_qr_svg
from ..security import TOKEN_MAX_LENGTH, new_token, token_hash
from . import conference, decks, store, usage, views
from .codes import format_code, new_join_code, normalise_code
from .delivery import Delivery, Emit, address
from .rooms import event_room, seat_room, table_room

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


def seat_cookie_name(table_public_id: str) -> str:
    """The HttpOnly cookie that holds a seat's rejoin token (docs/socket-protocol.md)."""
    return f"kk_seat_{table_public_id}"


def seat_cookie_options() -> dict[str, Any]:
    """How every page that seats someone sets that cookie."""
    return {
        "max_age": current_app.config["SEAT_COOKIE_MAX_AGE"],
        "httponly": True,
        "secure": current_app.config["SESSION_COOKIE_SECURE"],
        "samesite": "Lax",
    }


serialised = _serialised  # the conference feature serialises an event's seating the same way


@dataclass(frozen=True)
class Playtest:
    """A studio draft played before it is published: its deck, its text as of now, its number."""

    deck: Deck
    text: str
    number: int


def create_table(
    deck_slug: str,
    nickname: str | None,
    owner: User | None = None,
    perspective: str | None = None,
    team_label: str | None = None,
    route: str = "",
    chosen_phases: tuple[str, ...] = (),
    playtest: Playtest | None = None,
    unit_id: int | None = None,
    request: DeckRequest | None = None,
) -> tuple[Table, str, str, str]:
    """A new table with its host seated; returns (table, host seat id, rejoin token, screen key).

    A table started by a logged-in account belongs to it and its organisation, and may
    carry the facilitator's name for the team (anonymous tables never do). The table plays
    the cards of ``route`` (the whole deck by default); ValueError for an unknown deck or route.
    ``unit_id`` is the organisation's unit it plays for (the caller checked it is the
    organisation's); a table started from a request's ready link belongs to the request's
    organisation and unit without an owner.
    """
    deck = playtest.deck if playtest is not None else decks.get(deck_slug)
    if deck is None:
        raise ValueError("unknown deck")
    cards = deck.route_cards(route, chosen_phases)
    config = current_app.config
    screen_key = new_token()
    table = Table(
        public_id=secrets.token_urlsafe(12),
        join_code=_free_code(),
        screen_key_hash=token_hash(screen_key),
        deck_slug=deck.slug,
        deck_version=playtest.number if playtest is not None else deck.version,
        deck_text=playtest.text if playtest is not None else None,
        route=route_label(route),
        card_ids=[card.id for card in cards],
        mixed_wording=mixed_route(deck, route),
        k=max(MIN_K, config["KOERSKAART_K"]),
        k_text=max(MIN_K, config["KOERSKAART_K"], config["KOERSKAART_K_TEXT"]),
        capacity=config["TABLE_CAPACITY"],
        owner_id=owner.id if owner is not None else None,
        organisation_id=(
            owner.organisation_id if owner is not None else request.organisation_id if request else None
        ),
        unit_id=request.unit_id if request is not None else unit_id,
        request_id=request.id if request is not None else None,
        team_label=normalise_team_label(team_label) if owner is not None else None,
    )
    db.session.add(table)
    db.session.flush()
    seat_id, token = _seat(
        table, act.Join(secrets.token_urlsafe(12), nickname, as_host=True, perspective=perspective)
    )
    db.session.commit()
    return table, seat_id, token, screen_key


def mixed_route(deck: Deck, route: str) -> bool:
    """A route for mixed tables brings the cards' conference wording with it."""
    found = deck.route(route)
    return found is not None and found.mixed


def route_label(route: str) -> str | None:
    """The route as stored: None for the whole deck."""
    return None if route in ("", FULL_ROUTE) else route


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
    token = new_token()
    try:
        seat_public_id, delivery = _add_seat(table.public_id, Mover(token_hash(token), nickname, perspective))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return table, seat_public_id, token, delivery


# -- conference tables: created, filled and rearranged by the conference feature ---------


class RoundOpen(Exception):
    """A player may not change tables while a round is open at either table."""


@dataclass(frozen=True)
class Mover:
    """What a player takes to another table: the rejoin token's hash, nickname and perspective."""

    token_hash: str
    nickname: str | None
    perspective: str | None


def create_event_table(conference: Conference, label: str | None, hold_at: int | None = None) -> Table:
    """An empty table of an event, in the caller's transaction: no join code (people join the event)."""
    config = current_app.config
    table = Table(
        public_id=secrets.token_urlsafe(12),
        join_code=None,
        screen_key_hash=token_hash(new_token()),  # an event table's screen is opened from the dashboard
        deck_slug=conference.deck_slug,
        deck_version=conference.deck_version,
        route=conference.route,
        card_ids=conference.card_ids,
        mixed_wording=conference.mixed_wording,
        k=max(MIN_K, config["KOERSKAART_K"]),
        k_text=max(MIN_K, config["KOERSKAART_K"], config["KOERSKAART_K_TEXT"]),
        capacity=max(config["TABLE_CAPACITY"], conference.target_size + 2),
        owner_id=conference.owner_id,
        organisation_id=conference.organisation_id,
        unit_id=conference.unit_id,  # its played tables count under the event's unit
        conference_id=conference.id,
        conference_label=label,
        steered=conference.pacing == "synchronised",
        hold_at=hold_at,
        activity_at=time.time(),
    )
    db.session.add(table)
    db.session.flush()
    return table


def seat_at(table_public_id: str, nickname: str | None, perspective: str | None) -> tuple[str, str, Delivery]:
    """Seat a new participant at an event table in the caller's transaction (the caller commits).

    Returns (seat id, rejoin token, delivery); raises TableUnavailable (full, ended).
    """
    token = new_token()
    seat_id, delivery = _add_seat(table_public_id, Mover(token_hash(token), nickname, perspective))
    return seat_id, token, delivery


def unseat(table_public_id: str, seat_id: str, *, moved_to: str | None = None) -> tuple[Mover, Delivery]:
    """Take a player off an event table in the caller's transaction; returns their seat row (read first).

    Raises RoundOpen while a round is open there, ActionRefused(NOT_SEATED) for an unknown seat.
    """
    with _serialised(table_public_id):
        stored = store.load(table_public_id, for_update=True)
        if stored is None or seat_id not in stored.state.seats:
            raise ActionRefused(Code.UNKNOWN_SEAT)
        if stored.state.answering_round is not None:
            raise RoundOpen
        token = db.session.scalar(select(Seat.token_hash).where(Seat.id == stored.seat_pks[seat_id]))
        seat = stored.state.seats[seat_id]
        detached = Mover(str(token), seat.nickname, seat.perspective)
        delivery = _apply(stored, table_public_id, act.Leave(seat_id))
    if moved_to is not None:
        delivery.emits.append(Emit("seat_moved", {"url": moved_to}, seat_room(seat_id)))
        delivery.drop_rooms.append(seat_room(seat_id))
    return detached, delivery


def reseat(table_public_id: str, seat: Mover) -> tuple[str, Delivery]:
    """Seat a moved player at their new table with the same rejoin token (its hash), caller commits."""
    return _add_seat(table_public_id, seat, not_while_open=True)


def _add_seat(table_public_id: str, seat: Mover, *, not_while_open: bool = False) -> tuple[str, Delivery]:
    """A new seat holding ``seat``'s token hash, in the caller's transaction: the one way a seat is added
    after a table's creation (join by code, event seating, a move). Raises TableUnavailable, RoundOpen."""
    with _serialised(table_public_id):
        stored = store.load(table_public_id, for_update=True)
        if stored is None:
            raise TableUnavailable
        if not_while_open and stored.state.answering_round is not None:
            raise RoundOpen
        seat_id = secrets.token_urlsafe(12)
        join = act.Join(seat_id, seat.nickname, perspective=seat.perspective)
        try:
            delivery = _apply(stored, table_public_id, join, {seat_id: seat.token_hash})
        except ActionRefused as exc:
            raise TableUnavailable from exc
    return seat_id, delivery


def _apply(
    stored: store.Stored, table_public_id: str, action: act.Action, new_tokens: dict[str, str] | None = None
) -> Delivery:
    """Run ``action`` on a loaded table and write it (the caller holds the lock and commits).

    A conference table also records when it was last active and tells its event (tally,
    release, dashboard) inside the same transaction.
    """
    now = time.time()
    ending = stored.state.status is not TableStatus.ENDED
    outcome = apply(stored.state, action, now, _rng)
    event_news: list[Emit] = []
    # An expired table was abandoned long ago: the card it was left on gets no time.
    card_clock = None if isinstance(action, act.Expire) else now
    if stored.conference_id is not None:
        store.save(stored, outcome.state, outcome.events, new_tokens, now=now, card_clock=card_clock)
        event_news = conference.on_table_change(stored, table_public_id, outcome.state, outcome.events)
    else:
        store.save(stored, outcome.state, outcome.events, new_tokens, card_clock=card_clock)
    if ending and outcome.state.status is TableStatus.ENDED:
        usage.record_table(stored.table_id, outcome.state)  # the uptake fact, in this transaction
    delivery = address(table_public_id, outcome.state, outcome.events)
    delivery.emits.extend(event_news)
    return delivery


def seat_by_token(conference_id: int, token: str | None) -> tuple[Table, Seat] | None:
    """The seat an event's participant holds now, wherever the facilitator moved them."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    row = db.session.execute(
        select(Table, Seat)
        .join(Seat, Seat.table_id == Table.id)
        .where(Seat.token_hash == token_hash(token), Table.conference_id == conference_id)
    ).first()
    return (row[0], row[1]) if row is not None else None


def perform_many(table_public_ids: list[str], action: act.Action) -> Delivery:
    """A facilitator's action on every table, one transaction each: a refusal at one table is skipped."""
    delivery = Delivery()
    for public_id in table_public_ids:
        try:
            one = perform(public_id, action)
        except ActionRefused:
            continue
        delivery.emits.extend(one.emits)
        delivery.drop_rooms.extend(one.drop_rooms)
    return delivery


def find_seat(table_public_id: str, token: str | None) -> Seat | None:
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return db.session.scalars(
        select(Seat)
        .join(Table)
        .where(Seat.token_hash == token_hash(token), Table.public_id == table_public_id)
    ).first()


def screen_allowed(table: Table, key: str | None) -> bool:
    return _key_matches(table.screen_key_hash, key)


def _key_matches(key_hash: str, key: str | None) -> bool:
    if not key or len(key) > TOKEN_MAX_LENGTH:
        return False
    return hmac.compare_digest(key_hash, token_hash(key))


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
            delivery = _apply(stored, table_public_id, action)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
    return delivery


def expire(table_public_id: str) -> None:
    """End a table nobody ended (retention), inside the caller's transaction: the caller commits.

    The engine's Expire ends it as the host would, without keeping open text. Nobody is
    told: the table was abandoned long ago (``retention``), and the CLI has no sockets:
    the delivery is dropped.
    """
    with _serialised(table_public_id):
        stored = store.load(table_public_id, for_update=True)
        if stored is None:
            raise ActionRefused(Code.NOT_SEATED)
        _apply(stored, table_public_id, act.Expire())  # an event's table also clears its room's texts


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

    Raises NotAuthenticated for everything else, with no hint which check failed. The table
    is one read when this process has it cached (``store``); the seat is always looked up.
    """
    if not isinstance(table_public_id, str) or len(table_public_id) > 64 or kind not in CLIENT_KINDS:
        raise NotAuthenticated
    stored = store.load(table_public_id)
    if stored is None:
        raise NotAuthenticated
    seat_id: str | None = None
    judged: list[int] = []
    rooms = [table_room(table_public_id)]
    if kind == "seat":
        seat = _seat_of(stored.table_id, seat_token)
        if seat is None:
            raise NotAuthenticated
        seat_id, feedback_cards = seat
        judged = sorted(feedback_cards or [])
        rooms.insert(0, seat_room(seat_id))
    elif not _key_matches(stored.screen_key_hash, screen_key if isinstance(screen_key, str) else None):
        raise NotAuthenticated
    if stored.conference_id is not None:
        rooms.append(event_room(stored.conference_id))
    return Connected(seat_id, tuple(rooms), _joined_view(stored, kind, seat_id, judged))


def _seat_of(table_id: int, token: str | None) -> tuple[str, list[int] | None] | None:
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return store.seat_by_token_hash(table_id, token_hash(token))


def _joined_view(
    stored: store.Stored, kind: str, seat_id: str | None, judged: list[int]
) -> dict[str, object]:
    state = stored.state
    join = None
    if stored.join_code and state.status is not TableStatus.ENDED:
        code = format_code(stored.join_code)
        url = url_for("play.join", _external=True) + "#" + code
        join = {"code": code, "url": url, "qr_svg": join_qr_svg(url)}
    # "role" on the wire is the socket's kind (seat or screen), as documented in the protocol.
    you: dict[str, object] = {"role": kind}
    if seat_id:
        # feedback_cards: the cards this phone already judged, not offered again after a reload
        you.update(seat_id=seat_id, my_answer=views.my_answer(state, seat_id), feedback_cards=judged)
    joined: dict[str, object] = {"you": you, "join": join, "table": views.snapshot(state)}
    if stored.conference_id is not None:
        joined["conference"] = event_notice(stored.conference_id, stored.label)
    return joined


def event_notice(conference_id: int, label: str | None) -> dict[str, object]:
    """What a conference table's phones show above the game: the event, the table, a message."""
    event = db.session.get(Conference, conference_id)
    assert event is not None
    return {
        "name": event.name,
        "table_label": label,
        "announcement": event.announcement,
        "countdown_ends_at": event.countdown_ends_at,
        "server_time": time.time(),
    }


__all__ = [
    "CLIENT_KINDS",
    "ClientKind",
    "Connected",
    "Mover",
    "NotAuthenticated",
    "Playtest",
    "RoundOpen",
    "TableUnavailable",
    "connect",
    "create_event_table",
    "create_table",
    "current_state",
    "event_notice",
    "expire",
    "find_seat",
    "get_table",
    "join_table",
    "perform",
    "perform_many",
    "reseat",
    "screen_allowed",
    "seat_at",
    "seat_by_token",
    "seat_cookie_name",
    "seat_cookie_options",
    "serialised",
    "unseat",
]
