"""Conference services: each call is one transaction (or one per table) and says what to send where.

Seating, moves and merges are serialised per event (a process lock, and the event's row
locked on PostgreSQL); they then take table locks one after another. A table's own change
takes its table lock and then only the plenary's lock (``live.conference``), never the
event's, so the two orders cannot meet in a cycle.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for
from sqlalchemy import case, func, select

from ..clock import utcnow
from ..engine import ActionRefused, TableStatus
from ..engine import actions as act
from ..engine.cards import clean_text
from ..engine.pacing import phases
from ..engine.seating import TableLoad, choose_table, merge_partner
from ..extensions import db
from ..live import conference as live_conference
from ..live import decks, service, usage
from ..live.codes import format_code, new_join_code, normalise_code
from ..live.delivery import Delivery, Emit
from ..live.rooms import CONFERENCE_NAMESPACE, dashboard_room, event_room, plenary_room
from ..models import Conference, ConferenceStatus, Pacing, Seat, Table, User
from ..models.conference import ANNOUNCEMENT_MAX, TABLE_NAME_MAX, TARGET_SIZE_DEFAULT, TARGET_SIZE_MAX
from ..qr import join_qr_svg
from ..security import TOKEN_MAX_LENGTH, new_token, token_hash

RUNNING_ROLES = ("facilitator", "admin")
COUNTDOWN_RANGE = (10, 3600)
MAX_TABLES = 80  # sixty tables of six, and room for late arrivals


class Refused(Exception):
    """A facilitator's request that does not fit: ``code`` is the protocol's error code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# -- who may run an event ----------------------------------------------------------------


def may_run(user: Any, conference: Conference) -> bool:
    """The owner, or a facilitator or admin of the same organisation (a co-facilitator)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.organisation_id == conference.organisation_id
        and user.role in RUNNING_ROLES
    )


def get(public_id: object) -> Conference | None:
    if not isinstance(public_id, str) or len(public_id) > 64:
        return None
    return db.session.scalars(select(Conference).where(Conference.public_id == public_id)).first()


def by_code(raw_code: str) -> Conference | None:
    code = normalise_code(raw_code)
    if not code:
        return None
    return db.session.scalars(
        select(Conference).where(Conference.code == code, Conference.status == ConferenceStatus.OPEN.value)
    ).first()


def owned(user: User) -> list[Conference]:
    """The events of the user's organisation, newest first."""
    return list(
        db.session.scalars(
            select(Conference)
            .where(Conference.organisation_id == user.organisation_id)
            .order_by(Conference.held_on.desc(), Conference.id.desc())
        )
    )


# -- creating and preparing ---------------------------------------------------------------


def _free_code() -> str:
    for _ in range(10):
        code = new_join_code()
        taken = db.session.scalar(select(func.count()).where(Conference.code == code))
        if not taken and not db.session.scalar(select(func.count()).where(Table.join_code == code)):
            return code
    raise RuntimeError("could not find a free event code")


def create(
    owner: User,
    name: str,
    held_on: date,
    deck_slug: str,
    target_size: int = TARGET_SIZE_DEFAULT,
    pacing: Pacing = Pacing.FREE,
    table_names: list[str] | None = None,
    route: str = "",
    chosen_phases: tuple[str, ...] = (),
    mixed_wording: bool = False,
    unit_id: int | None = None,
) -> tuple[Conference, str]:
    """A new event with its named tables; returns it and the big screen's key (shown once).

    Every table of the event plays the cards of ``route`` (the whole deck by default), in the
    cards' conference wording when ``mixed_wording``; ValueError for an unknown deck or route.
    """
    deck = decks.get(deck_slug)
    if deck is None:
        raise ValueError("unknown deck")
    cards = deck.route_cards(route, chosen_phases)
    screen_key = new_token()
    conference = Conference(
        public_id=secrets.token_urlsafe(12),
        code=_free_code(),
        screen_key_hash=token_hash(screen_key),
        name=" ".join(name.split())[:120],
        held_on=held_on,
        deck_slug=deck.slug,
        deck_version=deck.version,
        route=service.route_label(route),
        card_ids=[card.id for card in cards],
        mixed_wording=mixed_wording or service.mixed_route(deck, route),
        target_size=max(3, min(TARGET_SIZE_MAX, target_size)),
        pacing=pacing.value,
        harvest_cards=[],
        owner_id=owner.id,
        organisation_id=owner.organisation_id,
        unit_id=unit_id,
    )
    db.session.add(conference)
    db.session.flush()
    for label in _clean_names(table_names or []):
        service.create_event_table(conference, label)
    db.session.commit()
    return conference, screen_key


