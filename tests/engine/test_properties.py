"""Random play over a small deck never breaks the anonymity rules or a refusal's promise."""

from __future__ import annotations

import copy
import dataclasses
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koerskaart.engine import (
    ActionRefused,
    CardKind,
    Result,
    RoundStatus,
    Settings,
    TableState,
    TableStatus,
    apply,
)
from koerskaart.engine import actions as a
from koerskaart.engine import events as e
from koerskaart.engine.events import Audience
from tests.engine.helpers import ACTION, CHOICE, NOW, OPEN, SENSITIVE, STATEMENT, seat_ids, table

CARDS = (STATEMENT, OPEN, SENSITIVE, ACTION, CHOICE)
SEATS = [*seat_ids(6), "stranger"]
SECRET = "secret"
VALUES = st.one_of(
    st.builds(lambda i: ("<valid>", i), st.integers(0, 9)),  # a fitting answer for the current card
    st.builds(lambda i: ("<valid>", i), st.integers(0, 9)),
    st.builds(lambda i: ("<valid>", i), st.integers(0, 9)),
    st.integers(-1, 6),
    st.sampled_from([True, None, f"{SECRET} a", "", "   ", SECRET * 300]),
)
# What the table may hear while a round is open: nothing here carries an answer.
CONTENT_FREE = (
    e.SeatJoined, e.SeatLeft, e.TableLocked, e.GameStarted, e.CardShown, e.RoundOpened,
    e.AnswerCountChanged, e.RoundClosedTooFew, e.RoundSkipped, e.PauseChanged, e.TimerSet,
    e.ActionAdded, e.ActionRemoved, e.TableEnded, e.AnswerRecorded, e.SeatRemoved,
)  # fmt: skip


# Placeholders, resolved against the state when the action is applied.
HOST_NOW, CARD_NOW, SOME_ACTION = "<host>", -99, "<some action>"
SEAT = st.sampled_from(SEATS)
BY = st.sampled_from([HOST_NOW, HOST_NOW, HOST_NOW, *SEATS])
CARD = st.sampled_from([CARD_NOW] * 4 + [-1, 0, 1, 2, 3, 4, 5])
SUBMIT = st.builds(a.Submit, SEAT, CARD, VALUES)
ACTIONS = st.sampled_from(
    [SUBMIT] * 30
    + [st.builds(a.Next, BY)] * 4
    + [st.builds(a.GoTo, BY, st.sampled_from([0, 1, 2, 3]))] * 4
    + [
        st.builds(a.Join, SEAT, st.sampled_from([None, "Ann", " "])),
        st.builds(a.Leave, SEAT),
        st.builds(a.Remove, BY, SEAT),
        st.builds(a.Lock, BY, st.booleans()),
        st.builds(a.Start, BY),
        st.builds(a.CloseRound, BY),
        st.builds(a.CloseRound, BY),
        st.builds(a.Skip, BY),
        st.builds(a.GoTo, BY, CARD),
        st.builds(a.Pause, BY, st.booleans()),
        st.builds(a.SetTimer, BY, st.sampled_from([None, 5, 60, 5000])),
        st.builds(a.AddAction, SEAT, st.just("who"), st.sampled_from(["what", ""]), st.just("due")),
        st.builds(a.RemoveAction, BY, st.sampled_from([SOME_ACTION, "unknown"])),
        st.builds(a.End, SEAT, st.booleans()),  # rarely the host: the game usually goes on
    ]
).flatmap(lambda strategy: strategy)


def _resolve(action: a.Action, state: TableState) -> a.Action:
    """Fill in the placeholders: the current host, the current card, an existing action."""
    changes: dict[str, object] = {}
    if getattr(action, "by", None) == HOST_NOW:
        changes["by"] = state.host_id or "stranger"
    if getattr(action, "card_index", None) == CARD_NOW:
        changes["card_index"] = state.card_index
    if getattr(action, "action_id", None) == SOME_ACTION:
        changes["action_id"] = state.actions[0].id if state.actions else "unknown"
    value = getattr(action, "value", None)
    if isinstance(value, tuple):
        card = state.current_card
        i = value[1]
        changes["value"] = (
            f"{SECRET} {i}" if card.kind is CardKind.OPEN else i % card.options if card.options else 1 + i % 5
        )
    return dataclasses.replace(action, **changes)


def _floor(state: TableState, idx: int) -> int:
    """PRODUCT rule 1, worked out here rather than trusted from the engine."""
    settings, card = state.settings, state.cards[idx]
    if card.kind is CardKind.OPEN:
        return settings.k_text
    return settings.k + 1 if card.sensitive else settings.k  # bands need one more to hide unanimity


def _check_events(before: TableState, action: a.Action, after: TableState, events) -> None:
    for event in events:
        if isinstance(event, e.RoundRevealed):
            idx = event.card_index
            assert before.rounds[idx].status is RoundStatus.OPEN  # revealed once, when it closes
            assert after.rounds[idx].status is RoundStatus.REVEALED
            assert event.result == after.rounds[idx].result
            assert event.result.n >= _floor(after, idx)  # rule 1
        elif event.audience is not Audience.SERVER:
            assert isinstance(event, CONTENT_FREE), event
            assert SECRET not in repr(event), event
            fields = {field.name for field in dataclasses.fields(event)}
            assert not fields & {"value", "answers", "result"}, event
        if isinstance(event, e.AnswerCountChanged):
            assert event.total == len(after.seats)
            assert 0 <= event.answered <= event.total
    changed_mind = (
        isinstance(action, a.Submit)
        and before.current_round is not None
        and action.seat_id in before.current_round.answers
    )
    if changed_mind:
        assert [event for event in events if event.audience is Audience.TABLE] == []


def _check_state(state: TableState, revealed: dict[int, Result]) -> None:
    for idx, round_ in state.rounds.items():
        if round_.status is not RoundStatus.OPEN:
            assert round_.answers == {}  # rule 4: the seat link is gone
        else:
            assert set(round_.answers) <= set(state.seats)
        if round_.result is not None:
            assert round_.status is RoundStatus.REVEALED
            assert round_.result.n >= _floor(state, idx)  # rule 1
        elif round_.status is RoundStatus.REVEALED:
            raise AssertionError("revealed without a result")
    for idx, frozen in revealed.items():  # rule 3
        now = state.rounds[idx].result
        if state.status is TableStatus.ENDED and not state.keep_open_text:
            assert now == dataclasses.replace(frozen, texts=())  # rule 5: open text let go
        else:
            assert now == frozen
    if state.seats:
        assert state.host_id in state.seats


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    players=st.sampled_from([0, 2, 3, 4, 5, 6, 6, 6]),
    started=st.sampled_from([True, True, True, False]),
    seed=st.integers(0, 2**16),
    k_text=st.sampled_from([3, 4]),
)
def test_random_play_keeps_the_anonymity_rules(data, players, started, seed, k_text):
    state = table(players, CARDS, Settings(k=3, k_text=k_text), started=started and players > 0)
    rng = random.Random(seed)
    revealed: dict[int, Result] = {}
    for step in range(data.draw(st.integers(10, 60), label="steps")):
        action = _resolve(data.draw(ACTIONS), state)
        before = copy.deepcopy(state)
        try:
            outcome = apply(state, action, NOW + step, rng)
        except ActionRefused:
            assert state == before  # a refusal changes nothing
            continue
        assert state == before  # the input is never changed, even when accepted
        _check_events(before, action, outcome.state, outcome.events)
        state = outcome.state
        for idx, round_ in state.rounds.items():
            if round_.result is not None and idx not in revealed:
                revealed[idx] = round_.result
        _check_state(state, revealed)
