"""Generated uptake histories: tables of an organisation's units end, facts are written and released.

Each table is a real ``tables`` row ended through ``live.usage.record_table`` with an engine
state built here, so the release rule under test is the one the table service runs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import strategies as st
from sqlalchemy import delete, update

from koerskaart.engine import (
    CardKind,
    CardRule,
    Round,
    RoundStatus,
    Seat,
    TableState,
    TableStatus,
    TeamAction,
)
from koerskaart.extensions import db
from koerskaart.live import usage
from koerskaart.models import EventFact, Organisation, OrgUnit, Table, UsageCard, UsageFact
from koerskaart.security import token_hash

CARDS = (
    CardRule(CardKind.STATEMENT, id="s1"),
    CardRule(CardKind.CHOICE, options=3, id="c1"),
    CardRule(CardKind.OPEN, id="o1"),
    CardRule(CardKind.STATEMENT, id="s2"),
    CardRule(CardKind.ACTION, id="a1"),
)
DECKS = ("proefdeck", "tweede")
UNIT_NAMES = ("Directie", "Afdeling", "Team Zuid")  # Afdeling sits under Directie
FIRST_DAY = date(2026, 1, 5)


@dataclass(frozen=True)
class Ended:
    unit: int | None  # index into UNIT_NAMES
    deck: int
    players: int
    played: int  # cards revealed, from the first
    actions: int
    route: str | None
    days_later: int  # after the previous table


ended = st.builds(
    Ended,
    unit=st.one_of(st.none(), st.integers(0, len(UNIT_NAMES) - 1)),
    deck=st.integers(0, len(DECKS) - 1),
    players=st.integers(3, 10),
    played=st.integers(1, len(CARDS)),
    actions=st.integers(0, 3),
    route=st.sampled_from((None, "kort")),
    days_later=st.integers(0, 20),
)


class Clock:
    """The day ``usage`` releases on (``usage.today``), moved on by the history."""

    def __init__(self) -> None:
        self.day = FIRST_DAY

    def today(self) -> date:
        return self.day


def organisation(name: str = "Gemeente Oost") -> tuple[int, list[OrgUnit]]:
    org = Organisation(name=name)
    db.session.add(org)
    db.session.flush()
    units: list[OrgUnit] = []
    for index, unit_name in enumerate(UNIT_NAMES):
        unit = OrgUnit(
            public_id=secrets.token_urlsafe(8),
            organisation_id=org.id,
            parent_id=units[0].id if index == 1 else None,
            name=unit_name,
        )
        db.session.add(unit)
        db.session.flush()
        units.append(unit)
    db.session.commit()
    return org.id, units


def end_table(organisation_id: int, units: list[OrgUnit], spec: Ended) -> None:
    """One table of the organisation plays ``spec`` and ends; its fact is written as the service would."""
    table = Table(
        public_id=secrets.token_urlsafe(12),
        screen_key_hash=token_hash(secrets.token_urlsafe(8)),
        deck_slug=DECKS[spec.deck],
        deck_version=1,
        route=spec.route,
        status=TableStatus.ENDED.value,
        k=3,
        k_text=4,
        capacity=12,
        organisation_id=organisation_id,
        unit_id=units[spec.unit].id if spec.unit is not None else None,
    )
    db.session.add(table)
    db.session.flush()
    state = TableState(
        cards=CARDS,
        status=TableStatus.ENDED,
        card_index=spec.played - 1,
        seats={f"s{n}": Seat(f"s{n}", nickname=f"Speler {n}") for n in range(spec.players)},
        rounds={
            i: Round(i, RoundStatus.DISCUSSED if CARDS[i].kind is CardKind.ACTION else RoundStatus.REVEALED)
            for i in range(spec.played)
        },
        actions=[TeamAction(f"a{n}", 4, "wie", "wat", "wanneer") for n in range(spec.actions)],
    )
    usage.record_table(table.id, state)
    db.session.commit()


def forget_all() -> None:
    """Between generated examples: no facts, tables or units left."""
    db.session.execute(update(OrgUnit).values(parent_id=None))
    for model in (UsageCard, UsageFact, EventFact, Table, OrgUnit, Organisation):
        db.session.execute(delete(model))
    db.session.commit()


def days(clock: Clock, spec: Ended) -> None:
    clock.day += timedelta(days=spec.days_later)
