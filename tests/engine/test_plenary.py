"""The plenary screen: at least three tables, and no two releases closer than k people."""

from __future__ import annotations

import itertools
import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koerskaart.engine import CardKind, CardRule, Coarse
from koerskaart.engine.plenary import (
    MIN_TABLES,
    Release,
    SpreadBand,
    Tally,
    release,
    sample_texts,
    spread,
    spread_band,
)
from tests.engine.helpers import ACTION, CHOICE, FREQUENCY, OPEN, SENSITIVE, STATEMENT

FEW, SOME, ALMOST_ALL = Coarse.FEW.value, Coarse.SOME.value, Coarse.ALMOST_ALL.value
K = 3


def tally(tables, counts, manager=None, employee=None):
    groups = {}
    if manager is not None:
        groups["manager"] = manager
    if employee is not None:
        groups["employee"] = employee
    return Tally(tables=tables, counts=counts, n=sum(counts), groups=groups)


# --- release: unit cases ------------------------------------------------------------


def test_one_or_two_tables_are_never_projected():
    assert release(STATEMENT, tally(1, (0, 1, 2, 3, 0)), None, None, K) is None
    assert release(STATEMENT, tally(2, (0, 1, 2, 3, 6)), None, None, K) is None


def test_three_tables_release_the_counts():
    shown = release(STATEMENT, tally(3, (1, 2, 3, 4, 8)), None, None, K)
    assert shown == Release(tables=3, n=18, counts=(1, 2, 3, 4, 8), groups=None, group_sizes=None)


def test_nothing_new_waits():
    last = release(STATEMENT, tally(3, (1, 2, 3, 4, 8)), None, None, K)
    assert release(STATEMENT, tally(3, (1, 2, 3, 4, 8)), last, None, K) is None


@pytest.mark.parametrize("more, shown", [(1, False), (2, False), (3, True), (7, True)])
def test_a_total_that_moved_by_fewer_than_k_waits(more, shown):
    last = release(STATEMENT, tally(3, (3, 3, 3, 3, 6)), None, None, K)
    now = release(STATEMENT, tally(4, (3, 3, 3, 3, 6 + more)), last, None, K)
    assert (now is not None) is shown
    if shown:
        assert now.n == 18 + more and now.tables == 4


def test_shrinking_counts_are_a_caller_error():
    last = release(STATEMENT, tally(3, (3, 3, 3, 3, 6)), None, None, K)
    with pytest.raises(ValueError):
        release(STATEMENT, tally(3, (3, 3, 3, 3, 2)), last, None, K)


def test_groups_shown_when_each_meets_k_and_nobody_is_undeclared():
    shown = release(STATEMENT, tally(3, (0, 3, 3, 3, 3), (0, 3, 0, 0, 0), (0, 0, 3, 3, 3)), None, None, K)
    assert shown.groups == {
        "manager": {"n": 3, "counts": [0, 3, 0, 0, 0]},
        "employee": {"n": 9, "counts": [0, 0, 3, 3, 3]},
    }
    assert shown.group_sizes == {"manager": 3, "employee": 9, "undeclared": 0}


def test_a_group_below_k_hides_the_split_but_not_the_total():
    shown = release(STATEMENT, tally(3, (0, 3, 3, 3, 3), (0, 2, 0, 0, 0), (0, 0, 3, 3, 3)), None, None, K)
    assert shown.n == 12 and shown.counts == (0, 3, 3, 3, 3)
    assert shown.groups is None and shown.group_sizes is None


def test_no_split_without_both_groups():
    only_managers = release(STATEMENT, tally(3, (0, 3, 3, 3, 3), (0, 3, 3, 3, 3)), None, None, K)
    assert only_managers.groups is None


@pytest.mark.parametrize("undeclared, shown", [(0, True), (1, False), (2, False), (3, True), (5, True)])
def test_undeclared_must_be_none_or_at_least_k(undeclared, shown):
    counts = (3 + undeclared, 3, 0, 0, 0)
    result = release(STATEMENT, tally(3, counts, (3, 0, 0, 0, 0), (0, 3, 0, 0, 0)), None, None, K)
    assert (result.groups is not None) is shown


def test_sensitive_cards_band_the_total_and_each_group_and_need_k_plus_one_per_group():
    # every manager agreed fully: the bands say "almost all", never the count
    shown = release(SENSITIVE, tally(3, (0, 0, 0, 4, 8), (0, 0, 0, 0, 4), (0, 0, 0, 4, 4)), None, None, K)
    assert shown.counts == (FEW, FEW, FEW, SOME, SOME)
    assert shown.groups == {
        "manager": {"n": 4, "counts": [FEW, FEW, FEW, FEW, ALMOST_ALL]},
        "employee": {"n": 8, "counts": [FEW, FEW, FEW, SOME, SOME]},
    }
    exactly_k = release(SENSITIVE, tally(3, (0, 0, 0, 4, 8), (0, 0, 0, 0, 3), (0, 0, 0, 4, 5)), None, None, K)
    assert exactly_k.groups is None  # 3 managers on a sensitive card: k + 1 needed


