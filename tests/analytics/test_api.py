"""The JSON API (/api/v1) and its OpenAPI 3.1 document: Bearer tokens only, one organisation,
JSON for every answer, "< k" for small cells, every view's every answer valid against its schema."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import refresh
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from koerskaart import create_app
from koerskaart.analytics import openapi, token_services
from koerskaart.analytics.filters import Filters
from koerskaart.analytics.views import organisation_views
from koerskaart.auth import services as accounts
from koerskaart.clock import utcnow
from koerskaart.config import TestingConfig
from koerskaart.extensions import db
from koerskaart.models import ApiToken, DeckRequest, EventFact, OrgUnit, UsageCard, UsageFact
from tests.helpers.schema_subset import check_openapi_31, validate
from tests.helpers.users import log_in, make_user

YEAR = "start=2025-01-01&end=2025-12-31"
RELEASED = (date(2025, 2, 10), date(2025, 5, 20), date(2025, 11, 3))

VIEWS = {view.name: view for view in organisation_views()}  # what an organisation's API offers


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def unit(organisation_id: int, name: str, parent: OrgUnit | None = None, archived: bool = False) -> OrgUnit:
    row = OrgUnit(
        public_id=secrets.token_urlsafe(8),
        organisation_id=organisation_id,
        name=name,
        parent_id=parent.id if parent else None,
        archived=archived,
    )
    db.session.add(row)
    db.session.flush()
    return row


def released_facts(
    organisation_id: int, unit_id: int | None, deck: str, day: date, tables: int, players: int = 4
) -> None:
    """``tables`` released facts of one cohort (as live/usage.py leaves them), with their cards."""
    for n in range(tables):
        fact = UsageFact(
            organisation_id=organisation_id,
            unit_id=unit_id,
            deck_slug=deck,
            deck_version=1,
            route="kort" if n % 2 else None,
            at_event=n % 3 == 0,
            from_request=n % 4 == 0,
            players=players,
            cards_revealed=5,
            reached_action=n % 2 == 0,
            actions_agreed=n % 3,
            cohort=1,
            cohort_on=day,
        )
        db.session.add(fact)
        db.session.flush()
        for card in ("c1", "c2", "c3")[: 1 + n % 3]:
            db.session.add(
                UsageCard(
                    fact_id=fact.id,
                    organisation_id=organisation_id,
                    unit_id=unit_id,
                    deck_slug=deck,
                    card_id=card,
                    cohort_on=day,
                )
            )
    db.session.add(
        EventFact(
            organisation_id=organisation_id,
            unit_id=unit_id,
            deck_slug=deck,
            tables=tables,
            cohort=1,
            cohort_on=day,
        )
    )
    for _ in range(3):
        db.session.add(
            DeckRequest(
                public_id=secrets.token_urlsafe(8),
                organisation_id=organisation_id,
                unit_id=unit_id,
                deck_slug=deck,
                route=None,
                expected_on=day,
                expected_size=6,
                token_hash=secrets.token_hex(32),
                cohort=1,
                cohort_on=day,
            )
        )


class World:
    """Two organisations with units and released facts, and an admin's token in each."""

    def __init__(self) -> None:
        self.admin = make_user("beheer@oost.example", role="admin")
        self.analyst = make_user("analist@oost.example", role="analyst")
        self.other_admin = make_user("beheer@west.example", organisation="Gemeente West", role="admin")
        org = self.admin.organisation_id
        self.directorate = unit(org, "Directie Sociaal")
        self.department = unit(org, "Afdeling Jeugd", self.directorate)
        self.archived = unit(org, "Oud team", archived=True)
        self.west_unit = unit(self.other_admin.organisation_id, "West Team")
        for day in RELEASED:
            released_facts(org, self.department.id, "proefdeck", day, tables=3)
            released_facts(org, self.directorate.id, "proefdeck", day, tables=4, players=5)
            released_facts(org, None, "ander-deck", day, tables=5, players=3)
        released_facts(org, self.archived.id, "klein", RELEASED[0], tables=2, players=2)  # a small cell
        released_facts(
            self.other_admin.organisation_id, self.west_unit.id, "west-deck", RELEASED[0], tables=9
        )
        db.session.commit()
        self.token = token_services.issue(self.admin, "Rapport", 90).token
        self.analyst_token = token_services.issue(self.analyst, "Analyse", 30).token
        self.other_token = token_services.issue(self.other_admin, "West", 30).token


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    yield World()
    # SQLite's DROP TABLE deletes row by row, and a unit's parent is RESTRICT: children first.
    db.session.rollback()
    db.session.execute(update(OrgUnit).values(parent_id=None))
    db.session.commit()


