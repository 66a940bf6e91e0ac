"""Uptake (issue 14): organisation units, deck requests, the organisation's dashboard, its API.

Analytics read the uptake facts only (models/usage.py, written by live/usage.py), never a
table's seats, rounds, answers or actions: docs/anonymity.md, "Uptake".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The uptake pages, the public request form, the API and the CLI."""
    from . import api, cli, dashboard, platform, requests, tokens, units

    app.register_blueprint(dashboard.bp)  # /organisation/uptake: the views, their charts and CSV
    app.register_blueprint(units.bp)  # /organisation/units: the admin's tree of units
    app.register_blueprint(requests.bp)  # /request/<key>: a team lead asks for a deck, no account
    app.register_blueprint(tokens.bp)  # /organisation/tokens: personal access tokens
    app.register_blueprint(api.bp)  # /api/v1: the same views as JSON, OpenAPI 3.1
    app.register_blueprint(platform.bp)  # /platform/uptake: totals across organisations
    app.cli.add_command(cli.analytics)