def _clean_names(names: list[str]) -> list[str]:
    seen: list[str] = []
    for raw in names:
        label = " ".join(raw.split())[:TABLE_NAME_MAX]
        if label and label not in seen:
            seen.append(label)
    return seen[:MAX_TABLES]


def new_screen_key(conference: Conference) -> str:
    """A new big-screen link; the old one stops opening the screen."""
    key = new_token()
    conference.screen_key_hash = token_hash(key)
    db.session.commit()
    return key


def screen_allowed(conference: Conference, key: object) -> bool:
    if not isinstance(key, str) or not key or len(key) > TOKEN_MAX_LENGTH:
        return False
    return secrets.compare_digest(conference.screen_key_hash, token_hash(key))


def set_harvests(conference: Conference, indexes: list[int]) -> Delivery:
    """Mark harvest cards (answerable cards only); every table holds at the first unreleased one."""
    cards = decks.rules(conference.deck_slug, conference.card_ids, conference.deck_version)
    chosen = sorted({i for i in indexes if 0 <= i < len(cards) and cards[i].answerable})
    conference.harvest_cards = chosen
    db.session.commit()
    return _apply_hold(conference)


def _released_harvests(conference: Conference) -> set[int]:
    return {
        index
        for index in conference.harvest_cards or []
        if live_conference.latest_release(conference.id, index) is not None
    }


def _hold_at(conference: Conference) -> int | None:
    """The first harvest card not yet released: no table moves past it on its own."""
    released = _released_harvests(conference)
    pending = [i for i in conference.harvest_cards or [] if i not in released]
    return pending[0] if pending else None


def _apply_hold(conference: Conference) -> Delivery:
    return service.perform_many(_table_ids(conference), act.Hold(_hold_at(conference)))


# -- seating ----------------------------------------------------------------------------------


@contextmanager
def _seating(conference: Conference) -> Iterator[Conference]:
    """One seating decision at a time per event, in every process."""
    with service.serialised(f"event:{conference.public_id}"):
        db.session.rollback()  # read what other processes committed
        query = select(Conference).where(Conference.id == conference.id)
        if db.session.connection().dialect.name == "postgresql":
            query = query.with_for_update()
        locked = db.session.scalars(query).one()
        try:
            yield locked
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise


def _tables(conference: Conference) -> list[Table]:
    return list(
        db.session.scalars(select(Table).where(Table.conference_id == conference.id).order_by(Table.id))
    )


def _table_ids(conference: Conference) -> list[str]:
    return [t.public_id for t in _tables(conference) if t.status != TableStatus.ENDED.value]


def loads(conference: Conference) -> list[TableLoad]:
    """Every table that has not ended, with its players and declared managers: one query."""
    managers = func.sum(case((Seat.perspective == "manager", 1), else_=0))
    rows = db.session.execute(
        select(Table.public_id, Table.seating_closed, func.count(Seat.id), managers)
        .outerjoin(Seat, Seat.table_id == Table.id)
        .where(Table.conference_id == conference.id, Table.status != TableStatus.ENDED.value)
        .group_by(Table.id)
        .order_by(Table.id)
    ).all()
    return [TableLoad(r[0], int(r[2]), int(r[3] or 0), accepting=not r[1]) for r in rows]


def _next_label(conference: Conference) -> str:
    # "Tafel 3" and "3" both count as 3: a new table never repeats a name already shown.
    labels = [t.conference_label or "" for t in _tables(conference)]
    numbers = [int(found.group(1)) for label in labels if (found := re.search(r"(\d+)$", label))]
    return str(max(numbers, default=0) + 1)


@dataclass(frozen=True)
class Seated:
    table: Table
    token: str
    delivery: Delivery


