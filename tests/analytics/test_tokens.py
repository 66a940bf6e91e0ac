"""Personal access tokens (/organisation/tokens): shown once, kept as a hash, scoped, revocable."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import refresh
from sqlalchemy import select, text

from koerskaart import create_app
from koerskaart.analytics import token_services
from koerskaart.clock import aware, utcnow
from koerskaart.config import TestingConfig
from koerskaart.extensions import db
from koerskaart.models import ApiToken, User
from koerskaart.security import token_hash
from tests.helpers.users import PASSWORD, log_in, make_user

TOKEN_SHAPE = re.compile(r"^kk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$")


def shown_token(html: str) -> str:
    found = re.search(r'value="(kk_[^"]+)" data-testid="new-token"', html)
    assert found, "no new token on the page"
    return found.group(1)


def make_token(client: FlaskClient, name: str = "Kwartaalrapport", days: str = "90") -> str:
    response = client.post("/organisation/tokens", data={"name": name, "days": days})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return shown_token(response.get_data(as_text=True))


@pytest.fixture
def admin(app: Flask) -> User:
    return make_user("beheer@oost.example", role="admin")


@pytest.fixture
def analyst(app: Flask, admin: User) -> User:
    return make_user("analist@oost.example", role="analyst")


def test_a_token_is_shown_once_and_only_its_hash_and_prefix_are_kept(app: Flask, admin: User) -> None:
    client = log_in(app, admin.email)
    token = make_token(client)
    assert TOKEN_SHAPE.match(token)
    row = db.session.scalars(select(ApiToken)).one()
    assert row.token_hash == token_hash(token)
    assert row.prefix == token[:11] and token.startswith(row.prefix + "_")
    assert row.created_by_id == admin.id and row.organisation_id == admin.organisation_id
    assert row.name == "Kwartaalrapport"
    assert timedelta(days=89) < aware(row.expires_at) - utcnow() <= timedelta(days=90)
    secret = token.split("_", 2)[2]
    dump = "\n".join(str(r) for r in db.session.execute(text("SELECT * FROM api_tokens")))
    assert secret not in dump and token not in dump
    page = client.get("/organisation/tokens")
    html = page.get_data(as_text=True)
    assert token not in html and secret not in html
    assert row.prefix in html and "Kwartaalrapport" in html
    assert page.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("name", "days"),
    [("", "90"), ("   ", "90"), ("x" * 61, "90"), ("Rapport", "7"), ("Rapport", "400"), ("Rapport", "x")],
)
def test_a_token_needs_a_name_of_1_to_60_characters_and_a_term_of_at_most_a_year(
    app: Flask, admin: User, name: str, days: str
) -> None:
    client = log_in(app, admin.email)
    response = client.post("/organisation/tokens", data={"name": name, "days": days})
    assert response.status_code == 400
    assert db.session.scalars(select(ApiToken)).all() == []


def test_the_terms_offered_are_30_90_180_and_365_days(app: Flask, admin: User) -> None:
    html = log_in(app, admin.email).get("/organisation/tokens").get_data(as_text=True)
    assert re.findall(r'<option[^>]*value="(\d+)"', html) == ["30", "90", "180", "365"]
    for days in ("30", "365"):
        make_token(log_in(app, admin.email), days=days)


def test_an_organisation_has_at_most_20_active_tokens(app: Flask, admin: User) -> None:
    for n in range(20):
        token_services.issue(admin, f"Token {n}", 30)
    client = log_in(app, admin.email)
    response = client.post("/organisation/tokens", data={"name": "Eén te veel", "days": "30"})
    assert response.status_code == 400
    assert db.session.scalar(select(ApiToken).where(ApiToken.name == "Eén te veel")) is None
    # An expired or revoked token frees its place.
    first = db.session.scalars(select(ApiToken).order_by(ApiToken.id)).first()
    assert first is not None
    first.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    make_token(client, name="Nu wel")


def test_an_analyst_makes_and_sees_their_own_tokens_an_admin_sees_all(
    app: Flask, admin: User, analyst: User
) -> None:
    make_token(log_in(app, admin.email), name="Van de beheerder")
    make_token(log_in(app, analyst.email), name="Van de analist")
    analyst_page = log_in(app, analyst.email).get("/organisation/tokens").get_data(as_text=True)
    assert "Van de analist" in analyst_page and "Van de beheerder" not in analyst_page
    admin_page = log_in(app, admin.email).get("/organisation/tokens").get_data(as_text=True)
    assert "Van de analist" in admin_page and "Van de beheerder" in admin_page
    assert analyst.email in admin_page  # who made it


def test_an_analyst_cannot_revoke_someone_elses_token_an_admin_can(
    app: Flask, admin: User, analyst: User
) -> None:
    make_token(log_in(app, admin.email), name="Van de beheerder")
    make_token(log_in(app, analyst.email), name="Van de analist")
    admins = db.session.scalar(select(ApiToken).where(ApiToken.name == "Van de beheerder"))
    analysts = db.session.scalar(select(ApiToken).where(ApiToken.name == "Van de analist"))
    assert admins is not None and analysts is not None
    as_analyst = log_in(app, analyst.email)
    assert as_analyst.post(f"/organisation/tokens/{admins.public_id}/revoke").status_code == 404
    db.session.expire_all()
    assert admins.revoked_at is None
    assert as_analyst.post(f"/organisation/tokens/{analysts.public_id}/revoke").status_code == 302
    second = make_token(as_analyst, name="Tweede")
    as_admin = log_in(app, admin.email)
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(second)))
    assert row is not None
    assert as_admin.post(f"/organisation/tokens/{row.public_id}/revoke").status_code == 302
    db.session.expire_all()
    assert analysts.revoked_at is not None and row.revoked_at is not None and admins.revoked_at is None
    page = as_admin.get("/organisation/tokens").get_data(as_text=True)
    assert page.count('data-testid="revoke-') == 1  # revoked tokens stay listed, without a button


def test_another_organisations_admin_can_neither_see_nor_revoke_a_token(app: Flask, admin: User) -> None:
    make_token(log_in(app, admin.email), name="Van Oost")
    row = db.session.scalars(select(ApiToken)).one()
    make_user("beheer@west.example", organisation="Gemeente West", role="admin")
    other = log_in(app, "beheer@west.example")
    assert "Van Oost" not in other.get("/organisation/tokens").get_data(as_text=True)
    assert other.post(f"/organisation/tokens/{row.public_id}/revoke").status_code == 404
    assert other.post(f"/organisation/tokens/{'x' * 200}/revoke").status_code == 404
    db.session.expire_all()
    assert row.revoked_at is None


@pytest.mark.parametrize("role", ["facilitator", "author"])
def test_other_roles_may_not_make_tokens(app: Flask, role: str) -> None:
    make_user("iemand@oost.example", role=role)
    client = log_in(app, "iemand@oost.example")
    assert client.get("/organisation/tokens").status_code == 403
    assert client.post("/organisation/tokens", data={"name": "x", "days": "30"}).status_code == 403
    assert client.get("/organisation/api").status_code == 403
    assert db.session.scalars(select(ApiToken)).all() == []


def test_an_anonymous_visitor_is_sent_to_log_in(app: Flask) -> None:
    client = app.test_client()
    for path in ("/organisation/tokens", "/organisation/api"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/organisation/tokens", data={"name": "x", "days": "30"}).status_code == 302


class WithCsrf(TestingConfig):
    WTF_CSRF_ENABLED = True


def csrf_token(client: FlaskClient, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def test_making_and_revoking_need_the_csrf_token() -> None:
    # Requests outside the set-up's app context: Flask-WTF keeps a token in ``g`` per context,
    # and a context shared by every request would hand the logged-in session the old one.
    app = create_app(WithCsrf)
    with app.app_context():
        db.create_all()
        admin = make_user("beheer@oost.example", role="admin")
        issued = token_services.issue(admin, "Rapport", 30)
        email, public_id = admin.email, issued.row.public_id
    client = app.test_client()
    login = {"email": email, "password": PASSWORD, "csrf_token": csrf_token(client, "/login")}
    assert client.post("/login", data=login).status_code == 302
    assert client.post("/organisation/tokens", data={"name": "Zonder", "days": "30"}).status_code == 400
    revoke = f"/organisation/tokens/{public_id}/revoke"
    assert client.post(revoke).status_code == 400
    with app.app_context():
        assert db.session.scalars(select(ApiToken)).one().revoked_at is None
    form = {"name": "Met", "days": "30", "csrf_token": csrf_token(client, "/organisation/tokens")}
    assert client.post("/organisation/tokens", data=form).status_code == 200
    assert client.post(revoke, data={"csrf_token": form["csrf_token"]}).status_code == 302
    with app.app_context():
        rows = {row.name: row for row in db.session.scalars(select(ApiToken))}
        assert rows["Rapport"].revoked_at is not None and rows["Met"].revoked_at is None
        db.drop_all()


def test_the_tokens_page_speaks_dutch_and_english(app: Flask, admin: User) -> None:
    client = log_in(app, admin.email)
    dutch = client.get("/organisation/tokens", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "API-tokens" in dutch and "Token maken" in dutch
    refresh()  # the tests' requests share one app context, where Flask-Babel keeps the locale
    english = client.get("/organisation/tokens", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "API tokens" in english and "Make a token" in english
    refresh()
    created = client.post("/organisation/tokens", data={"name": "Rapport", "days": "30"}).get_data(
        as_text=True
    )
    assert "alleen nu" in created
