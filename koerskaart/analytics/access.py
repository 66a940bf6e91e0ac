"""Who may read uptake: an organisation's admins and analysts; the platform's admins, totals only."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

READER_ROLES = ("admin", "analyst")


def organisation_reader() -> int:
    """The organisation whose uptake the logged-in account may read; 403 for other roles.

    Routes put ``@login_required`` before this, so an anonymous visitor is sent to log in.
    """
    if not current_user.is_authenticated or current_user.role not in READER_ROLES:
        abort(403)
    return int(current_user.organisation_id)


def organisation_admin() -> int:
    """The organisation an admin keeps (units, request page, tokens); 403 for other roles."""
    if not current_user.is_authenticated or current_user.role != "admin":
        abort(403)
    return int(current_user.organisation_id)


def platform_admin() -> None:
    """Totals across organisations: only accounts marked as the platform's admins."""
    if not current_user.is_authenticated or not current_user.platform_admin:
        abort(403)
