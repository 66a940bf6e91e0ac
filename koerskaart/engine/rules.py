"""The rules of a table: ``apply(state, action, clock)`` returns the new state and its events.

Pure: no I/O, the clock and the randomness come in as arguments, and the input
state is never changed (a refused action leaves nothing half-done).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import singledispatch

from . import actions as a
from . import events as e
from .cards import Answer, CardKind, CardRule, clean_text, validate_answer
from .errors import ActionRefused, Code
from .results import PERSPECTIVES, Result, compute_result, releasable_groups
from .state import Round, RoundStatus, Seat, TableState, TableStatus, TeamAction

NICKNAME_LENGTH = 30
ACTION_WHO_LENGTH = 60
ACTION_WHAT_LENGTH = 280
ACTION_DUE_LENGTH = 40
MAX_ACTIONS = 50
TIMER_RANGE = (10, 3600)


@dataclass
class Context:
    """What the engine needs from outside: the time now and a source of randomness."""

    now: float
    rng: random.Random
    events: list[e.Event] = field(default_factory=list)

    def emit(self, event: e.Event) -> None:
        self.events.append(event)


@dataclass(frozen=True)
class Outcome:
    state: TableState
    events: tuple[e.Event, ...]


def apply(state: TableState, action: a.Action, now: float, rng: random.Random) -> Outcome:
    """Apply ``action`` to a copy of ``state``; raises ActionRefused and changes nothing if not allowed."""
    new = state.copy()
    ctx = Context(now=now, rng=rng)
    _handle(action, new, ctx)
    return Outcome(new, tuple(ctx.events))


# -- guards ------------------------------------------------------------------------------


def _seat(state: TableState, seat_id: str) -> Seat:
    seat = state.seats.get(seat_id)
    if seat is None:
        raise ActionRefused(Code.NOT_SEATED)
    return seat


def _host(state: TableState, seat_id: str) -> None:
    if not _seat(state, seat_id).is_host:
        raise ActionRefused(Code.NOT_HOST)


def _pacer(state: TableState, seat_id: str) -> None:
    """The host paces a table, unless a conference facilitator does (synchronised pacing)."""
    _host(state, seat_id)
    if state.settings.steered:
        raise ActionRefused(Code.STEERED)


def _may_reach(state: TableState, index: int) -> None:
    if state.hold_at is not None and index > state.hold_at:
        raise ActionRefused(Code.HELD)


def _playing(state: TableState, *, allow_paused: bool = False) -> None:
    if state.status is not TableStatus.PLAYING:
        raise ActionRefused(Code.WRONG_STATE)
    if state.paused and not allow_paused:
        raise ActionRefused(Code.PAUSED)


def _open_round(state: TableState) -> Round:
    current = state.current_round
    if current is None or current.status is not RoundStatus.OPEN:
        raise ActionRefused(Code.ROUND_CLOSED)
    return current


# -- round mechanics ---------------------------------------------------------------------


def _count(state: TableState, ctx: Context, current: Round) -> None:
    ctx.emit(e.AnswerCountChanged(current.card_index, len(current.answers), len(state.seats)))


def _close(state: TableState, ctx: Context, current: Round) -> None:
    """Reveal if enough answered, else close with nothing shown; the seat link is gone either way."""
    card = state.cards[current.card_index]
    answers = list(current.answers.values())
    threshold = state.threshold(card)
    groups = releasable_groups(
        card,
        [(state.seats[s].perspective if s in state.seats else None, v) for s, v in current.answers.items()],
        threshold,
        state.settings.k,
    )
    declared = _declared(state, card, current, ctx)
    current.answers = {}
    if len(answers) >= threshold:
        ctx.rng.shuffle(answers)
        current.result = compute_result(card, answers, state.settings.k, ctx.rng)
        current.status = RoundStatus.REVEALED
        ctx.emit(e.AnswersSealed(current.card_index, tuple(answers), groups, declared))
        ctx.emit(e.RoundRevealed(current.card_index, current.result))
    else:
        current.status = RoundStatus.TOO_FEW
        ctx.emit(e.RoundClosedTooFew(current.card_index))


def _declared(
    state: TableState, card: CardRule, current: Round, ctx: Context
) -> dict[str, tuple[Answer, ...]] | None:
    """Each declared perspective's answers, shuffled, for a cross-table tally (countable cards)."""
    if card.kind not in (CardKind.STATEMENT, CardKind.FREQUENCY, CardKind.CHOICE):
        return None
    out: dict[str, tuple[Answer, ...]] = {}
    for group in PERSPECTIVES:
        values = [
            v for s, v in current.answers.items() if s in state.seats and state.seats[s].perspective == group
        ]
        ctx.rng.shuffle(values)
        out[group] = tuple(values)
    return out