@pytest.fixture
def api(app: Flask) -> FlaskClient:
    return app.test_client()


def get(api: FlaskClient, path: str, token: str) -> Any:
    response = api.get(path, headers=bearer(token))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


def assert_json_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert set(body) == {"error", "message"} and body["message"]
    return dict(body)


# -- authorisation ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/views", "/api/v1/views/decks", "/api/v1/units"])
@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer kk_notatoken",
        "Bearer " + "k" * 5000,
        "Bearer kk_" + "x" * 300,
        "Token kk_abc",
    ],
)
def test_without_a_live_token_every_call_is_a_json_401_with_a_bearer_challenge(
    world: World, api: FlaskClient, path: str, header: str | None
) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = api.get(path, headers=headers)
    assert_json_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_is_told_invalid_token(world: World, api: FlaskClient) -> None:
    forged = world.token[:-4] + "AAAA"
    response = api.get("/api/v1/views", headers=bearer(forged))
    assert_json_error(response, 401)
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_an_expired_token_is_refused(world: World, api: FlaskClient) -> None:
    get(api, "/api/v1/views", world.token)
    row = db.session.scalars(select(ApiToken).where(ApiToken.name == "Rapport")).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert_json_error(api.get("/api/v1/views", headers=bearer(world.token)), 401)


def test_a_revoked_token_is_refused(app: Flask, world: World, api: FlaskClient) -> None:
    row = db.session.scalars(select(ApiToken).where(ApiToken.name == "Rapport")).one()
    assert (
        log_in(app, world.admin.email).post(f"/organisation/tokens/{row.public_id}/revoke").status_code == 302
    )
    assert_json_error(api.get("/api/v1/views", headers=bearer(world.token)), 401)


def test_a_token_stops_when_its_maker_is_disabled_or_no_longer_reads_uptake(
    world: World, api: FlaskClient
) -> None:
    get(api, "/api/v1/views", world.analyst_token)
    accounts.disable(world.analyst, by=world.admin)  # what the team page's Disable button calls
    assert_json_error(api.get("/api/v1/views", headers=bearer(world.analyst_token)), 401)
    accounts.enable(world.analyst)
    get(api, "/api/v1/views", world.analyst_token)
    world.analyst.role = "facilitator"
    db.session.commit()
    assert_json_error(api.get("/api/v1/views", headers=bearer(world.analyst_token)), 401)


def test_a_logged_in_session_alone_does_not_open_the_api(app: Flask, world: World) -> None:
    browser = log_in(app, world.admin.email)
    for path in ("/api/v1/views", "/api/v1/views/decks", "/api/v1/units"):
        assert_json_error(browser.get(path), 401)
    # With a token the same browser is answered, and the API sets no cookie of its own.
    response = browser.get("/api/v1/views", headers=bearer(world.token))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_the_api_sets_no_cookie(world: World, api: FlaskClient) -> None:
    for path in ("/api/v1/views", "/api/v1/units", "/api/v1/views/decks", "/api/v1/openapi.json"):
        assert "Set-Cookie" not in api.get(path, headers=bearer(world.token)).headers
    assert "Set-Cookie" not in api.get("/api/v1/views").headers


def test_last_used_is_a_day_noted_at_most_once_a_day(world: World, api: FlaskClient) -> None:
    row = db.session.scalars(select(ApiToken).where(ApiToken.name == "Rapport")).one()
    assert row.last_used_on is None
    get(api, "/api/v1/views", world.token)
    db.session.expire_all()
    assert row.last_used_on == utcnow().date()
    row.last_used_on = utcnow().date() - timedelta(days=3)
    db.session.commit()
    get(api, "/api/v1/units", world.token)
    db.session.expire_all()
    assert row.last_used_on == utcnow().date()
    statements: list[str] = []
    from sqlalchemy import event

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        get(api, "/api/v1/units", world.token)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE")]


# -- scope ------------------------------------------------------------------------------------


