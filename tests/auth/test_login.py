"""Logging in and out: generic failures, hashed passwords, CSRF, a rotated session, a rate limit."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from koerskaart import create_app
from koerskaart.config import TestingConfig
from koerskaart.extensions import db
from koerskaart.models import User
from tests.helpers.players import start_table
from tests.helpers.users import PASSWORD, log_in, make_user

GENERIC = "That email address and password do not match an active account."


def _english(client: FlaskClient) -> FlaskClient:  # the msgids are English; the language cookie picks them
    client.get("/lang/en?next=/")
    return client


def test_login_page_renders_in_both_languages() -> None:
    # A fresh app and no pushed app context: Flask-Babel caches the locale per app context.
    client = create_app(TestingConfig).test_client()
    assert "Inloggen" in client.get("/login").get_data(as_text=True)
    assert "Log in" in _english(client).get("/login").get_data(as_text=True)


def test_login_succeeds_and_lands_on_the_history(app: Flask, facilitator: User) -> None:
    client = app.test_client()
    response = client.post("/login", data={"email": " FAC@oost.example ", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/tables")
    assert client.get("/account/tables").status_code == 200


def test_login_follows_only_local_next(app: Flask, facilitator: User) -> None:
    client = app.test_client()
    local = client.post("/login?next=/account/team", data={"email": facilitator.email, "password": PASSWORD})
    assert local.headers["Location"].endswith("/account/team")
    client = app.test_client()
    away = client.post(
        "/login?next=https://evil.example/", data={"email": facilitator.email, "password": PASSWORD}
    )
    assert away.headers["Location"].endswith("/account/tables")


def test_wrong_password_and_unknown_email_look_the_same(app: Flask, facilitator: User) -> None:
    client = _english(app.test_client())
    wrong = client.post("/login", data={"email": facilitator.email, "password": "not the password!"})
    unknown = client.post("/login", data={"email": "nobody@oost.example", "password": "not the password!"})
    assert wrong.status_code == unknown.status_code == 400
    assert GENERIC in wrong.get_data(as_text=True)
    assert GENERIC in unknown.get_data(as_text=True)
    assert client.get("/account/tables").status_code == 302  # still not logged in


def test_the_password_is_stored_only_as_an_argon2_hash(app: Flask, facilitator: User) -> None:
    stored = db.session.execute(
        text("SELECT password_hash FROM users WHERE email = :e"), {"e": facilitator.email}
    )
    password_hash = stored.scalar_one()
    assert password_hash.startswith("$argon2id$")
    assert PASSWORD not in password_hash
    dump = "\n".join(str(row) for row in db.session.execute(text("SELECT * FROM users")))
    assert PASSWORD not in dump


def test_login_needs_a_csrf_token_outside_tests() -> None:
    class WithCsrf(TestingConfig):
        WTF_CSRF_ENABLED = True

    app = create_app(WithCsrf)
    response = app.test_client().post("/login", data={"email": "a@b.example", "password": "whatever"})
    assert response.status_code == 400


def test_every_account_form_carries_a_csrf_token() -> None:
    class WithCsrf(TestingConfig):
        WTF_CSRF_ENABLED = True

    app = create_app(WithCsrf)
    with app.app_context():
        db.create_all()
        make_user("admin@oost.example", role="admin")
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        assert 'name="csrf_token"' in page
        for path in ("/logout", "/account/team/invites", "/account/team/1/disable"):
            assert client.post(path).status_code == 400


def test_the_session_is_rotated_at_login(app: Flask, facilitator: User) -> None:
    host = start_table(app)  # an anonymous session that holds the screen key
    before = host.http.get_cookie("session")
    assert before is not None
    log_in(app, facilitator.email, client=host.http)
    after = host.http.get_cookie("session")
    assert after is not None and after.value != before.value
    with host.http.session_transaction() as session:
        assert "screens" not in session  # nothing from before survives
        assert session.get("_fresh") is True


def test_logout_clears_the_session(app: Flask, facilitator: User) -> None:
    client = log_in(app, facilitator.email)
    response = client.post("/logout")
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert client.get("/account/tables").status_code == 302


def test_logout_everywhere_ends_other_sessions(app: Flask, facilitator: User) -> None:
    phone = log_in(app, facilitator.email)
    laptop = log_in(app, facilitator.email)
    assert laptop.post("/account/logout-everywhere").status_code == 302
    assert phone.get("/account/tables").status_code == 302
    assert laptop.get("/account/tables").status_code == 302
    assert log_in(app, facilitator.email).get("/account/tables").status_code == 200


def test_remember_cookie_is_httponly_and_lax(app: Flask, facilitator: User) -> None:
    client = app.test_client()
    response = client.post("/login", data={"email": facilitator.email, "password": PASSWORD, "remember": "y"})
    cookies = [value for key, value in response.headers.items() if key == "Set-Cookie"]
    remember = next(cookie for cookie in cookies if cookie.startswith("remember_token="))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember


def test_login_is_rate_limited() -> None:
    class Limited(TestingConfig):
        RATELIMIT_ENABLED = True
        LOGIN_RATE_LIMIT = "5 per minute"

    app = create_app(Limited)
    with app.app_context():
        db.create_all()
        client = app.test_client()
        statuses = [
            client.post("/login", data={"email": "x@y.example", "password": "wrong password"}).status_code
            for _ in range(7)
        ]
    assert statuses[0] == 400 and statuses[-1] == 429
    assert client.get("/login").status_code == 200  # only POSTs count
