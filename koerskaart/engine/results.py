"""Turning a closed round's answers into what the table may see."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations_with_replacement

from .cards import Answer, CardKind, CardRule


class Coarse(StrEnum):
    """Sensitive cards show only these bands, never exact counts (PRODUCT.md rule 7)."""

    FEW = "few"  # 0 to k-1: "none" is not shown apart, or an empty bar would reveal unanimity
    SOME = "some"  # k to n-k
    ALMOST_ALL = "almost_all"  # more than n-k, unanimity included


@dataclass(frozen=True)
class Result:
    """A frozen, revealed result. ``counts`` holds ints, or Coarse labels on sensitive cards."""

    n: int
    counts: tuple[int | str, ...] = ()
    texts: tuple[str, ...] = ()

    def __deepcopy__(self, memo: dict[int, object]) -> Result:
        return self  # frozen and made of immutable values; ``apply`` copies a state on every action

    def to_dict(self) -> dict[str, object]:
        return {"n": self.n, "counts": list(self.counts), "texts": list(self.texts)}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Result:
        counts = data.get("counts") or []
        texts = data.get("texts") or []
        assert isinstance(counts, list) and isinstance(texts, list)
        n = data["n"]
        assert isinstance(n, int)
        return cls(n=n, counts=tuple(counts), texts=tuple(str(t) for t in texts))


def coarsen(counts: Sequence[int], n: int, k: int) -> tuple[int | str, ...]:
    """Bands instead of counts, so no bar pins down a lone answer or unanimity.

    With n >= k + 1 (the sensitive threshold) every band admits at least two values
    and the bands' sum never forces one: ``tests/engine`` checks this exhaustively.
    """
    out: list[int | str] = []
    for count in counts:
        if count < k:
            out.append(Coarse.FEW.value)
        elif count > n - k:
            out.append(Coarse.ALMOST_ALL.value)
        else:
            out.append(Coarse.SOME.value)
    return tuple(out)


def compute_result(card: CardRule, answers: Sequence[Answer], k: int, rng: random.Random) -> Result:
    """The revealed result of ``answers``; the caller has checked the threshold."""
    n = len(answers)
    if card.kind is CardKind.OPEN:
        texts = [str(a) for a in answers]
        rng.shuffle(texts)  # no order to link a text to the moment someone typed it
        return Result(n=n, texts=tuple(texts))
    offset = 0 if card.kind is CardKind.CHOICE else 1
    counts = [0] * card.buckets
    for answer in answers:
        assert isinstance(answer, int)
        counts[answer - offset] += 1
    if card.sensitive:
        return Result(n=n, counts=coarsen(counts, n, k))
    return Result(n=n, counts=tuple(counts))


PERSPECTIVES = ("manager", "employee")  # self-declared "leidinggevende" / "medewerker"


def releasable_groups(
    card: CardRule, answers: Sequence[tuple[str | None, Answer]], threshold: int, k: int
) -> dict[str, dict[str, object]] | None:
    """Per-perspective counts, or None when releasing them could single someone out.

    Both groups are released together or not at all (PRODUCT.md: side by side only where
    each group meets the bar). Rule 6: the total and a group differ by the other group
    plus the undeclared, so those undeclared must be none or at least k; otherwise
    "total minus both groups" would show the answers of fewer than k people.
    """
    if card.kind not in (CardKind.STATEMENT, CardKind.FREQUENCY, CardKind.CHOICE):
        return None  # open text per group would be too close to a name
    by_group = {group: [value for who, value in answers if who == group] for group in PERSPECTIVES}
    undeclared = len(answers) - sum(len(values) for values in by_group.values())
    if any(len(values) < threshold for values in by_group.values()):
        return None
    if 0 < undeclared < k:
        return None
    rng = random.Random(0)  # counts do not depend on order; no shuffle needed here
    return {group: compute_result(card, values, k, rng).to_dict() for group, values in by_group.items()}


# -- how much one table's answers differ (team summaries, and the studio's divergence) ------


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
