"""Agreeing team actions on action cards, and ending the table."""

from __future__ import annotations

import pytest

from koerskaart.engine import Code, Result, RoundStatus, TableStatus
from koerskaart.engine import actions as a
from koerskaart.engine import events as e
from tests.engine.helpers import ACTION, HOST, OPEN, STATEMENT, answer_all, deck, play, refused, table


def _at_action(players=4):
    """Four players on card 1, an action card."""
    return play(table(players, deck(STATEMENT, ACTION, STATEMENT), started=True), a.Next(HOST)).state


def test_any_player_can_add_an_action_on_an_action_card():
    outcome = play(_at_action(), a.AddAction("p2", " Sam ", "Ask  for\nfeedback", "Friday"))
    [added] = outcome.state.actions
    assert (added.who, added.what, added.due, added.card_index) == ("Sam", "Ask for feedback", "Friday", 1)
    assert added.id
    assert outcome.events == (e.ActionAdded(added),)


def test_actions_get_distinct_ids():
    state = play(_at_action(), a.AddAction("p1", "a", "one", ""), a.AddAction("p2", "b", "two", "")).state
    assert len({item.id for item in state.actions}) == 2


def test_actions_belong_on_action_cards():
    state = table(4, deck(STATEMENT, ACTION), started=True)
    assert refused(state, a.AddAction("p1", "me", "do", "now")) is Code.WRONG_STATE


def test_actions_need_a_game_in_progress():
    assert refused(table(4, deck(ACTION)), a.AddAction("p1", "me", "do", "now")) is Code.WRONG_STATE


def test_actions_wait_while_paused():
    state = play(_at_action(), a.Pause(HOST, True)).state
    assert refused(state, a.AddAction("p1", "me", "do", "now")) is Code.PAUSED


@pytest.mark.parametrize("what", ["", "  \n ", "\x00"])
def test_an_action_needs_a_what(what):
    assert refused(_at_action(), a.AddAction("p1", "me", what, "now")) is Code.INVALID_INPUT


def test_the_action_list_is_bounded():
    state = play(_at_action(), *(a.AddAction("p1", "me", f"do {i}", "") for i in range(50))).state
    assert len(state.actions) == 50
    assert refused(state, a.AddAction("p1", "me", "one more", "")) is Code.INVALID_INPUT


def test_host_removes_an_action():
    state = play(_at_action(), a.AddAction("p1", "me", "do", "")).state
    action_id = state.actions[0].id
    outcome = play(state, a.RemoveAction(HOST, action_id))
    assert outcome.state.actions == []
    assert outcome.events == (e.ActionRemoved(action_id),)


def test_removing_an_unknown_action_is_refused():
    assert refused(_at_action(), a.RemoveAction(HOST, "nope")) is Code.UNKNOWN_ACTION


def test_end_forgets_nicknames_and_keeps_the_actions():
    state = play(_at_action(), a.AddAction("p1", "me", "do", "")).state
    outcome = play(state, a.End(HOST, keep_open_text=True))
    assert outcome.state.status is TableStatus.ENDED
    assert all(seat.nickname is None for seat in outcome.state.seats.values())
    assert [item.what for item in outcome.state.actions] == ["do"]
    assert outcome.state.keep_open_text is True
    assert outcome.events[-1] == e.TableEnded(keep_open_text=True)


def test_end_drops_the_answers_of_an_open_round():
    state = answer_all(table(5, started=True), 1, 2, 3, 4).state
    after = play(state, a.End(HOST)).state
    assert after.rounds[0].answers == {}
    assert after.rounds[0].result is None
    assert after.rounds[0].status is RoundStatus.SKIPPED


def test_end_clears_pause_and_timer():
    state = play(table(4, started=True), a.SetTimer(HOST, 60), a.Pause(HOST, True), a.End(HOST)).state
    assert state.paused is False
    assert state.timer_ends_at is None


def test_end_from_the_lobby():
    state = play(table(2), a.End(HOST)).state
    assert state.status is TableStatus.ENDED
    assert state.rounds == {}


@pytest.mark.parametrize(("keep", "texts"), [(False, ()), (True, ("a", "b", "c", "d"))])
def test_open_text_is_kept_only_if_the_table_chooses(keep, texts):
    state = answer_all(table(4, deck(OPEN, STATEMENT), started=True), "a", "b", "c", "d").state
    result = play(state, a.End(HOST, keep_open_text=keep)).state.rounds[0].result
    assert result.n == 4
    assert sorted(result.texts) == sorted(texts)


def test_end_leaves_scale_results_alone():
    state = answer_all(table(3, started=True), 1, 2, 2).state
    assert play(state, a.End(HOST)).state.rounds[0].result == Result(n=3, counts=(1, 2, 0, 0, 0))


@pytest.mark.parametrize(
    ("action", "code"),
    [
        (a.Submit("p1", 0, 3), Code.WRONG_STATE),
        (a.End(HOST), Code.WRONG_STATE),
        (a.Lock(HOST, True), Code.WRONG_STATE),
        (a.RemoveAction(HOST, "x"), Code.WRONG_STATE),
        (a.Next(HOST), Code.WRONG_STATE),
        (a.Start(HOST), Code.WRONG_STATE),
    ],
    ids=["submit", "end", "lock", "remove-action", "next", "start"],
)
def test_an_ended_table_is_over(action, code):
    state = play(table(4, started=True), a.End(HOST)).state
    assert refused(state, action) is code


def test_expire_ends_a_table_without_a_host_and_never_keeps_open_text():
    """Retention ends tables nobody ended: even one its host left, and open text goes."""
    state = answer_all(table(4, deck(OPEN, STATEMENT), started=True), "a", "b", "c", "d").state
    state = play(state, a.Next(HOST), a.Submit("p2", 1, 3)).state
    outcome = play(state, a.Expire())
    after = outcome.state
    assert after.status is TableStatus.ENDED and after.keep_open_text is False
    assert after.rounds[0].result == Result(n=4)
    assert (after.rounds[1].status, after.rounds[1].answers) == (RoundStatus.SKIPPED, {})
    assert {seat.nickname for seat in after.seats.values()} == {None}
    assert outcome.events[-1] == e.TableEnded(keep_open_text=False)
    assert refused(after, a.Expire()) is Code.WRONG_STATE