def test_a_token_reads_its_own_organisation_only(world: World, api: FlaskClient) -> None:
    east = get(api, f"/api/v1/views/decks?{YEAR}", world.token)
    west = get(api, f"/api/v1/views/decks?{YEAR}", world.other_token)
    assert {row["deck"] for row in east["rows"]} == {"proefdeck", "ander-deck", "klein"}
    assert [row["deck"] for row in west["rows"]] == ["west-deck"]
    units = get(api, "/api/v1/units", world.token)["units"]
    assert {u["name"] for u in units} == {"Directie Sociaal", "Afdeling Jeugd", "Oud team"}
    department = next(u for u in units if u["name"] == "Afdeling Jeugd")
    assert department == {
        "public_id": world.department.public_id,
        "name": "Afdeling Jeugd",
        "path": "Directie Sociaal / Afdeling Jeugd",
        "parent": world.directorate.public_id,
        "archived": False,
    }
    assert next(u for u in units if u["name"] == "Oud team")["archived"] is True


def test_another_organisations_unit_is_a_404(world: World, api: FlaskClient) -> None:
    for name in VIEWS:
        response = api.get(
            f"/api/v1/views/{name}?unit={world.west_unit.public_id}", headers=bearer(world.token)
        )
        assert assert_json_error(response, 404)["error"] == "unknown_unit"
        response = api.get(f"/api/v1/views/{name}?unit=nosuchunit", headers=bearer(world.token))
        assert_json_error(response, 404)


def test_a_unit_filter_takes_the_unit_and_the_units_under_it(world: World, api: FlaskClient) -> None:
    path = f"/api/v1/views/decks?{YEAR}&unit={world.directorate.public_id}"
    body = get(api, path, world.token)
    assert body["filters"]["unit"] == world.directorate.public_id
    assert body["rows"] == [
        {"deck": "proefdeck", "title": "Proefdeck", "tables": 21, "players": 3 * (3 * 4 + 4 * 5)}
    ]


def test_an_unknown_view_is_a_404(world: World, api: FlaskClient) -> None:
    for name in ("nope", "x" * 61, "DECKS", "decks.csv", "%00"):
        assert_json_error(api.get(f"/api/v1/views/{name}", headers=bearer(world.token)), 404)


# -- answers ----------------------------------------------------------------------------------


def test_a_small_cell_is_the_string_less_than_k(world: World, api: FlaskClient) -> None:
    body = get(api, f"/api/v1/views/decks?{YEAR}", world.token)
    assert body["k"] == 3
    small = next(row for row in body["rows"] if row["deck"] == "klein")
    assert small["tables"] == "< 3"  # two tables: exactly str(cells.Small(3))
    assert small["players"] == "< 3"  # hidden with the tables it would tell about
    big = next(row for row in body["rows"] if row["deck"] == "ander-deck")
    # The other deck's tables too: else the total over time minus 15 would give the small one.
    assert big == {"deck": "ander-deck", "title": "ander-deck", "tables": "< 3", "players": "< 3"}


def test_a_view_answers_with_its_columns_and_the_filters_applied(world: World, api: FlaskClient) -> None:
    body = get(api, f"/api/v1/views/tables-over-time?{YEAR}&period=quarter&deck=proefdeck", world.token)
    assert body["view"] == "tables-over-time"
    assert body["filters"] == {
        "start": "2025-01-01",
        "end": "2025-12-31",
        "period": "quarter",
        "deck": "proefdeck",
        "unit": None,
    }
    assert [c["key"] for c in body["columns"]] == [c.key for c in VIEWS["tables-over-time"].columns]
    assert [row["period"] for row in body["rows"]] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert [row["tables"] for row in body["rows"]] == [7, 7, 0, 7]


def test_without_dates_a_view_answers_the_last_whole_quarter(world: World, api: FlaskClient) -> None:
    body = get(api, "/api/v1/views/decks", world.token)
    start, end = date.fromisoformat(body["filters"]["start"]), date.fromisoformat(body["filters"]["end"])
    assert start.day == 1 and start.month in (1, 4, 7, 10) and (end - start).days in range(88, 92)
    assert end < utcnow().date()


def test_the_views_list_is_the_registry(world: World, api: FlaskClient) -> None:
    body = get(api, "/api/v1/views", world.token)
    assert [v["name"] for v in body["views"]] == list(VIEWS)
    for listed in body["views"]:
        view = VIEWS[listed["name"]]
        assert listed["title"] == str(view.title)
        assert listed["columns"] == [
            {"key": c.key, "label": str(c.label), "kind": c.kind.value} for c in view.columns
        ]
        assert get(api, listed["url"], world.token)["view"] == view.name