def test_open_text_releases_only_how_many_answered_never_per_group():
    shown = release(OPEN, tally(3, (), None, None), None, None, K)
    assert shown is None  # n = 0: nothing to show
    shown = release(
        OPEN, Tally(tables=3, counts=(), n=15, groups={"manager": (), "employee": ()}), None, None, K
    )
    assert shown == Release(tables=3, n=15, counts=(), groups=None, group_sizes=None)


def test_action_cards_have_no_plenary():
    assert release(ACTION, Tally(tables=5, counts=(), n=30, groups={}), None, None, K) is None


def test_a_split_that_moved_by_fewer_than_k_in_any_group_is_held_back():
    first = release(CHOICE, tally(3, (3, 3, 3), (3, 0, 0), (0, 3, 3)), None, None, K)
    assert first.group_sizes == {"manager": 3, "employee": 6, "undeclared": 0}
    # a fourth table of four: two managers and two employees. Total +4 is fine, managers +2 are not.
    now = release(CHOICE, tally(4, (5, 5, 3), (5, 0, 0), (0, 5, 3)), first, first, K)
    assert now.n == 13 and now.groups is None
    # a fifth table of three employees: managers +2 compared with the last split, still held back
    later = release(CHOICE, tally(5, (5, 8, 3), (5, 0, 0), (0, 8, 3)), now, first, K)
    assert later.n == 16 and later.groups is None
    # a sixth table (a manager, two employees): +3 managers, +7 employees since the last split
    last = release(CHOICE, tally(6, (6, 8, 5), (6, 0, 0), (0, 8, 5)), later, first, K)
    assert last.group_sizes == {"manager": 6, "employee": 13, "undeclared": 0}


def test_undeclared_moving_by_fewer_than_k_holds_the_split_back():
    first = release(CHOICE, tally(3, (6, 3, 3), (3, 0, 0), (0, 3, 3)), None, None, K)
    assert first.group_sizes == {"manager": 3, "employee": 6, "undeclared": 3}
    now = release(CHOICE, tally(4, (7, 6, 5), (3, 0, 0), (0, 6, 5)), first, first, K)
    assert now.n == 18 and now.groups is None  # undeclared 3 -> 4


def test_release_survives_a_json_round_trip():
    for shown in (
        release(SENSITIVE, tally(3, (0, 0, 0, 4, 8), (0, 0, 0, 0, 4), (0, 0, 0, 4, 4)), None, None, K),
        release(STATEMENT, tally(3, (1, 2, 3, 4, 8)), None, None, K),
        release(OPEN, Tally(tables=3, counts=(), n=15, groups={}), None, None, K),
    ):
        assert Release.from_dict(json.loads(json.dumps(shown.to_dict()))) == shown


# --- release: the guarantees over whole events ---------------------------------------

PLAYER = st.sampled_from(["manager", "employee", None])
CARDS = st.sampled_from(
    [STATEMENT, SENSITIVE, CHOICE, FREQUENCY, OPEN, CardRule(CardKind.CHOICE, 2, sensitive=True)]
)


@st.composite
def events(draw):
    card = draw(CARDS)
    k = draw(st.integers(3, 4))
    sizes = draw(st.lists(st.integers(3, 8), min_size=1, max_size=12))
    buckets = max(card.buckets, 1)
    tables = [[(draw(PLAYER), draw(st.integers(0, buckets - 1))) for _ in range(size)] for size in sizes]
    order = draw(st.permutations(range(len(tables))))
    # A table set up with a lower k than the event's reveals with fewer than the event's
    # threshold; the plenary must hold even then.
    lenient = draw(st.booleans())
    return card, k, [tables[i] for i in order], lenient


def _tally(card, revealed):
    players = [player for table in revealed for player in table]
    counts = [0] * card.buckets
    groups = {"manager": [0] * card.buckets, "employee": [0] * card.buckets}
    for who, value in players:
        if card.buckets:
            counts[value] += 1
            if who is not None:
                groups[who][value] += 1
    return Tally(
        tables=len(revealed),
        counts=tuple(counts),
        n=len(players),
        groups={who: tuple(c) for who, c in groups.items()} if card.buckets else {},
    )


