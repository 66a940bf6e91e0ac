"""`flask --app koerskaart decks import`: a deck file into an organisation's studio (attached to the
core's `decks` group by the composition root, so the core never imports the studio)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import select

from ..extensions import db
from ..models import Organisation
from . import services


@click.command("import")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--organisation", required=True, help="The organisation's name, as in its accounts.")
@click.option("--publish", "note", default=None, help="Publish at once as version 1, with this change note.")
def import_command(path: Path, organisation: str, note: str | None) -> None:
    """Import a deck file as a studio deck of an organisation (a draft, or published with --publish)."""
    found = db.session.scalar(select(Organisation).where(Organisation.name == organisation))
    if found is None:
        click.echo(f"No organisation {organisation!r}.", err=True)
        sys.exit(1)
    try:
        deck = services.import_for(found.id, path.read_text(encoding="utf-8"))
        if note is not None:
            services.publish(None, deck, note)
    except (services.StudioError, UnicodeDecodeError) as exc:
        click.echo(f"{path}: {exc}", err=True)
        sys.exit(1)
    state = "published as version 1" if note is not None else "a draft"
    click.echo(f"{deck.slug}: imported for {found.name}, {state}")
