"""The studio's version comparison (issue 13, versions): authors see what changed, card by card."""

from __future__ import annotations

import html
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import refresh
from sqlalchemy import select

from koerskaart.extensions import db
from koerskaart.models import DeckVersion, StudioDeck
from tests.helpers.users import log_in, make_user

SV = "sociale-veiligheid"
COPY = f"{SV}-kopie"
NEW_PROMPT = "Wat maakt het hier <veilig> om iets te zeggen?"


def _page(client: FlaskClient, url: str, status: int = 200, language: str = "nl") -> str:
    client.set_cookie("kk_lang", language)  # the language links' choice
    refresh()  # the test's app context outlives each request, and Flask-Babel keeps the locale in it
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return html.unescape(response.get_data(as_text=True))


def _publish(client: FlaskClient, deck: StudioDeck, note: str = "") -> None:
    assert client.post(f"/studio/{deck.public_id}/publish", data={"note": note}).status_code == 302


def _save(client: FlaskClient, deck: StudioDeck, raw: dict[str, Any]) -> None:
    text = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
    assert client.post(f"/studio/{deck.public_id}/draft", data={"text": text}).status_code == 302


@pytest.fixture
def two_versions(app: Flask, author: FlaskClient) -> dict[str, Any]:
    """A duplicate published as v1, then v2 with a prompt changed, a card removed and a card added."""
    assert author.post("/studio/duplicate", data={"slug": SV}).status_code == 302
    deck = db.session.scalars(select(StudioDeck).where(StudioDeck.slug == COPY)).one()
    _publish(author, deck, "Eerste versie")
    first = db.session.scalars(select(DeckVersion).where(DeckVersion.deck_id == deck.id)).one()
    raw = yaml.safe_load(first.text)
    changed, removed = raw["cards"][1], raw["cards"][4]
    old_prompt = changed["prompt"]["nl"]
    changed["prompt"]["nl"] = NEW_PROMPT
    raw["cards"].remove(removed)
    for route in raw.get("routes", []):
        route["cards"] = [c for c in route.get("cards", []) if c != removed["id"]]
    raw["routes"] = [r for r in raw.get("routes", []) if r["cards"] or r.get("choose")]
    added = {
        "id": "sv-nieuw",
        "type": "open",
        "phase": raw["cards"][2]["phase"],
        "prompt": {"nl": "Wat neem je mee?", "en": "What do you take with you?"},
    }
    raw["cards"].insert(3, added)
    _save(author, deck, raw)
    _publish(author, deck, "Scherper")
    return {
        "deck": deck,
        "changed": changed["id"],
        "old_prompt": old_prompt,
        "removed": removed["id"],
        "removed_prompt": removed["prompt"]["nl"],
    }


def test_the_page_shows_each_change_between_the_last_two_versions(
    author: FlaskClient, two_versions: dict[str, Any]
) -> None:
    deck: StudioDeck = two_versions["deck"]
    assert 'data-testid="compare-versions"' in _page(author, f"/studio/{deck.public_id}")
    page = _page(author, f"/studio/{deck.public_id}/diff")
    assert "1 kaart gewijzigd, 1 toegevoegd, 1 verwijderd" in page
    changed = page.split(f'data-testid="diff-changed-{two_versions["changed"]}"', 1)[1].split("</article>")[0]
    assert f"<del><p>{two_versions['old_prompt']}</p></del>" in changed
    assert f"<ins><p>{NEW_PROMPT}</p></ins>" in changed
    assert "Was" in changed and "Wordt" in changed  # labels, not colour alone
    added = page.split('data-testid="diff-added"', 1)[1].split("</ul>")[0]
    assert "sv-nieuw" in added and "Wat neem je mee?" in added
    removed = page.split('data-testid="diff-removed"', 1)[1].split("</ul>")[0]
    assert two_versions["removed"] in removed and two_versions["removed_prompt"] in removed
    assert 'name="from"' in page and 'name="to"' in page
    assert '<option value="1" selected>' in page and '<option value="2" selected>' in page


