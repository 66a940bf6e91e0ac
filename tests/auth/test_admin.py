"""Admin pages: roles enforced, other organisations invisible, disabled accounts locked out."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from koerskaart.auth import services
from koerskaart.extensions import db
from koerskaart.models import Invite, User
from tests.helpers.users import PASSWORD, log_in, make_user


def test_admin_pages_need_a_login(app: Flask) -> None:
    client = app.test_client()
    response = client.get("/account/team")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/account/team/invites", data={"email": "a@b.example"}).status_code == 302


def test_a_facilitator_or_author_gets_403(app: Flask, admin: User, facilitator: User) -> None:
    author = make_user("author@oost.example", role="author")
    for user in (facilitator, author):
        client = log_in(app, user.email)
        assert client.get("/account/team").status_code == 403
        assert client.post("/account/team/invites", data={"email": "x@oost.example"}).status_code == 403
        assert client.post(f"/account/team/{admin.id}/disable").status_code == 403
    assert db.session.scalars(select(Invite)).first() is None
    assert db.session.get(User, admin.id).active


def test_the_team_page_lists_only_the_own_organisation(
    app: Flask, admin: User, facilitator: User, other_admin: User
) -> None:
    page = log_in(app, admin.email).get("/account/team").get_data(as_text=True)
    assert facilitator.email in page and other_admin.email not in page


def test_another_organisations_ids_are_404(
    app: Flask, admin: User, facilitator: User, other_admin: User
) -> None:
    invite, _token = services.create_invite(admin, "pending@oost.example", "facilitator")
    intruder = log_in(app, other_admin.email)
    assert intruder.post(f"/account/team/{facilitator.id}/disable").status_code == 404
    assert intruder.post(f"/account/team/{facilitator.id}/enable").status_code == 404
    assert intruder.post(f"/account/team/invites/{invite.id}/revoke").status_code == 404
    assert intruder.post("/account/team/99999/disable").status_code == 404
    db.session.expire_all()
    assert db.session.get(User, facilitator.id).active
    assert db.session.get(Invite, invite.id) is not None


def test_a_disabled_user_cannot_log_in_and_their_session_ends(
    app: Flask, admin: User, facilitator: User
) -> None:
    victim = log_in(app, facilitator.email, client=app.test_client())
    victim.post("/login", data={"email": facilitator.email, "password": PASSWORD, "remember": "y"})
    assert victim.get("/account/tables").status_code == 200

    admin_client = log_in(app, admin.email)
    assert admin_client.post(f"/account/team/{facilitator.id}/disable").status_code == 302

    stale = victim.get("/account/tables")  # session cookie and remember cookie both stop working
    assert stale.status_code == 302 and "/login" in stale.headers["Location"]
    again = app.test_client().post("/login", data={"email": facilitator.email, "password": PASSWORD})
    assert again.status_code == 400

    assert admin_client.post(f"/account/team/{facilitator.id}/enable").status_code == 302
    assert log_in(app, facilitator.email).get("/account/tables").status_code == 200


def test_an_admin_cannot_disable_themself(app: Flask, admin: User) -> None:
    client = log_in(app, admin.email)
    assert client.post(f"/account/team/{admin.id}/disable").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, admin.id).active
    assert client.get("/account/team").status_code == 200
