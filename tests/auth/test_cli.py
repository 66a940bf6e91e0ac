"""`flask users create` makes the first admin of an organisation."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from koerskaart.extensions import db
from koerskaart.models import Organisation, User
from tests.helpers.users import PASSWORD, log_in


def test_users_create_with_password_on_stdin(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            "Eerste@Gemeente.example",
            "--organisation",
            "Gemeente Noord",
            "--role",
            "admin",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User)).one()
    assert user.email == "eerste@gemeente.example" and user.role == "admin"
    assert user.organisation.name == "Gemeente Noord"
    assert PASSWORD not in user.password_hash
    assert log_in(app, "eerste@gemeente.example").get("/account/team").status_code == 200


def test_users_create_prompts_twice_and_reuses_the_organisation(app: Flask) -> None:
    runner = app.test_cli_runner()
    for email in ("a@noord.example", "b@noord.example"):
        result = runner.invoke(
            args=["users", "create", "--email", email, "--organisation", "Gemeente Noord"],
            input=f"{PASSWORD}\n{PASSWORD}\n",
        )
        assert result.exit_code == 0, result.output
    assert len(db.session.scalars(select(Organisation)).all()) == 1
    assert {user.role for user in db.session.scalars(select(User))} == {"facilitator"}
    listed = runner.invoke(args=["users", "list"])
    assert "a@noord.example" in listed.output and "Gemeente Noord" in listed.output


def test_users_create_refuses_short_passwords_and_duplicates(app: Flask) -> None:
    runner = app.test_cli_runner()
    args = ["users", "create", "--email", "a@noord.example", "--organisation", "Noord", "--password-stdin"]
    short = runner.invoke(args=args, input="short\n")
    assert short.exit_code == 1 and "12" in short.output
    assert runner.invoke(args=args, input=PASSWORD + "\n").exit_code == 0
    duplicate = runner.invoke(args=args, input=PASSWORD + "\n")
    assert duplicate.exit_code == 1
    assert len(db.session.scalars(select(User)).all()) == 1


def test_users_create_refuses_an_unknown_role(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "a@b.example", "--organisation", "X", "--role", "god"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code != 0
