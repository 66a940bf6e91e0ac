"""Team summaries: the page, PDF, CSV and Markdown of one table, share links and retention."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from ..pdf import quiet_render_libraries
    from .retention import retention_cli
    from .routes import bp

    quiet_render_libraries()  # before anything renders: no answer text through their logs (rule 8)
    app.register_blueprint(bp)
    app.cli.add_command(retention_cli)
