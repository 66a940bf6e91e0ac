"""Uptake facts (live/usage.py): written when a table ends, released in cohorts of k, no content."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask
from sqlalchemy import inspect, select

from koerskaart.engine import actions as act
from koerskaart.extensions import db
from koerskaart.live import service, usage
from koerskaart.models import Table, UsageCard, UsageFact, User
from tests.helpers.proefdeck import ACTION, CHOICE, OPEN, SENSITIVE, STATEMENT
from tests.helpers.users import make_user

QUIET = {STATEMENT: 4, CHOICE: 1, OPEN: "Meer ruimte", SENSITIVE: 2}


def play_table(
    owner: User | None, players: int = 3, cards: Sequence[int] = (STATEMENT, CHOICE), **kw: object
) -> str:
    """A table of ``players`` through the services that answers ``cards`` and ends."""
    table, host, _token, _key = service.create_table("proefdeck", "Host", owner=owner, **kw)  # type: ignore[arg-type]
    public_id, code = table.public_id, table.join_code
    seats = [host] + [service.join_table(code or "", f"P{n}")[1] for n in range(1, players)]
    service.perform(public_id, act.Start(by=host))
    for index in range(max(cards) + 1 if cards else 1):
        if index in cards and index != ACTION:
            for seat in seats:
                service.perform(public_id, act.Submit(seat, index, QUIET[index]))
        if index == max(cards, default=0):
            break
        service.perform(public_id, act.Next(by=host))
    service.perform(public_id, act.End(by=host))
    return public_id


def facts() -> list[UsageFact]:
    db.session.expire_all()
    return list(db.session.scalars(select(UsageFact).order_by(UsageFact.id)))


def test_a_played_table_writes_one_fact_released_with_k_of_its_kind(app: Flask) -> None:
    with app.app_context():
        owner = make_user("spelleider@oost.example")
        play_table(owner)
        play_table(owner)
        assert [f.cohort for f in facts()] == [None, None]
        assert usage.released_fact_count(owner.organisation_id) == 0
        play_table(owner, players=4, cards=(STATEMENT, CHOICE, OPEN, SENSITIVE, ACTION))
        found = facts()
        assert [f.cohort for f in found] == [1, 1, 1]
        assert {f.cohort_on for f in found} == {usage.today()}
        assert [f.players for f in found] == [3, 3, 4]
        assert [f.reached_action for f in found] == [False, False, True]
        cards = db.session.scalars(select(UsageCard)).all()
        assert all(c.cohort_on == usage.today() for c in cards)
        assert len(cards) == 2 + 2 + 5


def test_anonymous_unplayed_and_playtest_tables_write_no_fact(app: Flask) -> None:
    with app.app_context():
        owner = make_user("spelleider@oost.example")
        play_table(None)  # an anonymous table has no organisation
        table, host, _t, _k = service.create_table("proefdeck", "Host", owner=owner)
        service.perform(table.public_id, act.End(by=host))  # ended in the lobby: not played
        play_table(owner, players=2)  # too few to reveal anything
        assert facts() == []
        db.session.expire_all()
        assert all(t.usage_counted for t in db.session.scalars(select(Table)))


def test_a_fact_has_no_column_that_could_lead_back_to_a_table_or_a_person() -> None:
    columns = {c.name for c in inspect(UsageFact).columns} | {c.name for c in inspect(UsageCard).columns}
    assert not columns & {
        "table_id",
        "public_id",
        "join_code",
        "nickname",
        "owner_id",
        "team_label",
        "created_at",
        "ended_at",
    }


def test_an_ended_event_writes_its_fact_and_its_tables_theirs(app: Flask) -> None:
    from koerskaart.conference import services as events
    from koerskaart.models import EventFact, OrgUnit
    from tests.helpers.events import answer, join, make_event

    with app.test_request_context():  # the event's join URL is built in the service
        event = make_event(tables=3)
        unit = OrgUnit(public_id="u1", organisation_id=event.organisation_id, name="Directie Noord")
        db.session.add(unit)
        db.session.flush()
        event.unit_id = unit.id
        db.session.commit()
        people = [join(event, f"P{n}") for n in range(9)]
        events.show_card(event, STATEMENT)
        for person in people:
            answer(person, STATEMENT, 3)
        events.end(event, keep_open_text=False)
        db.session.expire_all()
        (fact,) = db.session.scalars(select(EventFact)).all()
        assert (fact.tables, fact.unit_id, fact.deck_slug) == (3, unit.id, "proefdeck")
        assert fact.cohort is None  # one event waits for k of its unit and deck
        assert [f.at_event for f in facts()] == [True, True, True]
        assert [f.cohort for f in facts()] == [1, 1, 1]


def test_backfill_counts_tables_that_ended_before_uptake_existed_once(app: Flask) -> None:
    from sqlalchemy import delete, update

    owner = make_user("spelleider@oost.example")
    for _ in range(3):
        play_table(owner)
    # As before the upgrade: no facts, no table marked as counted.
    db.session.execute(delete(UsageCard))
    db.session.execute(delete(UsageFact))
    db.session.execute(update(Table).values(usage_counted=False))
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["analytics", "backfill"])
    assert result.exit_code == 0 and "3 played tables counted" in result.output
    assert [f.cohort for f in facts()] == [1, 1, 1]
    again = runner.invoke(args=["analytics", "backfill"])
    assert "0 played tables counted" in again.output and len(facts()) == 3
