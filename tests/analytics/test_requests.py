"""Deck requests (issue 14): the admin's request page, the public form, the ready link that starts a
table for the request's unit, the released facts of such tables, limits, hostile input, contact purge."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from koerskaart.analytics import unit_services
from koerskaart.config import TestingConfig
from koerskaart.engine import actions as act
from koerskaart.extensions import db
from koerskaart.live import service, usage
from koerskaart.models import DeckRequest, Organisation, OrgUnit, Table, UsageFact, User
from tests.helpers.apps import fresh_app
from tests.helpers.org_units import detached_units  # noqa: F401  # an autouse fixture
from tests.helpers.proefdeck import CHOICE, STATEMENT
from tests.helpers.users import log_in, make_user

ADMIN = "beheer@oost.example"
QUIET = {STATEMENT: 4, CHOICE: 1}


def organisation() -> Organisation:
    user = db.session.scalar(select(User).where(User.email == ADMIN))
    assert user is not None
    return user.organisation


def page_key(admin: FlaskClient) -> str:
    """Make the request page (if there is none) and read its address off the admin's page."""
    html = admin.get("/organisation/requests").get_data(as_text=True)
    if 'data-testid="create-request-page"' in html:
        assert admin.post("/organisation/requests/key").status_code == 302
        html = admin.get("/organisation/requests").get_data(as_text=True)
    found = re.search(r'value="http://[^"]*/request/([^"]+)" data-testid="request-page-link"', html)
    assert found, html[:2000]
    return found.group(1)


def unit(name: str = "Jeugd", parent: OrgUnit | None = None) -> OrgUnit:
    return unit_services.add(organisation().id, name, parent)


def fields(unit_row: OrgUnit | None = None, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "deck": "proefdeck",
        "expected_on": (date.today() + timedelta(days=7)).isoformat(),
        "expected_size": 8,
    }
    if unit_row is not None:
        data["unit"] = unit_row.public_id
    data.update(extra)
    return data


def ready_link(html: str) -> str:
    found = re.search(r'value="http://[^"]*(/request/ready/[^"]+)" data-testid="ready-link"', html)
    assert found, html[:3000]
    return found.group(1)


def request_deck(client: FlaskClient, key: str, data: dict[str, object]) -> str:
    response = client.post(f"/request/{key}", data=data)
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    return ready_link(response.get_data(as_text=True))


def start_from(client: FlaskClient, link: str, nickname: str = "Gastheer") -> tuple[str, str]:
    """Start a table with a ready link; (table public id, host seat id)."""
    response = client.post(link, data={"nickname": nickname})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    table_id = response.headers["Location"].rsplit("/", 1)[-1]
    cookie = client.get_cookie(service.seat_cookie_name(table_id))
    assert cookie is not None
    seat = service.find_seat(table_id, cookie.value)
    assert seat is not None and seat.is_host
    return table_id, seat.public_id


def play_to_the_end(table_id: str, host: str, players: int = 3) -> None:
    table = service.get_table(table_id)
    assert table is not None and table.join_code
    seats = [host] + [service.join_table(table.join_code, f"P{n}")[1] for n in range(1, players)]
    service.perform(table_id, act.Start(by=host))
    for index in (STATEMENT, CHOICE):
        for seat in seats:
            service.perform(table_id, act.Submit(seat, index, QUIET[index]))
        service.perform(table_id, act.Next(by=host))
    service.perform(table_id, act.End(by=host))


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    make_user(ADMIN, role="admin")
    return log_in(app, ADMIN)


def test_the_admin_makes_and_renews_the_request_page(app: Flask, admin: FlaskClient) -> None:
    html = admin.get("/organisation/requests").get_data(as_text=True)
    assert 'data-testid="no-request-page"' in html
    key = page_key(admin)
    assert len(key) == 32
    html = admin.get("/organisation/requests").get_data(as_text=True)
    assert "<svg" in html and 'data-testid="copy-request-page-link"' in html
    assert app.test_client().get(f"/request/{key}").status_code == 200
    assert admin.post("/organisation/requests/key").status_code == 302
    renewed = page_key(admin)
    assert renewed != key
    assert app.test_client().get(f"/request/{key}").status_code == 404
    assert app.test_client().post(f"/request/{key}", data=fields()).status_code == 404
    assert app.test_client().get(f"/request/{renewed}").status_code == 200
    for unknown in ("nope", "x" * 33, "x" * 5000, "%00", key[:-1] + "%00", "ééé"):
        assert app.test_client().get(f"/request/{unknown}").status_code == 404


