"""The /play Socket.IO namespace: authenticate on connect, validate, call a service, emit, ack.

No game rules here; they live in ``koerskaart.engine``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from flask import current_app, request, session, url_for
from flask_socketio import ConnectionRefusedError, Namespace, emit, join_room
from pydantic import ValidationError

from ..engine import ActionRefused, TableState
from ..engine import actions as act
from ..extensions import socketio
from ..live import service, views
from ..live.codes import format_code
from . import payloads as p
from .drops import drop_room
from .logins import join_login_rooms
from .qr import join_qr_svg

NAMESPACE = "/play"
log = logging.getLogger(__name__)

Ack = dict[str, object]


def seat_cookie_name(table_public_id: str) -> str:
    return f"kk_seat_{table_public_id}"


def _refuse(code: str) -> Ack:
    return {"ok": False, "error": code}


def _failed(exc: BaseException, table_id: object = None) -> Ack:
    """Log a failure by type only: a traceback's locals or repr may hold an answer (rule 8)."""
    log.error("event failed on table %s: %s", table_id, type(exc).__name__)
    return _refuse("server_error")


def on_namespace_error(exc: BaseException) -> Ack:
    """Anything a handler did not catch (even a call with the wrong arguments) still gets one ack."""
    return _refuse("invalid_payload") if isinstance(exc, TypeError) else _failed(exc, session.get("table"))


def publish(outcome: service.Outcome) -> None:
    """Send what a committed change produced, and cut removed players off."""
    for item in outcome.emits:
        socketio.emit(item.event, item.payload, to=item.room, namespace=NAMESPACE)
    for seat_id in outcome.removed_seats:
        drop_room(service.seat_room(seat_id), NAMESPACE)  # on whichever process they are


class PlayNamespace(Namespace):
    """Players and table screens of every table."""

    def on_connect(self, auth: Any = None) -> None:
        auth = auth if isinstance(auth, dict) else {}
        table_id = auth.get("table")
        role = auth.get("as")
        if not isinstance(table_id, str) or len(table_id) > 64 or role not in ("seat", "screen"):
            raise ConnectionRefusedError("not_authenticated")
        table = service.get_table(table_id)
        if table is None:
            raise ConnectionRefusedError("not_authenticated")
        seat_id: str | None = None
        if role == "seat":
            seat = service.find_seat(table_id, request.cookies.get(seat_cookie_name(table_id)))
            if seat is None:
                raise ConnectionRefusedError("not_authenticated")
            seat_id = seat.public_id
            join_room(service.seat_room(seat_id))
        else:
            key = auth.get("key")
            if not service.screen_allowed(table, key if isinstance(key, str) else None):
                raise ConnectionRefusedError("not_authenticated")
        join_room(service.table_room(table_id))
        join_login_rooms()
        session["table"] = table_id
        session["seat"] = seat_id
        state = service.current_state(table)
        join = None
        if table.join_code and state.status.value != "ended":
            code = format_code(table.join_code)
            url = url_for("play.join", _external=True) + "#" + code
            join = {"code": code, "url": url, "qr_svg": join_qr_svg(url)}
        you: dict[str, object] = {"role": role}
        if seat_id:
            you.update(seat_id=seat_id, my_answer=views.my_answer(state, seat_id))
        emit("table_joined", {"you": you, "join": join, "table": views.snapshot(state)})

    # -- events ------------------------------------------------------------------------

    def _act(
        self,
        payload: Any,
        extra: tuple[Any, ...],
        schema: type[p.Payload],
        build: Callable[[str, Any, TableState], act.Action],
        ack: Callable[[Any], Ack] | None = None,
    ) -> Ack:
        """The one path every event takes: size, rate, auth, shape, engine, commit, emit."""
        if extra:  # one payload per event; more arguments are a malformed message
            return _refuse("invalid_payload")
        try:
            size = len(json.dumps(payload)) if payload is not None else 0
        except (TypeError, ValueError):
            return _refuse("invalid_payload")
        if size > current_app.config["MAX_PAYLOAD_BYTES"]:
            return _refuse("payload_too_large")
        if not self._within_rate():
            return _refuse("rate_limited")
        seat_id = session.get("seat")
        table_id = session.get("table")
        if not seat_id or not table_id:
            return _refuse("not_authenticated")
        try:
            data = schema.model_validate(payload if payload is not None else {})
        except ValidationError:
            return _refuse("invalid_payload")
        try:
            outcome = service.perform(table_id, lambda state: build(seat_id, data, state))
        except ActionRefused as exc:
            return _refuse(exc.code.value)
        except Exception as exc:
            return _failed(exc, table_id)
        try:
            publish(outcome)
        except Exception as exc:  # stored, but not (fully) sent: clients resync on reconnect
            return _failed(exc, table_id)
        return ack(data) if ack else {"ok": True}

    def _within_rate(self) -> bool:
        now = time.monotonic()
        window, count = session.get("rate", (now, 0))
        if now - window >= 1.0:
            window, count = now, 0
        count += 1
        session["rate"] = (window, count)
        return bool(count <= current_app.config["SOCKET_EVENTS_PER_SECOND"])

    def on_submit_answer(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(
            payload,
            extra,
            p.SubmitAnswer,
            lambda seat, d, _s: act.Submit(seat, d.card_index, d.value),
            ack=lambda d: {"ok": True, "card_index": d.card_index},
        )

    def on_start_game(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.Empty, lambda seat, _d, _s: act.Start(seat))

    def on_close_round(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.Empty, lambda seat, _d, _s: act.CloseRound(seat))

    def on_skip_card(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.Empty, lambda seat, _d, _s: act.Skip(seat))

    def on_next_card(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.Empty, lambda seat, _d, _s: act.Next(seat))

    def on_go_to_card(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.GoToCard, lambda seat, d, _s: act.GoTo(seat, d.card_index))

    def on_pause_table(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.PauseTable, lambda seat, d, _s: act.Pause(seat, d.paused))

    def on_set_timer(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.SetTimer, lambda seat, d, _s: act.SetTimer(seat, d.seconds))

    def on_lock_table(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.LockTable, lambda seat, d, _s: act.Lock(seat, d.locked))

    def on_remove_player(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.RemovePlayer, lambda seat, d, _s: act.Remove(seat, d.seat_id))

    def on_add_action(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(
            payload, extra, p.AddAction, lambda seat, d, _s: act.AddAction(seat, d.who, d.what, d.due)
        )

    def on_remove_action(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(
            payload, extra, p.RemoveAction, lambda seat, d, _s: act.RemoveAction(seat, d.action_id)
        )

    def on_end_table(self, payload: Any = None, *extra: Any) -> Ack:
        return self._act(payload, extra, p.EndTable, lambda seat, d, _s: act.End(seat, d.keep_open_text))

    def on_leave_table(self, payload: Any = None, *extra: Any) -> Ack:
        result = self._act(payload, extra, p.Empty, lambda seat, _d, _s: act.Leave(seat))
        if result.get("ok"):
            session["seat"] = None
        return result
