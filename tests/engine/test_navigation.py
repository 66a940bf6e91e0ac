"""Moving through the deck: skip, next, go to, pause and the timer."""

from __future__ import annotations

import pytest

from koerskaart.engine import Code, RoundStatus
from koerskaart.engine import actions as a
from koerskaart.engine import events as e
from tests.engine.helpers import ACTION, HOST, NOW, STATEMENT, answer_all, deck, of_type, play, refused, table


def _playing(players=4):
    return table(players, deck(STATEMENT, STATEMENT, ACTION, STATEMENT), started=True)


def test_skip_drops_the_answers_and_moves_on():
    state = answer_all(_playing(), 1, 2, 3).state
    outcome = play(state, a.Skip(HOST))
    skipped = outcome.state.rounds[0]
    assert skipped.status is RoundStatus.SKIPPED
    assert skipped.answers == {}
    assert skipped.result is None
    assert outcome.state.card_index == 1
    assert outcome.events[:2] == (e.RoundSkipped(0), e.RoundOpened(1))


def test_skip_on_the_last_card_drops_answers_and_stays():
    state = play(_playing(), a.Next(HOST), a.Next(HOST), a.Next(HOST), a.Submit("p1", 3, 4)).state
    after = play(state, a.Skip(HOST)).state
    assert after.card_index == 3
    assert after.rounds[3].status is RoundStatus.SKIPPED
    assert after.rounds[3].answers == {}


def test_next_refuses_to_leave_answers_behind():
    state = answer_all(_playing(), 1).state
    assert refused(state, a.Next(HOST)) is Code.WRONG_STATE


def test_next_from_an_unanswered_card_marks_it_skipped():
    outcome = play(_playing(), a.Next(HOST))
    assert outcome.state.rounds[0].status is RoundStatus.SKIPPED
    assert outcome.events[0] == e.RoundSkipped(0)
    assert outcome.events[1:] == (e.RoundOpened(1), e.AnswerCountChanged(1, 0, 4))


def test_next_from_an_action_card_marks_it_discussed():
    state = play(_playing(), a.Next(HOST), a.Next(HOST)).state
    assert state.current_card.kind == ACTION.kind
    outcome = play(state, a.Next(HOST))
    assert outcome.state.rounds[2].status is RoundStatus.DISCUSSED
    assert of_type(outcome.events, e.RoundSkipped) == []


def test_an_action_card_opens_without_a_count():
    outcome = play(_playing(), a.Next(HOST), a.Next(HOST))
    assert outcome.events[-1] == e.RoundOpened(2)


def test_next_after_a_reveal_moves_on():
    state = answer_all(_playing(), 1, 2, 3, 4).state
    after = play(state, a.Next(HOST)).state
    assert after.card_index == 1
    assert after.rounds[0].status is RoundStatus.REVEALED


def test_next_on_the_last_card_is_refused():
    state = play(_playing(), a.Next(HOST), a.Next(HOST), a.Next(HOST)).state
    assert refused(state, a.Next(HOST)) is Code.INVALID_CARD


@pytest.mark.parametrize("target", [2, 3, -1, 1], ids=["unvisited", "far", "negative", "current"])
def test_go_to_only_reaches_other_visited_cards(target):
    state = play(_playing(), a.Next(HOST)).state
    assert refused(state, a.GoTo(HOST, target)) is Code.INVALID_CARD


def test_go_to_refuses_to_leave_answers_behind():
    state = play(_playing(), a.Next(HOST), a.Submit("p2", 1, 3)).state
    assert refused(state, a.GoTo(HOST, 0)) is Code.WRONG_STATE


def test_going_back_to_a_revealed_card_shows_its_frozen_result():
    state = play(answer_all(_playing(), 1, 1, 2, 5).state, a.Next(HOST)).state
    frozen = state.rounds[0].result
    outcome = play(state, a.GoTo(HOST, 0))
    assert outcome.state.card_index == 0
    assert outcome.state.rounds[0].status is RoundStatus.REVEALED
    assert outcome.state.rounds[0].result == frozen
    assert of_type(outcome.events, e.CardShown) == [e.CardShown(0)]
    assert of_type(outcome.events, e.RoundOpened) == []


def test_going_back_to_a_skipped_card_opens_a_fresh_round():
    state = play(answer_all(_playing(), 1, 2).state, a.Skip(HOST)).state
    outcome = play(state, a.GoTo(HOST, 0))
    current = outcome.state.current_round
    assert current.status is RoundStatus.OPEN
    assert current.answers == {}
    assert outcome.events[-2:] == (e.RoundOpened(0), e.AnswerCountChanged(0, 0, 4))


def test_going_forward_again_after_going_back():
    state = play(_playing(), a.Next(HOST), a.Next(HOST), a.GoTo(HOST, 0)).state
    after = play(state, a.GoTo(HOST, 2)).state
    assert after.card_index == 2


@pytest.mark.parametrize(
    "action",
    [a.Next(HOST), a.Skip(HOST), a.GoTo(HOST, 0), a.CloseRound(HOST), a.SetTimer(HOST, 60)],
    ids=lambda act: type(act).__name__,
)
def test_a_paused_table_does_not_move(action):
    state = play(_playing(), a.Next(HOST), a.Pause(HOST, True)).state
    assert refused(state, action) is Code.PAUSED


def test_pause_and_resume_announce_each_change_once():
    outcome = play(_playing(), a.Pause(HOST, True), a.Pause(HOST, True), a.Pause(HOST, False))
    assert outcome.events == (e.PauseChanged(True), e.PauseChanged(False))
    assert outcome.state.paused is False


def test_pause_in_the_lobby_is_out_of_turn():
    assert refused(table(3), a.Pause(HOST, True)) is Code.WRONG_STATE


@pytest.mark.parametrize("seconds", [10, 90, 3600])
def test_timer_runs_from_now(seconds):
    outcome = play(_playing(), a.SetTimer(HOST, seconds))
    assert outcome.state.timer_ends_at == NOW + seconds
    assert outcome.events == (e.TimerSet(NOW + seconds),)


@pytest.mark.parametrize("seconds", [9, 0, -10, 3601])
def test_timer_out_of_range_is_refused(seconds):
    assert refused(_playing(), a.SetTimer(HOST, seconds)) is Code.INVALID_INPUT


def test_timer_can_be_cleared():
    outcome = play(_playing(), a.SetTimer(HOST, 60), a.SetTimer(HOST, None))
    assert outcome.state.timer_ends_at is None
    assert outcome.events[-1] == e.TimerSet(None)


@pytest.mark.parametrize("move", [a.Next(HOST), a.Skip(HOST)], ids=["next", "skip"])
def test_a_new_card_clears_the_timer(move):
    state = play(_playing(), a.SetTimer(HOST, 60), move).state
    assert state.timer_ends_at is None


def test_timer_needs_a_game_in_progress():
    assert refused(table(3), a.SetTimer(HOST, 60)) is Code.WRONG_STATE
