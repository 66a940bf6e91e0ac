"""Uptake on a real PostgreSQL server, its schema made by the migrations: the release rule when many
tables of one (organisation, unit, deck) end at the same moment, each in its own transaction, and the
same figures from the dashboard's views and the API as on SQLite for the same generated history."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from koerskaart import create_app
from koerskaart.analytics import token_services
from koerskaart.analytics.filters import parse
from koerskaart.analytics.scope import organisation_scope, platform_scope
from koerskaart.analytics.views import organisation_views, platform_views, run
from koerskaart.config import TestingConfig, database_url
from koerskaart.content import load_deck_file
from koerskaart.engine import actions as act
from koerskaart.extensions import db
from koerskaart.live import decks, service, usage
from koerskaart.models import Organisation, OrgUnit, UsageCard, UsageFact, User
from tests.helpers.infra import postgres_server
from tests.helpers.proefdeck import CHOICE, STATEMENT, TEST_DECK
from tests.helpers.users import make_user

pytestmark = pytest.mark.postgres

ENDING_AT_ONCE = 24  # tables of one key ending together: eight cohorts of k = 3
SEED = ["analytics", "seed", "--tables", "400", "--events", "8", "--units", "10", "--organisations", "2"]


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@contextmanager
def migrated(url: str, bundled: bool = False) -> Iterator[Flask]:
    """An app on ``url`` whose schema the migrations made (as `serve` and the release step do)."""

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        # One connection per thread that ends a table, so all of them run at once.
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": ENDING_AT_ONCE + 4}

    app = create_app(Config)
    if not bundled:
        deck, _ = load_deck_file(TEST_DECK)
        assert deck is not None
        decks.install(app.extensions, {deck.slug: deck})
    upgrade = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert upgrade.exit_code == 0, upgrade.output
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            if db.engine.dialect.name == "postgresql":
                db.session.execute(db.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
                db.session.commit()
                db.session.remove()
            db.engine.dispose()


def played_not_ended(owner: Any, unit_id: int) -> tuple[str, str]:
    """A table of the unit whose first cards were revealed: it counts once it ends."""
    table, host, _token, _key = service.create_table("proefdeck", "Host", owner=owner, unit_id=unit_id)
    public_id, code = table.public_id, table.join_code
    seats = [host] + [service.join_table(code or "", f"P{n}")[1] for n in (1, 2, 3)]
    service.perform(public_id, act.Start(by=host))
    for seat in seats:
        service.perform(public_id, act.Submit(seat, STATEMENT, 4))
    service.perform(public_id, act.Next(by=host))
    for seat in seats:
        service.perform(public_id, act.Submit(seat, CHOICE, 1))
    return public_id, host


def end_all_at_once(app: Flask, tables: list[tuple[str, str]]) -> list[BaseException]:
    """Every table ends from its own thread (its own connection and transaction), released together."""
    failures: list[BaseException] = []
    start = threading.Barrier(len(tables))

    def end(public_id: str, host: str) -> None:
        with app.app_context():
            try:
                start.wait(timeout=30)
                service.perform(public_id, act.End(by=host))
            except BaseException as exc:
                failures.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=end, args=table) for table in tables]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return failures


def test_tables_of_one_key_ending_at_once_are_released_in_whole_cohorts(postgres_url: str) -> None:
    with migrated(database_url(postgres_url)) as app:
        assert db.engine.dialect.name == "postgresql"
        owner = make_user("spelleider@oost.example")
        unit = OrgUnit(public_id="directie", organisation_id=owner.organisation_id, name="Directie")
        db.session.add(unit)
        db.session.commit()
        organisation_id, unit_id, owner_id = int(owner.organisation_id), unit.id, owner.id
        k = usage.cohort_size()
        for wave in (ENDING_AT_ONCE, ENDING_AT_ONCE - 1):  # the second leaves some pending
            host = db.session.get(User, owner_id)
            tables = [played_not_ended(host, unit_id) for _ in range(wave)]
            db.session.remove()  # the threads' transactions alone from here
            assert end_all_at_once(app, tables) == []

        db.session.expire_all()
        facts = list(db.session.scalars(select(UsageFact).order_by(UsageFact.id)))
        assert len(facts) == 2 * ENDING_AT_ONCE - 1
        assert {(f.organisation_id, f.unit_id, f.deck_slug) for f in facts} == {
            (organisation_id, unit_id, "proefdeck")
        }
        cohorts: dict[int, list[UsageFact]] = defaultdict(list)
        for fact in facts:
            if fact.cohort is not None:
                cohorts[fact.cohort].append(fact)
        pending = [f for f in facts if f.cohort is None]
        assert len(pending) < k, f"{len(pending)} facts left pending with k = {k}"
        assert all(f.cohort_on is None for f in pending)
        assert sorted(cohorts) == list(range(1, len(cohorts) + 1))  # one number per cohort
        for number, members in cohorts.items():
            assert len(members) >= k, (number, len(members))
            assert len({f.cohort_on for f in members}) == 1
        assert sum(len(m) for m in cohorts.values()) + len(pending) == len(facts)

        on = {f.id: f.cohort_on for f in facts}
        cards = list(db.session.scalars(select(UsageCard)))
        assert len(cards) == 2 * len(facts)  # two cards revealed at each table
        assert all(card.cohort_on == on[card.fact_id] for card in cards)
        assert usage.released_fact_count(organisation_id) == len(facts) - len(pending)


# -- the same figures on both databases ---------------------------------------------------------------


def figures(app: Flask) -> dict[str, Any]:
    """Every organisation view under several filters, and the API's answers for them, by unit path."""
    client = app.test_client()
    found: dict[str, Any] = {}
    organisations = list(db.session.scalars(select(Organisation).order_by(Organisation.id)))
    assert len(organisations) == 2
    for organisation in organisations:
        scope = organisation_scope(organisation.id)
        admin = make_user(f"beheer{organisation.id}@seed.example", organisation.name, "admin")
        token = token_services.issue(admin, "rapportage", 90).token
        headers = {"Authorization": f"Bearer {token}"}
        first = min(scope.units.values(), key=lambda u: scope.path(u.id))
        filters: list[dict[str, str]] = [
            {"start": "2000-01-01", "end": "2004-12-31"},  # nothing
            {"start": "2024-01-01", "end": "2028-12-31", "period": "quarter"},
            {"start": "2025-06-01", "end": "2026-05-31", "period": "week"},
            {"start": "2024-01-01", "end": "2028-12-31", "unit": first.public_id},
        ]
        decks_seen = {v.slug for v in decks.available(None)}
        filters.append({"start": "2024-01-01", "end": "2028-12-31", "deck": sorted(decks_seen)[0]})
        for view in organisation_views():
            for args in filters:
                label = f"{organisation.name}/{view.name}/" + ",".join(
                    f"{key}={scope.path(first.id) if key == 'unit' else value}" for key, value in args.items()
                )
                result = run(view.name, scope, parse(args))
                found[label] = [dict(row) for row in result.rows]
                answer = client.get(f"/api/v1/views/{view.name}", query_string=args, headers=headers)
                assert answer.status_code == 200, answer.get_data(as_text=True)
                body = answer.get_json()
                found["api:" + label] = (body["filters"] | {"unit": None}, body["rows"])
        units = client.get("/api/v1/units", headers=headers).get_json()["units"]
        found[f"{organisation.name}/units"] = [(u["path"], u["archived"]) for u in units]
    # Across organisations too: the platform groups by deck through a CASE (an organisation's own
    # deck is never named), which PostgreSQL groups only when SELECT and GROUP BY are one expression.
    platform = platform_scope()
    for view in platform_views():
        for args in ({"start": "2024-01-01", "end": "2028-12-31", "period": "quarter"},):
            found[f"platform/{view.name}"] = [dict(row) for row in run(view.name, platform, parse(args)).rows]
    return found


def seeded_figures(url: str) -> dict[str, Any]:
    with migrated(url, bundled=True) as app:
        result = app.test_cli_runner().invoke(args=[*SEED, "--yes-this-is-a-benchmark-database"])
        assert result.exit_code == 0, result.output
        return figures(app)


def test_the_views_and_the_api_give_the_same_figures_on_postgres_as_on_sqlite(
    postgres_url: str, tmp_path: Any
) -> None:
    on_sqlite = seeded_figures(f"sqlite:///{tmp_path / 'uptake.sqlite3'}")
    on_postgres = seeded_figures(database_url(postgres_url))
    assert on_postgres.keys() == on_sqlite.keys()
    assert any(rows for label, rows in on_sqlite.items() if not label.startswith("api:") and rows)
    differ = [label for label, rows in on_sqlite.items() if on_postgres[label] != rows]
    assert differ == [], (differ, [(on_sqlite[label], on_postgres[label]) for label in differ[:2]])
