"""Joining, leaving, hosting and locking a table."""

from __future__ import annotations

import pytest

from koerskaart.engine import Code, Settings, TableStatus
from koerskaart.engine import actions as a
from koerskaart.engine import events as e
from koerskaart.engine.events import Audience
from tests.engine.helpers import HOST, of_type, play, refused, table


def test_first_seat_hosts_and_later_seats_do_not():
    state = table(3)
    assert state.host_id == HOST
    assert [seat.is_host for seat in state.seats.values()] == [True, False, False]


def test_join_announces_the_seat_to_the_table():
    outcome = play(table(1), a.Join("p1", "Ann"))
    assert outcome.events == (e.SeatJoined("p1"),)
    assert outcome.state.seats["p1"].nickname == "Ann"


def test_retried_join_is_a_no_op():
    state = table(2)
    outcome = play(state, a.Join("p1", "someone else", as_host=True))
    assert outcome.state == state
    assert outcome.events == ()


@pytest.mark.parametrize(
    ("nickname", "stored"),
    [
        ("  Ann \t van\n Dam  ", "Ann van Dam"),
        ("Bo\x00b\x1b", "Bob"),
        ("x" * 100, "x" * 30),
        ("   ", None),
        (None, None),
    ],
)
def test_nicknames_are_cleaned(nickname, stored):
    state = play(table(1), a.Join("p1", nickname)).state
    assert state.seats["p1"].nickname == stored


def _locked():
    return play(table(2), a.Lock(HOST, True)).state


def _full():
    return table(3, settings=Settings(capacity=3))


def _ended():
    return play(table(3, started=True), a.End(HOST)).state


@pytest.mark.parametrize("make", [_locked, _full, _ended], ids=["locked", "full", "ended"])
def test_join_is_refused_with_one_code_whatever_the_reason(make):
    assert refused(make(), a.Join("newcomer")) is Code.TABLE_UNAVAILABLE


def test_unlocking_lets_people_join_again():
    state = play(_locked(), a.Lock(HOST, False), a.Join("p2")).state
    assert "p2" in state.seats


def test_locking_twice_announces_once():
    outcome = play(table(2), a.Lock(HOST, True), a.Lock(HOST, True))
    assert outcome.events == (e.TableLocked(True),)


def test_seated_player_may_rejoin_a_locked_table_idempotently():
    state = _locked()
    assert play(state, a.Join("p1")).state == state


def test_start_opens_round_zero_with_a_zero_count():
    outcome = play(table(4), a.Start(HOST))
    assert outcome.state.status is TableStatus.PLAYING
    assert outcome.state.card_index == 0
    assert outcome.events == (e.GameStarted(), e.RoundOpened(0), e.AnswerCountChanged(0, 0, 4))


def test_start_twice_is_out_of_turn():
    assert refused(table(3, started=True), a.Start(HOST)) is Code.WRONG_STATE


def test_joining_mid_round_raises_the_total():
    outcome = play(table(3, started=True), a.Submit("p1", 0, 4), a.Join("p3"))
    assert outcome.events[-1] == e.AnswerCountChanged(0, 1, 4)


HOST_ONLY = [
    a.Remove("p1", "p2"),
    a.Lock("p1", True),
    a.Start("p1"),
    a.CloseRound("p1"),
    a.Skip("p1"),
    a.Next("p1"),
    a.GoTo("p1", 0),
    a.Pause("p1", True),
    a.SetTimer("p1", 60),
    a.RemoveAction("p1", "x"),
    a.End("p1"),
]


@pytest.mark.parametrize("action", HOST_ONLY, ids=lambda act: type(act).__name__)
def test_host_only_actions_refuse_other_players(action):
    state = table(3) if isinstance(action, a.Start) else table(3, started=True)
    assert refused(state, action) is Code.NOT_HOST


@pytest.mark.parametrize(
    "action",
    [a.Start("ghost"), a.Submit("ghost", 0, 3), a.Leave("ghost"), a.AddAction("ghost", "me", "do", "now")],
    ids=lambda act: type(act).__name__,
)
def test_unseated_people_are_refused(action):
    assert refused(table(3, started=True), action) is Code.NOT_SEATED


def test_host_leaving_passes_the_host_to_the_longest_seated_player():
    state = play(table(3), a.Leave("p1"), a.Join("p1"), a.Leave(HOST)).state
    assert state.host_id == "p2"
    assert [seat.id for seat in state.seats.values() if seat.is_host] == ["p2"]


def test_removing_a_player_tells_them_and_the_table():
    outcome = play(table(3), a.Remove(HOST, "p2"))
    assert "p2" not in outcome.state.seats
    removed = of_type(outcome.events, e.SeatRemoved)
    assert removed == [e.SeatRemoved("p2")]
    assert removed[0].audience is Audience.SEAT
    assert e.SeatLeft("p2") in outcome.events


@pytest.mark.parametrize("target", [HOST, "ghost"])
def test_host_cannot_remove_themselves_or_a_stranger(target):
    assert refused(table(3), a.Remove(HOST, target)) is Code.UNKNOWN_SEAT


@pytest.mark.parametrize(("players", "only_talk"), [(2, True), (3, False), (6, False)])
def test_fewer_players_than_k_only_discuss(players, only_talk):
    assert table(players).discussion_only is only_talk


@pytest.mark.parametrize(("k", "k_text"), [(2, 4), (1, 1), (4, 3)])
def test_settings_never_go_below_the_anonymity_floor(k, k_text):
    with pytest.raises(ValueError):
        Settings(k=k, k_text=k_text)


def test_open_text_has_a_higher_bar_by_default():
    settings = Settings()
    assert settings.k == 3
    assert settings.k_text > settings.k
