"""A conference through its services: a facilitator, an event, and participants seated by code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from koerskaart.conference import services
from koerskaart.engine import actions as act
from koerskaart.live import service
from koerskaart.models import Conference, Pacing, Seat, Table
from tests.helpers.users import make_user

TEST_DECK_SLUG = "proefdeck"


@dataclass
class Participant:
    table: str  # public id of the table they sit at
    seat: str  # their seat's public id
    token: str


def make_event(
    tables: int = 3,
    pacing: Pacing = Pacing.SYNCHRONISED,
    target: int = 6,
    email: str = "fac@example.org",
) -> Conference:
    owner = make_user(email)
    names = [f"Tafel {i + 1}" for i in range(tables)]
    conference, _key = services.create(
        owner, "Leiderschapsdag", date(2026, 12, 1), TEST_DECK_SLUG, target, pacing, names
    )
    return conference


def join(conference: Conference, nickname: str | None = None, perspective: str | None = None) -> Participant:
    seated = services.join(conference, nickname, perspective)
    found = service.seat_by_token(conference.id, seated.token)
    assert found is not None
    table, seat = found
    return Participant(table.public_id, seat.public_id, seated.token)


def where(conference: Conference, participant: Participant) -> Participant:
    """Where a participant sits now (after a move the seat id changes; the token stays)."""
    found = service.seat_by_token(conference.id, participant.token)
    assert found is not None
    return Participant(found[0].public_id, found[1].public_id, participant.token)


def answer(participant: Participant, card_index: int, value: object) -> None:
    service.perform(participant.table, act.Submit(participant.seat, card_index, value))


def tables_of(conference: Conference) -> list[Table]:
    from sqlalchemy import select

    from koerskaart.extensions import db

    return list(
        db.session.scalars(select(Table).where(Table.conference_id == conference.id).order_by(Table.id))
    )


def seats_at(table: Table) -> list[Seat]:
    from sqlalchemy import select

    from koerskaart.extensions import db

    return list(db.session.scalars(select(Seat).where(Seat.table_id == table.id)))
