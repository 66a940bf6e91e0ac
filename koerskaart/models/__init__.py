"""SQLAlchemy models; importing this module registers them all."""

from .accounts import ACCOUNT_ROLES, Invite, Organisation, User
from .sharing import ShareLink
from .table import Answer, PendingAnswer, RoundRow, Seat, Table, TeamActionRow

__all__ = [
    "ACCOUNT_ROLES",
    "Answer",
    "Invite",
    "Organisation",
    "PendingAnswer",
    "RoundRow",
    "Seat",
    "ShareLink",
    "Table",
    "TeamActionRow",
    "User",
]
