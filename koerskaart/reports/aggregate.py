"""Per-card aggregates for team summaries, computed only from frozen, revealed results.

A summary never goes back to raw answers: it works from what the table already saw
(``Result``), so it cannot show anything the reveal rules did not allow (PRODUCT.md
rules 1 and 3), and sensitive cards stay coarse (rule 7).

The spread measures are chosen so each one explains in one sentence:

- scale cards: the average distance, in points, between two people at the table
  (0 = everyone gave the same answer, 4 = the table split between the two ends);
- choice cards: the chance that two people at the table chose differently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations_with_replacement

from ..engine import CardKind, CardRule, Result, RoundStatus

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
    divergence: float | None = None  # spread scaled to 0..1, to rank cards of all kinds
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


def mean_pairwise_distance(counts: Sequence[int]) -> float:
    """Average |a - b| over all pairs of different people (scale points)."""
    n = sum(counts)
    pairs = n * (n - 1) / 2
    if pairs == 0:
        return 0.0
    total = 0.0
    for i, j in combinations_with_replacement(range(len(counts)), 2):
        if i != j:
            total += counts[i] * counts[j] * abs(i - j)
    return total / pairs


def chance_of_difference(counts: Sequence[int]) -> float:
    """Probability that two different people chose different options."""
    n = sum(counts)
    if n < 2:
        return 0.0
    same = sum(c * (c - 1) for c in counts)
    return 1 - same / (n * (n - 1))


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
        spread = chance_of_difference(exact)
        # The most n people can differ over these options: spread as evenly as possible.
        even = [result.n // len(exact) + (1 if i < result.n % len(exact) else 0) for i in range(len(exact))]
        widest = chance_of_difference(even)
        return CardAggregate(
            index,
            card.kind,
            status,
            result.n,
            counts,
            None,
            modes,
            spread,
            spread / widest if widest else 0.0,
        )
    spread = mean_pairwise_distance(exact)
    # Half the table at each end is the widest split: its average distance.
    widest = mean_pairwise_distance([result.n // 2, 0, 0, 0, result.n - result.n // 2])
    return CardAggregate(
        index,
        card.kind,
        status,
        result.n,
        counts,
        _median(exact),
        modes,
        spread,
        spread / widest if widest else 0.0,
    )


def ranked(
    aggregates: Sequence[CardAggregate], most: int = 3
) -> tuple[list[CardAggregate], list[CardAggregate]]:
    """(where the table diverged most, where it agreed most), among cards with exact numbers."""
    scored = [a for a in aggregates if a.divergence is not None]
    by_divergence = sorted(scored, key=lambda a: (-(a.divergence or 0.0), a.index))
    diverged = [a for a in by_divergence if (a.divergence or 0.0) > 0][:most]
    agreed = [a for a in sorted(scored, key=lambda a: (a.divergence or 0.0, a.index)) if a not in diverged]
    return diverged, agreed[:most]
