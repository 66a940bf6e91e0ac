"""Secrets handed to people (rejoin, screen, invite and share tokens), the checks around them, and
the typed ``login_required`` every feature's pages use.

A token is shown once and only its SHA-256 is stored, so the database alone opens nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

import flask_login

F = TypeVar("F", bound=Callable[..., Any])
# Flask-Login ships no types: say what its decorator keeps (the view's signature).
login_required = cast(Callable[[F], F], flask_login.login_required)

TOKEN_MAX_LENGTH = 200  # longer input is no token of ours: refused before hashing


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return None
    return target
