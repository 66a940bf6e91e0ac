"""`flask analytics …`: backfill facts for tables that ended before uptake existed, seed a benchmark
database with generated history (analytics/seed.py), and name platform admins."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..live import usage
from ..models import User
from . import seed as seed_module


@click.group()
def analytics() -> None:
    """Uptake: facts, seeds for benchmarks, platform admins."""


@analytics.command("backfill")
@with_appcontext
def backfill() -> None:
    """Write the uptake facts of ended tables and events that have none yet."""
    written = usage.backfill()
    db.session.commit()
    click.echo(f"{written} played tables counted")


@analytics.command("purge")
@with_appcontext
def purge() -> None:
    """Delete the contact addresses of deck requests whose expected date has passed."""
    deleted = usage.purge_contacts()
    db.session.commit()
    click.echo(f"{deleted} contact addresses deleted")


@analytics.command("seed")
@click.option("--tables", type=click.IntRange(0, seed_module.MAX_TABLES), default=100_000, show_default=True)
@click.option("--events", type=click.IntRange(0, seed_module.MAX_EVENTS), default=1000, show_default=True)
@click.option(
    "--organisations", type=click.IntRange(1, seed_module.MAX_ORGANISATIONS), default=3, show_default=True
)
@click.option(
    "--units",
    type=click.IntRange(0, seed_module.MAX_UNITS),
    default=40,
    show_default=True,
    help="Units per organisation (directorates and departments), when it has none yet.",
)
@click.option("--seed", "seed_value", type=int, default=1, show_default=True, help="Seed of the figures.")
@click.option(
    "--organisation",
    type=click.STRING,
    default=None,
    help="Seed only this organisation (made if missing; its units are kept if it has any).",
)
@click.option(
    "--yes-this-is-a-benchmark-database",
    "confirmed",
    is_flag=True,
    help="Required: the database is for benchmarks. A database with any game table is refused anyway.",
)
@with_appcontext
def seed(
    tables: int,
    events: int,
    organisations: int,
    units: int,
    seed_value: int,
    organisation: str | None,
    confirmed: bool,
) -> None:
    """Generate two years of uptake history for benchmarks (never on a real database)."""
    if organisation is not None and not 0 < len(organisation.strip()) <= 120:
        raise click.BadParameter("1 to 120 characters", param_hint="--organisation")
    try:
        seed_module.guard(confirmed)
        done = seed_module.seed(
            seed_module.Plan(
                tables=tables,
                events=events,
                organisations=organisations,
                units=units,
                seed=seed_value,
                organisation=organisation.strip() if organisation else None,
            )
        )
    except seed_module.SeedRefused as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{done.facts} tables ({done.released_facts} released), {done.cards} cards revealed, "
        f"{done.events} events, {done.requests} requests, {done.units} units in "
        f"{len(done.organisations)} organisations: {done.seconds:.1f} s"
    )


@analytics.command("platform-admin")
@click.argument("email")
@click.option("--revoke", is_flag=True, help="Take the platform admin's rights away again.")
@with_appcontext
def platform_admin(email: str, revoke: bool) -> None:
    """Let an account see totals across organisations (or, with --revoke, no longer)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()[:254]))
    if user is None:
        raise click.ClickException(f"no account with the address {email}")
    user.platform_admin = not revoke
    db.session.commit()
    click.echo(f"{user.email} is {'no longer ' if revoke else ''}a platform admin")
