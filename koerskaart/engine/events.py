"""What happened, each event addressed to an audience. The services decide how to send it.

An event's ``name`` is its class name in snake case (``RoundRevealed`` -> ``round_revealed``):
the word clients see, whether as a message of its own or as the reason of a snapshot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

from .cards import Answer
from .results import Result
from .state import TeamAction


class Audience(StrEnum):
    TABLE = "table"  # every seat and table screen
    SEAT = "seat"  # one seat only (``seat_id``)
    ACTOR = "actor"  # the seat that acted: told by the answer to its own request
    SERVER = "server"  # never sent: for the store only


@dataclass(frozen=True)
class Event:
    audience: ClassVar[Audience] = Audience.TABLE
    # A table event that changes what the table shows; the others (counts) are sent on their own.
    changes_state: ClassVar[bool] = True
    name: ClassVar[str] = "event"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.name = re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


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
    audience: ClassVar[Audience] = Audience.ACTOR
    seat_id: str
    card_index: int
    changed: bool  # an earlier answer was replaced


@dataclass(frozen=True)
class AnswerCountChanged(Event):
    changes_state: ClassVar[bool] = False
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
    # Every declared perspective's answers (shuffled), only for a conference's cross-table
    # tally: summed over tables, never stored per table (docs/anonymity.md).
    declared: dict[str, tuple[Answer, ...]] | None = None


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
class HoldChanged(Event):
    hold_at: int | None


@dataclass(frozen=True)
class TableEnded(Event):
    keep_open_text: bool
