"""The content lint (issue 12): each check, the CLI's warnings and exit codes, the bundled decks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask

from koerskaart.content.lint import (
    CODES,
    DUPLICATE_CARD_ID,
    FREQUENCY_WORD_IN_SCALE,
    MISSING_TRANSLATION,
    NO_CLOSING,
    NO_COLOPHON,
    NO_GUIDE,
    NO_OPENING,
    NO_SHORT_ROUTE,
    NO_SOURCE,
    SHORT_ROUTE_MINUTES,
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


def _raw(
    *cards: dict[str, Any], languages: tuple[str, ...] = ("nl", "en"), version: int = 1
) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "slug": "lintdeck",
        "version": version,
        "languages": list(languages),
        "title": {"nl": "Lintdeck", "en": "Lint deck"},
        "description": {"nl": "Om te testen.", "en": "For testing."},
        "cards": [dict(OPENING), *cards, dict(CLOSING)],
        **FRAMING,
    }


def _deck(*cards: dict[str, Any], languages: tuple[str, ...] = ("nl", "en"), version: int = 1) -> Deck:
    return Deck.model_validate(_raw(*cards, languages=languages, version=version))


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


def test_missing_translations_in_the_new_fields_of_a_dutch_only_deck() -> None:
    card = _card("a", follow_up=[{"nl": "Waarom?"}], facilitator={"nl": "Let op."})
    card["conference"] = {
        "prompt": {"nl": "Bij jullie"},
        "body": {"nl": "Uitleg"},
        "follow_up": [{"nl": "En?"}],
    }
    raw = _raw(card, languages=("nl",))
    raw["facilitator"] = {"nl": "Gids"}
    raw["colophon"] = {**FRAMING["colophon"], "owner": {"nl": "Academie"}, "note": {"nl": "Onze lezing."}}
    raw["routes"] = [{"id": "kort", "title": {"nl": "Kort"}, "description": {"nl": "Snel"}, "cards": ["a"]}]
    findings = [f for f in lint(Deck.model_validate(raw)) if f.code == MISSING_TRANSLATION]
    assert [str(f) for f in findings] == [
        "lintdeck: facilitator: no en text",
        "lintdeck: colophon owner: no en text",
        "lintdeck: colophon note: no en text",
        "lintdeck: route kort title: no en text",
        "lintdeck: route kort description: no en text",
        "lintdeck a: facilitator: no en text",
        "lintdeck a: follow_up[0]: no en text",
        "lintdeck a: conference prompt: no en text",
        "lintdeck a: conference body: no en text",
        "lintdeck a: conference follow_up[0]: no en text",
    ]


def test_duplicate_card_ids_within_a_deck_built_without_validation() -> None:
    # The schema rejects duplicates; a deck built without validation still gets caught by lint.
    valid = _deck(_card("a"), _card("b"))
    twice = valid.model_copy(
        update={"cards": [valid.cards[0], valid.cards[1], valid.cards[1], valid.cards[-1]]}
    )
    assert _codes(lint(twice)) == [("a", DUPLICATE_CARD_ID)]


def _choice(card_id: str, count: int) -> dict[str, Any]:
    options = [{"nl": f"Optie {i}", "en": f"Option {i}"} for i in range(count)]
    return _card(card_id, type="choice", nl="Wat kies je?", en="What do you pick?", options=options)


def test_a_card_id_whose_type_changed_in_a_later_version() -> None:
    one = _deck(_card("a"), _card("b"))
    two = _deck(
        _card("a"), _card("b", type="frequency", nl="Hoe vaak?", en="How often?"), _card("c"), version=2
    )
    findings = lint_versions([two, one])
    assert _codes(findings) == [("b", DUPLICATE_CARD_ID)]
    assert findings[0].message == (
        "card id reused: a statement card in version 1, a frequency card in version 2. "
        "Give the changed card a new id and retire this one"
    )


def test_a_choice_card_whose_number_of_options_changed() -> None:
    one = _deck(_choice("k", 3))
    two = _deck(_choice("k", 4), version=2)
    assert [f.message for f in lint_versions([one, two])] == [
        "card id reused: a choice card with 3 options in version 1, a choice card with 4 options "
        "in version 2. Give the changed card a new id and retire this one"
    ]


def test_a_reworded_card_of_the_same_type_and_options_is_not_flagged() -> None:
    one = _deck(_card("a"), _choice("k", 3))
    reworded = _choice("k", 3)
    reworded["options"][0] = {"nl": "Iets anders", "en": "Something else"}
    two = _deck(_card("a", nl="Wij horen elkaar echt.", en="We really hear each other."), reworded, version=2)
    assert lint_versions([one, two]) == []
    # a card dropped in a version and kept elsewhere is not a change either
    assert lint_versions([one, _deck(_card("a"), version=2), two.model_copy(update={"version": 3})]) == []


def test_each_version_is_compared_with_the_latest_earlier_one_that_has_the_card() -> None:
    one = _deck(_card("a"))
    two = _deck(_card("a", type="open"), version=2)
    three = _deck(_card("a", type="open"), version=3)
    assert [(f.card, "version 2" in f.message) for f in lint_versions([three, one, two])] == [("a", True)]


# --- what an academy expects around the cards ------------------------------------------------------


def test_a_deck_without_a_guide_or_colophon() -> None:
    raw = _raw(_card("a"))
    del raw["facilitator"], raw["colophon"]
    findings = lint(Deck.model_validate(raw))
    assert [(f.code, f.message) for f in findings] == [
        (NO_GUIDE, "deck has no facilitator guide (facilitator)"),
        (NO_COLOPHON, "deck has no colophon"),
    ]
    assert str(findings[0]) == "lintdeck: deck has no facilitator guide (facilitator)"


def test_a_deck_without_an_opening_or_closing_card() -> None:
    raw = _raw(_card("a"))
    raw["cards"] = [_card("a"), _card("b")]
    assert [(f.card, f.code, f.message) for f in lint(Deck.model_validate(raw))] == [
        (None, NO_OPENING, "deck does not start with an opening card (role: opening)"),
        (None, NO_CLOSING, "deck does not end with a closing card (role: closing)"),
    ]
    # the opening and closing are known by their role, not by being first or last
    raw["cards"] = [{**OPENING, "role": None}, _card("a"), {**CLOSING, "role": None}]
    assert [f.code for f in lint(Deck.model_validate(raw))] == [NO_OPENING, NO_CLOSING]


def _long(count: int) -> list[dict[str, Any]]:
    return [_card(f"s{i}") for i in range(count)]


def test_a_long_deck_needs_a_route_of_at_most_an_hour() -> None:
    # opening 5 + closing 6 + 11 statements x 5 = 66 minutes
    raw = _raw(*_long(11))
    assert Deck.model_validate(raw).total_minutes() == 66 > SHORT_ROUTE_MINUTES
    findings = lint(Deck.model_validate(raw))
    assert [(f.code, f.message) for f in findings] == [(NO_SHORT_ROUTE, "no route of at most 60 minutes")]
    raw["routes"] = [{"id": "kort", "title": {"nl": "Kort", "en": "Short"}, "cards": ["s0", "s1"]}]
    assert lint(Deck.model_validate(raw)) == []


def test_a_short_deck_needs_no_short_route_and_a_long_choice_route_does_not_count() -> None:
    assert lint(_deck(*_long(9))) == []  # 56 minutes
    raw = _raw(*[_card(f"s{i}", phase="a" if i < 6 else "b") for i in range(12)])
    raw["phases"] = [{"id": p, "title": {"nl": p, "en": p}} for p in ("a", "b")]
    raw["cards"][0]["phase"] = raw["cards"][-1]["phase"] = "a"
    # choosing b is 11 + 30 = 41 minutes, a is 11 + 30 = 41: any choice of one phase fits
    raw["routes"] = [
        {"id": "kies", "title": {"nl": "K", "en": "K"}, "choose": {"count": 1, "phases": ["a", "b"]}}
    ]
    assert lint(Deck.model_validate(raw)) == []
    # five more cards in phase a make choosing it 66 minutes: the longest choice must fit the hour
    raw["cards"][1:1] = [_card(f"x{i}", phase="a") for i in range(5)]
    assert [f.code for f in lint(Deck.model_validate(raw))] == [NO_SHORT_ROUTE]


def test_every_code_is_listed_once() -> None:
    assert len(set(CODES)) == len(CODES) == 9


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


def test_the_bundled_decks_pass_the_whole_lint_strictly(app: Flask) -> None:
    # Issue 12: the shipped decks are academy-ready, so no warning of any kind remains.
    decks, _ = load_decks([BUNDLED_DIR])
    assert [str(finding) for deck in decks.values() for finding in lint(deck)] == []
    strict = app.test_cli_runner().invoke(args=["decks", "validate", "--strict"])
    assert strict.exit_code == 0, strict.stderr
    assert "warning" not in strict.stderr


@pytest.mark.parametrize(
    ("drop", "warning"),
    [
        ("facilitator", "lintdeck: deck has no facilitator guide (facilitator)"),
        ("colophon", "lintdeck: deck has no colophon"),
        ("opening", "lintdeck: deck does not start with an opening card (role: opening)"),
        ("closing", "lintdeck: deck does not end with a closing card (role: closing)"),
        ("route", "lintdeck: no route of at most 60 minutes"),
    ],
)
def test_cli_strict_fails_on_each_missing_part_of_the_framing(
    app: Flask, tmp_path: Path, drop: str, warning: str
) -> None:
    raw = _raw(*_long(11))
    raw["routes"] = [{"id": "kort", "title": {"nl": "Kort", "en": "Short"}, "cards": ["s0"]}]
    if drop in ("facilitator", "colophon"):
        del raw[drop]
    elif drop == "opening":
        raw["cards"].pop(0)
    elif drop == "closing":
        raw["cards"].pop()
    else:
        del raw["routes"]
    path = _write(tmp_path, Deck.model_validate(raw))
    result = app.test_cli_runner().invoke(args=["decks", "validate", str(path)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [f"warning  {warning}", "1 warning(s)"]
    strict = app.test_cli_runner().invoke(args=["decks", "validate", "--strict", str(path)])
    assert strict.exit_code == 1


# --- comparing with earlier versions -------------------------------------------------------------


def _save(folder: Path, deck: Deck, name: str | None = None) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / (name or f"{deck.slug}.yaml")
    path.write_text(
        yaml.safe_dump(deck.model_dump(mode="json", exclude_none=True), allow_unicode=True), encoding="utf-8"
    )
    return path


def test_cli_compare_flags_a_card_id_that_changed_type(app: Flask, tmp_path: Path) -> None:
    old = _save(tmp_path / "oud", _deck(_card("a"), _card("b")), "lintdeck-v1.yaml")
    new = _write(
        tmp_path,
        _deck(_card("a"), _card("b", type="open", nl="Wat hoor je?", en="What do you hear?"), version=2),
    )
    result = app.test_cli_runner().invoke(args=["decks", "validate", str(new), "--compare", str(old)])
    assert result.exit_code == 0, result.stderr
    assert "compared lintdeck v2 with v1" in result.stdout
    assert result.stderr.splitlines() == [
        "warning  lintdeck b: card id reused: a statement card in version 1, an open card in version 2. "
        "Give the changed card a new id and retire this one",
        "1 warning(s)",
    ]
    strict = app.test_cli_runner().invoke(
        args=["decks", "validate", "--strict", str(new), "--compare", str(old.parent)]
    )
    assert strict.exit_code == 1


def test_cli_compare_accepts_a_reworded_card_and_several_earlier_versions(app: Flask, tmp_path: Path) -> None:
    oud = tmp_path / "oud"
    _save(oud, _deck(_card("a"), _choice("k", 3)), "lintdeck-v1.yaml")
    _save(oud, _deck(_card("a"), _choice("k", 3), version=2), "lintdeck-v2.yaml")
    reworded = _deck(
        _card("a", nl="Wij horen elkaar echt.", en="We really hear each other."), _choice("k", 3), version=3
    )
    new = _write(tmp_path, reworded)
    result = app.test_cli_runner().invoke(
        args=["decks", "validate", "--strict", str(new), "--compare", str(oud)]
    )
    assert result.exit_code == 0, result.stderr
    assert "compared lintdeck v3 with v1, v2" in result.stdout
    assert result.stderr == ""


def test_cli_compare_reports_old_findings_only_once_and_unmatched_or_broken_files(
    app: Flask, tmp_path: Path
) -> None:
    oud = tmp_path / "oud"
    _save(oud, _deck(_card("a")), "v1.yaml")
    _save(oud, _deck(_card("a", type="open"), version=2), "v2.yaml")  # an old mistake, already shipped
    other = _deck(_card("z")).model_copy(update={"slug": "ander"})
    _save(oud, other, "ander.yaml")
    new = _write(tmp_path, _deck(_card("a", type="open"), version=3))
    result = app.test_cli_runner().invoke(
        args=["decks", "validate", "--strict", str(new), "--compare", str(oud)]
    )
    assert result.exit_code == 0, result.stderr
    assert "earlier version of ander: no such deck among the decks checked" in result.stdout
    (oud / "kapot.yaml").write_text("schema_version: 1\n", encoding="utf-8")
    broken = app.test_cli_runner().invoke(
        args=["decks", "validate", str(new), "--compare", str(oud), "--compare", str(tmp_path / "weg")]
    )
    assert broken.exit_code == 1
    assert "earlier version kapot.yaml: slug: required field missing" in broken.stderr
    assert f"{tmp_path / 'weg'}: no such file or folder" in broken.stderr


def test_cli_without_an_earlier_version_of_a_deck_says_so(app: Flask, tmp_path: Path) -> None:
    new = _write(tmp_path, _deck(_card("a")))
    empty = tmp_path / "leeg"
    empty.mkdir()
    result = app.test_cli_runner().invoke(args=["decks", "validate", str(new), "--compare", str(empty)])
    assert result.exit_code == 0, result.stderr
    assert "no earlier version of lintdeck to compare with" in result.stdout
