"""From the engine's addressed events to Socket.IO messages: what to send to which room.

The engine addresses every event to an ``Audience``; this module turns those into
emits without knowing any event by name, so a new event needs no teaching here:

- ``TABLE`` events that change what the table shows become one ``table_updated``
  snapshot of the new state, its ``reason`` the most telling event's name. When the
  only table news is a count, the last ``answer_count_changed`` goes on its own (the
  hot path: no snapshot per answer), coalesced with the table's other counts within
  ``COUNT_COALESCE_MS`` (``live/counts.py``).
- ``SEAT`` events go to that seat's room under the event's name, with its fields but
  the seat id. A seat-addressed event for a seat that is no longer at the table
  (removed) is its last message: the seat's sockets are then dropped, on every process.
- ``ACTOR`` events are answered by the acknowledgement of the request that caused them;
  ``SERVER`` events are for the store only. Neither is emitted.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from flask import current_app

from ..engine import TableState
from ..engine import events as ev
from ..extensions import socketio
from . import views
from .counts import counts
from .drops import drop_room
from .rooms import PLAY_NAMESPACE, seat_room, table_room


@dataclass(frozen=True)
class Emit:
    event: str
    payload: dict[str, object]
    room: str
    namespace: str = PLAY_NAMESPACE
    # News of which only the latest matters (a count): it may wait, and a newer one replaces it.
    coalesce: bool = False


@dataclass
class Delivery:
    """What a committed change sends, and whose sockets it ends."""

    emits: list[Emit] = field(default_factory=list)
    drop_rooms: list[str] = field(default_factory=list)


def _fields(event: ev.Event) -> dict[str, object]:
    return {f.name: getattr(event, f.name) for f in dataclasses.fields(event) if f.name != "seat_id"}


def address(table_public_id: str, state: TableState, events: tuple[ev.Event, ...]) -> Delivery:
    """The messages ``events`` (just committed, leading to ``state``) produce, by audience."""
    delivery = Delivery()
    for event in events:
        if event.audience is ev.Audience.SEAT:
            seat_id: str = getattr(event, "seat_id")  # noqa: B009 (every SEAT event names its seat)
            delivery.emits.append(Emit(event.name, _fields(event), seat_room(seat_id)))
            if seat_id not in state.seats:
                delivery.drop_rooms.append(seat_room(seat_id))
    table_events = [event for event in events if event.audience is ev.Audience.TABLE]
    changes = [event for event in table_events if event.changes_state]
    room = table_room(table_public_id)
    if changes:
        delivery.emits.append(Emit("table_updated", views.snapshot(state, views.reason(changes)), room))
    elif table_events:
        last = table_events[-1]
        delivery.emits.append(Emit(last.name, _fields(last), room, coalesce=True))
    return delivery


def publish(delivery: Delivery) -> None:
    """Send what a committed change produced, then cut removed players off (on any process)."""
    window = current_app.config["COUNT_COALESCE_MS"] / 1000
    for item in delivery.emits:
        if item.coalesce and window > 0:
            counts.count(item.event, item.payload, item.room, item.namespace, window)
            continue
        counts.superseded(item.room, item.namespace)  # a count waiting there would now be stale
        socketio.emit(item.event, item.payload, to=item.room, namespace=item.namespace)
    for room in delivery.drop_rooms:
        drop_room(room, PLAY_NAMESPACE)