def test_only_an_admin_keeps_the_request_page(app: Flask, admin: FlaskClient) -> None:
    for role in ("analyst", "facilitator", "author"):
        make_user(f"{role}@oost.example", role=role)
        client = log_in(app, f"{role}@oost.example")
        assert client.get("/organisation/requests").status_code == 403
        assert client.post("/organisation/requests/key").status_code == 403
    anonymous = app.test_client().get("/organisation/requests")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert organisation().request_key is None


def test_a_request_gives_a_ready_link_that_starts_tables_for_its_unit(app: Flask, admin: FlaskClient) -> None:
    jeugd = unit()
    key = page_key(admin)
    lead = app.test_client()
    form = lead.get(f"/request/{key}").get_data(as_text=True)
    assert "Jeugd" in form and 'data-testid="request-deck-proefdeck"' in form
    response = lead.post(f"/request/{key}", data=fields(jeugd, contact_email="teamleider@oost.example"))
    assert response.status_code == 200
    made = response.get_data(as_text=True)
    link = ready_link(made)
    assert 'data-testid="contact-note"' in made and "<svg" in made
    assert "/decks/proefdeck" in made and "/decks/proefdeck/print-" in made  # the guide and the print PDF
    assert "teamleider@oost.example" not in made
    stored = db.session.scalar(select(DeckRequest))
    assert (
        stored is not None
        and stored.unit_id == jeugd.id
        and stored.contact_email == "teamleider@oost.example"
    )
    assert link.rsplit("/", 1)[-1] not in str(stored.token_hash)  # only the hash is kept
    assert stored.cohort is None  # counted once k of its unit and deck have come in

    ready = lead.get(link)
    assert ready.status_code == 200
    html = ready.get_data(as_text=True)
    assert "Jeugd" in html and 'data-testid="ready-start"' in html and "teamleider" not in html
    assert db.session.scalar(select(Table)) is None  # a GET (a link scanner) starts nothing

    table_id, host = start_from(lead, link)
    table = service.get_table(table_id)
    assert table is not None
    assert (table.request_id, table.unit_id, table.owner_id) == (stored.id, jeugd.id, None)
    assert table.organisation_id == organisation().id
    assert lead.get(f"/t/{table_id}").status_code == 200  # seated as its host
    assert "screen" in lead.get(f"/t/{table_id}").get_data(as_text=True)  # and offered its screen

    # The same link starts a second table (a team may play twice); three played tables release.
    second, host2 = start_from(app.test_client(), link)
    third, host3 = start_from(app.test_client(), link)
    for public_id, seat in ((table_id, host), (second, host2)):
        play_to_the_end(public_id, seat)
    db.session.expire_all()
    assert [f.cohort for f in db.session.scalars(select(UsageFact))] == [None, None]
    play_to_the_end(third, host3)
    db.session.expire_all()
    found = list(db.session.scalars(select(UsageFact)))
    assert len(found) == 3
    assert all(f.from_request and f.unit_id == jeugd.id and f.cohort == 1 for f in found)


def test_requests_count_for_the_admin_in_cohorts_without_contact_addresses(
    app: Flask, admin: FlaskClient
) -> None:
    jeugd = unit()
    key = page_key(admin)
    for n in range(2):
        request_deck(app.test_client(), key, fields(jeugd, contact_email=f"lead{n}@oost.example"))
    html = admin.get("/organisation/requests").get_data(as_text=True)
    assert 'data-testid="request-counts-empty"' in html
    request_deck(app.test_client(), key, fields(jeugd, contact_email="lead2@oost.example"))
    html = admin.get("/organisation/requests").get_data(as_text=True)
    assert 'data-testid="request-counts"' in html and "Jeugd" in html
    assert "3 aanvragen" in html or "3 requests" in html
    assert "@oost.example" not in html.replace(ADMIN, "")


def test_the_ready_page_shows_no_other_table(app: Flask, admin: FlaskClient) -> None:
    key = page_key(admin)
    link = request_deck(app.test_client(), key, fields())
    table_id, _host = start_from(app.test_client(), link, nickname="Zichtbaar-XYZ")
    table = service.get_table(table_id)
    assert table is not None and table.join_code
    other = db.session.scalar(select(Table).where(Table.public_id == table_id))
    assert other is not None
    html = app.test_client().get(link).get_data(as_text=True)
    for secret in ("Zichtbaar-XYZ", table.join_code, table_id):
        assert secret not in html


def test_unknown_ready_links_are_404(app: Flask, admin: FlaskClient) -> None:
    client = app.test_client()
    for token in ("nope", "x" * 43, "x" * 5000, "%00", "\u00e9"):
        assert client.get(f"/request/ready/{token}").status_code == 404
        assert client.post(f"/request/ready/{token}").status_code == 404
    assert db.session.scalar(select(Table)) is None


