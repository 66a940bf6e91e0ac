"""Answering a card and closing its round."""

from __future__ import annotations

import pytest

from koerskaart.engine import Code, RoundStatus, Settings
from koerskaart.engine import actions as a
from koerskaart.engine import events as e
from tests.engine.helpers import (
    ACTION,
    CHOICE,
    FREQUENCY,
    HOST,
    OPEN,
    STATEMENT,
    answer_all,
    deck,
    of_type,
    play,
    refused,
    table,
)


def _on(card, players=4):
    return table(players, deck(card, STATEMENT), started=True)


@pytest.mark.parametrize("card", [STATEMENT, FREQUENCY], ids=["statement", "frequency"])
@pytest.mark.parametrize("value", [1, 3, 5])
def test_scale_cards_accept_points_one_to_five(card, value):
    state = play(_on(card), a.Submit("p1", 0, value)).state
    assert state.current_round.answers == {"p1": value}


@pytest.mark.parametrize("card", [STATEMENT, FREQUENCY], ids=["statement", "frequency"])
@pytest.mark.parametrize("value", [0, 6, -1, True, False, 3.0, "3", None, [3]])
def test_scale_cards_refuse_anything_else(card, value):
    assert refused(_on(card), a.Submit("p1", 0, value)) is Code.INVALID_ANSWER


@pytest.mark.parametrize(("value", "ok"), [(0, True), (2, True), (3, False), (-1, False), (True, False)])
def test_choice_cards_take_an_option_index(value, ok):
    state = _on(CHOICE)
    if ok:
        assert play(state, a.Submit("p1", 0, value)).state.current_round.answers == {"p1": value}
    else:
        assert refused(state, a.Submit("p1", 0, value)) is Code.INVALID_ANSWER


def test_open_text_is_stored_cleaned():
    state = play(_on(OPEN), a.Submit("p1", 0, "  we\x07 are\n\n  fine  ")).state
    assert state.current_round.answers == {"p1": "we are fine"}


def test_open_text_a_little_too_long_is_cut_to_the_limit():
    text = "y" * (OPEN.max_length + 5)
    state = play(_on(OPEN), a.Submit("p1", 0, text)).state
    assert state.current_round.answers == {"p1": "y" * OPEN.max_length}


@pytest.mark.parametrize("value", ["", "   \n\t", "\x00\x01", "z" * (OPEN.max_length * 2 + 1), 3, None])
def test_open_text_refuses_empty_far_too_long_or_non_text(value):
    assert refused(_on(OPEN), a.Submit("p1", 0, value)) is Code.INVALID_ANSWER


def test_action_cards_cannot_be_answered():
    assert refused(_on(ACTION), a.Submit("p1", 0, 3)) is Code.NOT_ANSWERABLE


def test_answer_to_another_card_is_refused():
    assert refused(_on(STATEMENT), a.Submit("p1", 1, 3)) is Code.NOT_CURRENT_CARD


def test_answer_while_paused_is_refused():
    state = play(_on(STATEMENT), a.Pause(HOST, True)).state
    assert refused(state, a.Submit("p1", 0, 3)) is Code.PAUSED


def test_answer_before_the_game_starts_is_refused():
    assert refused(table(4), a.Submit("p1", 0, 3)) is Code.WRONG_STATE


def test_answer_after_the_round_closed_is_refused():
    state = play(_on(STATEMENT, players=3), *(a.Submit(p, 0, 2) for p in ("p0", "p1", "p2"))).state
    assert refused(state, a.Submit("p1", 0, 5)) is Code.ROUND_CLOSED


def test_each_new_answer_bumps_the_count():
    outcome = answer_all(_on(STATEMENT), 1, 2)
    assert of_type(outcome.events, e.AnswerCountChanged) == [
        e.AnswerCountChanged(0, 1, 4),
        e.AnswerCountChanged(0, 2, 4),
    ]


