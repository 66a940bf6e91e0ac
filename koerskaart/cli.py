"""Command-line tools of the core: `flask --app koerskaart decks ...` (features add their own)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from .content import Deck, load_decks
from .content.lint import Finding, lint, lint_versions, route_minutes
from .content.loader import BUNDLED_DIR, json_schema, load_versions
from .content.yamlio import dump_deck
from .deckprint import LANGUAGES, render_deck_pdf_pages
from .live import decks as installed_decks

decks_cli = AppGroup("decks", help="Validate, list, describe, export and print decks.")


@decks_cli.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Also fail on lint warnings, not only on schema problems.")
@click.option(
    "--compare",
    multiple=True,
    metavar="OLD_FILE_OR_DIR",
    type=click.Path(path_type=Path),
    help="Earlier versions of the decks (same slug, any file name): warn when a card id changed "
    "its type or number of options. May be given more than once.",
)
def validate(paths: tuple[Path, ...], strict: bool, compare: tuple[Path, ...]) -> None:
    """Check deck files (default: the bundled decks): schema problems, then lint warnings."""
    targets = list(paths) or [BUNDLED_DIR]
    missing = [path for path in [*targets, *compare] if not path.exists()]
    for path in missing:
        click.echo(f"{path}: no such file or folder", err=True)
    decks, problems = load_decks([path for path in targets if path.exists()])
    earlier, old_problems = load_versions([path for path in compare if path.exists()])
    problems += [replace(problem, file=f"earlier version {problem.file}") for problem in old_problems]
    for problem in problems:
        click.echo(str(problem), err=True)
    for slug, deck in decks.items():
        click.echo(f"ok  {slug}: {len(deck.cards)} cards")
    findings = [finding for deck in decks.values() for finding in lint(deck)]
    findings += _compare_versions(decks, earlier) if compare else []
    for finding in findings:
        click.echo(f"warning  {finding}", err=True)
    if findings:
        click.echo(f"{len(findings)} warning(s)", err=True)
    if problems or missing:
        click.echo(f"{len(problems) + len(missing)} problem(s)", err=True)
        sys.exit(1)
    if strict and findings:
        sys.exit(1)


def _compare_versions(decks: dict[str, Deck], earlier: list[Deck]) -> list[Finding]:
    """Card-id findings of each deck against its earlier versions (not among the earlier ones)."""
    findings: list[Finding] = []
    for slug, deck in decks.items():
        versions = [old for old in earlier if old.slug == slug]
        if not versions:
            click.echo(f"no earlier version of {slug} to compare with")
            continue
        click.echo(f"compared {slug} v{deck.version} with v{', v'.join(str(v.version) for v in versions)}")
        before = lint_versions(versions)
        findings += [finding for finding in lint_versions([*versions, deck]) if finding not in before]
    for slug in sorted({old.slug for old in earlier} - set(decks)):
        click.echo(f"earlier version of {slug}: no such deck among the decks checked")
    return findings


@decks_cli.command("list")
def list_decks() -> None:
    """Show the installed decks."""
    for slug, deck in installed_decks.installed().items():
        kinds: dict[str, int] = {}
        for card in deck.cards:
            kinds[card.type.value] = kinds.get(card.type.value, 0) + 1
        mix = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
        size = f"{len(deck.cards):3} cards  {deck.total_minutes():3} min"
        click.echo(f"{slug:32} v{deck.version}  {size}  ({mix})  {deck.title.nl}")
        for route in deck.routes:
            low, high = route_minutes(deck, route)
            minutes = f"{low}" if low == high else f"{low}-{high}"
            click.echo(f"{'':32}   route {route.id}: {minutes} min")


@decks_cli.command("schema")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to a file instead of stdout.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of the deck format (for editors)."""
    text = json_schema()
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


def _deck_or_exit(slug: str, version: int | None = None) -> Deck:
    """A deck file, or a studio deck's published version; else say which decks there are and exit 1."""
    deck = installed_decks.get(slug, version)
    if deck is None:
        known = ", ".join(sorted(installed_decks.installed())) or "none"
        click.echo(f"No installed deck {slug!r}. Installed: {known}.", err=True)
        sys.exit(1)
    return deck


@decks_cli.command("export")
@click.argument("slug")
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to a file instead of stdout.",
)
@click.option(
    "--version", "version", type=int, help="A studio deck's published version (default: the newest)."
)
def export(slug: str, output: Path | None, version: int | None) -> None:
    """Write a deck file or a studio deck's published version as canonical YAML (one fixed layout)."""
    deck = _deck_or_exit(slug, version)
    text = dump_deck(deck)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@decks_cli.command("print")
@click.argument("slug")
@click.option("--lang", "language", type=click.Choice(LANGUAGES), default="nl", show_default=True)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Default: SLUG-LANG.pdf here."
)
def print_deck(slug: str, language: str, output: Path | None) -> None:
    """Write an installed deck's print version (PDF: cover, colophon, guide, routes, A6 cards)."""
    deck = _deck_or_exit(slug)
    if language not in deck.languages:
        click.echo(f"The deck {slug!r} has no {language} text: {', '.join(deck.languages)} only.", err=True)
        sys.exit(1)
    target = output or Path(f"{slug}-{language}.pdf")
    pdf, pages = render_deck_pdf_pages(deck, language)
    target.write_bytes(pdf)
    click.echo(f"{target}: {pages} pages")


def register_cli(app: Flask) -> None:
    app.cli.add_command(decks_cli)
