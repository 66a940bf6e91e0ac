"""Load deck files and report every problem in them, each with file and location."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .schema import SLUG_RE, Deck, clean_message


# libyaml's parser (in every PyYAML wheel): the bundled decks load several times faster, which a
# restart with phones waiting feels (docs/performance.md). The constructor is the same safe one.
class DeckYamlLoader(yaml.CSafeLoader):
    """YAML with only true/false as booleans: "Yes", "No", "On" and "Off" are answers in a deck."""


DeckYamlLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
DeckYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "decks"
MAX_DECK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Problem:
    file: str
    location: str
    message: str

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{self.file}: {where}{self.message}"


def _location(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        if part == "[key]":  # pydantic's marker for a mapping key that is wrong itself
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_PATH_PREFIX = re.compile(r"^([a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*): (.+)$")


def _split_path(location: str, message: str) -> tuple[str, str]:
    """Move a leading ``field.path: `` from a message into the location."""
    match = _PATH_PREFIX.match(message)
    if not match:
        return location, message
    path, rest = match.groups()
    return (f"{location}.{path}" if location else path), rest


_DATE_ERRORS = {"date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word.replace('entry', 'entrie')}s"


def _author_message(item: Mapping[str, Any]) -> str:
    """Pydantic's message in a deck author's words: what is wrong and what to write instead.

    Never ``"; "`` inside a message: deck-level checks use it to join their findings.
    """
    kind, ctx, value = item["type"], item.get("ctx") or {}, item.get("input")
    on_key = bool(item["loc"]) and item["loc"][-1] == "[key]"
    if kind == "extra_forbidden":
        return "unknown field (check its spelling in decks/README.md)"
    if kind == "missing":
        return "required field missing"
    if kind == "string_too_long":
        return f"too long: {len(str(value))} characters, shorten it to at most {ctx['max_length']}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        return f"needs at least {_plural(ctx['min_length'], 'entry')}"
    if kind == "too_long":
        return f"at most {_plural(ctx['max_length'], 'entry')}, this has {ctx['actual_length']}"
    if kind == "greater_than_equal":
        return f"must be at least {ctx['ge']}, not {value}"
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']}, not {value}"
    if kind == "enum":
        if on_key:
            return f"{value!r} is not allowed here, use one of {ctx['expected']}"
        return f"must be {ctx['expected']}, not {value!r}"
    if kind == "literal_error":
        return f"must be {ctx['expected']}"
    if kind in _DATE_ERRORS:
        return "not a date: write it as year-month-day, for example 2026-12-01"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == SLUG_RE:
        return "use only lowercase letters, digits and single hyphens, for example sv-01"
    if kind == "model_type" and ctx.get("class_name") in ("Text", "LongText"):
        return 'write the text per language, for example {nl: "...", en: "..."}'
    if kind in ("model_type", "dict_type"):
        return "must be a mapping of fields (name: value)"
    if kind == "list_type":
        return "must be a list (one `- ` line per entry, or [a, b])"
    if kind in ("bool_type", "bool_parsing"):
        return "must be true or false"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "must be a whole number"
    if kind == "string_type":
        return "must be text (put it in quotes)"
    return clean_message(item["msg"])


def _problems_from(error: ValidationError, name: str) -> list[Problem]:
    problems = []
    for item in error.errors():
        location = _location(item["loc"])
        message = _author_message(item)
        # Deck-level checks join several findings that each name their own path.
        for part in message.split("; "):
            where, part = _split_path(location, part)
            problems.append(Problem(name, where, part))
    return problems


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
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=DeckYamlLoader)
    except UnicodeDecodeError:
        return None, [Problem(name, "", "file is not UTF-8 text")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        return None, [Problem(name, where, f"invalid YAML: {problem}")]
    if not isinstance(raw, dict):
        return None, [Problem(name, "", "a deck file must be a mapping with schema_version, slug, ...")]
    try:
        deck = Deck.model_validate(raw)
    except ValidationError as exc:
        return None, _problems_from(exc, name)
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
