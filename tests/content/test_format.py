"""The grown deck format (issue 12): each new field's errors as a deck author reads them, routes and timing.

Errors are checked through ``load_deck_file`` on a real YAML file, as `decks validate` shows them.
"""

from __future__ import annotations

import copy
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from koerskaart.content import load_deck_file
from koerskaart.content.lint import lint, route_minutes
from koerskaart.content.loader import BUNDLED_DIR
from koerskaart.content.schema import DEFAULT_MINUTES, FULL_ROUTE, CardRole, CardType, Deck

SOURCE = {"nl": "Eigen voorbeeld.", "en": "Own example."}
TEXT = {"nl": "Tekst", "en": "Text"}
COLOPHON: dict[str, Any] = {
    "owner": {"nl": "Academie", "en": "Academy"},
    "date": "2026-12-01",
    "authors": ["Auteur"],
    "reviewers": ["Lezer"],
    "sources": ["Eigen werk"],
    "contact": "academie@example.org",
    "note": {"nl": "Onze lezing.", "en": "Our reading."},
}


def _card(card_id: str, phase: str, kind: str = "statement", **extra: Any) -> dict[str, Any]:
    card: dict[str, Any] = {
        "id": card_id,
        "type": kind,
        "phase": phase,
        "prompt": {"nl": f"Stelling {card_id}", "en": f"Statement {card_id}"},
        "source": SOURCE,
        **extra,
    }
    if kind == "choice":
        card["options"] = [{"nl": "Ja", "en": "Yes"}, {"nl": "Nee", "en": "No"}]
    return card


def _raw() -> dict[str, Any]:
    """A valid deck with every new field: opening, three phases, closing, guide, colophon, routes."""
    raw = {
        "schema_version": 1,
        "slug": "formaat",
        "languages": ["nl", "en"],
        "title": {"nl": "Formaat", "en": "Format"},
        "description": {"nl": "Om te testen.", "en": "For testing."},
        "facilitator": {"nl": "### Doel\n\nSpeel **rustig**.", "en": "### Purpose\n\nPlay **calmly**."},
        "colophon": COLOPHON,
        "minutes": {"action": 10},
        "phases": [{"id": p, "title": {"nl": p.upper(), "en": p.upper()}} for p in ("a", "b", "c")],
        "cards": [
            _card("open", "a", "choice", role="opening"),
            _card("a1", "a", facilitator={"nl": "Let op stiltes.", "en": "Mind the silences."}),
            _card("a2", "a", "open", minutes=4),
            _card("b1", "b", "frequency"),
            _card(
                "b2",
                "b",
                follow_up=[dict(TEXT)],
                conference={"prompt": dict(TEXT), "body": dict(TEXT), "follow_up": [dict(TEXT)]},
            ),
            _card("c1", "c", "action"),
            _card("dicht", "c", "open", role="closing"),
        ],
        "routes": [
            {"id": "kort", "title": {"nl": "Kort", "en": "Short"}, "cards": ["a1", "c1"]},
            {
                "id": "kies",
                "title": {"nl": "Kies", "en": "Pick"},
                "description": {"nl": "Kies twee.", "en": "Pick two."},
                "cards": ["c1"],
                "choose": {"count": 2, "phases": ["a", "b", "c"]},
            },
            {"id": "congres", "title": {"nl": "Congres", "en": "Conference"}, "cards": ["b2"], "mixed": True},
        ],
    }
    return copy.deepcopy(raw)  # the cases change it in place; shared constants must stay intact


def _problems(tmp_path: Path, raw: dict[str, Any]) -> list[str]:
    path = tmp_path / f"{raw['slug']}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    deck, problems = load_deck_file(path)
    assert (deck is None) == bool(problems)
    return [str(problem) for problem in problems]


def _deck() -> Deck:
    return Deck.model_validate(_raw())


def test_the_full_example_is_valid(tmp_path: Path) -> None:
    assert _problems(tmp_path, _raw()) == []


