"""Helpers for the engine tests (no fixtures): a deck factory, seated tables and ``play``."""

from __future__ import annotations

import copy
import random

import pytest

from koerskaart.engine import ActionRefused, CardKind, CardRule, Code, Outcome, Settings, TableState, apply
from koerskaart.engine import actions as a
from koerskaart.engine.events import Audience, Event

NOW = 1_000.0
HOST = "p0"

STATEMENT = CardRule(CardKind.STATEMENT)
FREQUENCY = CardRule(CardKind.FREQUENCY)
CHOICE = CardRule(CardKind.CHOICE, options=3)
OPEN = CardRule(CardKind.OPEN, max_length=20)
ACTION = CardRule(CardKind.ACTION)
SENSITIVE = CardRule(CardKind.STATEMENT, sensitive=True)


def deck(*cards: CardRule) -> tuple[CardRule, ...]:
    """A deck; by default statement, choice, open, action, frequency."""
    return cards or (STATEMENT, CHOICE, OPEN, ACTION, FREQUENCY)


def seat_ids(n: int) -> list[str]:
    return [f"p{i}" for i in range(n)]


def play(state: TableState, *actions: a.Action, now: float = NOW, seed: int = 0) -> Outcome:
    """Apply ``actions`` in turn; the final state and every event, in order."""
    rng = random.Random(seed)
    events: list[Event] = []
    for action in actions:
        outcome = apply(state, action, now, rng)
        state = outcome.state
        events.extend(outcome.events)
    return Outcome(state, tuple(events))


def table(
    players: int = 0,
    cards: tuple[CardRule, ...] | None = None,
    settings: Settings | None = None,
    *,
    started: bool = False,
) -> TableState:
    """A table with ``players`` seats (``p0`` hosts), in the lobby or ``started`` on card 0."""
    state = TableState(cards=cards or deck(), settings=settings or Settings())
    joins = [a.Join(seat, f"nick {seat}") for seat in seat_ids(players)]
    return play(state, *joins, *([a.Start(HOST)] if started else [])).state


def answer_all(state: TableState, *values: object, seed: int = 0) -> Outcome:
    """Seats p0, p1, ... answer the current card with ``values``."""
    submits = (a.Submit(f"p{i}", state.card_index, v) for i, v in enumerate(values))
    return play(state, *submits, seed=seed)


def refused(state: TableState, action: a.Action) -> Code:
    """Assert ``action`` is refused and leaves ``state`` untouched; return the code."""
    before = copy.deepcopy(state)
    with pytest.raises(ActionRefused) as info:
        apply(state, action, NOW, random.Random(0))
    assert state == before
    return info.value.code


def of_type(events: tuple[Event, ...], kind: type[Event]) -> list[Event]:
    return [event for event in events if isinstance(event, kind)]


def table_events(events: tuple[Event, ...]) -> list[Event]:
    return [event for event in events if event.audience is Audience.TABLE]
