"""The content lint (issue 12): each check, the CLI's warnings and exit codes, the bundled decks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask

from koerskaart.content.lint import (
    DUPLICATE_CARD_ID,
    FREQUENCY_WORD_IN_SCALE,
    MISSING_TRANSLATION,
    NO_SOURCE,
    Finding,
    lint,
    lint_versions,
)
from koerskaart.content.loader import BUNDLED_DIR, load_decks
from koerskaart.content.schema import Deck

SOURCE = {"nl": "Eigen voorbeeld.", "en": "Own example."}
# What lint expects around the cards (guide, colophon, opening, closing), so tests see only their own finding.
FRAMING: dict[str, Any] = {
    "facilitator": {"nl": "Speel dit rustig.", "en": "Play this calmly."},
    "colophon": {
        "owner": {"nl": "Academie", "en": "Academy"},
        "date": "2026-12-01",
        "authors": ["KoersKaart"],
        "sources": ["Eigen werk"],
        "contact": "academie@example.org",
    },
}
OPENING = {
    "id": "open",
    "type": "choice",
    "role": "opening",
    "prompt": {"nl": "Hoe kom je binnen?", "en": "How are you arriving?"},
    "options": [{"nl": "Rustig", "en": "Calm"}, {"nl": "Druk", "en": "Busy"}],
    "source": SOURCE,
}
CLOSING = {
    "id": "close",
    "type": "open",
    "role": "closing",
    "prompt": {"nl": "Wat neem je mee?", "en": "What will you take with you?"},
    "source": SOURCE,
}


def _card(
    card_id: str, nl: str = "Wij luisteren naar elkaar.", en: str = "We listen to each other.", **extra: Any
) -> dict[str, Any]:
    return {"id": card_id, "type": "statement", "prompt": {"nl": nl, "en": en}, "source": SOURCE, **extra}


def _deck(*cards: dict[str, Any], languages: tuple[str, ...] = ("nl", "en"), version: int = 1) -> Deck:
    return Deck.model_validate(
        {
            "schema_version": 1,
            "slug": "lintdeck",
            "version": version,
            "languages": list(languages),
            "title": {"nl": "Lintdeck", "en": "Lint deck"},
            "description": {"nl": "Om te testen.", "en": "For testing."},
            "cards": [OPENING, *cards, CLOSING],
            **FRAMING,
        }
    )


def _codes(findings: list[Finding]) -> list[tuple[str | None, str]]:
    return [(finding.card, finding.code) for finding in findings]


def test_a_clean_deck_has_no_findings() -> None:
    assert lint(_deck(_card("a"), _card("b", type="frequency", nl="Hoe vaak?", en="How often?"))) == []


def test_a_card_without_a_source_note() -> None:
    card = _card("a")
    del card["source"]
    assert _codes(lint(_deck(card))) == [("a", NO_SOURCE)]


def test_an_action_card_needs_a_source_too() -> None:
    card = _card("doen", type="action")
    del card["source"]
    assert _codes(lint(_deck(card))) == [("doen", NO_SOURCE)]


@pytest.mark.parametrize(
    ("nl", "en"),
    [
        ("Wij spreken elkaar VAAK aan.", "We address each other."),
        ("Wij spreken elkaar aan.", "We Usually address each other."),
        ("Dit gebeurt bijna altijd.", "This almost always happens."),
    ],
)
def test_a_frequency_word_in_an_agree_scale(nl: str, en: str) -> None:
    assert _codes(lint(_deck(_card("a", nl=nl, en=en)))) == [("a", FREQUENCY_WORD_IN_SCALE)]


def test_frequency_words_count_only_as_whole_words_and_only_on_agree_scales() -> None:
    deck = _deck(
        _card("a", nl="Wij zijn somsachtig nooitgedacht.", en="Neverland, oftentimes and usualness."),
        _card("b", type="frequency", nl="Hoe vaak zeg je iets?", en="How often do you speak up?"),
        _card("c", type="open", nl="Wat gebeurt er meestal?", en="What usually happens?"),
    )
    assert lint(deck) == []
    finding = lint(_deck(_card("a", nl="Wij zijn soms eerlijk.", en="We are honest.")))[0]
    assert "soms (nl)" in finding.message


def test_missing_translations_in_a_dutch_only_deck() -> None:
    card = {"id": "a", "type": "statement", "prompt": {"nl": "Stelling"}, "source": {"nl": "Bron"}}
    findings = lint(
        Deck.model_validate(
            {
                "schema_version": 1,
                "slug": "lintdeck",
                "languages": ["nl"],
                "title": {"nl": "Titel", "en": "Title"},
                "description": {"nl": "Over iets."},
                "cards": [card],
            }
        )
    )
    assert [f for f in _codes(findings) if f[1] == MISSING_TRANSLATION] == [
        (None, MISSING_TRANSLATION),
        ("a", MISSING_TRANSLATION),
        ("a", MISSING_TRANSLATION),
    ]
    assert [f.message for f in findings if f.code == MISSING_TRANSLATION] == [
        "description: no en text",
        "prompt: no en text",
        "source: no en text",
    ]


def test_duplicate_card_ids_within_a_deck_built_without_validation() -> None:
    # The schema rejects duplicates; a deck built without validation still gets caught by lint.
    valid = _deck(_card("a"), _card("b"))
    twice = valid.model_copy(
        update={"cards": [valid.cards[0], valid.cards[1], valid.cards[1], valid.cards[-1]]}
    )
    assert _codes(lint(twice)) == [("a", DUPLICATE_CARD_ID)]


def test_a_card_id_reused_for_another_card_in_a_later_version() -> None:
    one = _deck(_card("a"), _card("b"))
    two = _deck(_card("a"), _card("b", nl="Iets heel anders."), _card("c"), version=2)
    findings = lint_versions([two, one])
    assert _codes(findings) == [("b", DUPLICATE_CARD_ID)]
    assert "version 2" in findings[0].message and "version 1" in findings[0].message
    assert lint_versions([one, _deck(_card("a"), _card("b"), version=2)]) == []


def test_bundled_decks_have_no_schema_problems() -> None:
    decks, problems = load_decks([BUNDLED_DIR])
    assert problems == []
    assert set(decks) == {"sociale-veiligheid", "tegenspraak", "kompas-publiek-leiderschap"}
    for deck in decks.values():
        assert all(f.code != MISSING_TRANSLATION for f in lint(deck))


# --- the CLI -----------------------------------------------------------------------------------


def _write(tmp_path: Path, deck: Deck) -> Path:
    path = tmp_path / f"{deck.slug}.yaml"
    path.write_text(
        yaml.safe_dump(deck.model_dump(mode="json", exclude_none=True), allow_unicode=True), encoding="utf-8"
    )
    return path


def test_cli_prints_findings_as_warnings_and_still_passes(app: Flask, tmp_path: Path) -> None:
    bare = _card("a", nl="Wij zijn vaak eerlijk.")
    del bare["source"]
    path = _write(tmp_path, _deck(bare, _card("b")))
    result = app.test_cli_runner().invoke(args=["decks", "validate", str(path)])
    assert result.exit_code == 0, result.stderr
    assert "ok  lintdeck: 4 cards" in result.stdout
    assert "warning  lintdeck a: card has no source note" in result.stderr
    assert "warning  lintdeck a: agree-scale prompt contains a frequency word: vaak (nl)" in result.stderr
    assert "2 warning(s)" in result.stderr
    strict = app.test_cli_runner().invoke(args=["decks", "validate", "--strict", str(path)])
    assert strict.exit_code == 1


def test_cli_strict_passes_a_clean_deck_and_schema_problems_still_fail(app: Flask, tmp_path: Path) -> None:
    clean = _write(tmp_path, _deck(_card("a")))
    result = app.test_cli_runner().invoke(args=["decks", "validate", "--strict", str(clean)])
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr
    broken = tmp_path / "kapot.yaml"
    broken.write_text("schema_version: 1\nslug: kapot\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["decks", "validate", str(broken)])
    assert result.exit_code == 1 and "problem(s)" in result.stderr


def test_cli_on_the_bundled_decks_fails_only_when_strict_and_findings_remain(app: Flask) -> None:
    decks, _ = load_decks([BUNDLED_DIR])
    findings = [finding for deck in decks.values() for finding in lint(deck)]
    result = app.test_cli_runner().invoke(args=["decks", "validate"])
    assert result.exit_code == 0, result.stderr
    assert "problem(s)" not in result.stderr
    strict = app.test_cli_runner().invoke(args=["decks", "validate", "--strict"])
    assert strict.exit_code == (1 if findings else 0)
