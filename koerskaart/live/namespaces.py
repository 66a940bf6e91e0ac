"""What every Socket.IO namespace answers alike: refusals, unknown events, oversized or extra payloads.

Both features' namespaces (`/play`, `/conference`) stand on this, so a client meets one
behaviour whatever it talks to (docs/socket-protocol.md, *Error codes*).
"""

from __future__ import annotations

import json
from typing import Any

from flask import current_app
from flask_socketio import Namespace

from .refusals import Transport

Ack = dict[str, object]


def refuse(code: str) -> Ack:
    return {"ok": False, "error": str(code)}


def characters(payload: Any) -> int:
    """A payload's length as JSON text, counted as the cards count text: in characters, unescaped."""
    return len(json.dumps(payload, ensure_ascii=False, separators=(",", ":"))) if payload is not None else 0


def malformed(payload: Any, extra: tuple[Any, ...]) -> Ack | None:
    """One payload per event, within the size limit; the refusal to ack, or None."""
    if extra:  # more arguments are a malformed message
        return refuse(Transport.INVALID_PAYLOAD)
    if characters(payload) > current_app.config["MAX_PAYLOAD_CHARACTERS"]:
        return refuse(Transport.PAYLOAD_TOO_LARGE)
    return None


class RefusingNamespace(Namespace):
    """An event without a handler gets a refusal, not an empty acknowledgement."""

    def trigger_event(self, event: str, *args: Any) -> Any:
        if not hasattr(self, f"on_{event}"):
            return refuse(Transport.UNKNOWN_EVENT)
        return super().trigger_event(event, *args)
