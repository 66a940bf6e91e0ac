"""Managers and employees side by side, only where no one can be singled out (rule 6)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from koerskaart.engine import CardKind, CardRule
from koerskaart.engine.results import releasable_groups

SCALE = CardRule(CardKind.STATEMENT)
OPEN = CardRule(CardKind.OPEN)


def test_both_groups_at_k_are_released_side_by_side() -> None:
    answers = [
        ("manager", 5),
        ("manager", 4),
        ("manager", 4),
        ("employee", 2),
        ("employee", 1),
        ("employee", 2),
    ]
    groups = releasable_groups(SCALE, answers, threshold=3, k=3)
    assert groups == {
        "manager": {"n": 3, "counts": [0, 0, 0, 2, 1], "texts": []},
        "employee": {"n": 3, "counts": [1, 2, 0, 0, 0], "texts": []},
    }


def test_a_group_below_k_releases_neither() -> None:
    answers = [
        ("manager", 5),
        ("manager", 4),
        ("employee", 2),
        ("employee", 1),
        ("employee", 2),
        ("employee", 3),
    ]
    assert releasable_groups(SCALE, answers, threshold=3, k=3) is None


def test_a_small_undeclared_remainder_would_be_exposed_by_subtraction() -> None:
    answers = [("manager", 5)] * 3 + [("employee", 1)] * 3 + [(None, 3)]
    assert releasable_groups(SCALE, answers, threshold=3, k=3) is None
    assert releasable_groups(SCALE, [*answers, (None, 2), (None, 4)], threshold=3, k=3) is not None


def test_open_text_is_never_split_by_perspective() -> None:
    answers = [("manager", "a")] * 4 + [("employee", "b")] * 4
    assert releasable_groups(OPEN, answers, threshold=4, k=3) is None


@settings(max_examples=400, deadline=None)
@given(
    people=st.lists(
        st.tuples(st.sampled_from(["manager", "employee", None]), st.integers(min_value=1, max_value=5)),
        max_size=14,
    ),
    k=st.integers(min_value=3, max_value=5),
)
def test_released_groups_never_expose_fewer_than_k_people(people: list, k: int) -> None:
    """Every released figure, and every difference between released figures, covers ≥ k people."""
    groups = releasable_groups(SCALE, people, threshold=k, k=k)
    if groups is None:
        return
    total = len(people)
    sizes = {role: data["n"] for role, data in groups.items()}
    assert set(sizes) == {"manager", "employee"}
    assert all(size >= k for size in sizes.values())
    undeclared = total - sum(sizes.values())
    assert undeclared == 0 or undeclared >= k  # total minus both groups
    for size in sizes.values():
        assert total - size >= k  # total minus one group