# --- each new field's errors, as the author reads them --------------------------------------------

# (what the author wrote, the messages they get)
CASES: dict[str, tuple[Any, list[str]]] = {
    "guide too long": (
        lambda d: d["facilitator"].update(nl="x" * 12001),
        ["facilitator.nl: too long: 12001 characters, shorten it to at most 12000"],
    ),
    "guide blank": (
        lambda d: d["facilitator"].update(en="   "),
        ["facilitator.en: text must not be blank"],
    ),
    "guide without English": (
        lambda d: d["facilitator"].pop("en"),
        ["facilitator.en: English text missing (the deck lists en in languages)"],
    ),
    "guide as plain text": (
        lambda d: d.update(facilitator="Speel rustig."),
        ['facilitator: write the text per language, for example {nl: "...", en: "..."}'],
    ),
    "colophon missing its required parts": (
        lambda d: d.update(colophon={"owner": COLOPHON["owner"]}),
        [
            "colophon.date: required field missing",
            "colophon.authors: required field missing",
            "colophon.sources: required field missing",
            "colophon.contact: required field missing",
        ],
    ),
    "colophon date in words": (
        lambda d: d["colophon"].update(date="1 december 2026"),
        ["colophon.date: not a date: write it as year-month-day, for example 2026-12-01"],
    ),
    "colophon date out of range": (
        lambda d: d["colophon"].update(date="2026-13-01"),
        ["colophon.date: not a date: write it as year-month-day, for example 2026-12-01"],
    ),
    "colophon without authors or sources": (
        lambda d: d["colophon"].update(authors=[], sources=[]),
        ["colophon.authors: needs at least 1 entry", "colophon.sources: needs at least 1 entry"],
    ),
    "colophon with an empty source": (
        lambda d: d["colophon"].update(sources=[""]),
        ["colophon.sources[0]: must not be empty"],
    ),
    "colophon note without English": (
        lambda d: d["colophon"]["note"].pop("en"),
        ["colophon.note.en: English text missing (the deck lists en in languages)"],
    ),
    "minutes for an unknown card type": (
        lambda d: d.update(minutes={"poll": 5}),
        [
            "minutes.poll: 'poll' is not allowed here, use one of "
            "'statement', 'frequency', 'choice', 'open' or 'action'"
        ],
    ),
    "minutes zero": (lambda d: d.update(minutes={"open": 0}), ["minutes.open: must be at least 1, not 0"]),
    "minutes over an hour": (
        lambda d: d.update(minutes={"open": 61}),
        ["minutes.open: must be at most 60, not 61"],
    ),
    "card minutes zero": (
        lambda d: d["cards"][1].update(minutes=0),
        ["cards[1].minutes: must be at least 1, not 0"],
    ),
    "card minutes over an hour": (
        lambda d: d["cards"][1].update(minutes=61),
        ["cards[1].minutes: must be at most 60, not 61"],
    ),
    "card minutes in words": (
        lambda d: d["cards"][1].update(minutes="vijf"),
        ["cards[1].minutes: must be a whole number"],
    ),
    "unknown card role": (
        lambda d: d["cards"][1].update(role="midden"),
        ["cards[1].role: must be 'opening' or 'closing', not 'midden'"],
    ),
    "card note without English": (
        lambda d: d["cards"][1]["facilitator"].pop("en"),
        ["cards[1].facilitator.en: English text missing (the deck lists en in languages)"],
    ),
    "conference follow-up on a card without follow-up": (
        lambda d: d["cards"][1].update(conference={"prompt": TEXT, "follow_up": [TEXT]}),
        [
            "cards[1].conference.follow_up: the card has no follow_up of its own, so there is nothing "
            "to replace (remove conference.follow_up or give the card follow_up)"
        ],
    ),
    "conference wording without English": (
        lambda d: (
            d["cards"][4]["conference"]["prompt"].pop("en"),
            d["cards"][4]["conference"]["follow_up"][0].pop("en"),
        ),
        [
            "cards[4].conference.prompt.en: English text missing (the deck lists en in languages)",
            "cards[4].conference.follow_up[0].en: English text missing (the deck lists en in languages)",
        ],
    ),
    "conference wording without a prompt": (
        lambda d: d["cards"][4]["conference"].pop("prompt"),
        ["cards[4].conference.prompt: required field missing"],
    ),
    "route naming a missing card": (
        lambda d: d["routes"][0]["cards"].append("x"),
        ["routes[0].cards: no card 'x' in this deck"],
    ),
    "route choosing a missing phase": (
        lambda d: d["routes"][1]["choose"]["phases"].append("z"),
        ["routes[1].choose.phases: no phase 'z' in this deck"],
    ),
    "route choosing all its phases": (
        lambda d: d["routes"][1]["choose"].update(count=3),
        [
            "routes[1].choose.count: 3 of 3 phases leaves the host nothing to choose, "
            "make count smaller or list more phases"
        ],
    ),
    "route choosing from one phase": (
        lambda d: d["routes"][1]["choose"].update(count=1, phases=["a"]),
        ["routes[1].choose.phases: needs at least 2 entries"],
    ),
    "route listing a phase twice": (
        lambda d: d["routes"][1]["choose"].update(count=1, phases=["a", "a"]),
        ["routes[1].choose.phases: phase 'a' is listed twice"],
    ),
    "route listing a card twice": (
        lambda d: d["routes"][0].update(cards=["a1", "c1", "a1"]),
        ["routes[0].cards: card 'a1' is listed twice"],
    ),
    "empty route": (
        lambda d: d["routes"][0].update(cards=[]),
        ["routes[0].cards: the route is empty, list card ids in cards or phases to pick in choose"],
    ),
    "two routes with one id": (
        lambda d: d["routes"][2].update(id="kort"),
        ["routes[2].id: another route is called 'kort' too, rename one"],
    ),
    "the reserved route id": (
        lambda d: d["routes"][0].update(id=FULL_ROUTE),
        [
            "routes[0].id: 'volledig' is reserved for the whole deck, which every deck offers already, "
            "choose another id"
        ],
    ),
    "route id with capitals": (
        lambda d: d["routes"][0].update(id="Kort"),
        ["routes[0].id: use only lowercase letters, digits and single hyphens, for example sv-01"],
    ),
    "route description without English": (
        lambda d: d["routes"][1]["description"].pop("en"),
        ["routes[1].description.en: English text missing (the deck lists en in languages)"],
    ),
    "opening card not first": (
        lambda d: d["cards"].insert(1, d["cards"].pop(0)),
        [
            "cards[1].role: an opening card must be the deck's first card, "
            "move it to the top of cards (a deck has one opening card)"
        ],
    ),
    "closing card not last": (
        lambda d: d["cards"].insert(3, d["cards"].pop()),
        [
            "cards[3].role: a closing card must be the deck's last card, "
            "move it to the end of cards (a deck has one closing card)"
        ],
    ),
    "two opening cards": (
        lambda d: d["cards"][1].update(role="opening"),
        [
            "cards[1].role: an opening card must be the deck's first card, "
            "move it to the top of cards (a deck has one opening card)"
        ],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_mistake_in_a_new_field_names_the_field_and_the_fix(tmp_path: Path, case: str) -> None:
    change, expected = CASES[case]
    raw = _raw()
    change(raw)
    assert _problems(tmp_path, raw) == [f"formaat.yaml: {message}" for message in expected]


def test_several_deck_level_problems_each_get_their_own_clean_location(tmp_path: Path) -> None:
    raw = _raw()
    raw["routes"][0]["cards"] = ["a1", "x", "y"]
    raw["routes"][1]["choose"]["phases"].append("z")
    raw["routes"][2]["id"] = FULL_ROUTE
    raw["cards"][4]["conference"]["body"].pop("en")
    assert _problems(tmp_path, raw) == [
        "formaat.yaml: routes[0].cards: no card 'x' in this deck",
        "formaat.yaml: routes[0].cards: no card 'y' in this deck",
        "formaat.yaml: routes[1].choose.phases: no phase 'z' in this deck",
        "formaat.yaml: routes[2].id: 'volledig' is reserved for the whole deck, which every deck offers "
        "already, choose another id",
        "formaat.yaml: cards[4].conference.body.en: English text missing (the deck lists en in languages)",
    ]


def test_a_dutch_only_deck_needs_no_english_in_the_new_fields(tmp_path: Path) -> None:
    raw = _raw()
    raw["languages"] = ["nl"]
    raw["facilitator"].pop("en")
    raw["cards"][1]["facilitator"].pop("en")
    raw["cards"][4]["conference"]["prompt"].pop("en")
    raw["routes"][0]["title"].pop("en")
    assert _problems(tmp_path, raw) == []


def test_a_date_written_without_quotes_is_read_as_a_date(tmp_path: Path) -> None:
    path = tmp_path / "formaat.yaml"
    raw = _raw()
    path.write_text(
        yaml.safe_dump(raw, allow_unicode=True).replace("date: '2026-12-01'", "date: 2026-12-01"),
        encoding="utf-8",
    )
    deck, problems = load_deck_file(path)
    assert problems == [] and deck is not None and deck.colophon is not None
    assert deck.colophon.date.isoformat() == "2026-12-01"


def test_the_guide_may_be_12000_characters() -> None:
    raw = _raw()
    raw["facilitator"]["nl"] = "x" * 12000
    assert Deck.model_validate(raw).facilitator is not None


# Older fields get the same author-facing wording: what is wrong and what to write.
GENERAL: dict[str, tuple[Any, str]] = {
    "text without languages": (
        lambda d: d.update(title="Formaat"),
        'title: write the text per language, for example {nl: "...", en: "..."}',
    ),
    "slug with capitals": (
        lambda d: d["cards"][1].update(id="A1"),
        "cards[1].id: use only lowercase letters, digits and single hyphens, for example sv-01",
    ),
    "schema version": (lambda d: d.update(schema_version=2), "schema_version: must be 1"),
    "languages as one word": (
        lambda d: d.update(languages="nl"),
        "languages: must be a list (one `- ` line per entry, or [a, b])",
    ),
    "sensitive in words": (
        lambda d: d["cards"][1].update(sensitive="misschien"),
        "cards[1].sensitive: must be true or false",
    ),
    "unknown card type": (
        lambda d: d["cards"][1].update(type="poll"),
        "cards[1].type: must be 'statement', 'frequency', 'choice', 'open' or 'action', not 'poll'",
    ),
    "too many follow-up questions": (
        lambda d: d["cards"][1].update(follow_up=[TEXT] * 7),
        "cards[1].follow_up: at most 6 entries, this has 7",
    ),
    "colophon as a list": (
        lambda d: d.update(colophon=["Academie"]),
        "colophon: must be a mapping of fields (name: value)",
    ),
    "contact as a number": (
        lambda d: d["colophon"].update(contact=12),
        "colophon.contact: must be text (put it in quotes)",
    ),
    "a typo in a field name": (
        lambda d: d["routes"][0].update(kaarten=["a1"]),
        "routes[0].kaarten: unknown field (check its spelling in decks/README.md)",
    ),
}


@pytest.mark.parametrize("case", GENERAL)
def test_general_mistakes_read_as_an_author_would_fix_them(tmp_path: Path, case: str) -> None:
    change, expected = GENERAL[case]
    raw = _raw()
    change(raw)
    assert _problems(tmp_path, raw) == [f"formaat.yaml: {expected}"]


def test_the_complete_example_in_the_readme_is_valid_and_lint_clean(tmp_path: Path) -> None:
    readme = (BUNDLED_DIR / "README.md").read_text(encoding="utf-8")
    start = readme.index("```yaml\n# yaml-language-server") + len("```yaml\n")
    path = tmp_path / "mijn-deck.yaml"
    path.write_text(readme[start : readme.index("```\n", start)], encoding="utf-8")
    deck, problems = load_deck_file(path)
    assert problems == [] and deck is not None
    assert lint(deck) == []
    assert deck.total_minutes() == 36  # the README says so
    kort = deck.route("kort")
    assert kort is not None and route_minutes(deck, kort) == (25, 25)


# --- routes --------------------------------------------------------------------------------------


def _ids(cards: list[Any]) -> list[str]:
    return [card.id for card in cards]


def test_the_full_route_is_the_whole_deck() -> None:
    deck = _deck()
    everything = _ids(deck.cards)
    assert _ids(deck.route_cards()) == everything
    assert _ids(deck.route_cards(FULL_ROUTE)) == everything


def test_a_listed_route_plays_its_cards_in_deck_order_between_opening_and_closing() -> None:
    raw = _raw()
    raw["routes"][0]["cards"] = ["c1", "b1", "a1"]  # listed out of order
    deck = Deck.model_validate(raw)
    assert _ids(deck.route_cards("kort")) == ["open", "a1", "b1", "c1", "dicht"]


def test_a_listed_route_without_role_cards_in_the_deck() -> None:
    raw = _raw()
    for card in raw["cards"]:
        card.pop("role", None)
    deck = Deck.model_validate(raw)
    assert _ids(deck.route_cards("kort")) == ["a1", "c1"]


def test_a_choose_route_plays_the_chosen_phases_and_its_listed_cards() -> None:
    deck = _deck()
    assert _ids(deck.route_cards("kies", ["b", "a"])) == ["open", "a1", "a2", "b1", "b2", "c1", "dicht"]
    assert _ids(deck.route_cards("kies", ("a", "c"))) == ["open", "a1", "a2", "c1", "dicht"]


@pytest.mark.parametrize("chosen", [[], ["a"], ["a", "b", "c"], ["a", "a"], ["a", "z"]])
def test_a_choose_route_needs_exactly_count_different_phases_of_its_list(chosen: list[str]) -> None:
    with pytest.raises(ValueError) as error:
        _deck().route_cards("kies", chosen)
    assert str(error.value) == (
        f"route 'kies': choose exactly 2 different phases of a, b, c (got {', '.join(chosen) or 'none'})"
    )


def test_a_route_without_choose_takes_no_phases_and_an_unknown_route_is_refused() -> None:
    deck = _deck()
    with pytest.raises(ValueError, match="route 'kort' has no phases to choose"):
        deck.route_cards("kort", ["a"])
    with pytest.raises(ValueError, match="deck 'formaat' has no route 'lang'"):
        deck.route_cards("lang")


def test_route_looks_a_route_up_by_id() -> None:
    deck = _deck()
    found = deck.route("congres")
    assert found is not None and found.mixed and found.cards == ["b2"]
    assert deck.route("kort") is not None and not deck.routes[0].mixed
    assert deck.route(FULL_ROUTE) is None and deck.route("lang") is None


def test_cards_by_id_keeps_the_given_order_and_refuses_a_missing_id() -> None:
    deck = _deck()
    assert _ids(deck.cards_by_id(["c1", "open", "a2"]) or []) == ["c1", "open", "a2"]
    assert deck.cards_by_id([]) == []
    assert deck.cards_by_id(["a1", "weg"]) is None


def test_role_cards_are_marked() -> None:
    deck = _deck()
    assert [card.role for card in deck.cards if card.role] == [CardRole.OPENING, CardRole.CLOSING]


# --- timing --------------------------------------------------------------------------------------


def test_default_minutes_cover_every_card_type() -> None:
    assert set(DEFAULT_MINUTES) == {kind.value for kind in CardType}
    assert DEFAULT_MINUTES == {"statement": 5, "frequency": 5, "choice": 5, "open": 6, "action": 9}


def test_card_minutes_default_then_deck_override_then_card_override() -> None:
    deck = _deck()  # minutes: {action: 10}; a2 (open) says minutes: 4
    by_id = {card.id: card for card in deck.cards}
    assert deck.card_minutes(by_id["a1"]) == DEFAULT_MINUTES["statement"]
    assert deck.card_minutes(by_id["b1"]) == DEFAULT_MINUTES["frequency"]
    assert deck.card_minutes(by_id["dicht"]) == DEFAULT_MINUTES["open"]
    assert deck.card_minutes(by_id["c1"]) == 10
    assert deck.card_minutes(by_id["a2"]) == 4


def test_total_minutes_of_the_deck_and_of_some_cards() -> None:
    deck = _deck()
    # open (choice 5), a1 5, a2 4, b1 5, b2 5, c1 10, dicht 6
    assert deck.total_minutes() == 40
    assert deck.total_minutes(deck.route_cards("kort")) == 5 + 5 + 10 + 6
    assert deck.total_minutes([]) == 0


def test_route_minutes_is_one_number_for_a_listed_route_and_a_range_for_a_choose_route() -> None:
    deck = _deck()
    kort, kies = deck.route("kort"), deck.route("kies")
    assert kort is not None and kies is not None
    assert route_minutes(deck, kort) == (26, 26)
    # opening, closing and c1 = 21, plus a (9), b (10) or c (0): pairs ab 40, ac 30, bc 31
    assert route_minutes(deck, kies) == (30, 40)


# --- a property: any valid choice plays a well-formed subset of the deck -------------------------


@st.composite
def _decks_with_a_choice(draw: st.DrawFn) -> Deck:
    phases = [f"p{i}" for i in range(draw(st.integers(2, 5)))]
    card_phases = draw(st.lists(st.sampled_from(phases), min_size=1, max_size=12))
    cards = [_card(f"k{i}", phase) for i, phase in enumerate(card_phases)]
    if draw(st.booleans()):
        cards.insert(0, _card("open", draw(st.sampled_from(phases)), role="opening"))
    if draw(st.booleans()):
        cards.append(_card("dicht", draw(st.sampled_from(phases)), role="closing"))
    offered = draw(st.lists(st.sampled_from(phases), min_size=2, unique=True))
    listed = draw(st.lists(st.sampled_from([card["id"] for card in cards]), unique=True))
    raw = {
        **_raw(),
        "phases": [{"id": p, "title": {"nl": p, "en": p}} for p in phases],
        "cards": cards,
        "routes": [
            {
                "id": "kies",
                "title": TEXT,
                "cards": listed,
                "choose": {"count": draw(st.integers(1, len(offered) - 1)), "phases": offered},
            }
        ],
    }
    return Deck.model_validate(raw)


@settings(max_examples=150, deadline=None)
@given(_decks_with_a_choice())
def test_every_valid_choice_plays_deck_order_with_role_cards_and_only_chosen_or_listed(deck: Deck) -> None:
    route = deck.routes[0]
    assert route.choose is not None
    order = {card.id: index for index, card in enumerate(deck.cards)}
    role_cards = {card.id for card in deck.cards if card.role is not None}
    for chosen in combinations(route.choose.phases, route.choose.count):
        played = deck.route_cards(route.id, chosen)
        ids = _ids(played)
        assert [order[i] for i in ids] == sorted(order[i] for i in ids), "not in deck order"
        assert role_cards <= set(ids)
        for card in played:
            assert card.role is not None or card.id in route.cards or card.phase in chosen
        for card in deck.cards:
            if card.phase in chosen or card.id in route.cards:
                assert card.id in ids
        low, high = route_minutes(deck, route)
        assert low <= deck.total_minutes(played) <= high
