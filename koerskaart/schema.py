"""The database schema against this code's migrations: where it stands, and upgrading it once.

Readiness (koerskaart/health.py) asks where the schema stands. `python -m koerskaart serve`
upgrades it at start unless KOERSKAART_MIGRATE=0 (a deployment of several processes runs
`flask --app koerskaart db upgrade` once instead); on PostgreSQL that upgrade holds an
advisory lock, so processes that start together take turns and the later ones find the
schema current instead of racing to create the same tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from .extensions import db, migrate

# PostgreSQL's two-key form (two int4): a key space apart from the bigint keys of
# live/conference.py's plenary locks. "KK", "MG".
MIGRATION_LOCK = (0x4B4B, 0x4D47)
VERSION_TABLE = "alembic_version"  # alembic's default, which migrations/env.py keeps


class Schema(StrEnum):
    CURRENT = "ok"
    BEHIND = "behind"  # an older revision, or none at all: this code needs a migration first
    NEWER = "newer"  # a revision this code does not know: a later release has migrated already


@dataclass(frozen=True)
class Revisions:
    heads: frozenset[str]  # what `db upgrade` leaves in alembic_version
    known: frozenset[str]  # every revision this code's migrations/ holds


def revisions() -> Revisions:
    """This code's migration heads and revisions, read from migrations/ once per process."""
    return _revisions(migrate.directory)


@cache
def _revisions(directory: str) -> Revisions:
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    config = AlembicConfig()
    config.set_main_option("script_location", directory)
    script = ScriptDirectory.from_config(config)
    return Revisions(
        heads=frozenset(script.get_heads()),
        known=frozenset(revision.revision for revision in script.walk_revisions()),
    )


def state(connection: Connection, code: Revisions) -> Schema:
    """Where the database behind ``connection`` stands against ``code`` (reads alembic_version).

    Plain queries rather than alembic's MigrationContext, which logs a line each time it is made
    (and `serve`'s start-up upgrade sets alembic's log to INFO): a probe logs nothing.
    """
    current: frozenset[str] = frozenset()
    if inspect(connection).has_table(VERSION_TABLE):
        current = frozenset(connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars())
    if current == code.heads:
        return Schema.CURRENT
    if current and not current <= code.known:
        return Schema.NEWER
    return Schema.BEHIND


def upgrade_once() -> None:
    """Upgrade to the head (in an app context); on PostgreSQL one process at a time."""
    from flask_migrate import upgrade

    if db.engine.dialect.name != "postgresql":
        upgrade()  # SQLite: one file, served by one process (`make run`)
        return
    key = {"one": MIGRATION_LOCK[0], "two": MIGRATION_LOCK[1]}
    with db.engine.connect() as holder:
        # A session lock: it outlives the commit below, and PostgreSQL releases it if this
        # process dies. The commit keeps the holder from idling inside a transaction.
        holder.execute(text("SELECT pg_advisory_lock(:one, :two)"), key)
        holder.commit()
        try:
            upgrade()  # the second process in finds the schema current: a no-op
        finally:
            holder.execute(text("SELECT pg_advisory_unlock(:one, :two)"), key)
            holder.commit()
