"""What players and hosts can ask the engine to do (after the handler has parsed the payload)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Join:
    seat_id: str
    nickname: str | None = None
    as_host: bool = False
    perspective: str | None = None


@dataclass(frozen=True)
class Leave:
    seat_id: str


@dataclass(frozen=True)
class Remove:
    by: str
    seat_id: str


@dataclass(frozen=True)
class Lock:
    by: str
    locked: bool


@dataclass(frozen=True)
class Start:
    by: str


@dataclass(frozen=True)
class Submit:
    seat_id: str
    card_index: int
    value: object


@dataclass(frozen=True)
class CloseRound:
    by: str


@dataclass(frozen=True)
class Skip:
    by: str


@dataclass(frozen=True)
class Next:
    by: str


@dataclass(frozen=True)
class GoTo:
    by: str
    card_index: int


@dataclass(frozen=True)
class Pause:
    by: str
    paused: bool


@dataclass(frozen=True)
class SetTimer:
    by: str
    seconds: int | None


@dataclass(frozen=True)
class AddAction:
    seat_id: str
    who: str
    what: str
    due: str


@dataclass(frozen=True)
class RemoveAction:
    by: str
    action_id: str


@dataclass(frozen=True)
class End:
    by: str
    keep_open_text: bool = False


@dataclass(frozen=True)
class Expire:
    """Retention ends a table nobody ended; no seat is needed, and open text is never kept."""


# -- a conference facilitator's actions: they name no seat, and only the conference
# service can make them (no socket event of a table builds one).


@dataclass(frozen=True)
class Show:
    """Open card ``card_index`` (starting the game if needed), settling the open round first."""

    card_index: int


@dataclass(frozen=True)
class CloseAll:
    """Close the open round as a host would, or as too few below the threshold; no-op otherwise."""


@dataclass(frozen=True)
class PauseAll:
    paused: bool


@dataclass(frozen=True)
class Hold:
    """The table may not move past ``card_index`` (None lifts the hold)."""

    card_index: int | None


@dataclass(frozen=True)
class Conclude:
    """The facilitator ends the table with the event; a no-op for a table that already ended."""

    keep_open_text: bool = False


Action = (
    Join
    | Leave
    | Remove
    | Lock
    | Start
    | Submit
    | CloseRound
    | Skip
    | Next
    | GoTo
    | Pause
    | SetTimer
    | AddAction
    | RemoveAction
    | End
    | Expire
    | Show
    | CloseAll
    | PauseAll
    | Hold
    | Conclude
)
