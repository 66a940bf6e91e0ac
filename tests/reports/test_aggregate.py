"""Summary aggregates: honest numbers, one-sentence spreads, nothing from below k."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from koerskaart.engine import CardKind, CardRule, Result, RoundStatus, compute_result
from koerskaart.reports.aggregate import (
    aggregate_card,
    chance_of_difference,
    mean_pairwise_distance,
    ranked,
)

SCALE = CardRule(CardKind.STATEMENT)
CHOICE = CardRule(CardKind.CHOICE, options=3)
SENSITIVE = CardRule(CardKind.FREQUENCY, sensitive=True)
REVEALED = RoundStatus.REVEALED


def _revealed(card: CardRule, answers: list[int]) -> Result:
    return compute_result(card, answers, 3, random.Random(1))


def test_a_unanimous_table_has_no_spread() -> None:
    aggregate = aggregate_card(0, SCALE, REVEALED, _revealed(SCALE, [4, 4, 4, 4]))
    assert aggregate.median == 4 and aggregate.modes == (3,)
    assert aggregate.spread == 0 and aggregate.divergence == 0


def test_a_table_split_between_the_ends_has_the_widest_spread() -> None:
    aggregate = aggregate_card(0, SCALE, REVEALED, _revealed(SCALE, [1, 1, 1, 5, 5, 5]))
    assert aggregate.median == 3
    assert aggregate.divergence == pytest.approx(1.0)
    assert aggregate.spread == pytest.approx(4 * 9 / 15)  # 9 of 15 pairs are 4 points apart


def test_spreads_mean_what_the_summary_says() -> None:
    assert mean_pairwise_distance([0, 1, 0, 1, 0]) == 2  # two people, two points apart
    assert chance_of_difference([2, 2]) == pytest.approx(4 / 6)  # 4 of the 6 pairs differ


def test_choice_cards_report_the_chance_of_disagreeing() -> None:
    aggregate = aggregate_card(1, CHOICE, REVEALED, _revealed(CHOICE, [0, 1, 2, 0, 1, 2]))
    assert aggregate.median is None and aggregate.modes == (0, 1, 2)
    assert aggregate.divergence == pytest.approx(1.0)


def test_sensitive_cards_keep_their_bands_and_get_no_statistics() -> None:
    aggregate = aggregate_card(2, SENSITIVE, REVEALED, _revealed(SENSITIVE, [1, 1, 1, 1, 2]))
    assert not aggregate.exact
    assert aggregate.median is None and aggregate.spread is None and aggregate.modes == ()


@pytest.mark.parametrize("status", [RoundStatus.TOO_FEW, RoundStatus.SKIPPED, None])
def test_cards_without_a_reveal_say_nothing(status: RoundStatus | None) -> None:
    aggregate = aggregate_card(0, SCALE, status, None)
    assert aggregate.n == 0 and aggregate.counts == () and aggregate.median is None


def test_ranking_finds_the_conversation_starters() -> None:
    split = aggregate_card(0, SCALE, REVEALED, _revealed(SCALE, [1, 1, 5, 5]))
    calm = aggregate_card(1, SCALE, REVEALED, _revealed(SCALE, [4, 4, 4, 4]))
    middle = aggregate_card(2, SCALE, REVEALED, _revealed(SCALE, [3, 4, 4, 5]))
    diverged, agreed = ranked([calm, split, middle])
    assert [a.index for a in diverged] == [0, 2]
    assert [a.index for a in agreed] == [1]


@settings(max_examples=300, deadline=None)
@given(
    card=st.sampled_from([SCALE, CHOICE, SENSITIVE]),
    answers=st.lists(st.integers(min_value=0, max_value=4), min_size=3, max_size=12),
)
def test_aggregates_are_derived_from_at_least_k_answers_and_only_from_the_reveal(
    card: CardRule, answers: list[int]
) -> None:
    """Whatever the answers, an aggregate's numbers come from a result that met the threshold."""
    values = [a % card.buckets + (0 if card.kind is CardKind.CHOICE else 1) for a in answers]
    threshold = 4 if card.sensitive else 3
    if len(values) < threshold:
        aggregate = aggregate_card(0, card, RoundStatus.TOO_FEW, None)
        assert aggregate.counts == () and aggregate.n == 0
        return
    result = _revealed(card, values)
    aggregate = aggregate_card(0, card, REVEALED, result)
    assert aggregate.n == len(values) >= 3
    assert aggregate.counts == result.counts  # never recomputed from anything else
    if card.sensitive:
        assert all(isinstance(c, str) for c in aggregate.counts)
        assert aggregate.spread is None
    else:
        assert aggregate.divergence is not None and 0 <= aggregate.divergence <= 1 + 1e-9