def test_labels_follow_the_accept_language(world: World, api: FlaskClient) -> None:
    headers = bearer(world.token)
    english = api.get("/api/v1/views", headers={**headers, "Accept-Language": "en"}).get_json()
    refresh()  # the tests' requests share one app context, where Flask-Babel keeps the locale
    dutch = api.get("/api/v1/views", headers={**headers, "Accept-Language": "nl"}).get_json()
    assert english["views"][0]["columns"][1]["label"] == "Tables"
    assert dutch["views"][0]["columns"][1]["label"] == "Tafels"


# -- hostile requests -------------------------------------------------------------------------


HOSTILE = [
    "start=" + "9" * 100_000,
    "start=2025-01-01&start=2025-02-01",
    "period=month&period=week",
    "deck=a&deck=b",
    "start=2025-01-01%00",
    "deck=proef%00deck",
    "unit=%00",
    "start=yesterday",
    "start=2025-02-30",
    "start=2025-13-01",
    "end=0000-00-00",
    "start=2025-12-31&end=2025-01-01",
    "start=1900-01-01&end=2025-01-01",
    "period=year",
    "period=WEEK",
    "period[]=week",
    "unit=../..",
    "unit=..%2F..",
    "unit=" + "a" * 33,
    "deck=../../etc/passwd",
    "deck=<script>",
    "deck=" + "a" * 61,
    "sort=tables",
    "&&&=&=",
    "%ZZ=1",
    "start=2025-01-01&" + "&".join(f"p{n}=1" for n in range(500)),
    "start=%F0%9F%92%A5",
    "end=2025-01-01T00:00:00",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_a_hostile_query_string_is_a_json_400_never_a_500(world: World, api: FlaskClient, query: str) -> None:
    for name in VIEWS:
        response = api.get(f"/api/v1/views/{name}?{query}", headers=bearer(world.token))
        assert_json_error(response, 400)


def test_any_query_string_is_answered_in_json_and_never_with_a_500(world: World, api: FlaskClient) -> None:
    names = st.sampled_from(["start", "end", "period", "deck", "unit", "x", ""])
    values = st.text(max_size=80) | st.dates().map(str) | st.sampled_from(["week", "month", "quarter"])

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.tuples(names, values), max_size=6), st.sampled_from(sorted(VIEWS)))
    def answers(pairs: list[tuple[str, str]], view: str) -> None:
        response = api.get(f"/api/v1/views/{view}", query_string=pairs, headers=bearer(world.token))
        assert response.status_code in (200, 400, 404), response.get_data(as_text=True)[:300]
        assert response.mimetype == "application/json"

    answers()


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "PROPFIND", "TRACE"])
@pytest.mark.parametrize(
    "path", ["/api/v1/views", "/api/v1/views/decks", "/api/v1/units", "/api/v1/openapi.json"]
)
def test_the_api_only_reads(world: World, api: FlaskClient, method: str, path: str) -> None:
    response = api.open(path, method=method, headers=bearer(world.token), data={"a": "b"})
    assert_json_error(response, 405)
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize(
    "path", ["/api", "/api/", "/api/v1", "/api/v2/views", "/api/v1/views/", "/api/v1/x/y/z"]
)
def test_an_unknown_path_under_api_is_a_json_404(world: World, api: FlaskClient, path: str) -> None:
    assert_json_error(api.get(path, headers=bearer(world.token)), 404)
    assert_json_error(api.get(path), 404)


