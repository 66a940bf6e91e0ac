"""Command-line tools: `flask --app koerskaart users ...` (the first admin of an organisation)."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..models import ACCOUNT_ROLES, User
from . import services

users_cli = AppGroup("users", help="Create and list accounts.")


@users_cli.command("create")
@click.option("--email", required=True, help="The address the person logs in with.")
@click.option("--organisation", required=True, help="Created if it does not exist yet.")
@click.option("--role", type=click.Choice(ACCOUNT_ROLES), default="facilitator", show_default=True)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (for scripts, no terminal)."
)
def create(email: str, organisation: str, role: str, password_stdin: bool) -> None:
    """Create an account (the first admin of an organisation, for instance)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            f"Password (at least {services.MIN_PASSWORD_LENGTH} characters)",
            hide_input=True,
            confirmation_prompt=True,
        )
    try:
        user = services.create_user(email, password, organisation, role)
    except services.AccountError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"created {user.role} {user.email} in {user.organisation.name}")


@users_cli.command("list")
def list_users() -> None:
    """Show every account, with its organisation, role and whether it can log in."""
    for user in db.session.scalars(select(User).order_by(User.organisation_id, User.email)):
        state = "active" if user.active else "disabled"
        click.echo(f"{user.email:40} {user.role:12} {state:9} {user.organisation.name}")
