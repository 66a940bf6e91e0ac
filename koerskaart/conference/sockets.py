"""The /conference Socket.IO namespace: facilitators' dashboards and the big screen.

Thin: authenticate on connect, validate the payload, call a service, publish, ack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import session
from flask_login import current_user
from flask_socketio import emit, join_room
from pydantic import ValidationError
from socketio.exceptions import ConnectionRefusedError

from ..live.delivery import Delivery, publish
from ..live.logins import join_login_rooms
from ..live.logs import quiet
from ..live.namespaces import Ack, RefusingNamespace, malformed, refuse
from ..live.refusals import Transport
from ..live.rooms import CONFERENCE_NAMESPACE, dashboard_room, plenary_room
from ..models import Conference
from . import payloads as p
from . import services

NAMESPACE = CONFERENCE_NAMESPACE
log = quiet(__name__)
EVENT_KEY = "conference"  # the socket's session: which event it runs


def _failed(exc: BaseException) -> Ack:
    log.error("conference event failed: %s", type(exc).__name__)
    return refuse(Transport.SERVER_ERROR)


def on_namespace_error(exc: BaseException) -> Ack:
    if isinstance(exc, TypeError):
        return refuse(Transport.INVALID_PAYLOAD)
    return _failed(exc)


class ConferenceNamespace(RefusingNamespace):
    """Dashboards may steer an event; big screens only listen."""

    def on_connect(self, auth: Any = None) -> None:
        auth = auth if isinstance(auth, dict) else {}
        conference = services.get(auth.get("event"))
        kind = auth.get("as")
        if conference is None:
            raise ConnectionRefusedError(Transport.NOT_AUTHENTICATED.value)
        if kind == "dashboard" and services.may_run(current_user, conference):
            join_room(dashboard_room(conference.id))
            join_login_rooms()
            session[EVENT_KEY] = conference.public_id
            emit("event_joined", services.dashboard_joined(conference))
        elif kind == "screen" and services.screen_allowed(conference, auth.get("key")):
            join_room(plenary_room(conference.id))
            session[EVENT_KEY] = None  # listens only
            emit("event_joined", services.screen_joined(conference))
        else:
            raise ConnectionRefusedError(Transport.NOT_AUTHENTICATED.value)

    def _act(
        self,
        payload: Any,
        extra: tuple[Any, ...],
        schema: type[p.Payload],
        call: Callable[[Conference, Any], Delivery],
    ) -> Ack:
        refused = malformed(payload, extra)
        if refused is not None:
            return refused
        conference = services.get(session.get(EVENT_KEY))
        # Judged on every event: a login that ended, or a role taken away, stops steering at once.
        if conference is None or not services.may_run(current_user, conference):
            return refuse(Transport.NOT_AUTHENTICATED)
        try:
            data = schema.model_validate(payload if payload is not None else {})
        except ValidationError:
            return refuse(Transport.INVALID_PAYLOAD)
        try:
            delivery = call(conference, data)
        except services.Refused as exc:
            return refuse(exc.code)
        except Exception as exc:
            return _failed(exc)
        try:
            publish(delivery)
        except Exception as exc:
            return _failed(exc)
        return {"ok": True}

    def on_refresh_dashboard(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.Empty, lambda c, _d: Delivery(emits=services.tables_emit(c)))

    def on_show_card(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.ShowCard, lambda c, d: services.show_card(c, d.card_index))

    def on_close_rounds(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.Empty, lambda c, _d: services.close_rounds(c))

    def on_pause_event(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.PauseEvent, lambda c, d: services.pause(c, d.paused))

    def on_announce(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(
            payload, extra, p.Announce, lambda c, d: services.announce(c, d.text, d.countdown_seconds)
        )

    def on_release_harvest(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.ShowCard, lambda c, d: services.release_harvest(c, d.card_index))

    def on_show_on_screen(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(
            payload, extra, p.ShowOnScreen, lambda c, d: services.show_on_screen(c, d.card_index)
        )

    def on_move_player(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.MovePlayer, lambda c, d: services.move(c, d.seat_id, d.to))

    def on_merge_tables(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.MergeTables, lambda c, d: services.merge(c, d.source, d.into))

    def on_open_table(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.OpenTable, lambda c, d: services.open_table(c, d.label))

    def on_close_table(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(
            payload, extra, p.CloseTable, lambda c, d: services.close_table(c, d.table, d.closed)
        )

    def on_end_event(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.EndEvent, lambda c, d: services.end(c, d.keep_open_text))
