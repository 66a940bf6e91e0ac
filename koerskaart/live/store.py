"""Reading a table's engine state from its rows, and writing back what changed."""

from __future__ import annotations

from datetime import UTC, datetime

from ..engine import Result, Round, RoundStatus, Seat, Settings, TableState, TableStatus, TeamAction
from ..engine import events as ev
from ..extensions import db
from ..models import Answer, PendingAnswer, RoundRow, Table, TeamActionRow
from ..models import Seat as SeatRow
from . import decks


def load_state(table: Table) -> TableState:
    """The engine's view of ``table``; pending answers only for its open round."""
    state = TableState(
        cards=decks.rules(table.deck_slug),
        settings=Settings(k=table.k, k_text=table.k_text, capacity=table.capacity),
        status=TableStatus(table.status),
        locked=table.locked,
        paused=table.paused,
        card_index=table.card_index,
        timer_ends_at=table.timer_ends_at,
        keep_open_text=table.keep_open_text,
    )
    seat_ids = {}
    for seat in table.seats:
        seat_ids[seat.id] = seat.public_id
        state.seats[seat.public_id] = Seat(seat.public_id, seat.nickname, seat.is_host, seat.role)
    for row in table.rounds:
        round_ = Round(
            card_index=row.card_index,
            status=RoundStatus(row.status),
            result=Result.from_dict(row.result) if row.result else None,
        )
        if round_.status is RoundStatus.OPEN:
            round_.answers = {seat_ids[p.seat_id]: p.value for p in row.pending}
        state.rounds[row.card_index] = round_
    state.actions = [TeamAction(a.public_id, a.card_index, a.who, a.what, a.due) for a in table.actions]
    return state


def save_state(
    table: Table,
    old: TableState,
    new: TableState,
    events: tuple[ev.Event, ...],
    new_tokens: dict[str, str] | None = None,
) -> None:
    """Write the difference between ``old`` and ``new`` to the session (the caller commits)."""
    table.status = new.status.value
    table.locked = new.locked
    table.paused = new.paused
    table.card_index = new.card_index
    table.timer_ends_at = new.timer_ends_at
    table.keep_open_text = new.keep_open_text
    if new.status is TableStatus.ENDED and old.status is not TableStatus.ENDED:
        table.ended_at = datetime.now(UTC)
        table.join_code = None  # an ended table cannot be joined, and its code may be reused

    seat_rows = _save_seats(table, new, new_tokens or {})
    round_rows = _save_rounds(table, old, new, seat_rows)
    _save_actions(table, new)
    db.session.flush()
    for event in events:
        if isinstance(event, ev.AnswersSealed):
            row = round_rows[event.card_index]
            db.session.add_all(Answer(round_id=row.id, value=value) for value in event.answers)
            row.groups = event.groups
        elif isinstance(event, ev.TableEnded) and not event.keep_open_text:
            _purge_open_text(new, round_rows)


def _save_seats(table: Table, new: TableState, tokens: dict[str, str]) -> dict[str, SeatRow]:
    rows = {row.public_id: row for row in table.seats}
    for public_id, gone in list(rows.items()):
        if public_id not in new.seats:
            table.seats.remove(gone)  # delete-orphan; its pending answers cascade with it
            del rows[public_id]
    position = max((row.position for row in table.seats), default=0)
    for seat in new.seats.values():
        found = rows.get(seat.id)
        if found is None:
            position += 1
            found = SeatRow(public_id=seat.id, token_hash=tokens[seat.id], position=position)
            table.seats.append(found)
            rows[seat.id] = found
        found.nickname = seat.nickname
        found.is_host = seat.is_host
        found.role = seat.role
    if any(row.id is None for row in rows.values()):
        db.session.flush()
    return rows


def _save_rounds(
    table: Table, old: TableState, new: TableState, seats: dict[str, SeatRow]
) -> dict[int, RoundRow]:
    rows = {row.card_index: row for row in table.rounds}
    for index, round_ in new.rounds.items():
        row = rows.get(index)
        if row is None:
            row = RoundRow(card_index=index, card_id=new.cards[index].id, status=round_.status.value)
            table.rounds.append(row)
            rows[index] = row
        row.status = round_.status.value
        result = round_.result.to_dict() if round_.result else None
        if row.result != result:
            row.result = result
        before = old.rounds[index].answers if index in old.rounds else {}
        if before != round_.answers:
            pending = {p.seat_id: p for p in row.pending}
            keep = {seats[seat_id].id for seat_id in round_.answers if seat_id in seats}
            for seat_pk, item in pending.items():
                if seat_pk not in keep:
                    row.pending.remove(item)
            for seat_id, value in round_.answers.items():
                seat_pk = seats[seat_id].id
                if seat_pk in pending:
                    pending[seat_pk].value = value
                else:
                    row.pending.append(PendingAnswer(seat_id=seat_pk, value=value))
    return rows


def _save_actions(table: Table, new: TableState) -> None:
    wanted = {action.id: action for action in new.actions}
    for row in list(table.actions):
        if row.public_id not in wanted:
            table.actions.remove(row)
    have = {row.public_id for row in table.actions}
    position = max((row.position for row in table.actions), default=0)
    for action in new.actions:
        if action.id not in have:
            position += 1
            table.actions.append(
                TeamActionRow(
                    public_id=action.id,
                    card_index=action.card_index,
                    who=action.who,
                    what=action.what,
                    due=action.due,
                    position=position,
                )
            )


def _purge_open_text(state: TableState, rows: dict[int, RoundRow]) -> None:
    open_rounds = [
        rows[index].id
        for index, round_ in state.rounds.items()
        if state.cards[index].kind.value == "open" and index in rows
    ]
    if open_rounds:
        db.session.query(Answer).filter(Answer.round_id.in_(open_rounds)).delete(synchronize_session=False)
