"""The uptake views (analytics/views.py, figures.py): figures over released facts, small cells hidden.

Tables played through the services for the path a real table takes; facts written straight into
the fact tables (uptake_data.py) for breadth: cohorts of k released on chosen days.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, update

from koerskaart.analytics import views
from koerskaart.analytics.cells import Small
from koerskaart.analytics.filters import FilterError, Filters
from koerskaart.analytics.scope import Scope, organisation_scope, platform_scope
from koerskaart.extensions import db
from koerskaart.live import usage
from koerskaart.models import OrgUnit, UsageFact
from tests.analytics import uptake_data as data
from tests.analytics.test_facts import play_table
from tests.helpers.proefdeck import ACTION, CHOICE, STATEMENT
from tests.helpers.users import make_user

SMALL = Small(3)
Q1 = {"start": date(2025, 1, 1), "end": date(2025, 3, 31)}


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """A request context (the views label in the reader's language); units untangled at the end,
    so the fixture can drop the tree (its parent key is ON DELETE RESTRICT)."""
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        yield app
        db.session.rollback()
        db.session.execute(update(OrgUnit).values(parent_id=None))
        db.session.commit()


def org(email: str = "beheer@oost.example", name: str = "Gemeente Oost") -> int:
    return int(make_user(email, name, role="admin").organisation_id)


def run(name: str, scope: Scope, **filters: Any) -> list[dict[str, Any]]:
    return views.run(name, scope, Filters(**{**Q1, **filters})).rows


def column(rows: list[dict[str, Any]], key: str) -> list[Any]:
    return [row[key] for row in rows]


def test_tables_played_through_the_services_show_up_once_k_of_them_ended(ctx: Flask) -> None:
    owner = make_user("spelleider@oost.example", role="facilitator")
    unit = data.unit(owner.organisation_id, "Directie")
    scope = organisation_scope(owner.organisation_id)
    today = usage.today()
    ever = {"start": today - timedelta(days=400), "end": today, "period": "quarter"}
    play_table(owner, players=3, unit_id=unit.id)
    play_table(owner, players=4, unit_id=unit.id)
    assert all(row["tables"] == 0 for row in run("tables-over-time", scope, **ever))  # two wait
    play_table(owner, players=5, cards=(STATEMENT, CHOICE, ACTION), unit_id=unit.id)
    over_time = run("tables-over-time", scope, **ever)
    assert sum(r["tables"] for r in over_time) == 3
    assert sum(r["players"] for r in over_time) == 12
    players = run("players-per-table", scope, **ever)
    assert column(players, "tables")[:3] == [SMALL, SMALL, SMALL]  # one table each: hidden
    assert players[-1] == {"players": "All tables", "tables": 3, "average": 4.0}
    completion = run("completion", scope, **ever)
    assert completion[0] == {"group": "Directie", "tables": 3, "reached": SMALL, "share": SMALL}
    cards = {row["card"]: row for row in run("cards", scope, **ever)}
    assert cards["keuze"] == {"deck": "proefdeck", "card": "keuze", "text": "What helps most?", "tables": 3}
    assert cards["stelling"]["tables"] == 3


def test_periods_bucket_release_days_and_the_range_cuts_them(ctx: Flask) -> None:
    organisation = org()
    data.tables(organisation, date(2025, 1, 6))
    data.tables(organisation, date(2025, 2, 10), count=6, players=5)
    data.tables(organisation, date(2025, 5, 1))
    data.tables(organisation, date(2024, 12, 31))  # before the range
    data.events(organisation, date(2025, 2, 11))
    scope = organisation_scope(organisation)
    months = run("tables-over-time", scope)
    assert months == [
        {"period": "2025-01", "tables": 3, "players": 12, "events": 0},
        {"period": "2025-02", "tables": 6, "players": 30, "events": 3},
        {"period": "2025-03", "tables": 0, "players": 0, "events": 0},
    ]
    half = run("tables-over-time", scope, end=date(2025, 6, 30), period="quarter")
    assert column(half, "period") == ["2025-Q1", "2025-Q2"]
    assert column(half, "tables") == [9, 3]
    weeks = run("tables-over-time", scope, end=date(2025, 1, 31), period="week")
    assert weeks[0]["period"] == "2025-W01" and weeks[1] == {
        "period": "2025-W02",
        "tables": 3,
        "players": 12,
        "events": 0,
    }


def test_pending_facts_and_other_organisations_never_count(ctx: Flask) -> None:
    mine, theirs = org(), org("beheer@west.example", "Gemeente West")
    data.tables(mine, date(2025, 2, 1))
    data.tables(theirs, date(2025, 2, 1), count=6)
    db.session.execute(update(UsageFact).where(UsageFact.organisation_id == mine).values(cohort=None))
    data.tables(mine, date(2025, 2, 2))
    pending = UsageFact.organisation_id == mine, UsageFact.cohort.is_(None)
    db.session.execute(update(UsageFact).where(*pending).values(cohort_on=None))
    db.session.commit()
    assert sum(column(run("decks", organisation_scope(mine)), "tables")) == 3
    assert sum(column(run("decks", platform_scope()), "tables")) == 9


def test_players_per_table_hides_a_second_bucket_when_one_alone_would_be_worked_out(ctx: Flask) -> None:
    organisation = org()
    data.tables(organisation, date(2025, 2, 1), count=12, players=[4, 4, 4, 5, 5, 5, 6, 6, 6, 6, 6, 7])
    rows = run("players-per-table", organisation_scope(organisation))
    by = {row["players"]: row["tables"] for row in rows}
    assert by["7"] == SMALL  # one table
    assert by["4"] == SMALL  # three tables, hidden too: else 12 - 3 - 3 - 5 gives the 1 away
    assert by["5"] == 3 and by["6"] == 5 and by["3"] == 0
    assert rows[-1]["tables"] == 12 and rows[-1]["average"] == 5.3
    assert all(row["average"] is None for row in rows[:-1])


def test_completion_by_unit_hides_what_would_single_out_a_table(ctx: Flask) -> None:
    organisation = org()
    a, b, c = (data.unit(organisation, name) for name in ("Afdeling A", "Afdeling B", "Afdeling C"))
    data.tables(organisation, date(2025, 2, 1), count=3, unit=a, reached=2)  # 2 of 3: hidden
    data.tables(organisation, date(2025, 2, 1), count=6, unit=b, reached=5)  # 1 did not: hidden
    data.tables(organisation, date(2025, 2, 1), count=6, unit=c, reached=3)
    rows = run("completion", organisation_scope(organisation))
    assert rows == [
        {"group": "Afdeling A", "tables": 3, "reached": SMALL, "share": SMALL},
        {"group": "Afdeling B", "tables": 6, "reached": SMALL, "share": SMALL},
        {"group": "Afdeling C", "tables": 6, "reached": 3, "share": 50.0},
        {"group": "Total", "tables": 15, "reached": 10, "share": 66.7},
    ]


def test_routes_name_the_whole_deck_and_hide_within_each_deck(ctx: Flask) -> None:
    organisation = org()
    data.tables(organisation, date(2025, 2, 1), count=5, route=None)
    data.tables(organisation, date(2025, 2, 1), count=1, route="kort")
    rows = run("routes", organisation_scope(organisation))
    assert rows == [
        {"deck": "Test deck", "route": "Whole deck", "tables": SMALL},  # 6 - 1 would give it away
        {"deck": "Test deck", "route": "kort", "tables": SMALL},
    ]


def test_actions_and_requested_against_played(ctx: Flask) -> None:
    organisation = org()
    team = data.unit(organisation, "Team")
    data.tables(organisation, date(2025, 2, 1), count=3, unit=team, actions=2, from_request=2)
    data.tables(organisation, date(2025, 2, 1), count=3, actions=1, from_request=3)
    data.requests(organisation, date(2025, 2, 1), count=3, unit=team)
    data.requests(organisation, date(2025, 2, 1), count=6)
    data.requests(organisation, date(2025, 4, 1), count=3)  # released after the range
    scope = organisation_scope(organisation)
    actions = run("actions", scope)
    assert actions == [
        {"group": "Team", "tables": 3, "actions": 6, "average": 2.0},
        {"group": "No unit", "tables": 3, "actions": 3, "average": 1.0},
        {"group": "Total", "tables": 6, "actions": 9, "average": 1.5},
    ]
    requested = run("requested-vs-played", scope)
    assert requested == [
        {"unit": "Team", "deck": "Test deck", "requests": 3, "from_requests": SMALL, "tables": 3}
        | {"share": SMALL},
        {"unit": "No unit", "deck": "Test deck", "requests": 6, "from_requests": 3, "tables": 3}
        | {"share": 50.0},
    ]


def test_units_show_their_own_tables_and_their_subtree(ctx: Flask) -> None:
    organisation = org()
    top = data.unit(organisation, "Directie")
    one = data.unit(organisation, "Afdeling 1", top)
    two = data.unit(organisation, "Afdeling 2", top, archived=True)
    data.unit(organisation, "Leeg")
    data.tables(organisation, date(2025, 2, 1), count=3, unit=top, reached=3)
    data.tables(organisation, date(2025, 2, 1), count=3, unit=one, players=5)
    data.tables(organisation, date(2025, 2, 1), count=6, unit=two, reached=3)
    data.events(organisation, date(2025, 2, 1), unit=one)
    scope = organisation_scope(organisation)
    rows = {row["unit"]: row for row in run("units", scope)}
    assert list(rows) == ["Directie", "Directie / Afdeling 1", "Directie / Afdeling 2", "Leeg"]
    assert rows["Directie"] == {
        "unit": "Directie",
        "own_tables": 3,
        "tables": 12,
        "players": 51,
        "events": 3,
        "reached": 6,
        "share": 50.0,
    }
    assert rows["Leeg"]["tables"] == 0 and rows["Leeg"]["share"] is None
    only = run("units", scope, unit=one.public_id)
    assert column(only, "unit") == ["Directie / Afdeling 1"]
    assert column(run("decks", scope, unit=top.public_id), "tables") == [12]
    assert column(run("decks", scope, unit=two.public_id), "tables") == [6]


def test_deck_filter_and_unknown_unit(ctx: Flask) -> None:
    organisation = org()
    data.tables(organisation, date(2025, 2, 1), count=3, deck="proefdeck")
    data.tables(organisation, date(2025, 2, 1), count=6, deck="weg", cards=("x",))
    scope = organisation_scope(organisation)
    assert run("decks", scope) == [
        {"deck": "weg", "title": "weg", "tables": 6, "players": 24},
        {"deck": "proefdeck", "title": "Test deck", "tables": 3, "players": 12},
    ]
    assert column(run("decks", scope, deck="proefdeck"), "deck") == ["proefdeck"]
    assert run("cards", scope, deck="weg") == [{"deck": "weg", "card": "x", "text": "", "tables": 6}]
    with pytest.raises(FilterError):
        run("decks", scope, unit="nope")
    other = org("beheer@west.example", "Gemeente West")
    theirs = data.unit(other, "Van een ander")
    with pytest.raises(FilterError):
        run("decks", scope, unit=theirs.public_id)


def test_the_platform_sees_totals_by_deck_and_never_a_unit(ctx: Flask) -> None:
    first, second = org(), org("beheer@west.example", "Gemeente West")
    secret = data.unit(first, "Geheime afdeling")
    data.tables(first, date(2025, 2, 1), count=3, unit=secret, reached=3)
    data.tables(second, date(2025, 2, 1), count=3, reached=0)
    data.events(second, date(2025, 2, 1))
    assert run("totals", platform_scope()) == [{"organisations": 2, "tables": 6, "players": 24, "events": 3}]
    completion = views.run("completion", platform_scope(), Filters(**Q1))
    assert completion.rows == [
        {"group": "Test deck", "tables": 6, "reached": 3, "share": 50.0},
        {"group": "Total", "tables": 6, "reached": 3, "share": 50.0},
    ]
    assert str(completion.columns[0].label) == "Deck"
    for view in views.platform_views():
        text = repr(views.run(view.name, platform_scope(), Filters(**Q1)).rows)
        assert "Geheime" not in text and "No unit" not in text
    for name in ("units", "requested-vs-played"):
        with pytest.raises(KeyError):
            views.run(name, platform_scope(), Filters(**Q1))
    with pytest.raises(KeyError):
        views.run("totals", organisation_scope(first), Filters(**Q1))
    with pytest.raises(FilterError):
        views.run("decks", platform_scope(), Filters(**Q1, unit=secret.public_id))


FORBIDDEN = ("tables", "seats", "rounds", "answers", "team_actions", "card_feedback", "conferences")


def test_views_read_the_facts_and_the_units_only(ctx: Flask) -> None:
    organisation = org()
    data.tables(organisation, date(2025, 2, 1), count=3, unit=data.unit(organisation, "Team"))
    data.requests(organisation, date(2025, 2, 1))
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement.lower())

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        scope = organisation_scope(organisation)
        for view in views.organisation_views():
            views.run(view.name, scope, Filters(**Q1))
        for view in views.platform_views():
            views.run(view.name, platform_scope(), Filters(**Q1))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert statements
    for statement in statements:
        words = set(statement.replace(",", " ").replace("(", " ").replace(")", " ").replace('"', " ").split())
        assert not words & set(FORBIDDEN), statement


def test_across_organisations_an_organisations_own_deck_is_never_named(ctx: Flask) -> None:
    """A deck only one organisation plays (its private studio deck) would show that organisation's
    figures by name: across organisations it counts in one row of all organisations' own decks,
    its cards are left out, and it cannot be asked for."""
    first, second = org(), org("beheer@west.example", "Gemeente West")
    data.tables(first, date(2025, 2, 1), count=3, deck="eigen-deck", route="eigen-route", cards=("geheim",))
    data.tables(second, date(2025, 2, 1), count=3)
    platform = platform_scope()
    assert "eigen-deck" not in platform.public_decks and "proefdeck" in platform.public_decks
    decks = run("decks", platform)
    assert sorted(row["deck"] for row in decks) == ["proefdeck", "~own"]
    assert sorted(row["title"] for row in decks) == ["Organisations' own decks", "Test deck"]
    routes = views.run("routes", platform, Filters(**Q1)).rows
    assert {row["route"] for row in routes} == {"Their own routes", "Whole deck"}
    cards = views.run("cards", platform, Filters(**Q1)).rows
    assert cards and all(row["deck"] == "proefdeck" for row in cards)
    everything = repr([views.run(v.name, platform, Filters(**Q1)).rows for v in views.platform_views()])
    assert "eigen" not in everything and "geheim" not in everything
    with pytest.raises(FilterError):
        views.run("decks", platform, Filters(**Q1, deck="eigen-deck"))
    # The organisation itself sees its own deck by name.
    assert [row["deck"] for row in run("decks", organisation_scope(first))] == ["eigen-deck"]
