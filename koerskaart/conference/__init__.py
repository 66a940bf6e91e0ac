"""Conference mode: one facilitator, many tables, a live dashboard and the big screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The event pages, and the /conference namespace (once per process: the SocketIO object is shared)."""
    from ..extensions import socketio
    from .routes import bp
    from .sockets import NAMESPACE, ConferenceNamespace, on_namespace_error

    app.register_blueprint(bp)
    handlers = socketio.namespace_handlers  # type: ignore[attr-defined]  # not in the stubs
    if not any(handler.namespace == NAMESPACE for handler in handlers):
        socketio.on_namespace(ConferenceNamespace(NAMESPACE))
        socketio.on_error(NAMESPACE)(on_namespace_error)
