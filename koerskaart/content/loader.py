"""Load deck files and report every problem in them, each with file and location."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from .schema import Deck
from .yamlio import MAX_DECK_BYTES, Problem, parse_deck_text

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "decks"


def load_deck_file(path: Path, *, match_name: bool = True) -> tuple[Deck | None, list[Problem]]:
    """Parse and validate one deck file; never raises for bad content.

    ``match_name=False`` accepts any file name, for a saved earlier version (``tegenspraak-v1.yaml``).
    """
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, [Problem(name, "", f"cannot read file: {exc.strerror}")]
    if size > MAX_DECK_BYTES:
        return None, [Problem(name, "", f"file is larger than {MAX_DECK_BYTES // 1024} KiB")]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(name, "", "file is not UTF-8 text")]
    except OSError as exc:
        return None, [Problem(name, "", f"cannot read file: {exc.strerror}")]
    deck, problems = parse_deck_text(text, name)
    if deck is None:
        return None, problems
    if match_name and deck.slug != path.stem:
        return None, [Problem(name, "slug", f"slug {deck.slug!r} must match the file name {path.stem!r}")]
    return deck, []


def deck_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into their *.yaml files, keeping files as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        else:
            found.append(path)
    return found


def load_decks(paths: Iterable[Path]) -> tuple[dict[str, Deck], list[Problem]]:
    """Load every deck under ``paths``; a slug used twice is a problem too."""
    decks: dict[str, Deck] = {}
    problems: list[Problem] = []
    for path in deck_files(paths):
        deck, found = load_deck_file(path)
        problems.extend(found)
        if deck is None:
            continue
        if deck.slug in decks:
            problems.append(Problem(path.name, "slug", f"slug {deck.slug!r} is used by another deck"))
            continue
        decks[deck.slug] = deck
    return decks, problems


def load_versions(paths: Iterable[Path]) -> tuple[list[Deck], list[Problem]]:
    """Load saved earlier versions of decks: any file name, several versions of one slug."""
    decks: list[Deck] = []
    problems: list[Problem] = []
    for path in deck_files(paths):
        deck, found = load_deck_file(path, match_name=False)
        problems.extend(found)
        if deck is not None:
            decks.append(deck)
    return decks, problems


def load_bundled(extra_dirs: Iterable[Path] = ()) -> dict[str, Deck]:
    """The shipped decks plus any in ``extra_dirs``; refuse to start on a broken one."""
    decks, problems = load_decks([BUNDLED_DIR, *extra_dirs])
    if problems:
        raise RuntimeError("invalid decks:\n" + "\n".join(map(str, problems)))
    return decks


def json_schema() -> str:
    """The JSON Schema of the deck format, for editors (YAML language servers)."""
    schema = Deck.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "KoersKaart deck"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
