"""Card feedback: a player's verdict on a card, kept for the deck's authors without the player.

The verdict row (``CardFeedback``) has no seat, no table and no time; the seat only
remembers *that* it gave feedback on a card index (``Seat.feedback_cards``), so each
seat has one verdict per card. Both are written in one transaction.
"""

from __future__ import annotations

from sqlalchemy import select

from ..engine import ActionRefused, Code, RoundStatus, TableStatus
from ..engine.cards import clean_text
from ..extensions import db
from ..models import CardFeedback, RoundRow, Seat, Table
from .service import serialised

VERDICTS = ("unclear", "strong", "not_relevant")
COMMENT_MAX = 280


def may_give(table_status: str, round_status: str) -> bool:
    """During play a revealed card; after the end any card the table reached."""
    if table_status == TableStatus.ENDED.value:
        return True
    return round_status == RoundStatus.REVEALED.value


def record(table_public_id: str, seat_id: str, card_index: int, verdict: str, comment: str | None) -> int:
    """Store one verdict on a card; returns the card index. Raises ActionRefused, nothing stored."""
    if verdict not in VERDICTS:
        raise ActionRefused(Code.INVALID_INPUT)
    with serialised(table_public_id):  # a seat's two quick taps cannot both pass the check
        try:
            db.session.rollback()  # read what other processes committed
            seat = db.session.scalars(
                select(Seat)
                .join(Table)
                .where(Seat.public_id == seat_id, Table.public_id == table_public_id)
                .with_for_update(of=Seat)
            ).first()
            if seat is None:
                raise ActionRefused(Code.NOT_SEATED)
            table = seat.table
            round_row = db.session.scalars(
                select(RoundRow).where(RoundRow.table_id == table.id, RoundRow.card_index == card_index)
            ).first()
            if round_row is None:  # a card the table never reached (or no such card)
                raise ActionRefused(Code.INVALID_CARD)
            done = list(seat.feedback_cards or [])
            if card_index in done or not may_give(table.status, round_row.status):
                raise ActionRefused(Code.WRONG_STATE)
            text = clean_text(comment, COMMENT_MAX) if comment else ""
            db.session.add(
                CardFeedback(
                    deck_slug=table.deck_slug,
                    deck_version=table.deck_version,
                    card_id=round_row.card_id,  # the stored id: stable even if the deck moved on
                    organisation_id=table.organisation_id,
                    verdict=verdict,
                    comment=text or None,
                    playtest=table.deck_text is not None,
                )
            )
            seat.feedback_cards = [*done, card_index]  # a new list: JSON columns track assignment only
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
    return card_index
