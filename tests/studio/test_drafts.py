"""The draft layer: plain data written back in the canonical layout, valid or not."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from koerskaart.content import load_deck_file
from koerskaart.content.yamlio import DeckYamlLoader, dump_data, dump_deck
from koerskaart.studio import drafts

DECKS = sorted((Path(__file__).resolve().parents[2] / "koerskaart" / "decks").glob("*.yaml"))


def test_canonical_data_is_written_byte_for_byte_as_dump_deck_writes_it() -> None:
    for path in DECKS:
        deck, problems = load_deck_file(path)
        assert deck is not None, problems
        canonical = dump_deck(deck)
        assert dump_data(yaml.load(canonical, Loader=DeckYamlLoader)) == canonical, path.name


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
)
keys = st.sampled_from(
    ["id", "title", "nl", "en", "cards", "prompt", "options", "authors", "x y", "1", "true"]
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=12,
)


@given(
    st.dictionaries(
        st.sampled_from(["slug", "title", "colophon", "cards", "minutes", "odd"]), values, min_size=1
    )
)
def test_any_data_reads_back_as_written(data: dict[str, Any]) -> None:
    back = yaml.load(dump_data(data), Loader=DeckYamlLoader)
    assert _normal(back) == _normal(data)


def _normal(value: Any) -> Any:
    """What YAML cannot tell apart: a text's final line break in a block (the schema strips it)."""
    if isinstance(value, dict):
        return {key: _normal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_normal(item) for item in value]
    if isinstance(value, str) and "\n" in value.rstrip("\n"):
        return value.rstrip("\n")
    return value


def test_an_invalid_draft_keeps_what_it_holds() -> None:
    data = {"schema_version": 1, "slug": "x", "cards": [{"id": "a", "type": "choice", "bogus": 1}]}
    text = drafts.to_text(data)
    assert drafts.load(text) == data
    assert drafts.load("cards: [unclosed") is None
    assert drafts.load("- a list") is None


def test_moving_inserting_and_removing_cards() -> None:
    data: dict[str, Any] = {
        "cards": [{"id": "a"}, {"id": "b"}, {"id": "z", "role": "closing"}],
        "routes": [{"id": "r", "cards": ["a", "b"]}],
    }
    assert drafts.insert_card(data, {"id": "c"}) == 2
    assert [c["id"] for c in data["cards"]] == ["a", "b", "c", "z"]
    assert drafts.move_card(data, 0, 99) == 3
    assert [c["id"] for c in data["cards"]] == ["b", "c", "z", "a"]
    assert drafts.remove_card(data, 3, {"a": {"id": "a", "old": True}}) is True
    assert data["retired"] == [{"id": "a", "old": True}]
    assert data["routes"][0]["cards"] == ["b"]
    assert drafts.remove_card(data, 0, {}) is False
    assert "b" not in str(data["cards"])
