"""A whole game through the Socket.IO test client: six phones, two tables at once."""

from __future__ import annotations

from flask import Flask

from tests.helpers.players import Player, full_table
from tests.helpers.proefdeck import ACTION, CHOICE, OPEN, SENSITIVE, STATEMENT


def _play_to_reveal(players: list[Player], card: int, values: list[object]) -> dict:
    for player, value in zip(players, values, strict=True):
        assert player.answer(card, value) == {"ok": True, "card_index": card}
    return players[0].last_state()


def test_six_players_play_a_deck_from_lobby_to_recap(app: Flask) -> None:
    players = full_table(app, 6)
    host = players[0]
    assert host.joined["table"]["status"] == "lobby"
    assert host.send("start_game") == {"ok": True}
    state = players[3].last_state()
    assert state["status"] == "playing" and state["card_index"] == STATEMENT
    assert state["round"] == {"card_index": 0, "status": "open", "answered": 0, "total": 6, "result": None}

    state = _play_to_reveal(players, STATEMENT, [5, 4, 4, 2, 1, 4])
    assert state["reason"] == "round_revealed"
    assert state["round"]["result"] == {"n": 6, "counts": [1, 1, 0, 3, 1], "texts": []}

    assert host.send("next_card")["ok"]
    state = _play_to_reveal(players, CHOICE, [0, 1, 1, 2, 1, 1])
    assert state["round"]["result"]["counts"] == [1, 4, 1]

    assert host.send("next_card")["ok"]
    texts = ["Meer ruimte", "Minder regels", "Rugdekking", "Tijd", "Luisteren", "Vertrouwen"]
    state = _play_to_reveal(players, OPEN, texts)
    assert sorted(state["round"]["result"]["texts"]) == sorted(texts)

    assert host.send("next_card")["ok"]
    state = _play_to_reveal(players, SENSITIVE, [1, 1, 1, 1, 1, 2])
    # Five of six "never" and one lone "rarely": no bar shows an exact number.
    assert state["round"]["result"]["counts"] == ["almost_all", "few", "few", "few", "few"]

    assert host.send("next_card")["ok"]
    assert players[2].send("add_action", {"who": "Sam", "what": "Evaluatie plannen", "due": "1 maart"})["ok"]
    state = host.last_state()
    assert state["actions"][0]["what"] == "Evaluatie plannen"
    assert host.send("end_table", {"keep_open_text": True}) == {"ok": True}
    state = players[5].last_state()
    assert state["status"] == "ended"
    assert set(state["results"]) == {str(STATEMENT), str(CHOICE), str(OPEN), str(SENSITIVE)}
    assert sorted(state["results"][str(OPEN)]["texts"]) == sorted(texts)
    assert [seat["nickname"] for seat in state["seats"]] == [None] * 6
    assert state["rounds"][str(ACTION)] == "discussed"


def test_two_tables_at_once_do_not_hear_each_other(app: Flask) -> None:
    table_a = full_table(app, 6)
    table_b = full_table(app, 4)
    assert table_a[0].table_id != table_b[0].table_id
    for table in (table_a, table_b):
        assert table[0].send("start_game")["ok"]
    _play_to_reveal(table_a, STATEMENT, [5, 5, 5, 4, 4, 4])
    _play_to_reveal(table_b, STATEMENT, [1, 1, 2, 2])

    for player in table_b:
        received = player.events()
        for name, payload in received:
            assert payload.get("total") != 6, f"{name} from table A reached table B"
            if name == "table_updated" and payload["round"] and payload["round"]["result"]:
                assert payload["round"]["result"]["counts"] == [2, 2, 0, 0, 0]
    results = [p["round"]["result"] for p in [table_a[1].last_state()]]
    assert results[0]["counts"] == [0, 0, 0, 3, 3]


def test_host_navigation_back_shows_the_frozen_result(app: Flask) -> None:
    players = full_table(app, 4)
    host = players[0]
    host.send("start_game")
    revealed = _play_to_reveal(players, STATEMENT, [1, 2, 3, 4])["round"]["result"]
    assert host.send("next_card")["ok"]
    assert host.send("go_to_card", {"card_index": 0})["ok"]
    state = players[1].last_state()
    assert state["card_index"] == 0 and state["round"]["result"] == revealed
    assert players[1].answer(0, 5) == {"ok": False, "error": "round_closed"}
    assert host.send("next_card")["ok"]  # to card 1 again: it was left without answers, so it reopens
    assert players[1].last_state()["round"]["status"] == "open"


def test_host_closes_a_round_with_k_answers_and_not_below(app: Flask) -> None:
    players = full_table(app, 6)
    host = players[0]
    host.send("start_game")
    players[1].answer(0, 3)
    players[2].answer(0, 3)
    assert host.send("close_round") == {"ok": False, "error": "too_few_answers"}
    players[3].answer(0, 4)
    assert host.send("close_round") == {"ok": True}
    assert players[4].last_state()["round"]["result"]["n"] == 3
    assert players[4].answer(0, 4) == {"ok": False, "error": "round_closed"}


def test_a_small_table_is_told_it_will_see_no_results(app: Flask) -> None:
    players = full_table(app, 2)
    assert players[1].joined["table"]["discussion_only"] is True
    players[0].send("start_game")
    players[0].answer(0, 4)
    players[1].answer(0, 2)
    state = players[1].last_state()
    assert state["round"]["status"] == "too_few" and state["round"]["result"] is None


def test_pause_timer_lock_and_remove(app: Flask) -> None:
    players = full_table(app, 5)
    host, guest = players[0], players[1]
    assert host.send("lock_table", {"locked": True})["ok"]
    assert host.send("start_game")["ok"]
    assert host.send("set_timer", {"seconds": 120})["ok"]
    state = guest.last_state()
    assert 119 <= state["timer_ends_at"] - state["server_time"] <= 120
    assert host.send("pause_table", {"paused": True})["ok"]
    assert guest.answer(0, 3) == {"ok": False, "error": "paused"}
    assert host.send("pause_table", {"paused": False})["ok"]
    assert host.send("remove_player", {"seat_id": players[4].seat_id})["ok"]
    assert players[4].events("seat_removed") == [{}]
    assert not players[4].sock.is_connected("/play")
    assert len(guest.last_state()["seats"]) == 4


def test_a_player_who_reconnects_gets_their_seat_card_and_answer_back(app: Flask) -> None:
    players = full_table(app, 4)
    players[0].send("start_game")
    players[2].answer(0, 4)
    players[2].sock.disconnect("/play")
    again = Player(app, players[2].http, players[2].table_id)
    assert again.seat_id == players[2].seat_id
    assert again.joined["you"]["my_answer"] == 4
    assert again.joined["table"]["round"]["answered"] == 1
