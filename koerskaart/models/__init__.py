"""SQLAlchemy models; importing this module registers them all."""

from ..auth.models import Invite, Organisation, User
from .sharing import ShareLink
from .table import Answer, PendingAnswer, RoundRow, Seat, Table, TeamActionRow

__all__ = [
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
