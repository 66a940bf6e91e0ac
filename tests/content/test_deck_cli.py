"""`flask decks validate|list|schema`, as a deck author uses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask

from koerskaart.content.loader import BUNDLED_DIR, json_schema
from tests.helpers.proefdeck import TEST_DECK

BROKEN = """\
schema_version: 1
slug: tegenspraak
languages: [nl, en]
title: {nl: Tegenspraak, en: Dissent}
description: {nl: Over tegenspraak., en: About dissent.}
cards:
  - id: een
    type: statement
    prompt: {nl: Een stelling, en: A statement}
  - id: twee
    type: statement
    prompt: {nl: Nog een, en: Another}
  - id: drie
    type: choice
    prompt: {nl: Kies, en: Choose}
    options:
      - {nl: Ja, en: Yes}
  - id: vier
    type: choice
    prompt: {nl: Kies, en: Choose}
    options: [{nl: a}, {nl: b}, {nl: c}, {nl: d}, {nl: e}, {nl: f}]
    colour: red
"""


def _invoke(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def runner_app(app: Flask) -> Flask:
    return app


def test_validate_reports_every_problem_with_file_and_location(runner_app: Flask, tmp_path: Path) -> None:
    deck = tmp_path / "tegenspraak.yaml"
    deck.write_text(BROKEN, encoding="utf-8")
    result = _invoke(runner_app, "decks", "validate", str(deck))
    assert result.exit_code == 1
    assert "tegenspraak.yaml: cards[2].options: at least 2 options" in result.stderr
    assert "tegenspraak.yaml: cards[3].colour: unknown field" in result.stderr


def test_validate_reports_yaml_errors_with_line_numbers(runner_app: Flask, tmp_path: Path) -> None:
    deck = tmp_path / "kapot.yaml"
    deck.write_text("slug: kapot\ncards: [\n  - {id: a\n", encoding="utf-8")
    result = _invoke(runner_app, "decks", "validate", str(deck))
    assert result.exit_code == 1
    assert "kapot.yaml: line " in result.stderr and "invalid YAML" in result.stderr


def test_validate_a_good_deck_and_a_missing_file(runner_app: Flask, tmp_path: Path) -> None:
    ok = _invoke(runner_app, "decks", "validate", str(TEST_DECK))
    assert ok.exit_code == 0, ok.stderr
    assert "ok  proefdeck: 5 cards" in ok.stdout
    missing = _invoke(runner_app, "decks", "validate", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 1 and "no such file" in missing.stderr


def test_validate_without_paths_checks_the_bundled_decks(runner_app: Flask) -> None:
    result = _invoke(runner_app, "decks", "validate")
    assert result.exit_code == 0, result.stderr
    for slug in ("sociale-veiligheid", "tegenspraak", "kompas-publiek-leiderschap"):
        assert f"ok  {slug}:" in result.stdout


def test_list_shows_the_installed_decks(runner_app: Flask) -> None:
    result = _invoke(runner_app, "decks", "list")
    assert result.exit_code == 0
    assert "proefdeck" in result.stdout and "5 cards" in result.stdout


def test_the_published_json_schema_is_current() -> None:
    published = BUNDLED_DIR / "deck.schema.json"
    assert published.read_text(encoding="utf-8") == json_schema(), (
        "regenerate with: flask --app koerskaart decks schema -o koerskaart/decks/deck.schema.json"
    )
    schema = json.loads(published.read_text(encoding="utf-8"))
    assert schema["additionalProperties"] is False


def test_yes_and_no_are_words_not_booleans(tmp_path: Path) -> None:
    from koerskaart.content import load_deck_file

    deck = tmp_path / "janee.yaml"
    deck.write_text(
        BROKEN.replace("slug: tegenspraak", "slug: janee")
        .split("  - id: vier")[0]
        .replace("      - {nl: Ja, en: Yes}", "      - {nl: Ja, en: Yes}\n      - {nl: Nee, en: No}"),
        encoding="utf-8",
    )
    loaded, problems = load_deck_file(deck)
    assert problems == [] and loaded is not None
    assert [o.en for o in loaded.cards[2].options or []] == ["Yes", "No"]
