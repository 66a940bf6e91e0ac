"""A table a facilitator played to the end with five players, for the summary and report tests."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers.players import Player, join
from tests.helpers.proefdeck import OPEN, SENSITIVE

TEXTS = ["Meer tijd", "Eerlijk zijn", "Samen leren", "Minder druk", "Luisteren"]


def played_table(app: Flask, client: FlaskClient, keep: bool = False) -> str:
    """Five players, every card played; returns the table id."""
    response = client.post("/tables", data={"deck": "proefdeck", "nickname": "Fac"})
    assert response.status_code == 302
    table_id = response.headers["Location"].rsplit("/", 1)[-1]
    host = Player(app, client, table_id)
    players = [host] + [join(app, host.joined["join"]["code"]) for _ in range(4)]
    host.send("start_game")
    answers = {0: [1, 5, 1, 5, 3], 1: [1, 1, 1, 1, 0], OPEN: TEXTS, SENSITIVE: [1, 1, 1, 1, 2]}
    for card in range(4):
        for player, value in zip(players, answers[card], strict=True):
            assert player.answer(card, value)["ok"]
        host.send("next_card")
    players[1].send("add_action", {"who": "Sam", "what": "Terugblik plannen", "due": "1 maart"})
    assert host.send("end_table", {"keep_open_text": keep})["ok"]
    return table_id