def _settle(state: TableState, ctx: Context) -> None:
    """A facilitator moves every table on: an open round is revealed or closed, never left open."""
    current = state.current_round
    if current is None or current.status is not RoundStatus.OPEN:
        return
    if not state.cards[current.card_index].answerable:
        current.status = RoundStatus.DISCUSSED
    elif current.answers:
        _close(state, ctx, current)
    else:
        current.status = RoundStatus.SKIPPED
        ctx.emit(e.RoundSkipped(current.card_index))


def _close_if_complete(state: TableState, ctx: Context) -> None:
    current = state.current_round
    if (
        state.status is TableStatus.PLAYING
        and not state.paused  # a paused table reveals nothing; resuming completes the round
        and current is not None
        and current.status is RoundStatus.OPEN
        and current.answers
        and len(current.answers) >= len(state.seats)
    ):
        _close(state, ctx, current)


def _leave_current(state: TableState, ctx: Context, *, drop_answers: bool) -> None:
    """Make the current card's round non-open before the table moves elsewhere."""
    current = state.current_round
    if current is None or current.status is not RoundStatus.OPEN:
        return
    card = state.cards[current.card_index]
    if not card.answerable:
        current.status = RoundStatus.DISCUSSED
        return
    if current.answers and not drop_answers:
        # Answers given must be revealed (close) or deliberately dropped (skip), never left behind.
        raise ActionRefused(Code.WRONG_STATE, "close or skip the open round first")
    current.answers = {}
    current.status = RoundStatus.SKIPPED
    ctx.emit(e.RoundSkipped(current.card_index))


def _enter(state: TableState, ctx: Context, index: int) -> None:
    state.card_index = index
    state.timer_ends_at = None
    existing = state.rounds.get(index)
    if existing is None or existing.status is RoundStatus.SKIPPED:
        state.rounds[index] = Round(card_index=index)
        ctx.emit(e.RoundOpened(index))
        if state.cards[index].answerable:
            _count(state, ctx, state.rounds[index])
    else:
        ctx.emit(e.CardShown(index))


def _begin(state: TableState, ctx: Context, index: int) -> None:
    """Lobby -> playing, at card ``index`` (the host starts at the first; a facilitator anywhere)."""
    state.status = TableStatus.PLAYING
    ctx.emit(e.GameStarted())
    _enter(state, ctx, index)


def _remove_seat(state: TableState, ctx: Context, seat_id: str) -> None:
    seat = state.seats.pop(seat_id)
    ctx.emit(e.SeatLeft(seat_id))
    if seat.is_host and state.seats:
        next(iter(state.seats.values())).is_host = True  # the longest-seated player takes over
    current = state.current_round
    if state.status is TableStatus.PLAYING and current is not None and current.status is RoundStatus.OPEN:
        current.answers.pop(seat_id, None)
        if state.cards[current.card_index].answerable:
            _count(state, ctx, current)
        _close_if_complete(state, ctx)


# -- handlers, one per action ------------------------------------------------------------


@singledispatch
def _handle(action: object, state: TableState, ctx: Context) -> None:
    raise ActionRefused(Code.INVALID_INPUT, f"unknown action {type(action).__name__}")


@_handle.register
def _join(action: a.Join, state: TableState, ctx: Context) -> None:
    if action.seat_id in state.seats:
        return  # a retried join is the same join
    if state.status is TableStatus.ENDED or state.locked or len(state.seats) >= state.settings.capacity:
        raise ActionRefused(Code.TABLE_UNAVAILABLE)
    nickname = clean_text(action.nickname or "", NICKNAME_LENGTH) or None
    perspective = action.perspective if action.perspective in PERSPECTIVES else None
    state.seats[action.seat_id] = Seat(
        action.seat_id, nickname, is_host=action.as_host or not state.seats, perspective=perspective
    )
    ctx.emit(e.SeatJoined(action.seat_id))
    current = state.answering_round
    if current is not None:
        _count(state, ctx, current)