def test_the_same_version_twice_is_empty_and_the_order_may_be_reversed(
    author: FlaskClient, two_versions: dict[str, Any]
) -> None:
    deck: StudioDeck = two_versions["deck"]
    same = _page(author, f"/studio/{deck.public_id}/diff?from=2&to=2", language="en")
    assert "No differences between these versions." in same
    backwards = _page(author, f"/studio/{deck.public_id}/diff?from=2&to=1", language="en")
    assert "1 card changed, 1 added, 1 removed" in backwards
    assert "Was" in backwards and "Becomes" in backwards


def test_the_draft_is_compared_with_the_last_published_version(
    author: FlaskClient, two_versions: dict[str, Any]
) -> None:
    deck: StudioDeck = two_versions["deck"]
    db.session.refresh(deck)
    raw = yaml.safe_load(deck.versions[-1].text)
    raw["title"]["nl"] = "Een nieuwe titel"
    _save(author, deck, raw)
    page = _page(author, f"/studio/{deck.public_id}/diff")
    assert '<option value="3" selected>' in page and "(concept)" in page
    assert 'data-testid="diff-deck"' in page and "Een nieuwe titel" in page
    assert "0 kaarten gewijzigd, 0 toegevoegd, 0 verwijderd, 1 wijziging aan de set zelf" in page

    assert author.post(f"/studio/{deck.public_id}/draft", data={"text": "cards: [kapot"}).status_code == 302
    broken = _page(author, f"/studio/{deck.public_id}/diff")
    assert 'data-testid="diff-unloadable"' in broken and "Versie 3 laadt niet" in broken
    assert 'data-testid="diff-summary"' not in broken


def test_bad_version_numbers_are_404(author: FlaskClient, two_versions: dict[str, Any]) -> None:
    deck: StudioDeck = two_versions["deck"]
    for query in ("from=9", "to=0", "from=1&to=3", "from=x", "to=-1", "from=1e3", "from=99999999999999"):
        assert author.get(f"/studio/{deck.public_id}/diff?{query}").status_code == 404, query
    assert author.get("/studio/no-such-deck/diff").status_code == 404


def test_one_version_has_nothing_to_compare(app: Flask, author: FlaskClient) -> None:
    assert author.post("/studio/duplicate", data={"slug": SV}).status_code == 302
    deck = db.session.scalars(select(StudioDeck).where(StudioDeck.slug == COPY)).one()
    _publish(author, deck)
    page = _page(author, f"/studio/{deck.public_id}/diff")
    assert 'data-testid="diff-nothing"' in page
    assert 'data-testid="compare-versions"' not in _page(author, f"/studio/{deck.public_id}")


def test_another_organisation_gets_404_and_a_shared_deck_shows_no_draft(
    app: Flask, author: FlaskClient, two_versions: dict[str, Any]
) -> None:
    deck: StudioDeck = two_versions["deck"]
    make_user("auteur@west.example", organisation="Gemeente West", role="author")
    other = log_in(app, "auteur@west.example")
    assert other.get(f"/studio/{deck.public_id}/diff").status_code == 404
    assert other.get(f"/studio/{deck.public_id}/diff?from=1&to=2").status_code == 404

    _save(author, deck, {"schema_version": 1, "slug": COPY})  # a draft of version 3, not shared
    author.post(f"/studio/{deck.public_id}/visibility", data={"visibility": "shared"})
    page = _page(other, f"/studio/{deck.public_id}/diff")
    assert "1 kaart gewijzigd, 1 toegevoegd, 1 verwijderd" in page and '<option value="3"' not in page
    assert other.get(f"/studio/{deck.public_id}/diff?to=3").status_code == 404


def test_facilitators_do_not_compare(app: Flask, two_versions: dict[str, Any]) -> None:
    make_user("fac@oost.example")
    facilitator = log_in(app, "fac@oost.example")
    assert facilitator.get(f"/studio/{two_versions['deck'].public_id}/diff").status_code == 403