def test_a_unit_is_required_when_the_organisation_has_units(app: Flask, admin: FlaskClient) -> None:
    unit()
    key = page_key(admin)
    assert app.test_client().post(f"/request/{key}", data=fields()).status_code == 400
    assert db.session.scalar(select(DeckRequest)) is None


HOSTILE: list[dict[str, object]] = [
    {"deck": "nope"},
    {"deck": "x" * 10_000},
    {"deck": ""},
    {"deck": "proefdeck\x00"},
    {"route-proefdeck": "nope"},
    {"route-proefdeck": "x" * 10_000},
    {"expected_on": "2020-01-01"},
    {"expected_on": (date.today() - timedelta(days=1)).isoformat()},
    {"expected_on": (date.today() + timedelta(days=400)).isoformat()},
    {"expected_on": "9999-99-99"},
    {"expected_on": "morgen"},
    {"expected_on": "\x00"},
    {"expected_on": "2" * 100_000},
    {"expected_size": 1},
    {"expected_size": 61},
    {"expected_size": -5},
    {"expected_size": 10**30},
    {"expected_size": "acht"},
    {"expected_size": ""},
    {"contact_email": "geen-adres"},
    {"contact_email": "a@b.nl\x00"},
    {"contact_email": "\x00@oost.example"},
    {"contact_email": ("x" * 250) + "@oost.example"},
    {"contact_email": "a@b.nl" + "x" * 100_000},
    {"unit": "nope"},
    {"unit": "x" * 10_000},
    {"unit": "\x00"},
]


def test_hostile_input_is_refused_without_a_500(app: Flask, admin: FlaskClient) -> None:
    jeugd = unit()
    key = page_key(admin)
    make_user("beheer@west.example", organisation="Gemeente West", role="admin")
    west = db.session.scalar(select(User).where(User.email == "beheer@west.example"))
    assert west is not None
    theirs = unit_services.add(west.organisation_id, "West-jeugd", None)
    archived = unit("Oud")
    unit_services.set_archived(archived, True)
    client = app.test_client()
    cases = [*HOSTILE, {"unit": theirs.public_id}, {"unit": archived.public_id}]
    for case in cases:
        response = client.post(f"/request/{key}", data=fields(jeugd, **case))
        assert response.status_code == 400, case
    assert db.session.scalar(select(DeckRequest)) is None
    # The same hostile values against the ready link's form.
    link = request_deck(client, key, fields(jeugd))
    for nickname in ("x" * 10_000, "\x00"):
        assert client.post(link, data={"nickname": nickname, "phases": "\x00" * 500}).status_code in (
            302,
            400,
        )
    assert client.post(link, data={"perspective": "boss"}).status_code == 400


def test_a_route_is_kept_and_phases_are_chosen_on_the_day() -> None:
    with fresh_app(bundled=True) as app:
        make_user(ADMIN, role="admin")
        admin = log_in(app, ADMIN)
        key = page_key(admin)
        client = app.test_client()
        form = client.get(f"/request/{key}").get_data(as_text=True)
        assert 'data-testid="request-route-kompas-publiek-leiderschap"' in form
        data = fields(
            deck="kompas-publiek-leiderschap", **{"route-kompas-publiek-leiderschap": "een-dimensie"}
        )
        link = request_deck(client, key, data)
        stored = db.session.scalar(select(DeckRequest))
        assert stored is not None and stored.route == "een-dimensie"
        html = client.get(link).get_data(as_text=True)
        choices = re.findall(r'<option value="([^"]+)"', html)
        assert choices and all("|een-dimensie|" in value for value in choices)
        assert client.post(link, data={}).status_code == 400  # a phase must be chosen
        assert (
            client.post(link, data={"phases": "kompas-publiek-leiderschap|twee-dimensies|x"}).status_code
            == 400
        )
        response = client.post(link, data={"phases": choices[1]})
        assert response.status_code == 302
        table = db.session.scalar(select(Table))
        assert table is not None and table.route == "een-dimensie" and table.request_id == stored.id
        # A route of another deck, or none of this deck's, is refused at the request.
        bad = fields(deck="tegenspraak", **{"route-tegenspraak": "een-dimensie"})
        assert client.post(f"/request/{key}", data=bad).status_code == 400
        db.session.execute(update(OrgUnit).values(parent_id=None))


class CsrfConfig(TestingConfig):
    WTF_CSRF_ENABLED = True


