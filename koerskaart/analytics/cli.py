"""`flask analytics …`: backfill facts for tables that ended before uptake existed, and more."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..live import usage


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
