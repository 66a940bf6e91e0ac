"""What clients may see of a table's state (PRODUCT.md rules 1-3 are enforced here and in the engine)."""

from __future__ import annotations

import time

from ..engine import RoundStatus, TableState, TableStatus
from ..engine import events as ev

_PRIORITY = ("table_ended", "round_revealed", "round_closed_too_few", "round_opened", "card_shown")


def reason(events: list[ev.Event]) -> str:
    """The one word that says why a snapshot was sent: the most telling event wins."""
    names = [event.name for event in events]
    for name in _PRIORITY:
        if name in names:
            return name
    return names[-1] if names else "state"


def snapshot(state: TableState, why: str = "state") -> dict[str, object]:
    """The public state of a table; contains no answer content while a round is open."""
    current = state.current_round
    round_view: dict[str, object] | None = None
    if current is not None:
        round_view = {
            "card_index": current.card_index,
            "status": current.status.value,
            "answered": len(current.answers) if current.status is RoundStatus.OPEN else None,
            "total": len(state.seats),
            "result": current.result.to_dict()
            if current.status is RoundStatus.REVEALED and current.result
            else None,
        }
    results = None
    if state.status is TableStatus.ENDED:
        results = {
            str(index): round_.result.to_dict()
            for index, round_ in sorted(state.rounds.items())
            if round_.status is RoundStatus.REVEALED and round_.result
        }
    return {
        "reason": why,
        "status": state.status.value,
        "locked": state.locked,
        "paused": state.paused,
        "discussion_only": state.discussion_only,
        "k": state.settings.k,
        "k_text": state.settings.k_text,
        "card_index": state.card_index,
        "card_count": len(state.cards),
        "timer_ends_at": state.timer_ends_at,
        "server_time": time.time(),
        "seats": [
            {"id": seat.id, "nickname": seat.nickname, "is_host": seat.is_host}
            for seat in state.seats.values()
        ],
        "round": round_view,
        "rounds": {str(index): round_.status.value for index, round_ in sorted(state.rounds.items())},
        "actions": [
            {"id": a.id, "card_index": a.card_index, "who": a.who, "what": a.what, "due": a.due}
            for a in state.actions
        ],
        "results": results,
        "keep_open_text": state.keep_open_text,
        "steered": state.settings.steered,
        "hold_at": state.hold_at,
    }


def my_answer(state: TableState, seat_id: str) -> object:
    """A seat's own answer to the open round: sent to that seat only."""
    current = state.current_round
    if current is None or current.status is not RoundStatus.OPEN:
        return None
    return current.answers.get(seat_id)