@_handle.register
def _leave(action: a.Leave, state: TableState, ctx: Context) -> None:
    _seat(state, action.seat_id)
    _remove_seat(state, ctx, action.seat_id)


@_handle.register
def _remove(action: a.Remove, state: TableState, ctx: Context) -> None:
    _host(state, action.by)
    if action.seat_id == action.by or action.seat_id not in state.seats:
        raise ActionRefused(Code.UNKNOWN_SEAT)
    ctx.emit(e.SeatRemoved(action.seat_id))
    _remove_seat(state, ctx, action.seat_id)


@_handle.register
def _lock(action: a.Lock, state: TableState, ctx: Context) -> None:
    _pacer(state, action.by)
    if state.status is TableStatus.ENDED:
        raise ActionRefused(Code.WRONG_STATE)
    if state.locked != action.locked:
        state.locked = action.locked
        ctx.emit(e.TableLocked(action.locked))


@_handle.register
def _start(action: a.Start, state: TableState, ctx: Context) -> None:
    _pacer(state, action.by)
    if state.status is not TableStatus.LOBBY:
        raise ActionRefused(Code.WRONG_STATE)
    _begin(state, ctx, 0)


@_handle.register
def _submit(action: a.Submit, state: TableState, ctx: Context) -> None:
    _seat(state, action.seat_id)
    _playing(state)
    if action.card_index != state.card_index:
        raise ActionRefused(Code.NOT_CURRENT_CARD)
    current = _open_round(state)
    value = validate_answer(state.current_card, action.value)
    changed = action.seat_id in current.answers
    current.answers[action.seat_id] = value
    ctx.emit(e.AnswerRecorded(action.seat_id, action.card_index, changed))
    if not changed:  # a changed mind is nobody else's business: no table event
        _count(state, ctx, current)
    _close_if_complete(state, ctx)


@_handle.register
def _close_round(action: a.CloseRound, state: TableState, ctx: Context) -> None:
    _pacer(state, action.by)
    _playing(state)
    current = _open_round(state)
    if not state.current_card.answerable:
        raise ActionRefused(Code.NOT_ANSWERABLE)
    if len(current.answers) < state.threshold(state.current_card):
        raise ActionRefused(Code.TOO_FEW_ANSWERS)
    _close(state, ctx, current)


@_handle.register
def _skip(action: a.Skip, state: TableState, ctx: Context) -> None:
    _pacer(state, action.by)
    _playing(state)
    if state.card_index + 1 < len(state.cards):
        _may_reach(state, state.card_index + 1)
    _leave_current(state, ctx, drop_answers=True)
    if state.card_index + 1 < len(state.cards):
        _enter(state, ctx, state.card_index + 1)


@_handle.register
def _next(action: a.Next, state: TableState, ctx: Context) -> None:
    _pacer(state, action.by)
    _playing(state)
    if state.card_index + 1 >= len(state.cards):
        raise ActionRefused(Code.INVALID_CARD, "this is the last card: end the table")
    _may_reach(state, state.card_index + 1)
    _leave_current(state, ctx, drop_answers=False)
    _enter(state, ctx, state.card_index + 1)


@_handle.register
def _go_to(action: a.GoTo, state: TableState, ctx: Context) -> None:
    _pacer(state, action.by)
    _playing(state)
    visited = max(state.rounds, default=0)
    index = action.card_index
    if isinstance(index, bool) or not 0 <= index <= visited or index == state.card_index:
        raise ActionRefused(Code.INVALID_CARD)
    _may_reach(state, index)
    _leave_current(state, ctx, drop_answers=False)
    _enter(state, ctx, action.card_index)


@_handle.register
def _pause(action: a.Pause, state: TableState, ctx: Context) -> None:
    _pacer(state, action.by)
    _playing(state, allow_paused=True)
    if state.paused != action.paused:
        state.paused = action.paused
        ctx.emit(e.PauseChanged(action.paused))
        _close_if_complete(state, ctx)


@_handle.register
def _set_timer(action: a.SetTimer, state: TableState, ctx: Context) -> None:
    _pacer(state, action.by)
    _playing(state)
    if action.seconds is None:
        state.timer_ends_at = None
    elif TIMER_RANGE[0] <= action.seconds <= TIMER_RANGE[1]:
        state.timer_ends_at = ctx.now + action.seconds
    else:
        raise ActionRefused(Code.INVALID_INPUT, "timer out of range")
    ctx.emit(e.TimerSet(state.timer_ends_at))


