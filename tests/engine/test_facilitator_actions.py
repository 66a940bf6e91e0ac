"""A conference facilitator's actions: no seat, every table follows, nothing is left half-open."""

from __future__ import annotations

import pytest

from koerskaart.engine import ActionRefused, Code, RoundStatus, Settings, TableStatus
from koerskaart.engine import actions as a
from koerskaart.engine import events as e
from tests.engine.helpers import HOST, play, table

STEERED = Settings(steered=True)


def test_show_starts_a_table_in_the_lobby_at_the_chosen_card() -> None:
    outcome = play(table(3, settings=STEERED), a.Show(1))
    assert outcome.state.status is TableStatus.PLAYING
    assert outcome.state.card_index == 1
    assert any(isinstance(event, e.GameStarted) for event in outcome.events)


def test_show_reveals_an_open_round_with_enough_answers_before_moving_on() -> None:
    state = play(table(3, settings=STEERED), a.Show(0)).state
    state = play(state, a.Submit("p0", 0, 4), a.Submit("p1", 0, 2), a.Submit("p2", 0, 5)).state
    assert state.rounds[0].status is RoundStatus.REVEALED  # complete: revealed by itself
    state = play(table(4, settings=STEERED), a.Show(0), a.Submit("p0", 0, 4), a.Submit("p1", 0, 2)).state
    moved = play(state, a.Show(1)).state
    assert moved.rounds[0].status is RoundStatus.TOO_FEW  # two of four: closed with nothing shown
    assert moved.rounds[0].answers == {}
    assert moved.card_index == 1


def test_close_all_reveals_from_the_threshold_and_closes_below_it_as_too_few() -> None:
    state = play(table(5, settings=STEERED), a.Show(0), *(a.Submit(f"p{i}", 0, 3) for i in range(3))).state
    assert play(state, a.CloseAll()).state.rounds[0].status is RoundStatus.REVEALED
    small = play(table(5, settings=STEERED), a.Show(0), a.Submit("p0", 0, 3)).state
    assert play(small, a.CloseAll()).state.rounds[0].status is RoundStatus.TOO_FEW


def test_close_all_on_a_table_without_an_open_round_changes_nothing() -> None:
    outcome = play(table(3, settings=STEERED), a.CloseAll())
    assert outcome.events == ()


@pytest.mark.parametrize(
    "action",
    [
        a.Start(HOST),
        a.Next(HOST),
        a.Skip(HOST),
        a.CloseRound(HOST),
        a.Pause(HOST, True),
        a.SetTimer(HOST, 60),
    ],
)
def test_a_steered_table_refuses_the_hosts_pacing(action: a.Action) -> None:
    state = table(3, settings=STEERED)
    if not isinstance(action, a.Start):
        state = play(state, a.Show(0)).state
    with pytest.raises(ActionRefused) as refused:
        play(state, action)
    assert refused.value.code is Code.STEERED


def test_a_steered_table_still_takes_answers_and_team_actions() -> None:
    state = play(table(3, settings=STEERED), a.Show(0), a.Submit("p1", 0, 2)).state
    assert state.rounds[0].answers == {"p1": 2}


def test_a_hold_stops_the_host_at_the_harvest_card_until_lifted() -> None:
    state = play(table(3, started=True), a.Hold(0)).state
    state = play(state, *(a.Submit(f"p{i}", 0, 3) for i in range(3))).state
    with pytest.raises(ActionRefused) as refused:
        play(state, a.Next(HOST))
    assert refused.value.code is Code.HELD
    with pytest.raises(ActionRefused):
        play(state, a.Skip(HOST))
    assert play(state, a.Hold(None), a.Next(HOST)).state.card_index == 1


def test_pause_all_and_conclude_need_no_seat_and_a_second_conclude_is_a_no_op() -> None:
    state = play(table(3, settings=STEERED), a.Show(0), a.PauseAll(True)).state
    assert state.paused
    ended = play(state, a.Conclude()).state
    assert ended.status is TableStatus.ENDED
    assert play(ended, a.Conclude()).events == ()


def test_sealed_answers_carry_the_declared_groups() -> None:
    outcome = play(
        table(0, settings=STEERED),
        a.Join("m", perspective="manager"),
        a.Join("x", perspective="employee"),
        a.Join("y"),
        a.Show(0),
        a.Submit("m", 0, 5),
        a.Submit("x", 0, 1),
        a.Submit("y", 0, 3),
    )
    sealed = next(ev for ev in outcome.events if isinstance(ev, e.AnswersSealed))
    assert sealed.declared == {"manager": (5,), "employee": (1,)}
    assert sealed.audience is e.Audience.SERVER  # never sent to anyone
