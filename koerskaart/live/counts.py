"""A table's "x of N answered" counts, coalesced within a short window (docs/socket-protocol.md).

Every answer at a table changes its count, and each count went to every socket of the
table's room: 7 WebSocket sends per answer, most of the transport's work in a burst. Here
a count waits up to ``COUNT_COALESCE_MS`` (30 ms by default) and only the latest one per
room is sent: answers that land together at a table cost one count between them.

- Any other message to the room (a ``table_updated`` snapshot, such as the reveal) first
  drops the count waiting there: the snapshot carries the count, and a count that went out
  after it would be older than it.
- With several processes, a message to the room from another process drops it as well.
- Only what the caller marks as a count waits; everything else goes out at once, in order.

The waiting runs in a background task of the async mode (a greenlet under gevent), and
sends through ``socketio.emit``, so a count reaches every process's sockets like any emit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..extensions import socketio
from .logs import quiet

log = quiet(__name__)

Send = Callable[[str, dict[str, object], str, str], None]  # event, payload, room, namespace


@dataclass(frozen=True)
class _Count:
    event: str
    payload: dict[str, object]


class Coalescer:
    """The counts waiting to be sent, at most one per (namespace, room)."""

    def __init__(self, send: Send, spawn: Callable[..., Any], sleep: Callable[[float], Any]) -> None:
        self._send = send
        self._spawn = spawn
        self._sleep = sleep
        self._pending: dict[tuple[str, str], _Count] = {}
        self._sending = 0  # flushes that have taken their count and not yet sent it
        self._lock = threading.Lock()

    def count(self, event: str, payload: dict[str, object], room: str, namespace: str, window: float) -> None:
        """A count for ``room``: sent in ``window`` seconds unless a newer count or a snapshot replaces it."""
        key = (namespace, room)
        with self._lock:
            waiting = key in self._pending
            self._pending[key] = _Count(event, payload)
        if not waiting:  # the first count of a window starts its timer; later ones replace it
            self._spawn(self._flush_later, key, window)

    def superseded(self, room: str, namespace: str, event: str | None = None) -> None:
        """Another message goes to ``room``: its waiting count is dropped (not one named ``event``)."""
        key = (namespace, room)
        with self._lock:
            waiting = self._pending.get(key)
            if waiting is not None and waiting.event != event:
                del self._pending[key]

    def idle(self) -> bool:
        """Nothing waiting and nothing being sent (for tests that read what clients received)."""
        with self._lock:
            return not self._pending and not self._sending

    def _flush_later(self, key: tuple[str, str], window: float) -> None:
        self._sleep(window)
        with self._lock:
            waiting = self._pending.pop(key, None)
            if waiting is None:
                return
            self._sending += 1
        try:
            self._send(waiting.event, waiting.payload, key[1], key[0])
        except Exception as exc:  # not sent: the next count or snapshot brings the room up to date
            log.error("a count was not sent: %s", type(exc).__name__)
        finally:
            with self._lock:
                self._sending -= 1


def _emit(event: str, payload: dict[str, object], room: str, namespace: str) -> None:
    socketio.emit(event, payload, to=room, namespace=namespace)


# One per process: the rooms it publishes to. The async mode's task and sleep, looked up
# when used (the app, and so the async mode, is set up after this module is imported).
counts = Coalescer(
    _emit,
    spawn=lambda target, *args: socketio.start_background_task(target, *args),
    sleep=lambda seconds: socketio.sleep(seconds),  # type: ignore[arg-type]  # the stubs say int; any float works
)
