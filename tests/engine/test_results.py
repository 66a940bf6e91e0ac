"""What a revealed round shows: counts, shuffled texts, coarse counts on sensitive cards."""

from __future__ import annotations

import random

import pytest

from koerskaart.engine import CardKind, CardRule, Coarse, Code, Result, RoundStatus, coarsen, compute_result
from koerskaart.engine import actions as a
from koerskaart.engine import events as e
from tests.engine.helpers import (
    CHOICE,
    FREQUENCY,
    HOST,
    OPEN,
    SENSITIVE,
    STATEMENT,
    answer_all,
    deck,
    of_type,
    refused,
    table,
)

FEW, SOME, ALMOST_ALL = Coarse.FEW.value, Coarse.SOME.value, Coarse.ALMOST_ALL.value


def _reveal(card, *values):
    state = table(len(values), deck(card, STATEMENT), started=True)
    return answer_all(state, *values)


def test_choice_result_has_one_bar_per_option():
    result = _reveal(CHOICE, 0, 2, 2, 2, 0).state.current_round.result
    assert result == Result(n=5, counts=(2, 0, 3))


def test_frequency_result_counts_never_to_always():
    result = _reveal(FREQUENCY, 5, 5, 4, 1).state.current_round.result
    assert result.counts == (1, 0, 0, 1, 2)
    assert result.texts == ()


def test_open_result_holds_every_text_and_no_counts():
    result = _reveal(OPEN, "a", "b", "c", "d").state.current_round.result
    assert result.n == 4
    assert result.counts == ()
    assert sorted(result.texts) == ["a", "b", "c", "d"]


def test_open_texts_are_not_shown_in_the_order_they_were_typed():
    texts = tuple("abcdef")
    orders = set()
    for seed in range(20):
        state = table(6, deck(OPEN, STATEMENT), started=True)
        revealed = answer_all(state, *texts, seed=seed)
        orders.add(revealed.state.current_round.result.texts)
    assert len(orders) > 1
    assert all(sorted(order) == list(texts) for order in orders)


def test_compute_result_shuffles_with_the_given_randomness():
    answers = [f"text {i}" for i in range(8)]
    first = compute_result(OPEN, answers, 3, random.Random(1))
    again = compute_result(OPEN, answers, 3, random.Random(1))
    assert first == again
    assert first.texts != tuple(answers)


def test_result_survives_a_round_trip_through_storage():
    result = Result(n=6, counts=(FEW, SOME, ALMOST_ALL), texts=("x",))
    assert Result.from_dict(result.to_dict()) == result


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        ((6, 0, 0, 0, 0), (ALMOST_ALL, FEW, FEW, FEW, FEW)),
        ((4, 2, 0, 0, 0), (ALMOST_ALL, FEW, FEW, FEW, FEW)),
        ((0, 1, 2, 3, 0), (FEW, FEW, FEW, SOME, FEW)),
        ((3, 3, 2, 0, 0), (SOME, SOME, FEW, FEW, FEW)),
        ((5, 5, 0, 0, 0), (SOME, SOME, FEW, FEW, FEW)),
    ],
)
def test_sensitive_counts_become_bands(counts, shown):
    assert coarsen(counts, sum(counts), 3) == shown


def test_bands_follow_k():
    assert coarsen((3, 7), 10, 4) == (FEW, ALMOST_ALL)
    assert coarsen((4, 6), 10, 4) == (SOME, SOME)


def test_sensitive_card_reveals_bands_only():
    outcome = _reveal(SENSITIVE, 4, 4, 4, 4, 4, 1)
    result = outcome.state.current_round.result
    assert result.n == 6
    assert result.counts == (FEW, FEW, FEW, ALMOST_ALL, FEW)
    assert of_type(outcome.events, e.RoundRevealed)[0].result == result


def test_sensitive_choice_card_shows_bands_too():
    card = CardRule(CardKind.CHOICE, options=2, sensitive=True)
    assert _reveal(card, 0, 0, 0, 0, 1).state.current_round.result.counts == (ALMOST_ALL, FEW)


def test_sensitive_card_needs_one_more_than_k():
    too_few = _reveal(SENSITIVE, 4, 4, 4).state.current_round
    assert too_few.status is RoundStatus.TOO_FEW
    assert too_few.result is None
    assert _reveal(SENSITIVE, 4, 4, 4, 4).state.current_round.status is RoundStatus.REVEALED


def test_host_cannot_close_a_sensitive_card_at_k():
    state = answer_all(table(5, deck(SENSITIVE, STATEMENT), started=True), 2, 2, 2).state
    assert refused(state, a.CloseRound(HOST)) is Code.TOO_FEW_ANSWERS


def _compositions(n: int, buckets: int):
    """Every way ``n`` answers can fall into ``buckets`` bars."""
    if buckets == 1:
        yield (n,)
        return
    for first in range(n + 1):
        for rest in _compositions(n - first, buckets - 1):
            yield (first, *rest)


def _pinned(fits: list[tuple[int, ...]], n: int) -> list[int]:
    """Bars whose count a viewer knows to be exactly 1 (a lone answer) or n (unanimity)."""
    return [bar for bar in range(len(fits[0])) if {counts[bar] for counts in fits} in ({1}, {n})]


@pytest.mark.parametrize("k", [3, 4, 5])
def test_no_sensitive_result_pins_a_bar_to_a_lone_answer_or_unanimity(k):
    """Exhaustively, for every n a sensitive card can reveal at, and 2-5 bars."""
    for n in range(k + 1, 13):
        for buckets in (2, 3, 4, 5):
            fits: dict[tuple[int | str, ...], list[tuple[int, ...]]] = {}
            for counts in _compositions(n, buckets):
                fits.setdefault(coarsen(counts, n, k), []).append(counts)
            for shown, same_view in fits.items():
                assert _pinned(same_view, n) == [], (k, n, shown)


@pytest.mark.parametrize("values", [(4, 4, 4, 4, 4, 4), (4, 4, 4, 2), (1, 1, 1, 1, 2, 2)])
def test_a_played_sensitive_card_hides_unanimity_and_lone_answers(values):
    result = _reveal(SENSITIVE, *values).state.current_round.result
    fits = [
        counts
        for counts in _compositions(result.n, len(result.counts))
        if coarsen(counts, result.n, 3) == result.counts
    ]
    assert len(fits) > 1
    assert _pinned(fits, result.n) == []
