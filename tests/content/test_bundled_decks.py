"""The three decks we ship: complete in both languages, grounded, and shaped for a real session."""

from __future__ import annotations

import pytest

from koerskaart.content import CardType, Deck, load_bundled

DECKS = load_bundled()
REQUIRED = ("sociale-veiligheid", "tegenspraak", "kompas-publiek-leiderschap")


def test_the_three_decks_are_installed() -> None:
    assert set(REQUIRED) <= set(DECKS)


@pytest.mark.parametrize("slug", REQUIRED)
def test_a_deck_is_complete_in_dutch_and_english(slug: str) -> None:
    deck = DECKS[slug]
    assert deck.languages[0] == "nl" and "en" in deck.languages
    for path, text in deck._texts():
        assert text.nl and text.en, path


@pytest.mark.parametrize("slug", REQUIRED)
def test_every_card_cites_its_source(slug: str) -> None:
    assert [card.id for card in DECKS[slug].cards if card.source is None] == []


@pytest.mark.parametrize("slug", REQUIRED)
def test_a_deck_mixes_card_types_and_ends_in_team_actions(slug: str) -> None:
    deck: Deck = DECKS[slug]
    kinds = {card.type for card in deck.cards}
    assert kinds == set(CardType), f"{slug} lacks {set(CardType) - kinds}"
    # The closing check-out (role: closing) comes after the team actions.
    body = [card for card in deck.cards if card.role is None]
    assert [card.type for card in body[-2:]] == [CardType.ACTION, CardType.ACTION]
    if slug != "kompas-publiek-leiderschap":
        assert len(deck.cards) >= 12
    for card in deck.cards:
        if card.type is not CardType.ACTION:
            assert card.follow_up, f"{card.id} has no follow-up questions for the conversation"


def test_the_compass_deck_covers_each_of_the_five_dimensions() -> None:
    deck = DECKS["kompas-publiek-leiderschap"]
    text = " ".join(f"{phase.id} {phase.title.nl}".lower() for phase in deck.phases)
    for dimension in ("turbulent", "veeleisend", "complex", "politiek", "persoon"):
        assert dimension in text, f"no phase for {dimension}"
    per_phase = {phase.id: 0 for phase in deck.phases}
    for card in deck.cards:
        per_phase[card.phase or ""] = per_phase.get(card.phase or "", 0) + 1
    dimension_phases = [
        p
        for p in deck.phases
        if any(
            d in f"{p.id} {p.title.nl}".lower()
            for d in ("turbulent", "veeleisend", "complex", "politiek", "persoon")
        )
    ]
    assert len(dimension_phases) == 5
    for phase in dimension_phases:
        assert per_phase[phase.id] >= 3, f"{phase.id} has {per_phase[phase.id]} cards"
