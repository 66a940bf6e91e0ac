"""TableState.copy: as independent as deepcopy for everything the engine may change."""

from __future__ import annotations

import copy
from dataclasses import fields

from koerskaart.engine.state import Round, Seat, Settings, TableState, TeamAction

from .helpers import deck


def _state() -> TableState:
    state = TableState(cards=deck(), settings=Settings(k=3, k_text=4))
    for i in range(4):
        state.seats[f"s{i}"] = Seat(f"s{i}", f"n{i}", is_host=i == 0)
    state.rounds[0] = Round(0, answers={"s0": 1, "s1": "x"})
    state.actions.append(TeamAction("a", 0, "who", "what", "due"))
    return state


def test_a_copy_equals_the_original_and_shares_no_mutable_part() -> None:
    state = _state()
    before = copy.deepcopy(state)
    new = state.copy()
    assert new == state
    new.settings.k = 5
    new.seats["s0"].nickname = "changed"
    new.seats["s9"] = Seat("s9")
    new.rounds[0].answers["s2"] = 3
    new.rounds[1] = Round(1)
    new.actions[0].what = "changed"
    new.actions.append(TeamAction("b", 1, "", "", ""))
    assert state == before


def test_the_fields_copy_knows_about() -> None:
    """A new field here must be looked at in TableState.copy (a mutable container needs a line)."""
    assert [f.name for f in fields(TableState)] == [
        "cards",
        "settings",
        "status",
        "locked",
        "paused",
        "card_index",
        "timer_ends_at",
        "seats",
        "rounds",
        "actions",
        "keep_open_text",
        "hold_at",
    ]
    assert [f.name for f in fields(Round)] == ["card_index", "status", "answers", "result"]
    for immutable_fields in (Seat, TeamAction, Settings):
        assert all(f.type in {"str", "str | None", "bool", "int"} for f in fields(immutable_fields))
