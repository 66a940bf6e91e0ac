"""Socket.IO room names: who receives what. One place, so every feature addresses alike."""

from __future__ import annotations

PLAY_NAMESPACE = "/play"
CONFERENCE_NAMESPACE = "/conference"  # facilitators' dashboards and the big screen


def table_room(table_public_id: str) -> str:
    """Every seat and table screen of one table."""
    return f"table:{table_public_id}"


def seat_room(seat_public_id: str) -> str:
    """The sockets of one seat (a phone may have a tab open twice)."""
    return f"seat:{seat_public_id}"


def account_room(user_id: int) -> str:
    """Every socket a logged-in account opened; receives nothing, found to be dropped."""
    return f"account:{user_id}"


def login_room(login_id: str) -> str:
    """The sockets of one login (one browser session) of an account."""
    return f"login:{login_id}"


def dashboard_room(conference_id: int) -> str:
    """Every dashboard of one event (facilitator and co-facilitators), on /conference."""
    return f"conference:{conference_id}:dashboard"


def plenary_room(conference_id: int) -> str:
    """Every big screen of one event, on /conference."""
    return f"conference:{conference_id}:plenary"


def event_room(conference_id: int) -> str:
    """Every phone and table screen of one event, on /play: announcements and countdowns."""
    return f"conference:{conference_id}:tables"
