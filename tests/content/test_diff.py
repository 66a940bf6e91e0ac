"""Differences between two versions of a deck, card by card (issue 13, versions)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koerskaart.content import Deck, load_deck_file
from koerskaart.content.diff import FieldChange, LanguageChange, Move, diff_decks
from koerskaart.content.loader import BUNDLED_DIR
from tests.content.test_yamlio import decks

SV = "sociale-veiligheid"


def _bundled() -> Deck:
    deck, problems = load_deck_file(BUNDLED_DIR / f"{SV}.yaml")
    assert deck is not None, problems
    return deck


def _raw(deck: Deck) -> dict[str, Any]:
    return deck.model_dump(mode="json", exclude_none=True)


def _card(raw: dict[str, Any], card_id: str) -> dict[str, Any]:
    return next(card for card in raw["cards"] if card["id"] == card_id)


def test_identical_decks_give_an_empty_diff() -> None:
    deck = _bundled()
    diff = diff_decks(deck, deck)
    assert diff.empty
    assert diff.card_ids == set()
    assert diff_decks(deck, Deck.model_validate(_raw(deck))).empty


def test_added_removed_and_retired_cards() -> None:
    old = _bundled()
    raw = _raw(old)
    gone, retired = raw["cards"][3], raw["cards"][4]
    raw["cards"] = [card for card in raw["cards"] if card["id"] not in (gone["id"], retired["id"])]
    raw["retired"].append(retired)
    raw["cards"].insert(
        2,
        {
            "id": "nieuw",
            "type": "open",
            "phase": raw["cards"][2]["phase"],
            "prompt": {"nl": "Nieuw?", "en": "New?"},
        },
    )
    raw["routes"] = [
        {**route, "cards": [c for c in route.get("cards", []) if c not in (gone["id"], retired["id"])]}
        for route in raw["routes"]
    ]
    raw["routes"] = [route for route in raw["routes"] if route["cards"] or route.get("choose")]
    new = Deck.model_validate(raw)
    diff = diff_decks(old, new)
    assert diff.cards_added == ("nieuw",)
    assert diff.cards_removed == (gone["id"], retired["id"])
    assert diff.cards_retired == (retired["id"],)
    assert diff.cards_moved == ()  # an added card in between moves nobody
    assert diff.card_ids == {"nieuw", gone["id"], retired["id"]}


def test_a_moved_card_is_the_one_that_changed_place() -> None:
    old = _bundled()
    raw = _raw(old)
    middle = raw["cards"].pop(5)
    raw["cards"].insert(2, middle)
    diff = diff_decks(old, Deck.model_validate(raw))
    assert diff.cards_moved == (Move(middle["id"], 6, 3),)
    assert diff.cards_changed == () and diff.card_ids == set()
    assert not diff.empty


def test_changed_fields_carry_old_and_new_per_language() -> None:
    old = _bundled()
    raw = _raw(old)
    card = raw["cards"][1]
    card["prompt"] = {"nl": "Nieuwe vraag", "en": card["prompt"]["en"]}
    card["sensitive"] = not card.get("sensitive", False)
    card["minutes"] = 17
    card["follow_up"] = [*card.get("follow_up", []), {"nl": "En nu?", "en": "And now?"}]
    diff = diff_decks(old, Deck.model_validate(raw))
    (change,) = diff.cards_changed
    assert change.id == card["id"]
    by_field = {field.field: field for field in change.fields}
    assert set(by_field) == {"prompt", "sensitive", "minutes", "follow_up"}
    assert by_field["prompt"] == FieldChange(
        "prompt", (LanguageChange("nl", (old.cards[1].prompt.nl,), ("Nieuwe vraag",)),)
    )
    assert by_field["minutes"].changes[0].language is None
    assert by_field["minutes"].changes[0].new == ("17",)
    follow = {lc.language: lc for lc in by_field["follow_up"].changes}
    assert follow["nl"].new[-1] == "En nu?" and follow["en"].new[-1] == "And now?"
    assert follow["nl"].old == follow["nl"].new[:-1]


def test_deck_level_changes_phases_and_routes() -> None:
    old = _bundled()
    raw = _raw(old)
    raw["title"] = {"nl": "Andere titel", "en": "Other title"}
    raw["facilitator"] = {"nl": raw["facilitator"]["nl"] + "\n\nNog iets.", "en": raw["facilitator"]["en"]}
    raw["minutes"] = {"statement": 7}
    raw["phases"][0]["title"] = {"nl": "Fase", "en": "Phase"}
    removed_route = raw["routes"].pop(0)["id"]
    raw["routes"].append(
        {"id": "proef", "title": {"nl": "Proef", "en": "Trial"}, "cards": [raw["cards"][1]["id"]]}
    )
    raw["routes"][0]["mixed"] = not raw["routes"][0].get("mixed", False)
    diff = diff_decks(old, Deck.model_validate(raw))
    assert [field.field for field in diff.fields] == ["title", "facilitator", "minutes"]
    title = diff.fields[0]
    assert [lc.language for lc in title.changes] == ["nl", "en"]
    assert diff.fields[1].changes[0].language == "nl" and len(diff.fields[1].changes) == 1
    assert diff.fields[2].changes == (LanguageChange(None, (), ("statement: 7",)),)
    assert [change.id for change in diff.phases.changed] == [raw["phases"][0]["id"]]
    assert diff.routes.added == ("proef",) and diff.routes.removed == (removed_route,)
    assert [field.field for field in diff.routes.changed[0].fields] == ["mixed"]
    assert diff.card_ids == set() and not diff.empty


def test_a_conference_variant_losing_its_follow_up_is_a_change() -> None:
    old = _bundled()
    raw = _raw(old)
    card = next(card for card in raw["cards"] if card.get("follow_up"))
    card["conference"] = {"prompt": {"nl": "Vraag", "en": "Question"}, "follow_up": []}
    with_empty = Deck.model_validate(raw)
    card["conference"] = {"prompt": {"nl": "Vraag", "en": "Question"}}
    without = Deck.model_validate(raw)
    (change,) = diff_decks(without, with_empty).cards_changed
    assert change.fields[0].field == "conference"


def _differing(a: Deck, b: Deck) -> set[str]:
    old, new = {c.id: c for c in a.cards}, {c.id: c for c in b.cards}
    return {i for i in old.keys() | new.keys() if old.get(i) != new.get(i)}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(decks())
def test_a_deck_against_itself_is_empty(deck: Deck) -> None:
    assert diff_decks(deck, deck).empty


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(decks(), decks())
def test_the_diff_lists_exactly_the_card_ids_that_differ(a: Deck, b: Deck) -> None:
    diff = diff_decks(a, b)
    assert diff.card_ids == _differing(a, b)
    assert len(diff.card_ids) == len(diff.cards_added) + len(diff.cards_removed) + len(diff.cards_changed)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(decks(), st.data())
def test_a_sharpened_deck_lists_exactly_the_cards_touched(deck: Deck, data: st.DataObject) -> None:
    """Close versions, as authors make them: some prompts reworded, some cards dropped."""
    raw = _raw(deck)
    ids = [card["id"] for card in raw["cards"]]
    touched = data.draw(st.sets(st.sampled_from(ids)))
    for card in raw["cards"]:
        if card["id"] in touched:
            card["prompt"] = {**card["prompt"], "nl": card["prompt"]["nl"] + " (scherper)"}
    dropped = data.draw(st.sets(st.sampled_from(ids)).filter(lambda s: len(s) < len(ids)))
    kept = [card for card in raw["cards"] if card["id"] not in dropped]
    raw["cards"] = kept
    for route in raw["routes"]:
        route["cards"] = [c for c in route.get("cards", []) if c not in dropped]
    raw["routes"] = [route for route in raw["routes"] if route["cards"] or route.get("choose")]
    new = Deck.model_validate(raw)
    diff = diff_decks(deck, new)
    assert diff.card_ids == touched | dropped
    assert set(diff.cards_removed) == dropped
    assert diff.cards_moved == ()
