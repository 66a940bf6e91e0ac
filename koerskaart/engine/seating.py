"""Who sits where at a conference: seating arrivals and mending tables that fell below k.

Pure rules over a snapshot of table loads; the conference service reads the loads,
asks here, and writes the seat. Deterministic: the same loads always give the same table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .results import PERSPECTIVES

MANAGER = PERSPECTIVES[0]


@dataclass(frozen=True)
class TableLoad:
    id: str
    players: int
    managers: int  # players who declared perspective "manager"
    accepting: bool = True  # open for automatic seating (not closed by the facilitator, not ended)


def choose_table(tables: Sequence[TableLoad], perspective: str | None, target: int) -> str | None:
    """The table an arriving participant sits at, or None: the event should open a new table.

    Candidates are accepting tables with room below ``target``. The emptiest wins, so tables
    fill evenly and none outgrows the others. Among equally empty tables a manager goes where
    the fewest managers sit, so managers spread out and employees are not outnumbered by
    them; everyone else takes the first in list order.
    """
    candidates = [(i, t) for i, t in enumerate(tables) if t.accepting and t.players < target]
    if not candidates:
        return None
    if perspective == MANAGER:
        _, best = min(candidates, key=lambda c: (c[1].players, c[1].managers, c[0]))
    else:
        _, best = min(candidates, key=lambda c: (c[1].players, c[0]))
    return best.id


def below_k(tables: Sequence[TableLoad], k: int) -> list[str]:
    """Ids of tables with someone seated but fewer than k: they can never see a result."""
    return [t.id for t in tables if 0 < t.players < k]


def merge_partner(tables: Sequence[TableLoad], table_id: str, k: int, capacity: int) -> str | None:
    """Where a table below k could move to: the emptiest other accepting table with room.

    None when the table is not below k (empty tables have nobody to move) or no other
    accepting, non-empty table can take all of its players within ``capacity``. Empty
    tables are no partner: joining one leaves the group exactly as small as it was.
    Ties go to list order. Raises KeyError for an unknown ``table_id``.
    """
    table = next((t for t in tables if t.id == table_id), None)
    if table is None:
        raise KeyError(table_id)
    if not 0 < table.players < k:
        return None
    partners = [
        t
        for t in tables
        if t.id != table_id and t.accepting and t.players > 0 and table.players + t.players <= capacity
    ]
    if not partners:
        return None
    return min(partners, key=lambda t: t.players).id  # min keeps the first of equals
