"""SQLAlchemy models; importing this module registers them all."""

from .table import Answer, PendingAnswer, RoundRow, Seat, Table, TeamActionRow

__all__ = ["Answer", "PendingAnswer", "RoundRow", "Seat", "Table", "TeamActionRow"]
