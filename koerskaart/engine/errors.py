"""Refusals with stable codes: clients switch on the code, never on the text."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    TABLE_UNAVAILABLE = "table_unavailable"  # unknown, locked, full or ended: one answer for all
    NOT_HOST = "not_host"
    NOT_SEATED = "not_seated"
    WRONG_STATE = "wrong_state"  # out of turn: the action does not fit the table's state
    NOT_CURRENT_CARD = "not_current_card"
    ROUND_CLOSED = "round_closed"
    INVALID_ANSWER = "invalid_answer"
    NOT_ANSWERABLE = "not_answerable"
    TOO_FEW_ANSWERS = "too_few_answers"
    PAUSED = "paused"
    UNKNOWN_SEAT = "unknown_seat"
    UNKNOWN_ACTION = "unknown_action"
    INVALID_CARD = "invalid_card"
    INVALID_INPUT = "invalid_input"
    STEERED = "steered"  # a conference facilitator paces this table, not its host
    HELD = "held"  # the table waits at a harvest card until the facilitator releases it


class ActionRefused(Exception):
    """The engine refused an action; the state is unchanged."""

    def __init__(self, code: Code, detail: str = "") -> None:
        super().__init__(code.value if not detail else f"{code.value}: {detail}")
        self.code = code
        self.detail = detail
