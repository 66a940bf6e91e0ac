"""PRODUCT.md anonymity rules 1-4 as the engine must keep them."""

from __future__ import annotations

import dataclasses

import pytest

from koerskaart.engine import Code, RoundStatus
from koerskaart.engine import actions as a
from koerskaart.engine import events as e
from koerskaart.engine.events import Audience
from tests.engine.helpers import (
    HOST,
    OPEN,
    STATEMENT,
    answer_all,
    deck,
    of_type,
    play,
    refused,
    table,
    table_events,
)

SECRET = "secret-text"


def _open_card(players=5):
    return table(players, deck(OPEN, STATEMENT), started=True)


def test_an_open_round_tells_the_table_only_counts():
    outcome = play(
        _open_card(),
        a.Submit("p1", 0, f"{SECRET} 1"),
        a.Submit("p1", 0, f"{SECRET} 1b"),
        a.Join("p5"),
        a.Submit("p2", 0, f"{SECRET} 2"),
        a.Leave("p2"),
        a.Pause(HOST, True),
        a.Pause(HOST, False),
    )
    assert outcome.state.current_round.status is RoundStatus.OPEN
    for event in table_events(outcome.events):
        assert not isinstance(event, e.RoundRevealed)
        assert SECRET not in repr(event)
    assert SECRET not in repr(outcome.events)  # not even to the answering seat


def test_your_own_receipt_carries_no_answer():
    outcome = play(_open_card(), a.Submit("p1", 0, SECRET))
    [receipt] = of_type(outcome.events, e.AnswerRecorded)
    assert receipt.audience is Audience.ACTOR  # told by the ack to its own request, nobody else
    assert {field.name for field in dataclasses.fields(receipt)} == {"seat_id", "card_index", "changed"}


def test_sealed_answers_are_for_the_server_only_and_carry_no_seats():
    outcome = answer_all(table(5, started=True), 5, 4, 4, 1, 2)
    [sealed] = of_type(outcome.events, e.AnswersSealed)
    assert sealed.audience is Audience.SERVER
    assert sorted(sealed.answers) == [1, 2, 4, 4, 5]
    assert not any(seat in repr(sealed) for seat in outcome.state.seats)


def test_the_whole_result_arrives_in_one_reveal():
    outcome = answer_all(_open_card(players=4), "a", "b", "c", "d")
    assert len(of_type(outcome.events, e.RoundRevealed)) == 1
    assert of_type(outcome.events, e.AnswerCountChanged)[-1] == e.AnswerCountChanged(0, 4, 4)


def _reveal(state):
    return answer_all(state, 1, 2, 3, 4, 5).state


def _close(state):
    return play(answer_all(state, 1, 2, 3).state, a.CloseRound(HOST)).state


def _too_few(state):
    return play(answer_all(state, 1, 2).state, a.Leave("p2"), a.Leave("p3"), a.Leave("p4")).state


def _skip(state):
    return play(answer_all(state, 1, 2, 3).state, a.Skip(HOST), a.GoTo(HOST, 0), a.Next(HOST)).state


def _end(state):
    return play(answer_all(state, 1, 2, 3).state, a.End(HOST)).state


@pytest.mark.parametrize("close", [_reveal, _close, _too_few, _skip, _end])
def test_no_seat_is_linked_to_an_answer_once_the_round_is_over(close):
    state = close(table(5, started=True))
    assert state.rounds[0].status is not RoundStatus.OPEN
    assert state.rounds[0].answers == {}


def test_a_late_answer_cannot_shift_a_revealed_result():
    state = answer_all(table(4, started=True), 1, 1, 5, 5).state
    frozen = state.rounds[0].result
    state = play(state, a.Next(HOST), a.Join("late"), a.GoTo(HOST, 0)).state
    assert refused(state, a.Submit("late", 0, 3)) is Code.ROUND_CLOSED
    assert refused(state, a.Submit("p0", 0, 3)) is Code.ROUND_CLOSED
    assert state.rounds[0].result == frozen


def test_leaving_and_rejoining_does_not_reopen_a_revealed_round():
    state = answer_all(table(3, started=True), 2, 2, 3).state
    state = play(state, a.Leave("p1"), a.Join("p1")).state
    assert refused(state, a.Submit("p1", 0, 5)) is Code.ROUND_CLOSED
    assert state.rounds[0].result.n == 3


def test_joining_a_revealed_card_sends_no_new_count():
    state = answer_all(table(3, started=True), 2, 2, 3).state
    assert play(state, a.Join("p3")).events == (e.SeatJoined("p3"),)


def test_a_table_below_k_never_sees_a_result():
    state = table(2, deck(STATEMENT, STATEMENT, OPEN), started=True)
    outcome = play(
        state,
        *(a.Submit(seat, 0, 3) for seat in ("p0", "p1")),
        a.Next(HOST),
        *(a.Submit(seat, 1, 5) for seat in ("p0", "p1")),
        a.Next(HOST),
        *(a.Submit(seat, 2, "x") for seat in ("p0", "p1")),
    )
    assert of_type(outcome.events, e.RoundRevealed) == []
    assert all(round_.result is None for round_ in outcome.state.rounds.values())
