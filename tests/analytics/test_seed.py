"""`flask analytics seed` (analytics/seed.py): generated history released as the live code releases it,
refused on any database that is not an empty benchmark database; `flask analytics platform-admin`."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from koerskaart import create_app
from koerskaart.clock import utcnow
from koerskaart.config import TestingConfig, database_url
from koerskaart.extensions import db
from koerskaart.live import decks, service, usage
from koerskaart.models import DeckRequest, EventFact, Organisation, OrgUnit, Table, UsageCard, UsageFact, User
from tests.helpers.apps import fresh_app
from tests.helpers.infra import postgres_server
from tests.helpers.users import make_user

SEED = ["analytics", "seed", "--tables", "300", "--events", "5", "--units", "12"]
CONFIRM = "--yes-this-is-a-benchmark-database"


@pytest.fixture
def bundled() -> Iterator[Flask]:
    """The decks as shipped: the seed plays their real cards along their routes."""
    with fresh_app(bundled=True) as app:
        yield app


def seed(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=[*SEED, *args])


def rows(model: Any) -> list[Any]:
    db.session.expire_all()
    return list(db.session.scalars(select(model).order_by(model.id)))


def assert_whole_cohorts(found: list[Any], k: int) -> None:
    """Per (organisation, unit, deck): cohorts 1..n of exactly k rows, each on one day, in order of
    release; fewer than k rows pending, undated."""
    by_key: dict[tuple[int, int | None, str], list[Any]] = defaultdict(list)
    for row in found:
        by_key[(row.organisation_id, row.unit_id, row.deck_slug)].append(row)
    for key, members in by_key.items():
        pending = [r for r in members if r.cohort is None]
        assert len(pending) < k, key
        assert all(r.cohort_on is None for r in pending), key
        cohorts: dict[int, list[Any]] = defaultdict(list)
        for row in members:
            if row.cohort is not None:
                cohorts[row.cohort].append(row)
        assert sorted(cohorts) == list(range(1, len(cohorts) + 1)), key
        days = []
        for number in sorted(cohorts):
            assert len(cohorts[number]) == k, (key, number)
            assert len({r.cohort_on for r in cohorts[number]}) == 1, (key, number)
            days.append(cohorts[number][0].cohort_on)
        assert days == sorted(days), key


def test_a_small_seed_releases_whole_cohorts_of_k_only(bundled: Flask) -> None:
    result = seed(bundled, CONFIRM)
    assert result.exit_code == 0, result.output
    k = usage.cohort_size()
    facts = rows(UsageFact)
    assert len(facts) == 300
    assert_whole_cohorts(facts, k)
    assert_whole_cohorts(rows(EventFact), k)
    assert_whole_cohorts(rows(DeckRequest), k)
    released = [f for f in facts if f.cohort is not None]
    assert len(released) > 300 - 3 * 12 * 3 * k  # at most k - 1 pending per organisation, unit and deck
    today = utcnow().date()
    assert all(today - timedelta(days=731) <= f.cohort_on < today for f in released)
    assert {f.players for f in facts} <= set(range(3, 13))
    # Two years of three organisations, each with a tree of twelve units: directorates and departments.
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 3
    units = rows(OrgUnit)
    assert len(units) == 36
    assert {u.parent_id is None for u in units} == {True, False}
    # No contact address was ever made up; a request's ready link is a hash nobody holds.
    requests = rows(DeckRequest)
    assert requests and all(r.contact_email is None and len(r.token_hash) == 64 for r in requests)
    assert sum(f.from_request for f in facts) <= len(requests)
    events = rows(EventFact)
    assert len(events) == 5
    assert sum(e.tables for e in events) == sum(f.at_event for f in facts)


def test_a_seeded_tables_cards_are_its_decks_cards_along_its_route(bundled: Flask) -> None:
    assert seed(bundled, CONFIRM).exit_code == 0
    installed = decks.installed()
    cards_of: dict[int, list[UsageCard]] = defaultdict(list)
    for card in rows(UsageCard):
        cards_of[card.fact_id].append(card)
    facts = rows(UsageFact)
    assert len(cards_of) == len(facts)
    for fact in facts:
        deck = installed[fact.deck_slug]
        assert fact.deck_version == deck.version
        revealed = cards_of[fact.id]
        assert len(revealed) == fact.cards_revealed == len({c.card_id for c in revealed}) >= 1
        # The fact's release keys, copied onto its cards for the sums (live/usage.py does the same).
        assert {(c.organisation_id, c.unit_id, c.deck_slug, c.cohort_on) for c in revealed} == {
            (fact.organisation_id, fact.unit_id, fact.deck_slug, fact.cohort_on)
        }
        route = deck.route(fact.route) if fact.route else None
        allowed = {c.id for c in deck.cards if c.type.value != "action"}
        if route is not None and route.choose is None:
            allowed &= {c.id for c in deck.route_cards(route.id)}
        assert {c.card_id for c in revealed} <= allowed, (fact.deck_slug, fact.route)
        assert fact.actions_agreed == 0 or fact.reached_action
    assert Counter(f.route is None for f in facts)[True] > 60  # the whole deck, often
    assert len({f.route for f in facts}) > 4  # and routes of every deck


def test_the_same_seed_gives_the_same_figures() -> None:
    def figures() -> list[tuple[Any, ...]]:
        with fresh_app(bundled=True) as app:
            assert seed(app, CONFIRM, "--seed", "7").exit_code == 0
            units = {u.id: u.name for u in rows(OrgUnit)}
            return [
                (
                    f.deck_slug,
                    f.route,
                    units.get(f.unit_id or 0),
                    f.players,
                    f.cards_revealed,
                    f.cohort,
                    f.cohort_on,
                )
                for f in rows(UsageFact)
            ]

    assert figures() == figures()


def test_the_seed_refuses_without_confirmation(bundled: Flask) -> None:
    result = seed(bundled)
    assert result.exit_code == 1
    assert "--yes-this-is-a-benchmark-database" in result.output
    assert rows(UsageFact) == [] and rows(Organisation) == []


def test_the_seed_refuses_a_database_with_real_tables(bundled: Flask) -> None:
    owner = make_user("spelleider@oost.example")
    service.create_table("tegenspraak", "Host", owner=owner)
    result = seed(bundled, CONFIRM)
    assert result.exit_code == 1
    assert "1 game tables" in result.output
    assert rows(UsageFact) == [] and len(rows(Organisation)) == 1
    assert db.session.scalar(select(func.count()).select_from(Table)) == 1


def test_the_seed_refuses_a_database_seeded_before(bundled: Flask) -> None:
    assert seed(bundled, CONFIRM).exit_code == 0
    again = seed(bundled, CONFIRM)
    assert again.exit_code == 1
    assert "300 played-table facts" in again.output
    assert len(rows(UsageFact)) == 300


def test_the_seed_bounds_its_sizes(bundled: Flask) -> None:
    for args in (["--tables", "-1"], ["--tables", "99999999"], ["--organisations", "0"], ["--units", "5000"]):
        result = bundled.test_cli_runner().invoke(args=["analytics", "seed", CONFIRM, *args])
        assert result.exit_code == 2, (args, result.output)
    assert rows(UsageFact) == []


def test_one_organisation_is_seeded_with_the_units_it_has(bundled: Flask) -> None:
    owner = make_user("beheerder@west.example", organisation="Gemeente West", role="admin")
    kept = [
        OrgUnit(public_id=f"unit-{n}", organisation_id=owner.organisation_id, name=f"Team {n}")
        for n in range(2)
    ]
    db.session.add_all(kept)
    db.session.commit()
    result = seed(bundled, CONFIRM, "--organisation", "Gemeente West")
    assert result.exit_code == 0, result.output
    facts = rows(UsageFact)
    assert {f.organisation_id for f in facts} == {owner.organisation_id}
    assert {f.unit_id for f in facts} <= {u.id for u in kept} | {None}
    assert len(rows(OrgUnit)) == 2 and len(rows(Organisation)) == 1


def test_platform_admin_is_granted_and_revoked(app: Flask) -> None:
    user = make_user("Beheerder@Platform.example", role="admin")
    runner = app.test_cli_runner()
    granted = runner.invoke(args=["analytics", "platform-admin", "BEHEERDER@platform.example"])
    assert granted.exit_code == 0, granted.output
    db.session.expire_all()
    assert db.session.get(User, user.id).platform_admin is True  # type: ignore[union-attr]
    revoked = runner.invoke(args=["analytics", "platform-admin", "beheerder@platform.example", "--revoke"])
    assert revoked.exit_code == 0, revoked.output
    db.session.expire_all()
    assert db.session.get(User, user.id).platform_admin is False  # type: ignore[union-attr]
    unknown = runner.invoke(args=["analytics", "platform-admin", "niemand@platform.example"])
    assert unknown.exit_code == 1 and "no account" in unknown.output


@pytest.mark.postgres
def test_the_seed_copies_rows_on_postgres_and_moves_the_id_sequence_past_them() -> None:
    with postgres_server() as url:

        class OnPostgres(TestingConfig):
            SQLALCHEMY_DATABASE_URI = database_url(url)

        app = create_app(OnPostgres)  # the bundled decks, as `flask analytics seed` has them
        runner = app.test_cli_runner()
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
        result = runner.invoke(args=[*SEED, CONFIRM])
        assert result.exit_code == 0, result.output
        with app.app_context():
            facts = rows(UsageFact)
            assert len(facts) == 300
            assert_whole_cohorts(facts, usage.cohort_size())
            assert_whole_cohorts(rows(DeckRequest), usage.cohort_size())
            cards = db.session.scalar(select(func.count()).select_from(UsageCard))
            assert cards == sum(f.cards_revealed for f in facts)
            # A table that ends after the seed gets the next id, not one the seed gave.
            later = UsageFact(
                organisation_id=facts[0].organisation_id,
                deck_slug=facts[0].deck_slug,
                deck_version=1,
                players=3,
                cards_revealed=1,
            )
            db.session.add(later)
            db.session.commit()
            assert later.id > max(f.id for f in facts)
            db.session.remove()
            db.engine.dispose()
