"""The release rule over generated histories (PRODUCT.md rule 6, docs/anonymity.md "Uptake").

Whatever order tables of an organisation's units and decks end in, and however a reader
filters (unit, deck, range, period), every view:
- counts whole cohorts only: the tables behind any filter combination are a multiple of k;
- so two looks at the same filters count the same tables or differ by at least k;
- shows no count of fewer than k tables, players, events or requests (0 or "< k");
- and a table that ended shows up nowhere until k of its unit and deck have ended.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from itertools import product

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koerskaart.analytics import cells, views
from koerskaart.analytics.filters import PERIODS, Filters
from koerskaart.analytics.scope import Scope, organisation_scope, platform_scope
from koerskaart.live import usage
from tests.analytics import history
from tests.analytics.history import DECKS, FIRST_DAY, Clock, Ended

K = 3


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    found = Clock()
    monkeypatch.setattr(usage, "today", found.today)
    return found


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    with app.test_request_context():  # views name decks and cards in the reader's language
        yield app


def combinations(scope: Scope) -> Iterator[Filters]:
    whole = (FIRST_DAY, FIRST_DAY + timedelta(days=400))
    window = (FIRST_DAY + timedelta(days=20), FIRST_DAY + timedelta(days=60))
    units = [None, *(u.public_id for u in scope.units.values())]
    # Across organisations, only the decks every organisation may play can be asked for.
    decks = [d for d in DECKS if not scope.platform or d in scope.public_decks]
    for (start, end), unit, deck, period in product((whole, window), units, (None, *decks), PERIODS):
        yield Filters(start=start, end=end, unit=unit, deck=deck, period=period)


def look(scope: Scope) -> dict[tuple[str, Filters], list[dict[str, cells.Cell]]]:
    """Every view under every filter combination, as a reader would see it."""
    seen = {}
    for filters in combinations(scope):
        if scope.platform and filters.unit is not None:
            continue
        for view in views.platform_views() if scope.platform else views.organisation_views():
            seen[(view.name, filters)] = views.run(view.name, scope, filters).rows
    return seen


def tables_behind(rows: list[dict[str, cells.Cell]]) -> int:
    total = 0
    for row in rows:
        value = row["tables"]
        assert not isinstance(value, cells.Small), "a whole-cohort total is never small"
        total += int(value or 0)
    return total


def no_small_counts(seen: dict[tuple[str, Filters], list[dict[str, cells.Cell]]]) -> None:
    for (name, _filters), rows in seen.items():
        kinds = {c.key: c.kind for c in views.VIEWS[name].columns}
        for row in rows:
            for key, kind in kinds.items():
                if kind in cells.COUNTS:
                    assert not cells.is_small(row.get(key), K), (name, key, row)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(history.ended, min_size=1, max_size=14))
def test_every_look_counts_whole_cohorts_and_moves_by_k(ctx: Flask, clock: Clock, ended: list[Ended]) -> None:
    history.forget_all()
    clock.day = FIRST_DAY
    organisation_id, units = history.organisation()
    scope = organisation_scope(organisation_id)
    before = look(scope)
    for spec in ended:
        history.days(clock, spec)
        history.end_table(organisation_id, units, spec)
        after = look(scope)
        no_small_counts(after)
        for key, rows in after.items():
            if key[0] != "tables-over-time":
                continue
            now, then = tables_behind(rows), tables_behind(before[key])
            assert now % K == 0, (key, now)
            assert now == then or abs(now - then) >= K, (key, then, now)
        for key, rows in after.items():
            unchanged = tables_behind(after[("tables-over-time", key[1])]) == tables_behind(
                before[("tables-over-time", key[1])]
            )
            if unchanged and key[0] not in ("requested-vs-played",):
                assert rows == before[key], key
        before = after
    platform = look(platform_scope())
    no_small_counts(platform)


def test_one_table_shows_nowhere_until_k_of_its_unit_and_deck_have_ended(ctx: Flask, clock: Clock) -> None:
    organisation_id, units = history.organisation()
    scope = organisation_scope(organisation_id)
    empty = look(scope)
    same = Ended(unit=2, deck=0, players=4, played=3, actions=1, route=None, days_later=1)
    other = Ended(unit=1, deck=0, players=5, played=5, actions=2, route="kort", days_later=1)
    for spec in (same, same, other, other):
        history.days(clock, spec)
        history.end_table(organisation_id, units, spec)
        assert look(scope) == empty
    history.end_table(organisation_id, units, same)
    shown = look(scope)
    assert shown != empty
    whole = Filters(start=FIRST_DAY, end=FIRST_DAY + timedelta(days=400))
    assert tables_behind(views.run("tables-over-time", scope, whole).rows) == K


def test_views_read_only_facts_and_units(ctx: Flask, clock: Clock) -> None:
    """The SQL every view runs names only the uptake tables (never seats, rounds, answers …)."""
    from sqlalchemy import event

    from koerskaart.extensions import db

    organisation_id, units = history.organisation()
    for _ in range(K):
        history.end_table(organisation_id, units, Ended(0, 0, 4, 5, 2, None, 1))
    scope = organisation_scope(organisation_id)
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement.lower())

    engine = db.engine
    platform = platform_scope()  # reads which decks are shared: deck metadata, before the views
    event.listen(engine, "before_cursor_execute", record)
    try:
        look(scope)
        look(platform)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    allowed = {"usage_facts", "usage_cards", "event_facts", "deck_requests", "org_units", "organisations"}
    forbidden = {
        "tables",
        "seats",
        "rounds",
        "answers",
        "pending_answers",
        "team_actions",
        "card_feedback",
        "conferences",
        "users",
        "share_links",
        "plenary_tallies",
        "plenary_releases",
    }
    import re

    for statement in statements:
        names = set(re.findall(r"\b(?:from|join)\s+\"?([a-z_]+)\"?", statement))
        assert names <= allowed, (names, statement)
        assert not names & forbidden
    assert statements
