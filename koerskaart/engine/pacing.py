"""A table's phase on the facilitator's dashboard, so the tables that need help stand out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from .state import TableStatus

IDLE_AFTER = 300.0  # no activity for five minutes while playing: someone should look
BEHIND_AFTER = 120.0  # answering for two quiet minutes while most tables have moved on


class Phase(StrEnum):
    LOBBY = "lobby"
    ANSWERING = "answering"
    DISCUSSING = "discussing"
    DONE = "done"
    STUCK = "stuck"


@dataclass(frozen=True)
class Progress:
    id: str
    status: TableStatus  # lobby / playing / ended
    card_index: int
    round_open: bool  # the current round is open
    answerable: bool  # the current card takes answers
    paused: bool
    activity_at: float  # last time anything happened at the table (epoch seconds)


def _stuck(table: Progress, playing: Sequence[Progress], now: float) -> bool:
    if table.paused:
        return False  # the facilitator or host paused it on purpose
    quiet = now - table.activity_at
    if quiet > IDLE_AFTER:
        return True
    if not (table.answerable and table.round_open) or quiet <= BEHIND_AFTER:
        return False
    others = [t for t in playing if t.id != table.id]
    ahead = sum(1 for t in others if t.card_index > table.card_index)
    return bool(others) and 2 * ahead >= len(others)


def phases(tables: Sequence[Progress], now: float) -> dict[str, Phase]:
    """Each table's phase, by id.

    A playing table is STUCK when it is not paused and has been quiet for more than
    IDLE_AFTER, or sits in an open answerable round, quiet for more than BEHIND_AFTER,
    while at least half of the other playing tables are at a later card (with no other
    playing table nobody is ahead). Otherwise ANSWERING during an open answerable round,
    else DISCUSSING.
    """
    playing = [t for t in tables if t.status is TableStatus.PLAYING]
    out: dict[str, Phase] = {}
    for table in tables:
        if table.status is TableStatus.LOBBY:
            out[table.id] = Phase.LOBBY
        elif table.status is TableStatus.ENDED:
            out[table.id] = Phase.DONE
        elif _stuck(table, playing, now):
            out[table.id] = Phase.STUCK
        elif table.answerable and table.round_open:
            out[table.id] = Phase.ANSWERING
        else:
            out[table.id] = Phase.DISCUSSING
    return out
