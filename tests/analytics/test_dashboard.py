"""The uptake dashboard (analytics/dashboard.py, platform.py): pages, charts, CSV, filters and roles."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from koerskaart import create_app
from koerskaart.analytics import views
from koerskaart.config import TestingConfig
from koerskaart.extensions import db
from koerskaart.models import OrgUnit, User
from tests.analytics import uptake_data as data
from tests.helpers.users import log_in, make_user

RANGE = "start=2025-01-01&end=2025-03-31"
ADMIN = "beheer@oost.example"


@pytest.fixture
def uptake(app: Flask) -> Iterator[Flask]:
    """An organisation with a unit tree and released facts in the first quarter of 2025."""
    admin = make_user(ADMIN, role="admin")
    organisation = admin.organisation_id
    top = data.unit(organisation, "Directie")
    formula = data.unit(organisation, "=cmd()")
    data.unit(organisation, "Afdeling", top)
    data.tables(organisation, date(2025, 1, 10), count=3, unit=top, players=[3, 4, 9], reached=2, actions=1)
    data.tables(organisation, date(2025, 2, 10), count=3, unit=formula, reached=3, from_request=3)
    data.requests(organisation, date(2025, 2, 1), count=3, unit=formula)
    data.events(organisation, date(2025, 3, 1), unit=top)
    yield app
    db.session.rollback()
    db.session.execute(update(OrgUnit).values(parent_id=None))
    db.session.commit()


def client_for(app: Flask, role: str, email: str | None = None) -> FlaskClient:
    email = email or f"{role}@oost.example"
    if role != "admin" or email != ADMIN:
        make_user(email, role=role)
    return log_in(app, email)


def unit_id(name: str) -> str:
    return str(db.session.query(OrgUnit.public_id).filter(OrgUnit.name == name).scalar())


def rows_of(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_every_view_has_a_page_and_a_csv_with_the_same_cells(uptake: Flask) -> None:
    client = client_for(uptake, "admin", ADMIN)
    index = client.get(f"/organisation/uptake?{RANGE}")
    assert index.status_code == 200
    assert index.headers["Cache-Control"] == "private, no-store"
    page = index.get_data(as_text=True)
    assert 'data-testid="uptake-figures"' in page
    for view in views.organisation_views():
        response = client.get(f"/organisation/uptake/{view.name}?{RANGE}&period=week")
        assert response.status_code == 200, view.name
        html = response.get_data(as_text=True)
        assert "<h1>" in html and html.count("<h1") == 1
        if view.chart is not None:
            assert 'role="img"' in html and "aria-label=" in html, view.name
        download = client.get(f"/organisation/uptake/{view.name}.csv?{RANGE}&period=week")
        assert download.status_code == 200
        assert download.mimetype == "text/csv"
        assert download.headers["Cache-Control"] == "private, no-store"
        assert download.headers["Content-Disposition"] == (
            f'attachment; filename="koerskaart-{view.name}-2025-01-01-2025-03-31-week.csv"'
        )
        table = rows_of(download.data)
        assert len(table) - 1 == html.count('data-testid="uptake-row"'), view.name  # the page's rows
        assert len(table[0]) == len(view.columns)


def test_small_cells_read_less_than_k_in_page_and_csv(uptake: Flask) -> None:
    client = client_for(uptake, "admin", ADMIN)
    page = client.get(f"/organisation/uptake/players-per-table?{RANGE}").get_data(as_text=True)
    assert "&lt; 3" in page
    assert 'data-testid="uptake-small-note"' in page
    table = rows_of(client.get(f"/organisation/uptake/players-per-table.csv?{RANGE}").data)
    by = {row[0]: row[1] for row in table[1:]}
    assert by["3"] == "< 3" and by["4"] == "4" and by["9+"] == "< 3" and by["5"] == "0"
    assert table[-1][1:] == ["6", "4,7"]  # all tables, the average with a decimal comma


def test_a_unit_named_like_a_formula_is_text_in_the_csv(uptake: Flask) -> None:
    client = client_for(uptake, "admin", ADMIN)
    table = rows_of(client.get(f"/organisation/uptake/units.csv?{RANGE}").data)
    assert table[1][:3] == ["'=cmd()", "3", "3"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in table for cell in row)


def test_filters_narrow_the_figures(uptake: Flask) -> None:
    client = client_for(uptake, "admin", ADMIN)
    table = rows_of(client.get(f"/organisation/uptake/decks.csv?{RANGE}&unit={unit_id('Directie')}").data)
    assert table[1][2] == "3"
    table = rows_of(client.get("/organisation/uptake/decks.csv?start=2025-02-01&end=2025-03-31").data)
    assert table[1][2] == "3"
    table = rows_of(client.get(f"/organisation/uptake/decks.csv?{RANGE}&deck=ander").data)
    assert table == [table[0]]
    table = rows_of(client.get(f"/organisation/uptake/tables-over-time.csv?{RANGE}&period=quarter").data)
    assert table[1:] == [["2025-Q1", "6", "28", "3"]]
    page = client.get(f"/organisation/uptake/units?{RANGE}&unit={unit_id('Directie')}").get_data(as_text=True)
    assert "Directie / Afdeling" in page and "=cmd()" not in page.split("<table", 1)[1]


@pytest.mark.parametrize(
    "query",
    [
        "start=gisteren",
        "start=2025-03-01&end=2025-01-01",
        "start=2010-01-01&end=2025-01-01",
        "period=year",
        "deck=Niet!Goed",
        "unit=onbekend",
        "start=" + "9" * 65,
    ],
)
def test_bad_filters_are_a_400_with_the_problem(uptake: Flask, query: str) -> None:
    client = client_for(uptake, "admin", ADMIN)
    for path in ("/organisation/uptake", "/organisation/uptake/decks", "/organisation/uptake/decks.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query)
        assert 'data-testid="uptake-problem"' in response.get_data(as_text=True)


def test_unknown_views_are_a_404(uptake: Flask) -> None:
    client = client_for(uptake, "admin", ADMIN)
    for path in ("nope", "nope.csv", "totals", "totals.csv"):
        assert client.get(f"/organisation/uptake/{path}").status_code == 404, path


def test_empty_state_explains_cohorts(app: Flask) -> None:
    make_user(ADMIN, role="admin")
    client = log_in(app, ADMIN)
    for path in ("/organisation/uptake", "/organisation/uptake/decks"):
        html = client.get(path).get_data(as_text=True)
        assert 'data-testid="uptake-empty"' in html
        assert "3 tafels" in html  # Dutch first: the groups of k explained


ROLES = [("admin", 200), ("analyst", 200), ("facilitator", 403), ("author", 403)]


@pytest.mark.parametrize(("role", "status"), ROLES)
def test_who_may_read_uptake(uptake: Flask, role: str, status: int) -> None:
    client = client_for(uptake, role, f"{role}.2@oost.example")
    for path in ("/organisation/uptake", "/organisation/uptake/decks", "/organisation/uptake/decks.csv"):
        response = client.get(f"{path}?{RANGE}")
        assert response.status_code == status, (role, path)
    assert client.get("/platform/uptake").status_code == 403
    account = client.get("/account/tables", follow_redirects=True).get_data(as_text=True)
    assert ('data-testid="nav-uptake"' in account) == (status == 200)


def test_anonymous_visitors_are_sent_to_log_in(uptake: Flask) -> None:
    client = uptake.test_client()
    for path in ("/organisation/uptake", "/organisation/uptake/decks.csv", "/platform/uptake"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_analyst_lands_on_uptake_after_logging_in(uptake: Flask) -> None:
    make_user("analist@oost.example", role="analyst")
    response = uptake.test_client().post(
        "/login", data={"email": "analist@oost.example", "password": "correct horse battery staple"}
    )
    assert response.headers["Location"].endswith("/organisation/uptake")


def test_the_platform_page_shows_totals_and_never_a_unit(uptake: Flask) -> None:
    make_user("platform@beheer.example", "Platformbeheer", role="facilitator")
    platform = User.email == "platform@beheer.example"
    db.session.execute(update(User).where(platform).values(platform_admin=True))
    db.session.commit()
    client = log_in(uptake, "platform@beheer.example")
    index = client.get(f"/platform/uptake?{RANGE}")
    assert index.status_code == 200
    html = index.get_data(as_text=True)
    assert 'id="filter-unit"' not in html
    for view in views.platform_views():
        for suffix in ("", ".csv"):
            response = client.get(f"/platform/uptake/{view.name}{suffix}?{RANGE}")
            assert response.status_code == 200, view.name
            body = response.get_data(as_text=True)
            assert "Directie" not in body and "cmd()" not in body and "Gemeente Oost" not in body
    assert client.get("/platform/uptake/units").status_code == 404
    assert client.get(f"/platform/uptake/decks?{RANGE}&unit={unit_id('Directie')}").status_code == 400
    assert client.get("/organisation/uptake").status_code == 403  # a facilitator in their own organisation
    totals = rows_of(client.get(f"/platform/uptake/totals.csv?{RANGE}").data)
    assert totals[1] == ["1", "6", "28", "3"]


def test_dutch_first_and_english_complete() -> None:
    # A fresh app and no pushed app context: Flask-Babel caches the locale per app context.
    app = create_app(TestingConfig)
    with app.app_context():
        db.create_all()
        make_user(ADMIN, role="admin")
    client = log_in(app, ADMIN)
    dutch = client.get(f"/organisation/uptake/completion?{RANGE}").get_data(as_text=True)
    client.get("/lang/en?next=/")
    english = client.get(f"/organisation/uptake/completion?{RANGE}").get_data(as_text=True)
    assert "Downloaden als CSV" in dutch and "Download as CSV" not in dutch
    assert "Download as CSV" in english and "Downloaden als CSV" not in english
    assert "Nothing released in this period yet" in english


def test_the_filters_offer_this_quarter_the_last_and_a_year_with_the_other_filters_kept() -> None:
    from datetime import date

    from koerskaart.analytics import filters

    assert filters.ranges(date(2026, 12, 1)) == [
        ("this-quarter", date(2026, 10, 1), date(2026, 12, 1)),
        ("last-quarter", date(2026, 7, 1), date(2026, 9, 30)),
        ("year", date(2025, 12, 2), date(2026, 12, 1)),
    ]


def test_a_range_link_keeps_the_deck_and_unit_chosen(uptake: Flask) -> None:
    client = client_for(uptake, "admin", ADMIN)
    page = client.get("/organisation/uptake/decks?deck=proefdeck&period=week").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" data-testid="range-this-quarter"', page)
    assert link
    target = link.group(1).replace("&amp;", "&")
    assert (
        target.startswith("/organisation/uptake/decks?")
        and "deck=proefdeck" in target
        and "period=week" in target
    )
    assert client.get(target).status_code == 200


def test_an_analyst_is_offered_the_figures_not_tables_or_events(uptake: Flask) -> None:
    client = client_for(uptake, "analyst")
    page = client.get("/organisation/uptake").get_data(as_text=True)
    assert 'data-testid="nav-uptake"' in page and 'data-testid="nav-tokens"' in page
    assert 'data-testid="nav-events"' not in page and 'data-testid="nav-requests"' not in page
    assert 'href="/account/tables"' not in page.split('aria-label="Je account"')[1].split("</nav>")[0]
