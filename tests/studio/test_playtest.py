"""Play-testing a draft (issue 13): a private table on the draft as it was, counted nowhere."""

from __future__ import annotations

import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from koerskaart.extensions import db
from koerskaart.models import CardFeedback, StudioDeck, Table
from koerskaart.reports import feedback
from tests.helpers.players import Player, join

SV = "sociale-veiligheid"
COPY = f"{SV}-kopie"
DRAFT_PROMPT = "Hoe kom je vandaag binnen: rustig of vol?"


def _draft_deck(author: FlaskClient) -> StudioDeck:
    assert author.post("/studio/duplicate", data={"slug": SV}).status_code == 302
    deck = db.session.scalars(select(StudioDeck).where(StudioDeck.slug == COPY)).one()
    raw = yaml.safe_load(deck.versions[0].text)
    raw["cards"][0]["prompt"]["nl"] = DRAFT_PROMPT
    author.post(f"/studio/{deck.public_id}/draft", data={"text": yaml.safe_dump(raw, allow_unicode=True)})
    return deck


def test_a_playtest_plays_the_draft_as_it_was_and_counts_nowhere(app: Flask, author: FlaskClient) -> None:
    deck = _draft_deck(author)
    started = author.post(f"/studio/{deck.public_id}/playtest")
    assert started.status_code == 302
    table_id = started.headers["Location"].rsplit("/", 1)[-1]
    table = db.session.scalars(select(Table).where(Table.public_id == table_id)).one()
    assert table.deck_text is not None and table.deck_slug == COPY and table.deck_version == 1

    host = Player(app, author, table_id)
    code = host.joined["join"]["code"]
    guests = [join(app, code, f"T{i}") for i in range(3)]
    assert host.send("start_game")["ok"]
    assert host.joined["table"]["card_count"] == len(yaml.safe_load(table.deck_text)["cards"])

    # The author edits the draft on: the running play-test keeps the text it started with.
    raw = yaml.safe_load(table.deck_text)
    raw["cards"][0]["prompt"]["nl"] = "Iets heel anders"
    author.post(f"/studio/{deck.public_id}/draft", data={"text": yaml.safe_dump(raw, allow_unicode=True)})
    page = author.get(f"/t/{table_id}").get_data(as_text=True)
    assert DRAFT_PROMPT in page and "Iets heel anders" not in page

    for player in (host, *guests):
        assert player.answer(0, 0)["ok"]
    assert guests[0].send("give_feedback", {"card_index": 0, "verdict": "strong"})["ok"]
    stored = db.session.scalars(select(CardFeedback)).one()
    assert stored.playtest is True
    # No version's feedback holds it, and nothing is published that a facilitator could choose.
    assert feedback.versions(COPY, table.organisation_id) == []
    assert f'value="{COPY}"' not in author.get("/").get_data(as_text=True)


def test_only_a_draft_without_problems_is_play_tested(app: Flask, author: FlaskClient) -> None:
    deck = _draft_deck(author)
    author.post(f"/studio/{deck.public_id}/draft", data={"text": "schema_version: 1\nslug: x\n"})
    refused = author.post(f"/studio/{deck.public_id}/playtest")
    assert refused.status_code == 400
    assert db.session.scalars(select(Table)).first() is None
