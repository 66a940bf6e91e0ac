"""What the big screen may show of a card across a conference's tables (PRODUCT.md rule 9).

The room sees tables, never one table: an aggregate needs at least MIN_TABLES revealed
tables, and two releases of the same card differ by 0 or at least k people in every
cell shown, so watching the screen change singles out no table and no person. Counts only
grow (revealed rounds are permanent), so checking each release against the previous one
keeps every pair of releases that far apart: the differences add up.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .cards import CardKind, CardRule
from .results import PERSPECTIVES, coarsen

MIN_TABLES = 3
_COUNTABLE = (CardKind.STATEMENT, CardKind.FREQUENCY, CardKind.CHOICE)
_SCALES = (CardKind.STATEMENT, CardKind.FREQUENCY)
UNDECLARED = "undeclared"


@dataclass(frozen=True)
class Tally:
    """Everything revealed so far for one card in one event."""

    tables: int  # tables whose round of this card revealed
    counts: tuple[int, ...]  # answers per option summed over those tables (() for open text)
    n: int  # answers in total
    groups: Mapping[str, tuple[int, ...]]  # perspective -> counts per option of those who declared


@dataclass(frozen=True)
class Release:
    """What the big screen may show; also what the next decision compares with."""

    tables: int
    n: int
    counts: tuple[int | str, ...]  # ints, or Coarse band labels on sensitive cards
    groups: dict[str, dict[str, object]] | None  # perspective -> {"n": int, "counts": [...]}
    group_sizes: dict[str, int] | None  # {"manager": m, "employee": e, "undeclared": u} with groups

    def to_dict(self) -> dict[str, object]:
        return {
            "tables": self.tables,
            "n": self.n,
            "counts": list(self.counts),
            "groups": self.groups,
            "group_sizes": self.group_sizes,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Release:
        tables, n, counts = data["tables"], data["n"], data.get("counts") or []
        groups, sizes = data.get("groups"), data.get("group_sizes")
        assert isinstance(tables, int) and isinstance(n, int) and isinstance(counts, list)
        assert groups is None or isinstance(groups, dict)
        assert sizes is None or isinstance(sizes, dict)
        return cls(
            tables=tables,
            n=n,
            counts=tuple(counts),
            groups={str(g): dict(v) for g, v in groups.items()} if groups is not None else None,
            group_sizes={str(g): int(v) for g, v in sizes.items()} if sizes is not None else None,
        )


def _far_enough(now: int, before: int, k: int) -> bool:
    """Two released values of one cell: the same, or at least k people apart."""
    return now == before or abs(now - before) >= k


def _threshold(card: CardRule, k: int) -> int:
    # As TableState.threshold for countable cards: one more on sensitive cards, whose bands
    # would pin down unanimity at exactly k.
    return k + 1 if card.sensitive else k


def _shown(card: CardRule, counts: Sequence[int], n: int, k: int) -> tuple[int | str, ...]:
    return coarsen(counts, n, k) if card.sensitive else tuple(counts)


def _group_sizes(tally: Tally) -> dict[str, int] | None:
    if not all(tally.groups.get(group) for group in PERSPECTIVES):
        return None
    sizes = {group: sum(tally.groups[group]) for group in PERSPECTIVES}
    sizes[UNDECLARED] = tally.n - sum(sizes.values())
    return sizes


def _groups_allowed(card: CardRule, sizes: dict[str, int], last_with_groups: Release | None, k: int) -> bool:
    threshold = _threshold(card, k)
    if any(sizes[group] < threshold for group in PERSPECTIVES):
        return False
    undeclared = sizes[UNDECLARED]
    if undeclared < 0:
        raise ValueError("more declared answers than answers")
    if 0 < undeclared < k:  # total minus both groups would show fewer than k people
        return False
    if last_with_groups is None or last_with_groups.group_sizes is None:
        return True
    before = last_with_groups.group_sizes
    return all(_far_enough(sizes[cell], before.get(cell, 0), k) for cell in (*PERSPECTIVES, UNDECLARED))


def release(
    card: CardRule, tally: Tally, last: Release | None, last_with_groups: Release | None, k: int
) -> Release | None:
    """What the plenary may show now, or None: keep showing ``last``.

    ``last`` is the most recent release of this card, ``last_with_groups`` the most recent
    one that showed the manager/employee split. Waits with fewer than MIN_TABLES tables,
    with nothing new, or when the total moved by fewer than k people. Shows the split only
    where each group meets the card's threshold, the undeclared are none or at least k,
    and each of manager, employee and undeclared moved by 0 or at least k since the last
    split shown; otherwise releases the total alone.
    """
    if card.kind is CardKind.ACTION:
        return None  # agreed at the table, never answered: nothing to aggregate
    if tally.tables < MIN_TABLES or tally.n < _threshold(card, k):
        return None
    if last is not None:
        if tally.n < last.n:
            raise ValueError("a revealed answer cannot disappear")
        if not tally.n - last.n >= k:  # nothing new (0), or too few to hide in (1..k-1)
            return None
    if card.kind not in _COUNTABLE:
        return Release(tables=tally.tables, n=tally.n, counts=(), groups=None, group_sizes=None)

    counts = _shown(card, tally.counts, tally.n, k)
    sizes = _group_sizes(tally)
    if sizes is None or not _groups_allowed(card, sizes, last_with_groups, k):
        return Release(tables=tally.tables, n=tally.n, counts=counts, groups=None, group_sizes=None)
    groups: dict[str, dict[str, object]] = {
        group: {"n": sizes[group], "counts": list(_shown(card, tally.groups[group], sizes[group], k))}
        for group in PERSPECTIVES
    }
    return Release(tables=tally.tables, n=tally.n, counts=counts, groups=groups, group_sizes=sizes)


# --- how much tables differ ---------------------------------------------------------


def _gini(values: Sequence[int]) -> float:
    """Gini impurity: the chance two answers drawn at random (with replacement) differ."""
    n = len(values)
    counts: dict[int, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return 1.0 - sum((c / n) ** 2 for c in counts.values())


def spread(card: CardRule, per_table: Sequence[Sequence[int]]) -> float | None:
    """The share (0..1) of the variation between people that lies between tables.

    Scales (statement, frequency: values 1..5) use eta squared, SS_between / SS_total;
    choices (option indexes 0..n-1, no order) the same split of Gini impurity. Tables
    without answers do not count; None below MIN_TABLES tables or for cards without
    countable answers.
    """
    if card.kind not in _COUNTABLE:
        return None
    tables = [list(values) for values in per_table if values]
    if len(tables) < MIN_TABLES:
        return None
    everyone = [value for values in tables for value in values]
    total_n = len(everyone)
    if card.kind in _SCALES:
        mean = sum(everyone) / total_n
        total = sum((value - mean) ** 2 for value in everyone)
        if total == 0:
            return 0.0
        between = sum(len(values) * (sum(values) / len(values) - mean) ** 2 for values in tables)
        return min(1.0, max(0.0, between / total))
    total = _gini(everyone)
    if total == 0:
        return 0.0
    within = sum(len(values) / total_n * _gini(values) for values in tables)
    return min(1.0, max(0.0, (total - within) / total))


class SpreadBand(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


# The cut-offs follow the usual reading of ICC(1) in team research (LeBreton & Senter 2008:
# .01 small, .10 medium, .25 large), which is what the between-table share estimates.
# Below .10 tables answer much alike; from .25 a quarter of all variation is which table
# someone sat at, worth raising in the plenary. Caveat: with tables of ~6 chance alone
# gives about (tables - 1) / (people - 1), roughly 0.17, so "medium" is what random
# seating produces and only "high" says the tables truly differ.
def spread_band(value: float) -> SpreadBand:
    if value < 0.10:
        return SpreadBand.LOW
    if value < 0.25:
        return SpreadBand.MEDIUM
    return SpreadBand.HIGH


def sample_texts(per_table: Sequence[Sequence[str]], rng: random.Random, limit: int = 12) -> list[str] | None:
    """Up to ``limit`` open answers drawn evenly across tables, shuffled; None below MIN_TABLES.

    Drawn round-robin over the tables (in random order) so the sample never comes from one
    table alone, then shuffled so no position tells which table a text came from.
    """
    pools = [list(texts) for texts in per_table if texts]
    if len(pools) < MIN_TABLES:
        return None
    for pool in pools:
        rng.shuffle(pool)
    rng.shuffle(pools)
    sample: list[str] = []
    depth = 0
    while len(sample) < limit and any(depth < len(pool) for pool in pools):
        for pool in pools:
            if depth < len(pool) and len(sample) < limit:
                sample.append(pool[depth])
        depth += 1
    rng.shuffle(sample)
    return sample