@_handle.register
def _add_action(action: a.AddAction, state: TableState, ctx: Context) -> None:
    _seat(state, action.seat_id)
    _playing(state)
    if state.current_card.kind is not CardKind.ACTION:
        raise ActionRefused(Code.WRONG_STATE, "actions are agreed on action cards")
    what = clean_text(action.what, ACTION_WHAT_LENGTH)
    if not what or len(state.actions) >= MAX_ACTIONS:
        raise ActionRefused(Code.INVALID_INPUT)
    team_action = TeamAction(
        id=f"{ctx.rng.getrandbits(64):016x}",
        card_index=state.card_index,
        who=clean_text(action.who, ACTION_WHO_LENGTH),
        what=what,
        due=clean_text(action.due, ACTION_DUE_LENGTH),
    )
    state.actions.append(team_action)
    ctx.emit(e.ActionAdded(team_action))


@_handle.register
def _remove_action(action: a.RemoveAction, state: TableState, ctx: Context) -> None:
    _host(state, action.by)
    if state.status is TableStatus.ENDED:
        raise ActionRefused(Code.WRONG_STATE)
    before = len(state.actions)
    state.actions = [item for item in state.actions if item.id != action.action_id]
    if len(state.actions) == before:
        raise ActionRefused(Code.UNKNOWN_ACTION)
    ctx.emit(e.ActionRemoved(action.action_id))


@_handle.register
def _end(action: a.End, state: TableState, ctx: Context) -> None:
    _pacer(state, action.by)
    _finish(state, ctx, action.keep_open_text)


@_handle.register
def _expire(action: a.Expire, state: TableState, ctx: Context) -> None:
    _finish(state, ctx, keep_open_text=False)


# -- a conference facilitator's actions: no seat, and no refusal for a table that cannot
# follow (the service applies them to every table of an event at once).


@_handle.register
def _show(action: a.Show, state: TableState, ctx: Context) -> None:
    index = action.card_index
    if isinstance(index, bool) or not 0 <= index < len(state.cards):
        raise ActionRefused(Code.INVALID_CARD)
    if state.status is TableStatus.ENDED:
        return
    if state.status is TableStatus.LOBBY:
        _begin(state, ctx, index)
        return
    if index == state.card_index:
        return
    _settle(state, ctx)
    _enter(state, ctx, index)


@_handle.register
def _close_all(action: a.CloseAll, state: TableState, ctx: Context) -> None:
    current = state.answering_round
    if current is not None:
        _close(state, ctx, current)


@_handle.register
def _pause_all(action: a.PauseAll, state: TableState, ctx: Context) -> None:
    if state.status is TableStatus.PLAYING and state.paused != action.paused:
        state.paused = action.paused
        ctx.emit(e.PauseChanged(action.paused))
        _close_if_complete(state, ctx)


@_handle.register
def _hold(action: a.Hold, state: TableState, ctx: Context) -> None:
    index = action.card_index
    if index is not None and (isinstance(index, bool) or not 0 <= index < len(state.cards)):
        raise ActionRefused(Code.INVALID_CARD)
    if state.hold_at != index:
        state.hold_at = index
        ctx.emit(e.HoldChanged(index))


@_handle.register
def _conclude(action: a.Conclude, state: TableState, ctx: Context) -> None:
    if state.status is not TableStatus.ENDED:
        _finish(state, ctx, action.keep_open_text)


def _finish(state: TableState, ctx: Context, keep_open_text: bool) -> None:
    if state.status is TableStatus.ENDED:
        raise ActionRefused(Code.WRONG_STATE)
    if state.status is TableStatus.PLAYING:
        _leave_current(state, ctx, drop_answers=True)
    state.status = TableStatus.ENDED
    state.paused = False
    state.timer_ends_at = None
    state.keep_open_text = keep_open_text
    for seat in state.seats.values():
        seat.nickname = None  # nicknames belong to the lobby, not to the record
        seat.perspective = None  # only needed at each reveal
    if not keep_open_text:
        # Open text is ephemeral unless the table keeps it (PRODUCT.md rule 5): keep only the count.
        for round_ in state.rounds.values():
            if round_.result is not None and round_.result.texts:
                round_.result = Result(n=round_.result.n)
    ctx.emit(e.TableEnded(keep_open_text))


__all__ = ["Context", "Outcome", "apply"]
