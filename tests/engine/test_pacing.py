"""The dashboard's phase of each table: lobby, answering, discussing, done, or stuck."""

from __future__ import annotations

from koerskaart.engine import TableStatus
from koerskaart.engine.pacing import BEHIND_AFTER, IDLE_AFTER, Phase, Progress, phases

NOW = 10_000.0


def progress(
    id="t",
    status=TableStatus.PLAYING,
    card_index=0,
    round_open=True,
    answerable=True,
    paused=False,
    quiet=0.0,
):
    return Progress(id, status, card_index, round_open, answerable, paused, NOW - quiet)


def phase_of(table, *others):
    return phases([table, *others], NOW)[table.id]


def test_lobby_and_ended_tables():
    assert phase_of(progress(status=TableStatus.LOBBY, quiet=10 * IDLE_AFTER)) is Phase.LOBBY
    assert phase_of(progress(status=TableStatus.ENDED, quiet=10 * IDLE_AFTER)) is Phase.DONE


def test_an_open_answerable_round_is_answering():
    assert phase_of(progress()) is Phase.ANSWERING


def test_a_revealed_round_or_an_action_card_is_discussing():
    assert phase_of(progress(round_open=False)) is Phase.DISCUSSING
    assert phase_of(progress(answerable=False, round_open=True)) is Phase.DISCUSSING


def test_quiet_for_more_than_five_minutes_is_stuck():
    assert phase_of(progress(quiet=IDLE_AFTER)) is Phase.ANSWERING  # exactly five minutes: not yet
    assert phase_of(progress(quiet=IDLE_AFTER + 1)) is Phase.STUCK
    assert phase_of(progress(round_open=False, quiet=IDLE_AFTER + 1)) is Phase.STUCK


def test_a_paused_table_is_never_stuck():
    assert phase_of(progress(paused=True, quiet=10 * IDLE_AFTER)) is Phase.ANSWERING
    assert phase_of(progress(paused=True, round_open=False, quiet=10 * IDLE_AFTER)) is Phase.DISCUSSING
    behind = progress(paused=True, quiet=BEHIND_AFTER + 1)
    assert phase_of(behind, progress("a", card_index=3)) is Phase.ANSWERING


def test_answering_behind_half_the_other_tables_is_stuck_after_two_minutes():
    others = [progress("a", card_index=3), progress("b", card_index=2), progress("c"), progress("d")]
    assert phase_of(progress(quiet=BEHIND_AFTER + 1), *others) is Phase.STUCK  # 2 of 4 ahead
    assert phase_of(progress(quiet=BEHIND_AFTER), *others) is Phase.ANSWERING  # not quiet long enough


def test_behind_fewer_than_half_is_not_stuck():
    others = [progress("a", card_index=3), progress("b"), progress("c")]
    assert phase_of(progress(quiet=BEHIND_AFTER + 1), *others) is Phase.ANSWERING  # 1 of 3


def test_behind_counts_only_other_playing_tables():
    others = [
        progress("a", card_index=3),
        progress("b", status=TableStatus.ENDED, card_index=9),
        progress("c", status=TableStatus.LOBBY),
        progress("d", status=TableStatus.LOBBY),
    ]
    assert phase_of(progress(quiet=BEHIND_AFTER + 1), *others) is Phase.STUCK  # 1 of 1 playing


def test_behind_only_matters_while_answering():
    others = [progress("a", card_index=3), progress("b", card_index=3)]
    assert phase_of(progress(round_open=False, quiet=BEHIND_AFTER + 1), *others) is Phase.DISCUSSING
    assert phase_of(progress(answerable=False, quiet=BEHIND_AFTER + 1), *others) is Phase.DISCUSSING


def test_a_lone_playing_table_is_behind_nobody():
    assert phase_of(progress(quiet=BEHIND_AFTER + 1)) is Phase.ANSWERING


def test_tables_at_the_same_card_are_not_ahead():
    others = [progress("a", card_index=2), progress("b", card_index=2)]
    assert phase_of(progress(card_index=2, quiet=BEHIND_AFTER + 1), *others) is Phase.ANSWERING


def test_every_table_gets_a_phase():
    tables = [
        progress("lobby", status=TableStatus.LOBBY),
        progress("answering"),
        progress("discussing", round_open=False),
        progress("done", status=TableStatus.ENDED),
        progress("stuck", quiet=IDLE_AFTER + 1),
    ]
    assert phases(tables, NOW) == {
        "lobby": Phase.LOBBY,
        "answering": Phase.ANSWERING,
        "discussing": Phase.DISCUSSING,
        "done": Phase.DONE,
        "stuck": Phase.STUCK,
    }
    assert phases([], NOW) == {}
