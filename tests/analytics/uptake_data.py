"""Released uptake facts written straight into the fact tables, for breadth in the view tests.

What live/usage.py writes when tables end, in cohorts of k released on one day; the tests that
play tables through the services are in test_facts.py and test_views.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import insert

from koerskaart.extensions import db
from koerskaart.models import DeckRequest, EventFact, OrgUnit, UsageCard, UsageFact
from koerskaart.security import new_token, token_hash

_counter = iter(range(1, 10**9))


def unit(organisation_id: int, name: str, parent: OrgUnit | None = None, archived: bool = False) -> OrgUnit:
    found = OrgUnit(
        public_id=f"u{next(_counter)}",
        organisation_id=organisation_id,
        parent_id=parent.id if parent is not None else None,
        name=name,
        archived=archived,
    )
    db.session.add(found)
    db.session.commit()
    return found


def tables(
    organisation_id: int,
    on: date,
    count: int = 3,
    unit: OrgUnit | None = None,
    deck: str = "proefdeck",
    players: int | Sequence[int] = 4,
    route: str | None = None,
    reached: int = 0,
    actions: int = 0,
    from_request: int = 0,
    cards: Sequence[str] = ("stelling", "keuze"),
    at_event: bool = False,
) -> None:
    """``count`` released tables of one cohort: the first ``reached`` reached the action cards,
    the first ``from_request`` came from a request; ``actions`` agreed at each table."""
    seats = [players] * count if isinstance(players, int) else list(players)
    for i in range(count):
        fact_id = db.session.execute(
            insert(UsageFact.__table__)
            .values(
                organisation_id=organisation_id,
                unit_id=unit.id if unit is not None else None,
                deck_slug=deck,
                deck_version=1,
                route=route,
                at_event=at_event,
                from_request=i < from_request,
                players=seats[i],
                cards_revealed=len(cards),
                reached_action=i < reached,
                actions_agreed=actions,
                cohort=1,
                cohort_on=on,
            )
            .returning(UsageFact.__table__.c.id)
        ).scalar_one()
        for card_id in cards:
            db.session.execute(
                insert(UsageCard.__table__).values(
                    fact_id=fact_id,
                    organisation_id=organisation_id,
                    unit_id=unit.id if unit is not None else None,
                    deck_slug=deck,
                    card_id=card_id,
                    cohort_on=on,
                )
            )
    db.session.commit()


def events(organisation_id: int, on: date, count: int = 3, unit: OrgUnit | None = None) -> None:
    for _ in range(count):
        db.session.add(
            EventFact(
                organisation_id=organisation_id,
                unit_id=unit.id if unit is not None else None,
                deck_slug="proefdeck",
                tables=4,
                cohort=1,
                cohort_on=on,
            )
        )
    db.session.commit()


def requests(
    organisation_id: int, on: date, count: int = 3, unit: OrgUnit | None = None, deck: str = "proefdeck"
) -> None:
    for _ in range(count):
        db.session.add(
            DeckRequest(
                public_id=f"r{next(_counter)}",
                organisation_id=organisation_id,
                unit_id=unit.id if unit is not None else None,
                deck_slug=deck,
                expected_on=on,
                expected_size=6,
                token_hash=token_hash(new_token()),
                cohort=1,
                cohort_on=on,
            )
        )
    db.session.commit()