def join(
    conference: Conference, nickname: str | None, perspective: str | None, table_public_id: str | None = None
) -> Seated:
    """Seat a participant: at the named table they scanned, or where the seating rules say.

    Raises service.TableUnavailable when the event has ended or the named table cannot take them.
    """
    with _seating(conference) as event:
        if event.status != ConferenceStatus.OPEN.value:
            raise service.TableUnavailable
        tables = {t.public_id: t for t in _tables(event) if t.status != TableStatus.ENDED.value}
        if table_public_id is not None:
            chosen = tables.get(table_public_id)
            if chosen is None:
                raise service.TableUnavailable
        else:
            target = choose_table(loads(event), perspective, event.target_size)
            if target is None:
                if len(tables) >= MAX_TABLES:
                    raise service.TableUnavailable
                chosen = service.create_event_table(event, _next_label(event), _hold_at(event))
            else:
                chosen = tables[target]
        # seat_at's own delivery carries the table's new dashboard row.
        _seat_id, token, delivery = service.seat_at(chosen.public_id, nickname, perspective)
    return Seated(chosen, token, delivery)


def seat_of(conference: Conference, token: str | None) -> Table | None:
    found = service.seat_by_token(conference.id, token)
    return found[0] if found is not None else None


# -- the facilitator's moves -----------------------------------------------------------------


def move(conference: Conference, seat_id: str, to_table: str) -> Delivery:
    with _seating(conference) as event:
        tables = {t.public_id: t for t in _tables(event) if t.status != TableStatus.ENDED.value}
        source = db.session.scalars(
            select(Table).join(Seat, Seat.table_id == Table.id).where(Seat.public_id == seat_id)
        ).first()
        if source is None or source.public_id not in tables or to_table not in tables:
            raise Refused("unknown_table")
        if source.public_id == to_table:
            return Delivery()
        return _move_one(event, source.public_id, seat_id, to_table)


def _move_one(event: Conference, source: str, seat_id: str, target: str) -> Delivery:
    # unseat and reseat each refuse while a round is open at their table; a refusal rolls both back.
    moved_url = url_for("conference.my_seat", event_id=event.public_id)
    try:
        mover, delivery = service.unseat(source, seat_id, moved_to=moved_url)
        _new_id, joined = service.reseat(target, mover)
    except service.RoundOpen:
        raise Refused("round_open") from None
    except service.TableUnavailable:
        raise Refused("table_full") from None
    except ActionRefused:
        raise Refused("unknown_table") from None
    delivery.emits.extend(joined.emits)
    delivery.drop_rooms.extend(joined.drop_rooms)
    return delivery


def merge(conference: Conference, source: str, into: str) -> Delivery:
    """Everyone at ``source`` moves to ``into``; ``source`` then ends (its own rounds are kept)."""
    with _seating(conference) as event:
        tables = {t.public_id: t for t in _tables(event) if t.status != TableStatus.ENDED.value}
        if source not in tables or into not in tables or source == into:
            raise Refused("unknown_table")
        state = service.current_state(tables[source])
        delivery = Delivery()
        for seat_id in list(state.seats):
            one = _move_one(event, source, seat_id, into)
            delivery.emits.extend(one.emits)
            delivery.drop_rooms.extend(one.drop_rooms)
        db.session.flush()
    # The emptied table ends in its own transaction (perform commits).
    ended = service.perform(source, act.Conclude())
    delivery.emits.extend(ended.emits)
    delivery.emits.extend(tables_emit(conference))
    return delivery


def open_table(conference: Conference, label: str | None) -> Delivery:
    with _seating(conference) as event:
        if event.status != ConferenceStatus.OPEN.value:
            raise Refused("event_ended")
        if len(_table_ids(event)) >= MAX_TABLES:
            raise Refused("table_full")
        cleaned = _clean_names([label or ""])
        table = service.create_event_table(
            event, cleaned[0] if cleaned else _next_label(event), _hold_at(event)
        )
        public_id = table.public_id
    return Delivery(emits=_rows_emit(conference, [public_id]))