def test_changing_your_mind_keeps_the_latest_answer_and_tells_only_you():
    state = play(_on(STATEMENT), a.Submit("p1", 0, 1)).state
    outcome = play(state, a.Submit("p1", 0, 5))
    assert outcome.state.current_round.answers == {"p1": 5}
    assert outcome.events == (e.AnswerRecorded("p1", 0, changed=True),)


def test_all_answered_with_enough_answers_reveals():
    outcome = answer_all(_on(STATEMENT), 1, 5, 5, 3)
    current = outcome.state.current_round
    assert current.status is RoundStatus.REVEALED
    assert current.result.n == 4
    assert current.result.counts == (1, 0, 1, 0, 2)
    assert of_type(outcome.events, e.RoundRevealed) == [e.RoundRevealed(0, current.result)]


def test_all_answered_but_fewer_than_k_shows_nothing():
    outcome = answer_all(_on(STATEMENT, players=2), 4, 4)
    current = outcome.state.current_round
    assert current.status is RoundStatus.TOO_FEW
    assert current.result is None
    assert of_type(outcome.events, e.RoundRevealed) == []
    assert of_type(outcome.events, e.AnswersSealed) == []
    assert of_type(outcome.events, e.RoundClosedTooFew) == [e.RoundClosedTooFew(0)]


def test_open_text_needs_the_higher_text_threshold():
    state = table(3, deck(OPEN, STATEMENT), Settings(k=3, k_text=4), started=True)
    current = answer_all(state, "a", "b", "c").state.current_round
    assert current.status is RoundStatus.TOO_FEW
    assert current.result is None


def test_open_text_reveals_at_the_text_threshold():
    state = table(4, deck(OPEN, STATEMENT), Settings(k=3, k_text=4), started=True)
    current = answer_all(state, "a", "b", "c", "d").state.current_round
    assert current.status is RoundStatus.REVEALED
    assert sorted(current.result.texts) == ["a", "b", "c", "d"]


def test_host_may_close_once_k_have_answered():
    state = answer_all(_on(STATEMENT, players=5), 2, 2, 4).state
    outcome = play(state, a.CloseRound(HOST))
    assert outcome.state.current_round.status is RoundStatus.REVEALED
    assert outcome.state.current_round.result.n == 3


def test_host_may_not_close_below_k():
    state = answer_all(_on(STATEMENT, players=5), 2, 2).state
    assert refused(state, a.CloseRound(HOST)) is Code.TOO_FEW_ANSWERS


def test_host_may_not_close_an_open_card_below_the_text_threshold():
    state = answer_all(_on(OPEN, players=5), "a", "b", "c").state
    assert refused(state, a.CloseRound(HOST)) is Code.TOO_FEW_ANSWERS


def test_closing_a_closed_round_is_refused():
    state = answer_all(_on(STATEMENT, players=3), 1, 2, 3).state
    assert refused(state, a.CloseRound(HOST)) is Code.ROUND_CLOSED


def test_a_leaver_who_had_answered_no_longer_counts():
    state = answer_all(_on(STATEMENT), 1, 2).state
    outcome = play(state, a.Leave("p1"))
    assert outcome.state.current_round.answers == {"p0": 1}
    assert outcome.events[-1] == e.AnswerCountChanged(0, 1, 3)


@pytest.mark.parametrize("leave", [a.Leave("p3"), a.Remove(HOST, "p3")], ids=["leave", "remove"])
def test_the_last_missing_player_going_completes_the_round(leave):
    state = answer_all(_on(STATEMENT), 1, 2, 3).state
    outcome = play(state, leave)
    assert outcome.state.current_round.status is RoundStatus.REVEALED
    assert outcome.state.current_round.result.n == 3


def test_completed_round_below_k_after_a_leave_shows_nothing():
    state = answer_all(_on(STATEMENT, players=3), 1, 2).state
    current = play(state, a.Leave("p2")).state.current_round
    assert current.status is RoundStatus.TOO_FEW
    assert current.result is None
