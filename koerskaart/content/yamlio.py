"""A deck as YAML text: parse text (a file's or the studio's) and write canonical YAML.

One schema, two doors (issue 13): a deck file and a studio deck go through the same
``parse_deck_text``, so they meet the same validation and the same messages.

``dump_deck`` writes a deck in one canonical layout, so that writing, reading and writing
again gives the same bytes:

- fields in a fixed order (``ORDER``); a field equal to its default is left out, except
  ``version``, which is always written;
- every text is a mapping ``nl:`` / ``en:``;
- quoting: whatever a person wrote (texts, colophon names, sources, contact) is always
  double-quoted on one line, or, for a text with line breaks, a literal block (``|``);
  identifiers (slug, ids, phase references, languages, card types, roles) are plain unless
  YAML would read them as something else (``true``, ``null``, ``1``, ``2026-12-01``), then
  double-quoted. Never single quotes;
- UTF-8 as is: only characters YAML cannot hold raw (controls, line separators, a BOM)
  are escaped, and only inside double quotes;
- no line is ever wrapped, whatever its length;
- lists of identifiers are flow lists (``[a, b]``); everything else is block style;
- a blank line between top-level fields after ``languages``, and between the items of
  ``phases``, ``routes``, ``cards`` and ``retired``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .schema import (
    SLUG_RE,
    Card,
    CardType,
    ChoosePhases,
    Colophon,
    Deck,
    Phase,
    Route,
    Text,
    Variant,
    clean_message,
)


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

MAX_DECK_BYTES = 1024 * 1024
SCHEMA_COMMENT = "# yaml-language-server: $schema=deck.schema.json"


@dataclass(frozen=True)
class Problem:
    file: str
    location: str
    message: str

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{self.file}: {where}{self.message}"


# ── Reading ────────────────────────────────────────────────────────────────────


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


def validation_problems(error: ValidationError, name: str = "") -> list[Problem]:
    """A schema refusal as the deck files report it: each finding in an author's words, at its path.

    For validating a part of a deck (the studio's preview validates one ``Card``): paths are
    relative to the validated model (``prompt.en``, ``options[1].nl``).
    """
    return _problems_from(error, name)


def parse_deck_text(text: str, name: str) -> tuple[Deck | None, list[Problem]]:
    """Parse and validate a deck's YAML text; never raises for bad content.

    ``name`` is what each problem is reported against: a file name, or a studio deck's name.
    """
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate: no file could hold this text
        return None, [Problem(name, "", "text is not valid UTF-8")]
    if size > MAX_DECK_BYTES:
        return None, [Problem(name, "", f"deck is larger than {MAX_DECK_BYTES // 1024} KiB")]
    try:
        raw = yaml.load(text, Loader=DeckYamlLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        return None, [Problem(name, where, f"invalid YAML: {problem}")]
    if not isinstance(raw, dict):
        return None, [Problem(name, "", "a deck file must be a mapping with schema_version, slug, ...")]
    try:
        return Deck.model_validate(raw), []
    except ValidationError as exc:
        return None, _problems_from(exc, name)


# ── Writing ────────────────────────────────────────────────────────────────────

# The canonical field order of every model; a test checks each lists all the model's fields.
ORDER: dict[type[BaseModel], tuple[str, ...]] = {
    Deck: (
        "schema_version",
        "slug",
        "version",
        "languages",
        "title",
        "description",
        "facilitator",
        "colophon",
        "minutes",
        "phases",
        "routes",
        "cards",
        "retired",
    ),
    Colophon: ("owner", "date", "authors", "reviewers", "sources", "contact", "note"),
    Phase: ("id", "title", "description"),
    Route: ("id", "title", "description", "mixed", "cards", "choose"),
    ChoosePhases: ("count", "phases"),
    Card: (
        "id",
        "type",
        "phase",
        "role",
        "sensitive",
        "minutes",
        "max_length",
        "prompt",
        "body",
        "options",
        "follow_up",
        "facilitator",
        "conference",
        "source",
    ),
    Variant: ("prompt", "body", "follow_up"),
}
ALWAYS = {(Deck, "version")}  # what a table records: written even when it is the default 1
SPACED = ("phases", "routes", "cards", "retired")  # top-level lists with a blank line between items


class _Text(str):
    """A person's text: double-quoted, or a literal block when it has line breaks."""


class _Quoted(str):
    """A person's string that is not a Text (colophon names, sources, contact): double-quoted."""


class _Flow(list[Any]):
    """A list of identifiers, written on one line: [a, b]."""


def _plain(model: BaseModel) -> dict[str, Any]:
    """The fields of ``model`` to write, in canonical order, as values the writer knows."""
    if isinstance(model, Text):  # LongText too
        return {lang: _Text(value) for lang in ("nl", "en") if (value := getattr(model, lang)) is not None}
    order = ORDER[type(model)]
    fields = type(model).model_fields
    out: dict[str, Any] = {}
    for name in order:
        value = getattr(model, name)
        field = fields[name]
        if (type(model), name) not in ALWAYS and not field.is_required() and value == field.get_default():
            continue
        out[name] = _value(value, person=isinstance(model, Colophon))
    return out


def _value(value: Any, person: bool) -> Any:
    if isinstance(value, BaseModel):
        return _plain(value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, dict):  # minutes per card type, in the order of the card types
        return {kind.value: value[kind] for kind in CardType if kind in value}
    if isinstance(value, list):
        items = [_value(item, person) for item in value]
        if items and all(isinstance(item, str) and not isinstance(item, _Quoted | _Text) for item in items):
            return _Flow(items)
        return items if items else _Flow()
    if isinstance(value, str):
        return _Quoted(value) if person else value
    return value


# Characters YAML holds raw in a double-quoted scalar; the rest are escaped (YAML 1.1, 5.1).
_UNPRINTABLE = re.compile("[^\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_LINE_SEPARATORS = "\u2028\u2029"
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\x00": "\\0",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}
_TO_ESCAPE = re.compile('[\\\\"\u2028\u2029]|' + _UNPRINTABLE.pattern)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02X}"
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def _quoted(text: str) -> str:
    return '"' + _TO_ESCAPE.sub(_escape, text) + '"'


_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()  # YAML 1.1's, stricter than ours: "yes" stays quoted too


def _identifier(text: str) -> str:
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if re.fullmatch(SLUG_RE, text) and tag == _STR_TAG:
        return text
    return _quoted(text)


def _literal(text: str) -> bool:
    """Whether a literal block reads back as ``text`` (plus the final line break the schema strips)."""
    lines = text.split("\n")
    return (
        len(lines) > 1
        and text == text.strip()
        and not any(line != line.rstrip() for line in lines)
        and _UNPRINTABLE.search(text.replace("\n", "")) is None
        and not any(char in _LINE_SEPARATORS for char in text)
    )


def _scalar(value: Any, indent: int) -> tuple[str, list[str]]:
    """A scalar as its text after ``key: `` and any lines of a block below it."""
    if isinstance(value, bool):
        return ("true" if value else "false"), []
    if isinstance(value, int):
        return str(value), []
    if value is None:
        return "null", []
    if isinstance(value, date):
        return value.isoformat(), []
    if isinstance(value, float):
        return repr(value), []
    if isinstance(value, _Flow):
        return "[" + ", ".join(_scalar(item, indent)[0] for item in value) + "]", []
    if isinstance(value, _Text) and _literal(value):
        return "|", [" " * indent + line if line else "" for line in value.split("\n")]
    if isinstance(value, _Text | _Quoted):
        return _quoted(value), []
    if isinstance(value, str):
        return _identifier(value), []
    raise TypeError(f"cannot write {type(value).__name__} in a deck")


def _mapping(mapping: dict[str, Any], indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    for key, value in mapping.items():
        if isinstance(value, dict) and not value:
            out.append(f"{pad}{key}: {{}}")
        elif isinstance(value, dict):
            out.append(f"{pad}{key}:")
            out += _mapping(value, indent + 2)
        elif isinstance(value, list) and not isinstance(value, _Flow):
            out.append(f"{pad}{key}:")
            out += _sequence(value, indent + 2, spaced=indent == 0 and key in SPACED)
        else:
            head, block = _scalar(value, indent + 2)
            out.append(f"{pad}{key}: {head}")
            out += block
    return out


def _sequence(items: list[Any], indent: int, spaced: bool) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    for index, item in enumerate(items):
        if spaced and index:
            out.append("")
        if isinstance(item, dict) and item:
            lines = _mapping(item, indent + 2)
            out.append(f"{pad}- {lines[0][indent + 2 :]}")
            out += lines[1:]
        elif isinstance(item, dict):
            out.append(f"{pad}- {{}}")
        elif isinstance(item, list) and not isinstance(item, _Flow):  # a list in a list: only raw data
            lines = _sequence(item, indent + 2, spaced=False)
            out.append(f"{pad}- {lines[0][indent + 2 :]}")
            out += lines[1:]
        else:
            head, block = _scalar(item, indent + 2)
            out.append(f"{pad}- {head}")
            out += block
    return out


def dump_deck(deck: Deck) -> str:
    """The deck as canonical YAML (see the module's docstring): same deck, same bytes."""
    return _write(_plain(deck))


# ── Writing data the schema refuses (a studio draft) ──────────────────────────

# What the values under each model's fields are, for data that need not validate: a text, a
# person's string, or another model. Lists are marked by a one-element list.
_KINDS: dict[type[BaseModel], dict[str, Any]] = {
    Deck: {
        "title": Text,
        "description": Text,
        "facilitator": Text,
        "colophon": Colophon,
        "phases": [Phase],
        "routes": [Route],
        "cards": [Card],
        "retired": [Card],
    },
    Colophon: {
        "owner": Text,
        "note": Text,
        "authors": [_Quoted],
        "reviewers": [_Quoted],
        "sources": [_Quoted],
        "contact": _Quoted,
    },
    Phase: {"title": Text, "description": Text},
    Route: {"title": Text, "description": Text, "choose": ChoosePhases},
    ChoosePhases: {},
    Card: {
        "prompt": Text,
        "body": Text,
        "options": [Text],
        "follow_up": [Text],
        "source": Text,
        "facilitator": Text,
        "conference": Variant,
    },
    Variant: {"prompt": Text, "body": Text, "follow_up": [Text]},
}
_SIMPLE_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def _key(key: object) -> str:
    text = str(key)
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if isinstance(key, str) and _SIMPLE_KEY.match(text) and tag == _STR_TAG:
        return text
    return _quoted(text)


def _raw(value: Any, kind: Any) -> Any:
    """Plain data as values the writer knows, guided by what the schema expects where it stands."""
    if isinstance(kind, list):
        if isinstance(value, list):
            return _raw_list([_raw(item, kind[0]) for item in value])
        return _raw(value, None)
    if kind is Text and isinstance(value, dict):
        ordered = [lang for lang in ("nl", "en") if lang in value] + [
            k for k in value if k not in ("nl", "en")
        ]
        return {_key(k): _raw(value[k], Text) for k in ordered}
    if (
        isinstance(kind, type)
        and issubclass(kind, BaseModel)
        and kind is not Text
        and isinstance(value, dict)
    ):
        order = ORDER[kind]
        keys = [name for name in order if name in value] + [k for k in value if k not in order]
        kinds = _KINDS[kind]
        if kind is Deck and isinstance(value.get("minutes"), dict):
            value = {**value, "minutes": _raw_minutes(value["minutes"])}
        return {_key(k): _raw(value[k], kinds.get(k)) for k in keys}
    if isinstance(value, dict):
        return {_key(k): _raw(v, None) for k, v in value.items()}
    if isinstance(value, list):
        return _raw_list([_raw(item, None) for item in value])
    if isinstance(value, str):
        if kind is Text:  # a block reads back with one final line break: write it without
            return _Text(value[:-1] if value.endswith("\n") and _literal(value[:-1]) else value)
        return _Quoted(value) if kind is _Quoted else value
    return value


def _raw_minutes(minutes: dict[Any, Any]) -> dict[Any, Any]:
    known = [kind.value for kind in CardType if kind.value in minutes]
    return {key: minutes[key] for key in [*known, *(k for k in minutes if k not in known)]}


def _raw_list(items: list[Any]) -> list[Any]:
    if items and all(isinstance(item, str) and not isinstance(item, _Quoted | _Text) for item in items):
        return _Flow(items)
    return items if items else _Flow()


def dump_data(data: Mapping[str, Any]) -> str:
    """Plain deck data (as YAML reads a deck file) as YAML in dump_deck's layout, even when the
    schema refuses it: the studio keeps an invalid draft as the author left it.

    Reading the result back gives the same data (a text of several lines may come back with a
    final line break, which the schema strips). Only what the data holds is written: for data
    the schema accepts, write ``dump_deck`` of the deck instead, which leaves out defaults.
    """
    return _write(_raw(dict(data), Deck))


def _write(fields: dict[str, Any]) -> str:
    sections: list[list[str]] = [[SCHEMA_COMMENT]]
    for key, value in fields.items():
        lines = _mapping({key: value}, 0)
        if key in ("schema_version", "slug", "version", "languages"):
            sections[0] += lines
        else:
            sections.append(lines)
    return "\n\n".join("\n".join(lines) for lines in sections) + "\n"
