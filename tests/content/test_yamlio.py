"""Canonical deck YAML (issue 13, files): dump, parse, dump again gives the same bytes.

The bundled files are written by hand (comments, layout) and need not be canonical; their
canonical form must round-trip. Decks made up by Hypothesis try the texts YAML is touchy about.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koerskaart.content import Deck, dump_deck, load_deck_file, parse_deck_text
from koerskaart.content.loader import BUNDLED_DIR
from koerskaart.content.schema import FULL_ROUTE, CardType, LongText, Text
from koerskaart.content.yamlio import MAX_DECK_BYTES, ORDER, SCHEMA_COMMENT
from koerskaart.live import decks as installed_decks
from tests.helpers.apps import fresh_app

BUNDLED = sorted(path.stem for path in BUNDLED_DIR.glob("*.yaml"))


def _bundled(slug: str) -> Deck:
    deck, problems = load_deck_file(BUNDLED_DIR / f"{slug}.yaml")
    assert deck is not None, problems
    return deck


def _round_trip(deck: Deck) -> str:
    text = dump_deck(deck)
    parsed, problems = parse_deck_text(text, "canonical.yaml")
    assert problems == []
    assert parsed == deck
    assert dump_deck(parsed) == text
    return text


# ── The bundled decks ──────────────────────────────────────────────────────────


@pytest.mark.parametrize("slug", BUNDLED)
def test_a_bundled_deck_round_trips_byte_for_byte(slug: str) -> None:
    text = _round_trip(_bundled(slug))
    assert text.startswith(SCHEMA_COMMENT + "\nschema_version: 1\nslug: " + slug + "\n")
    assert "\\u" not in text and "\u2018" in text  # UTF-8 as is
    assert not re.search(r"^ *(?:- |[a-z_]+: )'", text, re.MULTILINE)  # never single quotes
    assert all(line == line.rstrip() for line in text.splitlines())
    assert "\n\n\n" not in text and text.endswith("\n") and not text.endswith("\n\n")


def test_canonical_layout() -> None:
    text = dump_deck(_bundled("tegenspraak"))
    assert '\nlanguages: [nl, en]\n\ntitle:\n  nl: "Tegenspraak"\n  en: "Constructive dissent"\n' in text
    assert "\nfacilitator:\n  nl: |\n    ### Waarvoor deze set is\n" in text
    assert "    cards: [tg-01, tg-19, tg-21, tg-08, tg-12, tg-28]\n" in text
    assert "\n  date: 2026-12-01\n" in text
    # Fields in the schema's order, a blank line between cards, defaults left out.
    keys = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert keys == [
        "schema_version",
        "slug",
        "version",
        "languages",
        "title",
        "description",
        "facilitator",
        "colophon",
        "phases",
        "routes",
        "cards",
        "retired",
    ]
    assert "\n\n  - id: tg-02\n    type: frequency\n" in text
    assert "sensitive: false" not in text and "mixed: false" not in text and "follow_up: []" not in text


def test_the_order_names_every_field_of_every_model() -> None:
    for model, order in ORDER.items():
        assert sorted(order) == sorted(model.model_fields), model.__name__
    assert sorted(Text.model_fields) == sorted(LongText.model_fields) == ["en", "nl"]


# ── Made-up decks ──────────────────────────────────────────────────────────────

TOUCHY = [
    "yes",
    "no",
    "on",
    "off",
    "null",
    "~",
    "1.0",
    "1",
    "true",
    "False",
    "2026-12-01",
    "a: b",
    "#",
    " # no comment",
    "- item",
    "'single'",
    '"double"',
    "\\",
    "{x}",
    "[y]",
    "&a *b !c %d @e `f`",
    "é ü ß \u2018\u2019 — € 😀 中文",
    "\t",
    "\n",
    "\n\n",
    "\n  indented",
    "  ",
    "\r\n",
    "\x85",
    "\u2028",
    "\ufeff",
    "\x00",
    "\x7f",
    "---",
    "...",
    "|",
    ">",
    "%",
    "?",
]
TOUCHY_IDS = ["true", "false", "null", "yes", "no", "on", "off", "y", "n", "1", "017", "0x1f", "1e5"]
TOUCHY_IDS += ["2026-12-01", "1-2", "nan", "inf"]

pieces = st.one_of(st.sampled_from(TOUCHY), st.text(max_size=12))
texts = st.lists(pieces, min_size=1, max_size=6).map("".join).filter(lambda text: bool(text.strip()))
lines = st.lists(st.text("abc #:-'\" é😀", max_size=8), min_size=2, max_size=5).map("\n".join)
person_texts = st.one_of(texts, lines.filter(lambda text: bool(text.strip())))
strings = st.lists(pieces, max_size=4).map("".join)  # colophon names: any string at all
ids = st.one_of(
    st.sampled_from(TOUCHY_IDS), st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,4}){0,2}", fullmatch=True)
).filter(lambda value: value != FULL_ROUTE)


@st.composite
def decks(draw: st.DrawFn) -> Deck:
    english = draw(st.booleans())

    def text() -> dict[str, str]:
        value = {"nl": draw(person_texts)}
        if english or draw(st.booleans()):
            value["en"] = draw(person_texts)
        return value

    def maybe(key: str, target: dict[str, Any], make: Any) -> None:
        if draw(st.booleans()):
            target[key] = make()

    n_phases, n_cards = draw(st.integers(0, 3)), draw(st.integers(1, 6))
    n_retired, n_routes = draw(st.integers(0, 2)), draw(st.integers(0, 3))
    every_id = draw(st.lists(ids, min_size=n_phases + n_cards + n_retired + n_routes, unique=True))
    phase_ids = every_id[:n_phases]
    card_ids = every_id[n_phases : n_phases + n_cards]
    retired_ids = every_id[n_phases + n_cards : n_phases + n_cards + n_retired]
    route_ids = every_id[n_phases + n_cards + n_retired :][:n_routes]

    def card(card_id: str, index: int) -> dict[str, Any]:
        kind = draw(st.sampled_from(CardType))
        made: dict[str, Any] = {"id": card_id, "type": kind.value, "prompt": text()}
        if phase_ids:
            made["phase"] = draw(st.sampled_from(phase_ids))
        if index == 0 and draw(st.booleans()):
            made["role"] = "opening"
        elif index == n_cards - 1 and index > 0 and draw(st.booleans()):
            made["role"] = "closing"
        if kind is CardType.CHOICE:
            made["options"] = [text() for _ in range(draw(st.integers(2, 5)))]
        if kind is CardType.OPEN:
            maybe("max_length", made, lambda: draw(st.integers(20, 500)))
        for key in ("body", "source", "facilitator"):
            maybe(key, made, text)
        maybe("sensitive", made, lambda: draw(st.booleans()))
        maybe("minutes", made, lambda: draw(st.integers(1, 60)))
        made["follow_up"] = [text() for _ in range(draw(st.integers(0, 3)))]
        if draw(st.booleans()):
            variant: dict[str, Any] = {"prompt": text()}
            maybe("body", variant, text)
            if made["follow_up"]:
                maybe("follow_up", variant, lambda: [text() for _ in range(draw(st.integers(0, 2)))])
            made["conference"] = variant
        return made

    def route(route_id: str) -> dict[str, Any]:
        made: dict[str, Any] = {"id": route_id, "title": text()}
        maybe("description", made, text)
        maybe("mixed", made, lambda: draw(st.booleans()))
        if len(phase_ids) >= 2 and draw(st.booleans()):
            phases = draw(st.permutations(phase_ids))[: draw(st.integers(2, len(phase_ids)))]
            made["choose"] = {"count": draw(st.integers(1, len(phases) - 1)), "phases": phases}
            maybe("cards", made, lambda: draw(st.lists(st.sampled_from(card_ids), unique=True)))
        else:
            made["cards"] = draw(st.lists(st.sampled_from(card_ids), min_size=1, unique=True))
        return made

    raw: dict[str, Any] = {
        "schema_version": 1,
        "slug": draw(ids),
        "version": draw(st.integers(1, 10**6)),
        "languages": ["nl", "en"] if english else ["nl"],
        "title": text(),
        "description": text(),
        "phases": [{"id": phase_id, "title": text()} for phase_id in phase_ids],
        "cards": [card(card_id, index) for index, card_id in enumerate(card_ids)],
        "retired": [card(card_id, -1) for card_id in retired_ids],
        "routes": [route(route_id) for route_id in route_ids],
        "minutes": draw(
            st.dictionaries(st.sampled_from([kind.value for kind in CardType]), st.integers(1, 60))
        ),
    }
    for phase in raw["phases"]:
        maybe("description", phase, text)
    maybe("facilitator", raw, text)
    if draw(st.booleans()):
        colophon: dict[str, Any] = {
            "owner": text(),
            "date": draw(st.dates()),
            "authors": draw(st.lists(strings, min_size=1, max_size=3)),
            "reviewers": draw(st.lists(strings, max_size=2)),
            "sources": draw(st.lists(strings.filter(bool), min_size=1, max_size=3)),
            "contact": draw(strings.filter(bool)),
        }
        maybe("note", colophon, text)
        raw["colophon"] = colophon
    return Deck.model_validate(raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(decks())
def test_any_deck_round_trips_byte_for_byte(deck: Deck) -> None:
    text = _round_trip(deck)
    assert text.startswith(SCHEMA_COMMENT + "\n")


def _deck(**changes: Any) -> Deck:
    raw: dict[str, Any] = {
        "schema_version": 1,
        "slug": "proef",
        "languages": ["nl", "en"],
        "title": {"nl": "Proef", "en": "Trial"},
        "description": {"nl": "Over niets.", "en": "About nothing."},
        "cards": [
            {"id": "een", "type": "choice", "prompt": {"nl": "Kies", "en": "Choose"}, "options": []},
        ],
    }
    raw["cards"][0]["options"] = [{"nl": "Ja", "en": "Yes"}, {"nl": "Nee", "en": "No"}]
    raw.update(changes)
    return Deck.model_validate(raw)


def test_touchy_strings_are_quoted_and_kept() -> None:
    deck = _deck(
        slug="true",
        cards=[
            {
                "id": "2026-12-01",
                "type": "open",
                "prompt": {"nl": "ja", "en": "yes: no # maybe 😀"},
                "body": {"nl": "Eerste regel\n  ingesprongen\n\n- lijst", "en": "trailing space \nhere"},
            }
        ],
    )
    text = _round_trip(deck)
    assert 'slug: "true"\n' in text and '  - id: "2026-12-01"\n' in text
    assert '      nl: "ja"\n      en: "yes: no # maybe 😀"\n' in text
    assert "    body:\n      nl: |\n        Eerste regel\n          ingesprongen\n\n        - lijst\n" in text
    assert '      en: "trailing space \\nhere"\n' in text  # a literal block would lose nothing, YAML would
    assert "version: 1\n" in text  # always written, though it is the default


def test_conference_follow_up_none_and_empty_differ() -> None:
    card = {
        "id": "een",
        "type": "statement",
        "prompt": {"nl": "Stelling", "en": "Claim"},
        "follow_up": [{"nl": "Waarom?", "en": "Why?"}],
        "conference": {"prompt": {"nl": "Bij jou", "en": "Where you work"}, "follow_up": []},
    }
    text = _round_trip(_deck(cards=[card]))
    assert "      follow_up: []\n" in text


# ── Problems in text ───────────────────────────────────────────────────────────


def test_yaml_errors_have_a_line_and_column() -> None:
    deck, problems = parse_deck_text("slug: kapot\ncards: [\n  - {id: a\n", "studio")
    assert deck is None and len(problems) == 1
    assert problems[0].file == "studio"
    assert problems[0].location.startswith("line ") and ", column " in problems[0].location
    assert problems[0].message.startswith("invalid YAML: ")


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "just words\n", "42\n"])
def test_a_deck_is_a_mapping(text: str) -> None:
    deck, problems = parse_deck_text(text, "studio")
    assert deck is None
    assert [str(problem) for problem in problems] == [
        "studio: a deck file must be a mapping with schema_version, slug, ..."
    ]


def test_schema_errors_name_their_location() -> None:
    text = dump_deck(_bundled("tegenspraak"))
    text = text.replace(
        "  - id: tg-17\n    type: choice\n", "  - id: tg-17\n    type: chioce\n    colour: red\n"
    )
    deck, problems = parse_deck_text(text, "tegenspraak (concept)")
    assert deck is None
    found = {(problem.location, problem.message.split(",")[0]) for problem in problems}
    assert ("cards[0].colour", "unknown field (check its spelling in decks/README.md)") in found
    assert any(location == "cards[0].type" for location, _ in found)
    assert all(problem.file == "tegenspraak (concept)" for problem in problems)


def test_too_large_and_not_utf8() -> None:
    huge = "# " + "é" * (MAX_DECK_BYTES // 2)  # fewer characters than the limit, more bytes
    assert len(huge) < MAX_DECK_BYTES
    deck, problems = parse_deck_text(huge, "studio")
    assert deck is None and [problem.message for problem in problems] == ["deck is larger than 1024 KiB"]
    deck, problems = parse_deck_text("slug: \ud800\n", "studio")
    assert deck is None and [problem.message for problem in problems] == ["text is not valid UTF-8"]


def test_yes_and_no_stay_words() -> None:
    text = dump_deck(_deck()).replace('"Yes"', "Yes").replace('"No"', "No").replace('"Ja"', "ja")
    deck, problems = parse_deck_text(text, "studio")
    assert problems == [] and deck is not None
    assert [option.en for option in deck.cards[0].options or []] == ["Yes", "No"]
    assert yaml.safe_load(text)["cards"][0]["options"][0]["en"] is True  # what plain YAML would make of it


def test_a_file_and_its_text_give_the_same_problems(tmp_path: Path) -> None:
    text = "schema_version: 1\nslug: kapot\nlanguages: [nl]\ntitle: {nl: ''}\n"
    path = tmp_path / "kapot.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_deck_file(path) == parse_deck_text(text, "kapot.yaml")


# ── The command line ───────────────────────────────────────────────────────────


def test_export_writes_canonical_yaml_to_stdout_and_to_a_file(tmp_path: Path) -> None:
    with fresh_app(bundled=True) as app:
        runner = app.test_cli_runner()
        for slug in BUNDLED:
            result = runner.invoke(args=["decks", "export", slug])
            assert result.exit_code == 0, result.stderr
            deck = installed_decks.get(slug)
            assert deck is not None and result.stdout == dump_deck(deck)
            target = tmp_path / f"{slug}.yaml"
            written = runner.invoke(args=["decks", "export", slug, "-o", str(target)])
            assert written.exit_code == 0 and written.stdout == ""
            assert target.read_text(encoding="utf-8") == result.stdout
        checked = runner.invoke(args=["decks", "validate", "--strict", str(tmp_path)])
        assert checked.exit_code == 0, checked.stderr
        for slug in BUNDLED:
            assert f"ok  {slug}:" in checked.stdout


def test_export_of_an_unknown_deck_fails_clearly() -> None:
    with fresh_app(bundled=True) as app:
        result = app.test_cli_runner().invoke(args=["decks", "export", "bestaat-niet"])
    assert result.exit_code == 1 and result.stdout == ""
    assert "No installed deck 'bestaat-niet'. Installed: " in result.stderr
    assert "tegenspraak" in result.stderr
