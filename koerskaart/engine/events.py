"""What happened, each event addressed to an audience. The services decide how to send it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from .cards import Answer
from .results import Result
from .state import TeamAction


class Audience(StrEnum):
    TABLE = "table"  # every seat and table screen
    SEAT = "seat"  # one seat only (``seat_id``)
    SERVER = "server"  # never sent: for the store only


@dataclass(frozen=True)
class Event:
    audience: ClassVar[Audience] = Audience.TABLE


@dataclass(frozen=True)
class SeatJoined(Event):
    seat_id: str


@dataclass(frozen=True)
class SeatLeft(Event):
    seat_id: str


@dataclass(frozen=True)
class SeatRemoved(Event):
    audience: ClassVar[Audience] = Audience.SEAT
    seat_id: str


@dataclass(frozen=True)
class TableLocked(Event):
    locked: bool


@dataclass(frozen=True)
class GameStarted(Event):
    pass


@dataclass(frozen=True)
class CardShown(Event):
    card_index: int


@dataclass(frozen=True)
class RoundOpened(Event):
    card_index: int


@dataclass(frozen=True)
class AnswerRecorded(Event):
    audience: ClassVar[Audience] = Audience.SEAT
    seat_id: str
    card_index: int
    changed: bool  # an earlier answer was replaced


@dataclass(frozen=True)
class AnswerCountChanged(Event):
    card_index: int
    answered: int
    total: int


@dataclass(frozen=True)
class AnswersSealed(Event):
    """The round's answers, shuffled and without seats, for anonymous storage."""

    audience: ClassVar[Audience] = Audience.SERVER
    card_index: int
    answers: tuple[Answer, ...]
    groups: dict[str, dict[str, object]] | None = None  # releasable per-perspective counts


@dataclass(frozen=True)
class RoundRevealed(Event):
    card_index: int
    result: Result


@dataclass(frozen=True)
class RoundClosedTooFew(Event):
    card_index: int


@dataclass(frozen=True)
class RoundSkipped(Event):
    card_index: int


@dataclass(frozen=True)
class PauseChanged(Event):
    paused: bool


@dataclass(frozen=True)
class TimerSet(Event):
    ends_at: float | None


@dataclass(frozen=True)
class ActionAdded(Event):
    action: TeamAction


@dataclass(frozen=True)
class ActionRemoved(Event):
    action_id: str


@dataclass(frozen=True)
class TableEnded(Event):
    keep_open_text: bool
