"""Joining and playing a table: the pages, the forms and the /play Socket.IO namespace."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The play pages, and the /play namespace (once per process: the SocketIO object is shared)."""
    from ..extensions import socketio
    from . import deck_pages  # noqa: F401  (its routes join the play blueprint)
    from .routes import bp
    from .sockets import NAMESPACE, PlayNamespace, on_namespace_error

    app.register_blueprint(bp)
    handlers = socketio.namespace_handlers  # type: ignore[attr-defined]  # not in the stubs
    if not any(handler.namespace == NAMESPACE for handler in handlers):
        socketio.on_namespace(PlayNamespace(NAMESPACE))
        socketio.on_error(NAMESPACE)(on_namespace_error)
