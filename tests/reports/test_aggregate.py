"""Summary aggregates: honest numbers, one-sentence spreads, nothing from below k."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from koerskaart.engine import CardKind, CardRule, Result, RoundStatus, compute_result
from koerskaart.reports.aggregate import (
    CardAggregate,
    Measure,
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
    assert aggregate.spread == 0


def test_a_table_split_between_the_ends_has_the_widest_spread() -> None:
    aggregate = aggregate_card(0, SCALE, REVEALED, _revealed(SCALE, [1, 1, 1, 5, 5, 5]))
    assert aggregate.median == 3
    assert aggregate.spread == pytest.approx(4 * 9 / 15)  # 9 of 15 pairs are 4 points apart


def test_spreads_mean_what_the_summary_says() -> None:
    assert mean_pairwise_distance([0, 1, 0, 1, 0]) == 2  # two people, two points apart
    assert chance_of_difference([2, 2]) == pytest.approx(4 / 6)  # 4 of the 6 pairs differ


def test_choice_cards_report_the_chance_of_disagreeing() -> None:
    aggregate = aggregate_card(1, CHOICE, REVEALED, _revealed(CHOICE, [0, 1, 2, 0, 1, 2]))
    assert aggregate.median is None and aggregate.modes == (0, 1, 2)
    assert aggregate.spread == pytest.approx(12 / 15)  # 12 of the 15 pairs chose differently


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
    [ranking] = ranked([calm, split, middle])
    assert ranking.measure is Measure.POINTS and ranking.ranked == 3
    assert [a.index for a in ranking.differed] == [0, 2]
    assert [a.index for a in ranking.agreed] == [1]


def test_choice_cards_and_scale_cards_are_ranked_apart_each_by_the_number_shown() -> None:
    """The issue's case: a choice card's 0,73 was listed above a scale card's 1,20."""
    choice = aggregate_card(0, CHOICE, REVEALED, _revealed(CHOICE, [0, 0, 1, 1, 2, 2]))
    scale_wide = aggregate_card(1, SCALE, REVEALED, _revealed(SCALE, [1, 2, 4, 5, 5]))
    scale_narrow = aggregate_card(2, SCALE, REVEALED, _revealed(SCALE, [3, 3, 4, 4, 4]))
    rankings = {r.measure: r for r in ranked([choice, scale_wide, scale_narrow])}
    assert set(rankings) == {Measure.POINTS, Measure.CHANCE}
    assert [a.index for a in rankings[Measure.POINTS].differed] == [1]
    assert [a.index for a in rankings[Measure.POINTS].agreed] == [2]
    assert [a.index for a in rankings[Measure.CHANCE].differed] == [0]
    assert rankings[Measure.CHANCE].agreed == ()  # one card: nothing left to call "agreed"


def test_a_unanimous_card_is_never_where_the_team_differed() -> None:
    calm = [aggregate_card(i, SCALE, REVEALED, _revealed(SCALE, [2, 2, 2])) for i in range(2)]
    [ranking] = ranked(calm)
    assert ranking.differed == () and [a.index for a in ranking.agreed] == [0, 1]


def test_ties_are_never_split_between_differed_and_agreed() -> None:
    same = [aggregate_card(i, SCALE, REVEALED, _revealed(SCALE, [1, 5, 3])) for i in range(2)]
    [ranking] = ranked(same)
    assert [a.index for a in ranking.differed] == [0, 1] and ranking.agreed == ()


def _scored(kind: CardKind, spreads: list[float]) -> list[CardAggregate]:
    return [
        CardAggregate(i, kind, REVEALED, n=6, counts=(1, 2, 3), spread=spread)
        for i, spread in enumerate(spreads)
    ]


@settings(max_examples=200, deadline=None)
@given(
    scale=st.lists(st.floats(min_value=0, max_value=4), max_size=10),
    choice=st.lists(st.floats(min_value=0, max_value=1), max_size=10),
)
def test_the_highlights_are_honest_whatever_the_spreads(scale: list[float], choice: list[float]) -> None:
    cards = _scored(CardKind.STATEMENT, scale) + [
        CardAggregate(len(scale) + a.index, CardKind.CHOICE, REVEALED, n=6, counts=(1, 2, 3), spread=a.spread)
        for a in _scored(CardKind.CHOICE, choice)
    ]
    rankings = ranked(cards)
    assert [r.measure for r in rankings] == [
        m for m, spreads in ((Measure.POINTS, scale), (Measure.CHANCE, choice)) if spreads
    ]
    for ranking in rankings:
        kinds = {a.kind for a in ranking.differed + ranking.agreed}
        assert kinds <= ({CardKind.CHOICE} if ranking.measure is Measure.CHANCE else {CardKind.STATEMENT})
        differed = [a.spread or 0.0 for a in ranking.differed]
        agreed = [a.spread or 0.0 for a in ranking.agreed]
        assert differed == sorted(differed, reverse=True) and agreed == sorted(agreed)
        assert all(spread > 0 for spread in differed)  # nobody differed on a unanimous card
        assert all(low < high for low in agreed for high in differed)  # agreed less than any differed
        assert len(differed) <= 3 and len(agreed) <= 3
        assert ranking.differed or ranking.agreed  # a measure with cards always lists one


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
        limit = 1 if card.kind is CardKind.CHOICE else 4  # a chance, or points on a 1..5 scale
        assert aggregate.spread is not None and 0 <= aggregate.spread <= limit + 1e-9
