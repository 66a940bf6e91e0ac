"""A played table whose open answers, actions and team name hold what the export tests need:
formulas, markup, scripts no font covers, emoji. Players type it; the exports must keep it inert."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers.players import Player, join
from tests.helpers.proefdeck import OPEN, SENSITIVE

PLAYERS = 5  # enough writers to reveal open text (k_text = 4)


def played_with(
    app: Flask,
    client: FlaskClient,
    texts: list[str],
    actions: tuple[tuple[str, str, str], ...] = (),
    team: str = "",
) -> str:
    """Five players, every card played, ``texts`` kept as the open answers; returns the table id."""
    assert len(texts) == PLAYERS
    response = client.post("/tables", data={"deck": "proefdeck", "nickname": "Fac", "team": team})
    assert response.status_code == 302
    table_id = response.headers["Location"].rsplit("/", 1)[-1]
    host = Player(app, client, table_id)
    players = [host] + [join(app, host.joined["join"]["code"]) for _ in range(PLAYERS - 1)]
    host.send("start_game")
    answers = {0: [1, 5, 1, 5, 3], 1: [1, 1, 1, 1, 0], OPEN: texts, SENSITIVE: [1, 1, 1, 1, 2]}
    for card in range(4):
        for player, value in zip(players, answers[card], strict=True):
            assert player.answer(card, value)["ok"]
        host.send("next_card")
    for who, what, due in actions:
        assert players[1].send("add_action", {"who": who, "what": what, "due": due})["ok"]
    assert host.send("end_table", {"keep_open_text": True})["ok"]
    return table_id
