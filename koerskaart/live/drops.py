"""Dropping every socket in a room, on every server process.

python-socketio can disconnect one socket id anywhere, but it knows the members of a
room only in the process that holds them. With several processes behind Redis, a
removed player, or a facilitator who logs out, may be connected to another process.
``DroppingRedisManager`` sends one message through the queue that each process
answers by disconnecting its own members of the room.
"""

from __future__ import annotations

from typing import Any

import socketio

from ..extensions import socketio as flask_socketio
from .counts import counts


class DroppingRedisManager(socketio.RedisManager):  # type: ignore[misc]
    """The Redis client manager, plus "disconnect everyone in this room" across processes."""

    def drop_room(self, room: str, namespace: str) -> None:
        # Rides on the close_room message, which every process already listens for.
        message = {"method": "close_room", "room": room, "namespace": namespace, "drop": True}
        message["host_id"] = self.host_id
        self._handle_close_room(message)  # this process
        self._publish(message)  # the others

    def _handle_emit(self, message: dict[str, Any]) -> None:
        if message.get("host_id") != self.host_id:
            # Another process's message to a room: a count waiting here for that room is
            # older than it (a snapshot), unless it is another count (live/counts.py).
            counts.superseded(str(message.get("room")), str(message.get("namespace")), message.get("event"))
        super()._handle_emit(message)

    def _handle_close_room(self, message: dict[str, Any]) -> None:
        if message.get("drop"):
            drop_local(self.server, message["room"], message["namespace"])
        super()._handle_close_room(message)


def drop_local(server: socketio.Server, room: str, namespace: str) -> None:
    """Disconnect this process's members of ``room``."""
    for sid, _eio_sid in list(server.manager.get_participants(namespace, room)):
        server.disconnect(sid, namespace=namespace, ignore_queue=True)


def drop_room(room: str, namespace: str) -> None:
    """Disconnect every socket in ``room``, wherever it is connected."""
    server = flask_socketio.server  # type: ignore[attr-defined]  # set by init_app; not in the stubs
    if isinstance(server.manager, DroppingRedisManager):
        server.manager.drop_room(room, namespace)
    else:
        drop_local(server, room, namespace)


def client_manager(redis_url: str | None) -> DroppingRedisManager | None:
    """The Socket.IO client manager for ``REDIS_URL`` (None: one process, in-memory rooms)."""
    if not redis_url:
        return None
    return DroppingRedisManager(redis_url, channel="flask-socketio")
