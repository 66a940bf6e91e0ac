"""The /play Socket.IO namespace: authenticate on connect, validate, call a service, emit, ack.

No game rules here; they live in ``koerskaart.engine``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request, session
from flask_socketio import emit, join_room
from pydantic import ValidationError
from socketio.exceptions import ConnectionRefusedError

from ..engine import ActionRefused
from ..engine import actions as act
from ..live import feedback, service
from ..live.delivery import publish
from ..live.logins import join_login_rooms
from ..live.logs import quiet
from ..live.namespaces import Ack, RefusingNamespace, malformed, refuse
from ..live.refusals import Transport
from ..live.rooms import PLAY_NAMESPACE
from . import payloads as p

NAMESPACE = PLAY_NAMESPACE
seat_cookie_name = service.seat_cookie_name
log = quiet(__name__)


def _failed(exc: BaseException, table_id: object = None) -> Ack:
    """Log a failure by type only: a traceback's locals or repr may hold an answer (rule 8)."""
    log.error("event failed on table %s: %s", table_id, type(exc).__name__)
    return refuse(Transport.SERVER_ERROR)


def _checked(payload: Any, extra: tuple[Any, ...], schema: type[p.Payload]) -> Ack | tuple[str, str, Any]:
    """Size, auth and shape, in that order: (seat, table, data), or the refusal to ack."""
    refused = malformed(payload, extra)
    if refused is not None:
        return refused
    seat_id = session.get("seat")
    table_id = session.get("table")
    if not seat_id or not table_id:
        return refuse(Transport.NOT_AUTHENTICATED)
    try:
        data = schema.model_validate(payload if payload is not None else {})
    except ValidationError:
        return refuse(Transport.INVALID_PAYLOAD)
    return seat_id, table_id, data


def on_namespace_error(exc: BaseException) -> Ack:
    """Anything a handler did not catch (even a call with the wrong arguments) still gets one ack."""
    if isinstance(exc, TypeError):
        return refuse(Transport.INVALID_PAYLOAD)
    return _failed(exc, session.get("table"))


class PlayNamespace(RefusingNamespace):
    """Players and table screens of every table.

    What reaches it has passed the transport guard (``live/guard.py``): the rate, the
    packet's shape, no lifecycle names from clients, a connected namespace.
    """

    def on_connect(self, auth: Any = None) -> None:
        auth = auth if isinstance(auth, dict) else {}
        table_id = auth.get("table")
        cookie = request.cookies.get(seat_cookie_name(table_id)) if isinstance(table_id, str) else None
        try:
            connected = service.connect(table_id, auth.get("as"), cookie, auth.get("key"))
        except service.NotAuthenticated:
            raise ConnectionRefusedError(Transport.NOT_AUTHENTICATED.value) from None
        for room in connected.rooms:
            join_room(room)
        join_login_rooms()
        session["table"] = table_id
        session["seat"] = connected.seat_id
        emit("table_joined", connected.joined)

    # -- events ------------------------------------------------------------------------

    def _act(
        self,
        payload: Any,
        extra: tuple[Any, ...],
        schema: type[p.Payload],
        build: Callable[[str, Any], act.Action],
        ack: Callable[[Any], Ack] | None = None,
    ) -> Ack:
        """The one path every event takes past the guard: size, auth, shape, engine, commit, emit."""
        checked = _checked(payload, extra, schema)
        if isinstance(checked, dict):
            return checked
        seat_id, table_id, data = checked
        try:
            delivery = service.perform(table_id, build(seat_id, data))
        except ActionRefused as exc:
            return refuse(exc.code)
        except Exception as exc:
            return _failed(exc, table_id)
        try:
            publish(delivery)
        except Exception as exc:  # stored, but not (fully) sent: clients resync on reconnect
            return _failed(exc, table_id)
        return ack(data) if ack else {"ok": True}

    def on_submit_answer(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(
            payload,
            extra,
            p.SubmitAnswer,
            lambda seat, d: act.Submit(seat, d.card_index, d.value),
            ack=lambda d: {"ok": True, "card_index": d.card_index},
        )

    def on_start_game(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.Empty, lambda seat, _d: act.Start(seat))

    def on_close_round(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.Empty, lambda seat, _d: act.CloseRound(seat))

    def on_skip_card(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.Empty, lambda seat, _d: act.Skip(seat))

    def on_next_card(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.Empty, lambda seat, _d: act.Next(seat))

    def on_go_to_card(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.GoToCard, lambda seat, d: act.GoTo(seat, d.card_index))

    def on_pause_table(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.PauseTable, lambda seat, d: act.Pause(seat, d.paused))

    def on_set_timer(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.SetTimer, lambda seat, d: act.SetTimer(seat, d.seconds))

    def on_lock_table(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.LockTable, lambda seat, d: act.Lock(seat, d.locked))

    def on_remove_player(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.RemovePlayer, lambda seat, d: act.Remove(seat, d.seat_id))

    def on_add_action(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(
            payload, extra, p.AddAction, lambda seat, d: act.AddAction(seat, d.who, d.what, d.due)
        )

    def on_remove_action(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.RemoveAction, lambda seat, d: act.RemoveAction(seat, d.action_id))

    def on_end_table(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.EndTable, lambda seat, d: act.End(seat, d.keep_open_text))

    def on_leave_table(self, payload: Any = None, *extra: Any) -> Ack:
        result = self._act(payload, extra, p.Empty, lambda seat, _d: act.Leave(seat))
        if result.get("ok"):
            session["seat"] = None
        return result

    def on_give_feedback(self, payload: Any = None, *extra: Any) -> Ack:
        """A verdict on a card: past the same checks as every event, but no engine and no emit."""
        checked = _checked(payload, extra, p.GiveFeedback)
        if isinstance(checked, dict):
            return checked
        seat_id, table_id, data = checked
        try:
            card_index = feedback.record(table_id, seat_id, data.card_index, data.verdict, data.comment)
        except ActionRefused as exc:
            return refuse(exc.code)
        except Exception as exc:
            return _failed(exc, table_id)
        return {"ok": True, "card_index": card_index}