def test_a_failure_inside_a_view_is_logged_and_a_json_500(
    app: Flask, world: World, api: FlaskClient, monkeypatch: Any, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr("koerskaart.analytics.api.run", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production
    body = assert_json_error(api.get("/api/v1/views/decks", headers=bearer(world.token)), 500)
    assert "a bug" not in body["message"]
    assert "RuntimeError" in caplog.text


class Limited(TestingConfig):
    RATELIMIT_ENABLED = True
    API_RATE_LIMIT = "3 per minute"
    API_ADDRESS_RATE_LIMIT = "12 per minute"


@pytest.fixture
def limited_app() -> Iterator[Flask]:
    app = create_app(Limited)
    with app.app_context():
        db.create_all()
        try:
            yield app
        finally:
            db.session.remove()
            db.drop_all()


def test_calls_are_limited_per_token_and_per_address_with_a_json_429(limited_app: Flask) -> None:
    admin = make_user("beheer@oost.example", role="admin")
    first = token_services.issue(admin, "Een", 30).token
    second = token_services.issue(admin, "Twee", 30).token
    api = limited_app.test_client()
    for _ in range(3):
        assert api.get("/api/v1/units", headers=bearer(first)).status_code == 200
    response = api.get("/api/v1/views", headers=bearer(first))  # one count across the API's routes
    assert assert_json_error(response, 429)["error"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0
    # Another token is counted on its own ...
    assert api.get("/api/v1/units", headers=bearer(second)).status_code == 200
    # ... and guessing with ever new tokens meets the address's limit.
    statuses = [api.get("/api/v1/units", headers=bearer(f"kk_guess{n}")).status_code for n in range(13)]
    assert statuses[0] == 401 and statuses[-1] == 429
    assert set(statuses) == {401, 429}
    # A live token from the same address is counted against itself only: the guessing
    # flood that exhausted the address does not starve it.
    third = token_services.issue(admin, "Drie", 30).token
    assert api.get("/api/v1/units", headers=bearer(third)).status_code == 200


# -- the OpenAPI document ---------------------------------------------------------------------


@pytest.fixture
def document(world: World, api: FlaskClient) -> dict[str, Any]:
    response = api.get("/api/v1/openapi.json")  # public: it holds no organisation's data
    assert response.status_code == 200 and response.mimetype == "application/json"
    return dict(response.get_json())


def test_the_document_is_openapi_31_with_a_path_per_view(document: dict[str, Any]) -> None:
    check_openapi_31(document)
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["bearer"] == {
        **document["components"]["securitySchemes"]["bearer"],
        "type": "http",
        "scheme": "bearer",
    }
    assert document["security"] == [{"bearer": []}]
    for name, view in VIEWS.items():
        operation = document["paths"][f"/api/v1/views/{name}"]["get"]
        row = document["components"]["schemas"][f"{openapi.pascal(name)}Row"]
        assert list(row["properties"]) == [c.key for c in view.columns]
        assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{openapi.pascal(name)}Result"
        }
        assert {"400", "401", "404", "429"} <= set(operation["responses"])
    assert document["components"]["schemas"]["Count"]["oneOf"][0] == {"type": "integer", "minimum": 0}
    assert document["components"]["schemas"]["Small"]["pattern"] == openapi.SMALL_PATTERN


def test_the_parameters_are_the_filters_models(document: dict[str, Any]) -> None:
    model = Filters.model_json_schema()["properties"]
    parameters = document["components"]["parameters"]
    assert parameters["Period"]["schema"]["enum"] == model["period"]["enum"]
    assert parameters["Deck"]["schema"]["pattern"] == model["deck"]["anyOf"][0]["pattern"]
    assert parameters["Unit"]["schema"]["maxLength"] == model["unit"]["anyOf"][0]["maxLength"]
    assert parameters["Start"]["schema"] == {"type": "string", "format": "date"}
    assert all(p["in"] == "query" and not p["required"] for p in parameters.values())


def response_schema(document: dict[str, Any], path: str, status: str = "200") -> dict[str, Any]:
    response = document["paths"][path]["get"]["responses"][status]
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return dict(response["content"]["application/json"]["schema"])


def test_every_answer_of_every_view_is_valid_against_its_schema(
    world: World, api: FlaskClient, document: dict[str, Any]
) -> None:
    queries = [
        "",
        YEAR,
        f"{YEAR}&period=week",
        f"{YEAR}&period=quarter",
        f"{YEAR}&deck=klein",
        "start=2025-02-10&end=2025-02-10&period=week",
        "start=2020-01-01&end=2020-12-31",  # nothing released then: empty rows or zeros
    ]
    own_units = [
        f"{YEAR}&deck=proefdeck&unit={world.department.public_id}",
        f"{YEAR}&unit={world.directorate.public_id}",
        f"{YEAR}&unit={world.archived.public_id}",
    ]
    calls = [(q, world.token) for q in queries + own_units] + [(q, world.other_token) for q in queries]
    seen_small = False
    for name in VIEWS:
        schema = response_schema(document, f"/api/v1/views/{name}")
        for query, token in calls:
            body = get(api, f"/api/v1/views/{name}?{query}", token)
            validate(body, schema, document)
            seen_small |= '"< 3"' in str(body).replace("'", '"')
        for status in ("400", "404"):
            error_schema = response_schema(document, f"/api/v1/views/{name}", status)
            bad = "period=year" if status == "400" else "unit=nosuchunit"
            validate(
                api.get(f"/api/v1/views/{name}?{bad}", headers=bearer(world.token)).get_json(),
                error_schema,
                document,
            )
    assert seen_small
    validate(get(api, "/api/v1/views", world.token), response_schema(document, "/api/v1/views"), document)
    validate(get(api, "/api/v1/units", world.token), response_schema(document, "/api/v1/units"), document)
    unauthorised = api.get("/api/v1/units").get_json()
    validate(unauthorised, response_schema(document, "/api/v1/units", "401"), document)


def test_the_document_follows_the_registry(world: World, api: FlaskClient, monkeypatch: Any) -> None:
    from koerskaart.analytics import views
    from koerskaart.analytics.cells import Kind

    extra = views.View(
        name="extra-view",
        title="Extra",
        description="A view another part adds.",
        columns=(
            views.Column("label", "Label", Kind.LABEL),
            views.Column("tables", "Tables", Kind.TABLES),
            views.Column("share", "Share", Kind.NUMBER, base="tables"),
        ),
        compute=lambda scope, filters: [
            {"label": "a", "tables": 1, "share": 0.5},
            {"label": "b", "tables": 7, "share": 0.25},
            {"label": None, "tables": 0, "share": None},
        ],
    )
    monkeypatch.setitem(views.VIEWS, "extra-view", extra)
    document = api.get("/api/v1/openapi.json").get_json()
    check_openapi_31(document)
    assert "/api/v1/views/extra-view" in document["paths"]
    body = get(api, "/api/v1/views/extra-view", world.token)
    assert body["rows"] == [
        {"label": "a", "tables": "< 3", "share": "< 3"},
        {"label": "b", "tables": 7, "share": 0.25},
        {"label": None, "tables": 0, "share": None},
    ]
    validate(body, response_schema(document, "/api/v1/views/extra-view"), document)
    assert "extra-view" in [v["name"] for v in get(api, "/api/v1/views", world.token)["views"]]


def test_the_schema_check_is_no_rubber_stamp(document: dict[str, Any]) -> None:
    schema = response_schema(document, "/api/v1/views/decks")
    good = {
        "view": "decks",
        "title": "t",
        "description": "d",
        "k": 3,
        "filters": {
            "start": "2025-01-01",
            "end": "2025-01-31",
            "period": "month",
            "deck": None,
            "unit": None,
        },
        "columns": [],
        "rows": [{"deck": "x", "title": "X", "tables": "< 3", "players": 9}],
    }
    validate(good, schema, document)
    for bad_row in (
        {"deck": "x", "title": "X", "tables": "2", "players": 9},
        {"deck": "x", "title": "X", "tables": "< k", "players": 9},
        {"deck": "x", "title": "X", "tables": -1, "players": 9},
        {"deck": "x", "title": "X", "tables": 1.5, "players": 9},
        {"deck": "x", "title": "X", "tables": 3},
        {"deck": "x", "title": "X", "tables": 3, "players": 9, "nickname": "Piet"},
    ):
        with pytest.raises(AssertionError):
            validate({**good, "rows": [bad_row]}, schema, document)


# -- the page for people ----------------------------------------------------------------------


def test_the_api_page_explains_calls_with_curl_in_dutch_and_english(app: Flask, world: World) -> None:
    client = log_in(app, world.analyst.email)
    dutch = client.get("/organisation/api", headers={"Accept-Language": "nl"})
    assert dutch.status_code == 200
    html = dutch.get_data(as_text=True)
    assert html.count("<h1") == 1
    assert "curl -H &#34;Authorization: Bearer $KOERSKAART_TOKEN&#34;" in html or "curl -H" in html
    assert "/api/v1/openapi.json" in html
    for name in VIEWS:
        assert f"/api/v1/views/{name}" in html
    assert "De API voor gebruikscijfers" in html
    assert "120 aanroepen per minuut" in html
    refresh()
    english = client.get("/organisation/api", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "The uptake API" in english and "120 calls per minute" in english
    assert "style=" not in html and "<script>" not in html
