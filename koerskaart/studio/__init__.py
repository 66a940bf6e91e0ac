"""The deck studio: an academy's own decks, from draft to published versions (issue 13)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The studio's pages."""
    from . import crumbs, editor, play_pages, review_pages
    from .routes import bp

    app.add_template_global(crumbs.deck_title, "studio_deck_title")  # the breadcrumbs' deck name

    app.register_blueprint(bp)
    app.register_blueprint(editor.bp)  # authoring in forms
    app.register_blueprint(review_pages.bp)  # review with the expert group
    app.register_blueprint(play_pages.bp)  # learning from play
