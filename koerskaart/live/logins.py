"""Sockets opened while logged in end when that login ends.

A socket opened by a browser that is logged in joins two rooms: one for the account
and one for this login. Logging out drops the login's sockets; logging out everywhere,
or an admin disabling the account, drops all of the account's sockets, on every
server process (``drops.drop_room``). A dropped page reconnects by itself and is then
judged afresh, without the login: a seat stays a seat, since seats never depend on
an account, but nothing an account granted survives its login.
"""

from __future__ import annotations

import secrets

from flask import session
from flask_login import current_user
from flask_socketio import join_room

from .drops import drop_room
from .rooms import CONFERENCE_NAMESPACE, PLAY_NAMESPACE, account_room, login_room

LOGIN_KEY = "login_id"  # a random id per login, in the signed session cookie
NAMESPACES = (PLAY_NAMESPACE, CONFERENCE_NAMESPACE)


def start_login() -> None:
    """Call right after login_user(): names this login, so its sockets can be found."""
    session[LOGIN_KEY] = secrets.token_urlsafe(16)


def join_login_rooms() -> None:
    """In a connect handler: file this socket under its account and login, if any."""
    if not current_user.is_authenticated:
        return
    join_room(account_room(current_user.id))
    login_id = session.get(LOGIN_KEY)
    if isinstance(login_id, str):
        join_room(login_room(login_id))


def end_login_sockets() -> None:
    """Before logout: drop the sockets this login opened."""
    login_id = session.get(LOGIN_KEY)
    if isinstance(login_id, str):
        for namespace in NAMESPACES:
            drop_room(login_room(login_id), namespace)


def end_account_sockets(user_id: int) -> None:
    """Logout everywhere, or a disabled account: drop every socket the account opened."""
    for namespace in NAMESPACES:
        drop_room(account_room(user_id), namespace)
