"""Small cells: any count of fewer than k tables, players, events or requests shows as "< k".

One place decides, for the page, the CSV and the API alike. A derived figure (an average, a
share) is hidden with the count it is computed over. Zero is shown: it counts no one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    LABEL = "label"  # a period, a unit's name, a deck, a route: never hidden
    TABLES = "tables"  # counts of tables, players, events, requests: hidden when 0 < n < k
    PLAYERS = "players"
    EVENTS = "events"
    REQUESTS = "requests"
    NUMBER = "number"  # derived from a count column (``Column.base``): hidden with it


COUNTS = frozenset({Kind.TABLES, Kind.PLAYERS, Kind.EVENTS, Kind.REQUESTS})


@dataclass(frozen=True)
class Small:
    """A suppressed cell: fewer than ``k`` (but more than none)."""

    k: int

    def __str__(self) -> str:
        return f"< {self.k}"


Cell = int | float | str | None | Small


def is_small(value: object, k: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < k


def suppress(
    rows: Iterable[Mapping[str, Cell]], kinds: Mapping[str, Kind], bases: Mapping[str, str], k: int
) -> list[dict[str, Cell]]:
    """The rows with every small count, and every figure derived from one, as ``Small(k)``."""
    released = []
    for row in rows:
        out = dict(row)
        for key, kind in kinds.items():
            if kind in COUNTS and is_small(row.get(key), k):
                out[key] = Small(k)
        for key, base in bases.items():
            if not row.get(base):
                out[key] = None  # an average over nothing is no number
            elif isinstance(out.get(base), Small) and out.get(key) is not None:
                out[key] = Small(k)  # a row without the figure (a distribution's parts) stays without
        released.append(out)
    return released


def as_text(value: Cell) -> str:
    """A cell as the page and the CSV write it ("< 3" for a small one, "" for none)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)
