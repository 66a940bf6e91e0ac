"""Seating at a conference: even tables, managers spread out, no table over its target."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koerskaart.engine.seating import TableLoad, below_k, choose_table, merge_partner

K = 3
PERSPECTIVE = st.sampled_from(["manager", "employee", None])


def load(id, players, managers=0, accepting=True):
    return TableLoad(id, players, managers, accepting)


# --- choose_table -------------------------------------------------------------------


def test_no_tables_opens_a_new_one():
    assert choose_table([], "employee", 6) is None


def test_all_full_or_closed_opens_a_new_one():
    tables = [load("a", 6), load("b", 2, accepting=False), load("c", 7)]
    assert choose_table(tables, None, 6) is None


def test_emptiest_accepting_table_wins():
    tables = [load("a", 4), load("b", 1, accepting=False), load("c", 3), load("d", 5)]
    assert choose_table(tables, "employee", 6) == "c"
    assert choose_table(tables, "manager", 6) == "c"  # fewer players beats fewer managers


def test_manager_breaks_ties_by_fewest_managers():
    tables = [load("a", 3, managers=2), load("b", 3, managers=0), load("c", 3, managers=1)]
    assert choose_table(tables, "manager", 6) == "b"


def test_others_break_ties_by_list_order():
    tables = [load("a", 3, managers=2), load("b", 3, managers=0)]
    assert choose_table(tables, "employee", 6) == "a"
    assert choose_table(tables, None, 6) == "a"


def test_manager_ties_on_managers_fall_back_to_list_order():
    tables = [load("a", 3, managers=1), load("b", 3, managers=1)]
    assert choose_table(tables, "manager", 6) == "a"


def test_a_table_at_target_takes_nobody():
    assert choose_table([load("a", 6), load("b", 5)], None, 6) == "b"
    assert choose_table([load("a", 6)], None, 6) is None


# --- the seating guarantees, over whole arrival sequences ----------------------------


def _seat(tables, perspective, target):
    """One arrival, as the conference service does it: choose, or open a table on None."""
    chosen = choose_table(tables, perspective, target)
    is_manager = perspective == "manager"
    if chosen is None:
        tables.append(load(f"t{len(tables)}", 1, int(is_manager)))
        return len(tables) - 1, True
    index = next(i for i, t in enumerate(tables) if t.id == chosen)
    old = tables[index]
    tables[index] = dataclasses.replace(old, players=old.players + 1, managers=old.managers + is_manager)
    return index, False


@given(
    pre_opened=st.integers(0, 5),
    arrivals=st.lists(PERSPECTIVE, max_size=80),
    target=st.integers(2, 8),
)
def test_arrivals_fill_tables_evenly_and_never_past_target(pre_opened, arrivals, target):
    """The guarantee, exactly: after every arrival

    1. no table holds more than ``target``;
    2. either all table sizes differ by at most 1, or every table except the newest is
       full (holds exactly ``target``) and only the newest, still filling, lags behind;
    3. no table is below k while another holds more than ``target`` (follows from 1);
    4. a new table opens only when every existing table is full;
    5. a manager sits at a table with the fewest managers among the emptiest candidates.
    """
    tables = [load(f"pre{i}", 0) for i in range(pre_opened)]  # the facilitator may open tables up front
    for perspective in arrivals:
        before = list(tables)
        candidates = [t for t in before if t.accepting and t.players < target]
        index, opened = _seat(tables, perspective, target)

        if opened:
            assert all(t.players == target for t in before)  # 4
        else:
            chosen = before[index]
            assert chosen.players == min(t.players for t in candidates)
            if perspective == "manager":  # 5
                emptiest = [t for t in candidates if t.players == chosen.players]
                assert chosen.managers == min(t.managers for t in emptiest)

        sizes = [t.players for t in tables]
        assert max(sizes) <= target  # 1
        assert max(sizes) - min(sizes) <= 1 or all(s == target for s in sizes[:-1])  # 2
        if any(s > target for s in sizes):  # 3
            assert not below_k(tables, K)
        assert sum(sizes) == sum(t.players for t in before) + 1


@given(pre_opened=st.integers(2, 6), managers=st.integers(0, 40), target=st.integers(2, 8))
def test_managers_spread_over_tables_opened_up_front(pre_opened, managers, target):
    """Managers arriving at tables opened up front differ by at most one per table."""
    tables = [load(f"pre{i}", 0) for i in range(pre_opened)]
    for _ in range(min(managers, pre_opened * target)):
        _seat(tables, "manager", target)
    counts = [t.managers for t in tables]
    assert max(counts) - min(counts) <= 1


OPS = st.one_of(
    st.tuples(st.just("arrive"), PERSPECTIVE),
    st.tuples(st.just("leave"), st.integers(0, 50)),
    st.tuples(st.just("close"), st.integers(0, 50)),
)


@given(ops=st.lists(OPS, max_size=80), target=st.integers(2, 8))
def test_leaving_and_closing_never_lets_a_table_past_target(ops, target):
    tables = []
    for op, arg in ops:
        if op == "arrive":
            _seat(tables, arg, target)
        elif tables:
            i = arg % len(tables)
            t = tables[i]
            if op == "close":
                tables[i] = dataclasses.replace(t, accepting=False)
            elif t.players:
                tables[i] = dataclasses.replace(t, players=t.players - 1, managers=max(0, t.managers - 1))
        assert all(t.players <= target for t in tables)


# --- below_k and merge_partner ------------------------------------------------------


def test_below_k_lists_tables_with_someone_but_fewer_than_k():
    tables = [load("a", 0), load("b", 1), load("c", 2), load("d", 3), load("e", 2, accepting=False)]
    assert below_k(tables, 3) == ["b", "c", "e"]
    assert below_k(tables, 4) == ["b", "c", "d", "e"]


def test_merge_partner_is_the_emptiest_other_accepting_table_with_room():
    tables = [load("a", 2), load("b", 5), load("c", 4), load("d", 3, accepting=False), load("e", 4)]
    assert merge_partner(tables, "a", K, 8) == "c"  # c and e tie on 4: list order
    assert merge_partner(tables, "a", K, 6) == "c"  # 2 + 4 = 6 still fits
    assert merge_partner(tables, "a", K, 5) is None  # nobody but the closed d would fit


def test_merge_partner_skips_empty_tables_and_itself():
    tables = [load("a", 1), load("b", 0), load("c", 6)]
    assert merge_partner(tables, "a", K, 12) == "c"


def test_two_small_tables_may_merge():
    tables = [load("a", 2), load("b", 1), load("c", 6)]
    assert merge_partner(tables, "a", K, 12) == "b"
    assert merge_partner(tables, "b", K, 12) == "a"


def test_no_partner_for_a_table_that_is_not_below_k():
    tables = [load("a", 3), load("b", 0), load("c", 2)]
    assert merge_partner(tables, "a", K, 12) is None
    assert merge_partner(tables, "b", K, 12) is None  # empty: nobody to move


def test_merge_partner_of_an_unknown_table_is_an_error():
    with pytest.raises(KeyError):
        merge_partner([load("a", 1)], "zz", K, 12)