def test_posts_without_a_csrf_token_are_400() -> None:
    with fresh_app(CsrfConfig) as app:
        user = make_user(ADMIN, role="admin")
        key = unit_services_key(user.organisation_id)
        client = app.test_client()
        assert client.post(f"/request/{key}", data=fields()).status_code == 400
        page = client.get(f"/request/{key}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token
        response = client.post(f"/request/{key}", data=fields(csrf_token=token.group(1)))
        assert response.status_code == 200
        link = ready_link(response.get_data(as_text=True))
        assert client.post(link, data={}).status_code == 400
        assert db.session.scalar(select(Table)) is None


def unit_services_key(organisation_id: int) -> str:
    from koerskaart.analytics import request_services

    return request_services.renew_key(organisation_id)


class LimitedConfig(TestingConfig):
    RATELIMIT_ENABLED = True
    REQUEST_RATE_LIMIT = "3 per hour"
    REQUEST_READY_RATE_LIMIT = "2 per hour"
    REQUEST_DAILY_CAP = 500


@pytest.fixture
def limited() -> Iterator[Flask]:
    with fresh_app(LimitedConfig) as app:
        yield app


def test_the_request_form_is_rate_limited_per_address(limited: Flask) -> None:
    user = make_user(ADMIN, role="admin")
    key = unit_services_key(user.organisation_id)
    client = limited.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert [client.post(f"/request/{key}", data=fields()).status_code for _ in range(4)] == [
        200,
        200,
        200,
        429,
    ]
    assert client.get(f"/request/{key}").status_code == 200  # reading the form is not limited
    other = limited.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.8"
    assert other.post(f"/request/{key}", data=fields()).status_code == 200


def test_a_ready_link_starts_a_limited_number_of_tables(limited: Flask) -> None:
    user = make_user(ADMIN, role="admin")
    key = unit_services_key(user.organisation_id)
    link = request_deck(limited.test_client(), key, fields())
    statuses = []
    for n in range(3):
        client = limited.test_client()
        client.environ_base["REMOTE_ADDR"] = (
            f"192.0.2.{n + 20}"  # the limit follows the link, not the address
        )
        statuses.append(client.post(link, data={}).status_code)
    assert statuses == [302, 302, 429]


class CappedConfig(TestingConfig):
    REQUEST_DAILY_CAP = 2


def test_an_organisation_takes_a_capped_number_of_requests_a_day() -> None:
    with fresh_app(CappedConfig) as app:
        user = make_user(ADMIN, role="admin")
        key = unit_services_key(user.organisation_id)
        client = app.test_client()
        statuses = [client.post(f"/request/{key}", data=fields()).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert len(db.session.scalars(select(DeckRequest)).all()) == 2


def test_contact_addresses_are_deleted_the_day_after_the_date(app: Flask, admin: FlaskClient) -> None:
    key = page_key(admin)
    request_deck(app.test_client(), key, fields(contact_email="een@oost.example"))
    request_deck(app.test_client(), key, fields(contact_email="twee@oost.example"))
    request_deck(app.test_client(), key, fields())
    first, second, _third = db.session.scalars(select(DeckRequest).order_by(DeckRequest.id)).all()
    week = date.today() + timedelta(days=7)
    assert usage.purge_contacts(week) == 0  # on the date itself it stays
    assert usage.purge_contacts(week + timedelta(days=1)) == 2
    db.session.commit()
    db.session.expire_all()
    assert [r.contact_email for r in db.session.scalars(select(DeckRequest))] == [None, None, None]

    # Both commands purge: `flask analytics purge` and the nightly `flask retention purge`.
    request_deck(app.test_client(), key, fields(contact_email="drie@oost.example"))
    request_deck(app.test_client(), key, fields(contact_email="vier@oost.example"))
    later = db.session.scalars(select(DeckRequest).where(DeckRequest.contact_email.is_not(None))).all()
    db.session.execute(
        update(DeckRequest)
        .where(DeckRequest.id.in_([r.id for r in later]))
        .values(expected_on=date.today() - timedelta(days=1))
    )
    db.session.commit()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention", "purge", "--dry-run"])
    assert dry.exit_code == 0 and "2 contact addresses" in dry.output
    result = runner.invoke(args=["analytics", "purge"])
    assert result.exit_code == 0 and "2 contact addresses deleted" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(DeckRequest).where(DeckRequest.contact_email.is_not(None))) is None
    request_deck(app.test_client(), key, fields(contact_email="vijf@oost.example"))
    db.session.execute(update(DeckRequest).values(expected_on=date.today() - timedelta(days=2)))
    db.session.commit()
    result = runner.invoke(args=["retention", "purge"])
    assert result.exit_code == 0 and "1 contact addresses" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(DeckRequest).where(DeckRequest.contact_email.is_not(None))) is None
    assert first.id and second.id
