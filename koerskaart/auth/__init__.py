"""Accounts for facilitators, deck authors and organisation admins; teams still play without one."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Settings (overridable by the app's config), Flask-Login, the pages and `flask users`."""
    from ..extensions import login_manager
    from .cli import users_cli
    from .routes import bp, unauthorized
    from .services import load_user

    secure = app.config.get("SESSION_COOKIE_SECURE", False)
    app.config.setdefault("LOGIN_RATE_LIMIT", os.environ.get("KOERSKAART_LOGIN_RATE_LIMIT", "10 per minute"))
    app.config.setdefault("INVITE_MAX_AGE_DAYS", 7)
    app.config.setdefault("REMEMBER_COOKIE_DURATION", timedelta(days=14))
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("REMEMBER_COOKIE_SECURE", secure)

    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.session_protection = "basic"  # a changed IP/browser makes the login non-fresh
    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