def close_table(conference: Conference, table_public_id: str, closed: bool) -> Delivery:
    table = db.session.scalars(
        select(Table).where(Table.public_id == table_public_id, Table.conference_id == conference.id)
    ).first()
    if table is None:
        raise Refused("unknown_table")
    table.seating_closed = closed
    db.session.commit()
    return Delivery(emits=_rows_emit(conference, [table_public_id]))


# -- pacing -------------------------------------------------------------------------------------


def _event_open(conference: Conference) -> None:
    if conference.status != ConferenceStatus.OPEN.value:
        raise Refused("event_ended")


def show_card(conference: Conference, card_index: int) -> Delivery:
    _event_open(conference)
    cards = decks.rules(conference.deck_slug, conference.card_ids, conference.deck_version)
    if not 0 <= card_index < len(cards):
        raise Refused("invalid_card")
    conference.current_card = card_index
    db.session.commit()
    delivery = service.perform_many(_table_ids(conference), act.Show(card_index))
    delivery.emits.extend(event_emits(conference))
    return delivery


def close_rounds(conference: Conference) -> Delivery:
    _event_open(conference)
    return service.perform_many(_table_ids(conference), act.CloseAll())


def pause(conference: Conference, paused: bool) -> Delivery:
    _event_open(conference)
    conference.paused = paused
    db.session.commit()
    delivery = service.perform_many(_table_ids(conference), act.PauseAll(paused))
    delivery.emits.extend(event_emits(conference))
    return delivery


def announce(conference: Conference, text: str | None, countdown_seconds: int | None) -> Delivery:
    _event_open(conference)
    if countdown_seconds is not None and not COUNTDOWN_RANGE[0] <= countdown_seconds <= COUNTDOWN_RANGE[1]:
        raise Refused("invalid_input")
    conference.announcement = clean_text(text or "", ANNOUNCEMENT_MAX) or None
    conference.countdown_ends_at = time.time() + countdown_seconds if countdown_seconds else None
    db.session.commit()
    notice = service.event_notice(conference.id, None)
    notice.pop("table_label")
    delivery = Delivery(emits=[Emit("event_notice", notice, event_room(conference.id))])
    delivery.emits.extend(event_emits(conference))
    return delivery


def release_harvest(conference: Conference, card_index: int) -> Delivery:
    if card_index not in (conference.harvest_cards or []):
        raise Refused("invalid_card")
    if live_conference.latest_release(conference.id, card_index) is not None:
        raise Refused("already_released")
    view = live_conference.try_release(conference, card_index, harvest=True)
    if view is None:
        db.session.rollback()
        raise Refused("too_few_tables")
    conference.plenary_card = card_index  # a harvest goes to the big screen
    db.session.commit()
    delivery = Delivery(emits=live_conference.plenary_emits(conference, view))
    delivery.emits.extend(event_emits(conference))
    held = _apply_hold(conference)
    delivery.emits.extend(held.emits)
    return delivery


def show_on_screen(conference: Conference, card_index: int | None) -> Delivery:
    cards = decks.rules(conference.deck_slug, conference.card_ids, conference.deck_version)
    if card_index is not None and not 0 <= card_index < len(cards):
        raise Refused("invalid_card")
    conference.plenary_card = card_index
    db.session.commit()
    return Delivery(emits=event_emits(conference))


def end(conference: Conference, keep_open_text: bool) -> Delivery:
    _event_open(conference)
    delivery = service.perform_many(_table_ids(conference), act.Conclude(keep_open_text))
    conference.status = ConferenceStatus.ENDED.value
    conference.code = None  # the code may be used again
    conference.ended_at = utcnow()
    conference.countdown_ends_at = None
    usage.record_event(conference)  # the uptake fact, in this transaction
    db.session.commit()
    delivery.emits.extend(event_emits(conference))
    return delivery


# -- what the dashboard and the big screen are told -----------------------------------------


