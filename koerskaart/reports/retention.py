"""Retention: after N days, a table's raw answers and kept open text go; its aggregates stay.

``flask --app koerskaart retention purge`` deletes, for every table that ended more than
``RETENTION_DAYS`` ago and is not purged yet, its ``answers`` rows (and any pending
rows), and the open texts inside its frozen round results (their count ``n`` stays).
A table nobody ended counts from when it started: it is ended first, as its host would
have (nicknames, perspectives and unkept open text go), and gets no end time, since nobody
knows when play stopped.
The counts per answer, the released perspective groups and the team's actions stay,
so the summary still renders. The table is marked ``purged_at``, so a second run finds
nothing. Nothing here reads or prints an answer's content: only numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import and_, delete, func, or_, select

from ..clock import utcnow
from ..engine import TableStatus
from ..extensions import db
from ..live import service, store, usage
from ..models import Answer, PendingAnswer, RoundRow, Table


@dataclass(frozen=True)
class PurgeReport:
    cutoff: datetime
    tables: int
    unended: int  # of those, tables nobody ended: purging ends them
    answers: int  # raw answer rows
    texts: int  # open texts kept in round results


def due_tables(days: int, now: datetime | None = None) -> tuple[datetime, list[Table]]:
    """Tables not purged yet that ended before ``now - days``, or never ended and started before it."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    ended = and_(
        Table.status == TableStatus.ENDED.value, Table.ended_at.is_not(None), Table.ended_at < cutoff
    )
    abandoned = and_(
        or_(Table.status != TableStatus.ENDED.value, Table.ended_at.is_(None)), Table.created_at < cutoff
    )
    rows = db.session.scalars(
        select(Table).where(or_(ended, abandoned)).where(Table.purged_at.is_(None)).order_by(Table.id)
    )
    return cutoff, list(rows)


def _kept_texts(row: RoundRow) -> int:
    texts = (row.result or {}).get("texts") or []
    return len(texts) if isinstance(texts, list) else 0


def purge(days: int, dry_run: bool = False, now: datetime | None = None) -> PurgeReport:
    """Delete (or, with ``dry_run``, only count) what retention removes; one transaction."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    now = now or utcnow()
    cutoff, tables = due_tables(days, now)
    round_ids = [row.id for table in tables for row in table.rounds]
    answers = 0
    if round_ids:
        answers = db.session.scalar(select(func.count()).where(Answer.round_id.in_(round_ids))) or 0
        answers += db.session.scalar(select(func.count()).where(PendingAnswer.round_id.in_(round_ids))) or 0
    texts = sum(_kept_texts(row) for table in tables for row in table.rounds)
    unended = [table for table in tables if table.status != TableStatus.ENDED]
    report = PurgeReport(cutoff, tables=len(tables), unended=len(unended), answers=answers, texts=texts)
    if dry_run or not tables:
        db.session.rollback()
        return report
    for table in unended:
        service.expire(table.public_id)  # writes through Core, in this transaction
    db.session.expire_all()  # so the ORM reads what Expire wrote
    for table in unended:
        table.ended_at = None  # when play stopped is unknown; the summary then shows no duration
    if round_ids:
        db.session.execute(delete(Answer).where(Answer.round_id.in_(round_ids)))
        db.session.execute(delete(PendingAnswer).where(PendingAnswer.round_id.in_(round_ids)))
        store.bump(table.id for table in tables)  # pending answers are part of a cached table's state
    for table in tables:
        for row in table.rounds:
            if _kept_texts(row):
                # A new dict, so the JSON column sees the change; n (how many wrote one) stays.
                row.result = {**(row.result or {}), "texts": []}
        table.keep_open_text = False
        table.purged_at = now
    db.session.commit()
    return report


retention_cli = AppGroup(
    "retention", help="Delete raw answers and kept open text after the retention period."
)


@retention_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Only say what would be deleted; change nothing.")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=None,
    help="Purge tables that ended more than this many days ago (default: KOERSKAART_RETENTION_DAYS).",
)
def purge_command(dry_run: bool, days: int | None) -> None:
    """Delete raw answers and kept open text of tables past the retention period; keep the aggregates."""
    days = current_app.config["RETENTION_DAYS"] if days is None else days
    report = purge(days, dry_run=dry_run)
    before = report.cutoff.strftime("%Y-%m-%d %H:%M UTC")
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(
        f"Tables that ended more than {days} days ago (before {before}), not purged yet: {report.tables}"
    )
    if report.unended:
        click.echo(f"Of those, never ended (started before {before}): {report.unended}; they are ended first")
    click.echo(f"{verb}: {report.answers} answer rows, {report.texts} kept open texts")
    if report.tables and not dry_run:
        click.echo(f"Marked {report.tables} table(s) as purged; counts, perspective groups and actions stay.")
    # A deck request's contact address goes the day after its expected date (issue 14), whatever the days.
    contacts = usage.purge_contacts()
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo(f"{verb}: {contacts} contact addresses of deck requests past their date")
    if dry_run:
        click.echo("Dry run: nothing was changed.")
