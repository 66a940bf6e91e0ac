"""The rules of KoersKaart, free of Flask, Socket.IO and SQLAlchemy."""

from . import actions, events
from .cards import Answer, CardKind, CardRule, validate_answer
from .errors import ActionRefused, Code
from .results import PERSPECTIVES, Coarse, Result, coarsen, compute_result
from .rules import Outcome, apply
from .state import MIN_K, Round, RoundStatus, Seat, Settings, TableState, TableStatus, TeamAction

__all__ = [
    "MIN_K",
    "PERSPECTIVES",
    "ActionRefused",
    "Answer",
    "CardKind",
    "CardRule",
    "Coarse",
    "Code",
    "Outcome",
    "Result",
    "Round",
    "RoundStatus",
    "Seat",
    "Settings",
    "TableState",
    "TableStatus",
    "TeamAction",
    "actions",
    "apply",
    "coarsen",
    "compute_result",
    "events",
    "validate_answer",
]