def event_view(conference: Conference, *, for_dashboard: bool) -> dict[str, object]:
    join = None
    if conference.code:
        code = format_code(conference.code)
        url = url_for("conference.join", _external=True) + "#" + code
        join = {"code": code, "url": url, "qr_svg": join_qr_svg(url)}
    view: dict[str, object] = {
        "id": conference.public_id,
        "name": conference.name,
        "held_on": conference.held_on.isoformat(),
        "join": join,
        "pacing": conference.pacing,
        "target_size": conference.target_size,
        "harvest_cards": list(conference.harvest_cards or []),
        "current_card": conference.current_card,
        "paused": conference.paused,
        "announcement": conference.announcement,
        "countdown_ends_at": conference.countdown_ends_at,
        "plenary_card": conference.plenary_card,
        "status": conference.status,
        "card_count": len(decks.rules(conference.deck_slug, conference.card_ids, conference.deck_version)),
        "server_time": time.time(),
    }
    if not for_dashboard:
        view.pop("announcement")
    return view


def event_emits(conference: Conference) -> list[Emit]:
    """``event_updated`` to dashboards and big screens, and the screen's current release."""
    emits = [
        Emit(
            "event_updated",
            event_view(conference, for_dashboard=True),
            dashboard_room(conference.id),
            CONFERENCE_NAMESPACE,
        ),
        Emit(
            "event_updated",
            event_view(conference, for_dashboard=False),
            plenary_room(conference.id),
            CONFERENCE_NAMESPACE,
        ),
    ]
    if conference.plenary_card is not None:
        release = live_conference.latest_release(conference.id, conference.plenary_card)
        emits.append(
            Emit(
                "plenary_updated",
                release or {"card_index": conference.plenary_card, "result": None},
                plenary_room(conference.id),
                CONFERENCE_NAMESPACE,
            )
        )
    return emits


def table_rows(conference: Conference) -> list[dict[str, object]]:
    """Every table's dashboard row, with stuck tables judged against the others."""
    tables = _tables(conference)
    states = {t.public_id: service.current_state(t) for t in tables}
    judged = phases(
        [live_conference.progress(t.public_id, states[t.public_id], t.activity_at) for t in tables],
        time.time(),
    )
    return [
        live_conference.dashboard_row(
            t.public_id,
            t.conference_label,
            t.seating_closed,
            states[t.public_id],
            t.activity_at,
            judged[t.public_id],
        )
        for t in tables
    ]


def merge_suggestions(conference: Conference) -> dict[str, str]:
    """For each table below k: a table to merge it into."""
    current = loads(conference)
    k = live_conference.conference_k(conference)
    out: dict[str, str] = {}
    for load in current:
        partner = merge_partner(current, load.id, k, conference.target_size + 2)
        if partner is not None:
            out[load.id] = partner
    return out


def tables_emit(conference: Conference) -> list[Emit]:
    payload = {
        "tables": table_rows(conference),
        "merge": merge_suggestions(conference),
        "server_time": time.time(),
    }
    return [Emit("dashboard_tables", payload, dashboard_room(conference.id), CONFERENCE_NAMESPACE)]


def _rows_emit(conference: Conference, public_ids: list[str]) -> list[Emit]:
    """The rows of a few tables (the full list, judged together, goes out on refresh)."""
    emits = []
    for table in _tables(conference):
        if table.public_id in public_ids:
            state = service.current_state(table)
            row = live_conference.dashboard_row(
                table.public_id, table.conference_label, table.seating_closed, state, table.activity_at
            )
            emits.append(Emit("dashboard_table", row, dashboard_room(conference.id), CONFERENCE_NAMESPACE))
    return emits


def dashboard_joined(conference: Conference) -> dict[str, object]:
    cards = decks.rules(conference.deck_slug, conference.card_ids, conference.deck_version)
    releases = {
        str(index): view
        for index in range(len(cards))
        if (view := live_conference.latest_release(conference.id, index)) is not None
    }
    return {
        "event": event_view(conference, for_dashboard=True),
        "tables": table_rows(conference),
        "merge": merge_suggestions(conference),
        "releases": releases,
        "server_time": time.time(),
    }


def screen_joined(conference: Conference) -> dict[str, object]:
    plenary = None
    if conference.plenary_card is not None:
        plenary = live_conference.latest_release(conference.id, conference.plenary_card) or {
            "card_index": conference.plenary_card,
            "result": None,
        }
    return {
        "event": event_view(conference, for_dashboard=False),
        "plenary": plenary,
        "server_time": time.time(),
    }
