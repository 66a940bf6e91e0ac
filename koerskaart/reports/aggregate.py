"""Per-card aggregates for team summaries, computed only from frozen, revealed results.

A summary never goes back to raw answers: it works from what the table already saw
(``Result``), so it cannot show anything the reveal rules did not allow (PRODUCT.md
rules 1 and 3), and sensitive cards stay coarse (rule 7).

The spread measures are chosen so each one explains in one sentence:

- scale cards: the average distance, in points, between two people at the table
  (0 = everyone gave the same answer, 4 = the table split between the two ends);
- choice cards: the chance that two people at the table chose differently.

The two are different measures, so the highlights rank each kind of card on its own
(``ranked``), by the very number the summary shows beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from ..engine import CardKind, CardRule, Result, RoundStatus

# The spread measures are the engine's, so the studio's "teams diverged" means the same (live/card_stats.py).
from ..engine.results import chance_of_difference, mean_pairwise_distance

SCALE_MAX_DISTANCE = 4  # from 1 to 5


@dataclass(frozen=True)
class CardAggregate:
    index: int
    kind: CardKind
    status: RoundStatus | None  # None: the table never reached this card
    n: int = 0
    counts: tuple[int | str, ...] = ()
    median: float | None = None
    modes: tuple[int, ...] = ()  # bucket indexes with the most answers
    spread: float | None = None  # in the card's own unit (points, or a chance 0..1)
    texts: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        """Exact numbers exist (not a sensitive card's bands)."""
        return bool(self.counts) and all(isinstance(c, int) for c in self.counts)


def _median(counts: Sequence[int]) -> float:
    """Median on the 1..5 scale from bucket counts."""
    values = [point + 1 for point, count in enumerate(counts) for _ in range(count)]
    middle = len(values) // 2
    if len(values) % 2:
        return float(values[middle])
    return (values[middle - 1] + values[middle]) / 2


def aggregate_card(
    index: int, card: CardRule, status: RoundStatus | None, result: Result | None
) -> CardAggregate:
    """What a summary may say about one card."""
    if status is not RoundStatus.REVEALED or result is None:
        return CardAggregate(index, card.kind, status)
    if card.kind is CardKind.OPEN:
        return CardAggregate(index, card.kind, status, n=result.n, texts=result.texts)
    counts = result.counts
    base = CardAggregate(index, card.kind, status, n=result.n, counts=counts)
    if not base.exact:
        return base  # bands only: no median, mode or spread can be honest about them
    exact = [int(c) for c in counts]
    top = max(exact)
    modes = tuple(i for i, c in enumerate(exact) if c == top)
    if card.kind is CardKind.CHOICE:
        return CardAggregate(
            index, card.kind, status, result.n, counts, None, modes, chance_of_difference(exact)
        )
    return CardAggregate(
        index, card.kind, status, result.n, counts, _median(exact), modes, mean_pairwise_distance(exact)
    )


class Measure(StrEnum):
    """What a card's spread measures, so what it can be ranked against."""

    POINTS = "points"  # scale cards (1 to 5): the average distance between two people, in points (0 to 4)
    CHANCE = "chance"  # choice cards: the chance that two people chose differently (0 to 1)


MEASURED = {Measure.POINTS: (CardKind.STATEMENT, CardKind.FREQUENCY), Measure.CHANCE: (CardKind.CHOICE,)}


@dataclass(frozen=True)
class Ranking:
    """The cards of one measure where the table differed most and agreed most, by their own spread."""

    measure: Measure
    ranked: int  # cards of this measure with exact numbers
    differed: tuple[CardAggregate, ...]  # most spread first
    agreed: tuple[CardAggregate, ...]  # least spread first


def ranked(aggregates: Sequence[CardAggregate], most: int = 3) -> list[Ranking]:
    """Per measure, among cards with exact numbers: where the table differed most and agreed most.

    A scale card's 1,20 points and a choice card's 0,73 chance cannot be put in one order, so
    each measure is ranked on its own. The top half of the cards (at most ``most``, ties kept
    together) count as "differed" if anyone differed at all; "agreed" lists only cards with a
    smaller spread than every "differed" one, so with two cards there is one of each.
    """
    rankings = []
    for measure, kinds in MEASURED.items():
        scored = [a for a in aggregates if a.kind in kinds and a.spread is not None]
        if not scored:
            continue
        by_spread = sorted(scored, key=lambda a: (-(a.spread or 0.0), a.index))
        room = min(most, (len(scored) + 1) // 2)
        differed = [a for a in by_spread[:room] if (a.spread or 0.0) > 0]
        if differed:  # a card tied with the last one listed is listed too
            differed += [a for a in by_spread[room:most] if a.spread == differed[-1].spread]
        floor = min((a.spread or 0.0 for a in differed), default=float("inf"))
        calm = sorted(
            (a for a in scored if (a.spread or 0.0) < floor), key=lambda a: (a.spread or 0.0, a.index)
        )
        rankings.append(Ranking(measure, len(scored), tuple(differed), tuple(calm[:most])))
    return rankings