@given(events())
def test_every_pair_of_releases_is_at_least_k_people_apart(event):
    card, k, tables, lenient = event
    threshold = k + 1 if card.sensitive or card.kind is CardKind.OPEN else k
    revealed, releases, truth = [], [], []
    last = last_with_groups = None
    for table in tables:
        if len(table) < threshold and not lenient:
            continue  # too few answers: this table's round never revealed
        revealed.append(table)
        now = _tally(card, revealed)
        shown = release(card, now, last, last_with_groups, k)
        if len(revealed) == MIN_TABLES:
            assert shown is not None  # the first aggregate is shown as soon as it may be
        if shown is None:
            continue
        releases.append(shown)
        truth.append(revealed[:])
        last = shown
        if shown.groups is not None:
            last_with_groups = shown
        assert Release.from_dict(json.loads(json.dumps(shown.to_dict()))) == shown

    for shown, seen in zip(releases, truth, strict=True):
        assert shown.tables >= MIN_TABLES
        players = [p for table in seen for p in table]
        assert shown.n == len(players)
        if card.kind is CardKind.OPEN:
            assert shown.counts == () and shown.groups is None
        if shown.groups is None:
            continue
        sizes = shown.group_sizes
        group_threshold = k + 1 if card.sensitive else k
        assert sizes["manager"] == sum(who == "manager" for who, _ in players) >= group_threshold
        assert sizes["employee"] == sum(who == "employee" for who, _ in players) >= group_threshold
        assert sizes["undeclared"] == 0 or sizes["undeclared"] >= k
        assert {g: shown.groups[g]["n"] for g in ("manager", "employee")} == {
            g: sizes[g] for g in ("manager", "employee")
        }

    for a, b in itertools.combinations(releases, 2):
        assert abs(a.n - b.n) >= k  # never the same n twice: nothing new is not released
        if a.groups is not None and b.groups is not None:
            for cell in ("manager", "employee", "undeclared"):
                diff = abs(a.group_sizes[cell] - b.group_sizes[cell])
                assert diff == 0 or diff >= k, cell


# --- spread -------------------------------------------------------------------------


def test_identical_tables_do_not_spread():
    assert spread(STATEMENT, [[1, 5], [1, 5], [1, 5]]) == 0.0
    assert spread(CHOICE, [[0, 1], [0, 1], [0, 1]]) == 0.0


def test_unanimous_tables_that_disagree_spread_fully():
    assert spread(STATEMENT, [[1, 1], [3, 3], [5, 5]]) == 1.0
    assert spread(CHOICE, [[0, 0], [1, 1], [2, 2]]) == 1.0


def test_no_variation_at_all_is_no_spread():
    assert spread(FREQUENCY, [[4, 4], [4], [4, 4, 4]]) == 0.0
    assert spread(CHOICE, [[2], [2, 2], [2]]) == 0.0


def test_eta_squared_on_scales():
    # mean 2.5; SS_total 5.5; SS_between 2 * (1 + 0 + 1) = 4
    assert spread(STATEMENT, [[1, 2], [2, 3], [3, 4]]) == pytest.approx(4 / 5.5)


def test_gini_split_on_choices():
    # total impurity 1 - (25 + 16) / 81 = 40/81; within 1/3 * 4/9 = 12/81
    assert spread(CHOICE, [[0, 0, 1], [1, 1, 1], [0, 0, 0]]) == pytest.approx(28 / 40)


def test_spread_needs_three_tables_with_answers_and_countable_answers():
    assert spread(STATEMENT, [[1, 2], [3, 4]]) is None
    assert spread(STATEMENT, [[1, 2], [3, 4], []]) is None
    assert spread(OPEN, [[1], [2], [3]]) is None
    assert spread(ACTION, [[1], [2], [3]]) is None


@given(st.lists(st.lists(st.integers(1, 5), max_size=8), min_size=3, max_size=10), st.booleans())
def test_spread_is_a_share(per_table, choice):
    card = CardRule(CardKind.CHOICE, options=6) if choice else STATEMENT
    value = spread(card, per_table)
    if sum(1 for t in per_table if t) < MIN_TABLES:
        assert value is None
    else:
        assert 0.0 <= value <= 1.0


@pytest.mark.parametrize(
    "value, band",
    [
        (0.0, SpreadBand.LOW),
        (0.0999, SpreadBand.LOW),
        (0.10, SpreadBand.MEDIUM),
        (0.2499, SpreadBand.MEDIUM),
        (0.25, SpreadBand.HIGH),
        (1.0, SpreadBand.HIGH),
    ],
)
def test_spread_bands(value, band):
    assert spread_band(value) is band


# --- sample_texts -------------------------------------------------------------------


def test_texts_from_fewer_than_three_tables_are_not_shown():
    assert sample_texts([["a"], ["b"]], random.Random(0)) is None
    assert sample_texts([["a"], ["b"], []], random.Random(0)) is None


def test_a_sample_draws_from_every_table_and_respects_the_limit():
    per_table = [[f"t{t}-{i}" for i in range(10)] for t in range(4)]
    sample = sample_texts(per_table, random.Random(1), limit=8)
    assert len(sample) == 8 == len(set(sample))
    assert {text.split("-")[0] for text in sample} == {"t0", "t1", "t2", "t3"}
    assert sorted(text.split("-")[0] for text in sample) == ["t0"] * 2 + ["t1"] * 2 + ["t2"] * 2 + ["t3"] * 2


def test_few_texts_are_all_shown_shuffled():
    per_table = [["a", "b"], ["c"], ["d", "e", "f"]]
    samples = [sample_texts(per_table, random.Random(seed)) for seed in range(20)]
    assert all(sorted(s) == ["a", "b", "c", "d", "e", "f"] for s in samples)
    assert len({tuple(s) for s in samples}) > 1  # the order is not the tables' order


def test_sample_does_not_change_the_callers_lists():
    per_table = [["a", "b"], ["c"], ["d", "e", "f"]]
    sample_texts(per_table, random.Random(0), limit=2)
    assert per_table == [["a", "b"], ["c"], ["d", "e", "f"]]
