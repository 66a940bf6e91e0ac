"""Admins invite colleagues with a single-use link that expires; only its hash is stored."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import select

from koerskaart.clock import utcnow
from koerskaart.extensions import db
from koerskaart.models import Invite, User
from tests.helpers.users import invite_link, log_in

NEW_PASSWORD = "a long and new password"


def _invite(app: Flask, admin: User, email: str = "new@oost.example", role: str = "facilitator") -> str:
    client = log_in(app, admin.email)
    response = client.post("/account/team/invites", data={"email": email, "role": role})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return urlsplit(invite_link(response.get_data(as_text=True))).path


def test_invite_flow_end_to_end(app: Flask, admin: User) -> None:
    path = _invite(app, admin, role="author")
    token = path.rsplit("/", 1)[-1]
    assert len(token) >= 43  # 32 random bytes, url-safe base64: 256 bits
    invite = db.session.scalars(select(Invite)).one()
    assert invite.token_hash != token and token not in invite.token_hash
    assert timedelta(days=6, hours=23) < invite.expires_at - invite.created_at <= timedelta(days=7, minutes=1)

    newcomer = app.test_client()
    page = newcomer.get(path)
    assert page.status_code == 200 and "new@oost.example" in page.get_data(as_text=True)
    done = newcomer.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/account/tables")
    assert newcomer.get("/account/tables").status_code == 200  # and is in

    user = db.session.scalars(select(User).where(User.email == "new@oost.example")).one()
    assert user.role == "author" and user.organisation_id == admin.organisation_id
    assert log_in(app, "new@oost.example", NEW_PASSWORD).get("/account/tables").status_code == 200


def test_an_invite_works_once(app: Flask, admin: User) -> None:
    path = _invite(app, admin)
    first = app.test_client().post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert first.status_code == 302
    assert app.test_client().get(path).status_code == 404
    again = app.test_client().post(
        path, data={"password": "another password!!", "confirm": "another password!!"}
    )
    assert again.status_code == 404


def test_an_expired_invite_is_gone(app: Flask, admin: User) -> None:
    path = _invite(app, admin)
    invite = db.session.scalars(select(Invite)).one()
    invite.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_a_wrong_token_is_404(app: Flask, admin: User) -> None:
    _invite(app, admin)
    client = app.test_client()
    assert client.get("/invite/not-a-real-token").status_code == 404
    assert client.get("/invite/" + "A" * 43).status_code == 404


def test_the_password_must_be_long_enough_and_repeated(app: Flask, admin: User) -> None:
    path = _invite(app, admin)
    client = app.test_client()
    assert client.post(path, data={"password": "short", "confirm": "short"}).status_code == 400
    mismatch = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 400
    assert client.get(path).status_code == 200  # not spent by a failed attempt


def test_an_existing_address_cannot_be_invited(app: Flask, admin: User, facilitator: User) -> None:
    client = log_in(app, admin.email)
    response = client.post("/account/team/invites", data={"email": facilitator.email, "role": "admin"})
    assert response.status_code == 400
    assert db.session.scalars(select(Invite)).first() is None


def test_an_admin_can_withdraw_an_invite(app: Flask, admin: User) -> None:
    path = _invite(app, admin)
    invite = db.session.scalars(select(Invite)).one()
    client = log_in(app, admin.email)
    assert client.post(f"/account/team/invites/{invite.id}/revoke").status_code == 302
    assert app.test_client().get(path).status_code == 404
