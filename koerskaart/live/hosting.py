"""What a browser that started a table keeps: its seat cookie and, in its session, the screen key.

Play's start form and a deck request's ready link both start a table for the person in front of
them; features never import each other, so how the host is seated lives here.
"""

from __future__ import annotations

from flask import redirect, session
from werkzeug.wrappers import Response as BaseResponse

from . import service

# The session cookie keeps the screen keys of this many tables its browser started, the newest;
# an older table's page no longer offers its screen link (the screen itself keeps working).
# About 80 bytes each, so the cookie stays far below the browsers' 4 KB whatever is started.
SCREEN_KEYS_KEPT = 10
SCREENS = "screens"  # session: [[table public id, screen key], ...], oldest first


def seat_response(location: str, table_public_id: str, token: str) -> BaseResponse:
    """A redirect to the table page (``location``) that sets the host's seat cookie."""
    response = redirect(location)
    response.set_cookie(service.seat_cookie_name(table_public_id), token, **service.seat_cookie_options())
    return response


def remember_screen_key(table_id: str, screen_key: str) -> None:
    """Only the creator ever sees the screen key; the session cookie is signed and theirs."""
    kept = [pair for pair in session.get(SCREENS, []) if pair[0] != table_id]
    session[SCREENS] = [*kept, [table_id, screen_key]][-SCREEN_KEYS_KEPT:]
    # Cookies from before the cap held one "screen:<id>" entry per table: drop them.
    for name in [name for name in session if name.startswith("screen:")]:
        session.pop(name)


def screen_key(table_id: str) -> str | None:
    for kept_id, key in session.get(SCREENS, []):
        if kept_id == table_id:
            return str(key)
    legacy = session.get(f"screen:{table_id}")  # a cookie from before the cap
    return legacy if isinstance(legacy, str) else None
