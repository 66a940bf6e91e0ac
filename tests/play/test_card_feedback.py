"""Card feedback over /play: one verdict per seat and card, after the reveal, stored without anyone."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import inspect, select

from koerskaart.extensions import db, socketio
from koerskaart.models import CardFeedback, Seat
from tests.helpers.players import Player, full_table
from tests.helpers.proefdeck import CHOICE, STATEMENT


def _revealed_table(app: Flask) -> list[Player]:
    players = full_table(app, 4)
    assert players[0].send("start_game")["ok"]
    for player, value in zip(players, [1, 2, 4, 5], strict=True):
        assert player.answer(STATEMENT, value)["ok"]
    return players


def _rows(app: Flask) -> list[CardFeedback]:
    with app.app_context():
        return list(db.session.scalars(select(CardFeedback)))


def test_feedback_after_the_reveal_is_stored_for_the_card(app: Flask) -> None:
    players = _revealed_table(app)
    ack = players[1].send("give_feedback", {"card_index": STATEMENT, "verdict": "strong"})
    assert ack == {"ok": True, "card_index": STATEMENT}
    ack = players[2].send(
        "give_feedback", {"card_index": STATEMENT, "verdict": "unclear", "comment": "Wat\tbedoelen\n we?"}
    )
    assert ack["ok"]
    rows = sorted(_rows(app), key=lambda row: row.verdict)
    assert [(row.deck_slug, row.card_id, row.verdict) for row in rows] == [
        ("proefdeck", rows[0].card_id, "strong"),
        ("proefdeck", rows[0].card_id, "unclear"),
    ]
    assert rows[0].comment is None
    assert rows[1].comment == "Wat bedoelen we?"  # cleaned: no tabs, line breaks or double spaces
    assert rows[1].organisation_id is None  # an anonymous table belongs to no organisation


def test_the_stored_row_has_no_seat_table_or_time() -> None:
    columns = {column.key for column in inspect(CardFeedback).columns}
    # playtest: given at a play-test of a draft (kept apart from a version's feedback), not who or when.
    assert columns == {
        "id",
        "deck_slug",
        "deck_version",
        "card_id",
        "organisation_id",
        "verdict",
        "comment",
        "playtest",
    }


def test_no_feedback_before_the_reveal_nor_on_a_card_not_reached(app: Flask) -> None:
    players = full_table(app, 4)
    assert players[0].send("start_game")["ok"]
    assert players[1].send("give_feedback", {"card_index": STATEMENT, "verdict": "strong"}) == {
        "ok": False,
        "error": "wrong_state",
    }
    assert players[1].send("give_feedback", {"card_index": CHOICE, "verdict": "strong"})["error"] == (
        "invalid_card"
    )
    assert _rows(app) == []


def test_a_second_verdict_on_the_same_card_is_refused(app: Flask) -> None:
    players = _revealed_table(app)
    assert players[1].send("give_feedback", {"card_index": STATEMENT, "verdict": "strong"})["ok"]
    again = players[1].send("give_feedback", {"card_index": STATEMENT, "verdict": "unclear"})
    assert again == {"ok": False, "error": "wrong_state"}
    assert len(_rows(app)) == 1
    with app.app_context():
        seat = db.session.scalars(select(Seat).where(Seat.public_id == players[1].seat_id)).one()
        assert seat.feedback_cards == [STATEMENT]


def test_a_reconnecting_phone_is_told_which_cards_it_judged(app: Flask) -> None:
    players = _revealed_table(app)
    assert players[1].send("give_feedback", {"card_index": STATEMENT, "verdict": "not_relevant"})["ok"]
    again = Player(app, players[1].http, players[1].table_id)
    assert again.joined["you"]["feedback_cards"] == [STATEMENT]
    assert players[2].joined["you"]["feedback_cards"] == []


def test_after_the_end_any_reached_card_takes_feedback(app: Flask) -> None:
    players = _revealed_table(app)
    host = players[0]
    assert host.send("next_card")["ok"]  # CHOICE opens and is never answered
    assert players[1].send("give_feedback", {"card_index": CHOICE, "verdict": "unclear"})["error"] == (
        "wrong_state"
    )
    assert host.send("end_table")["ok"]
    assert players[1].send("give_feedback", {"card_index": CHOICE, "verdict": "unclear"})["ok"]
    assert players[1].send("give_feedback", {"card_index": STATEMENT, "verdict": "strong"})["ok"]


def test_bad_payloads_are_refused_before_anything_is_stored(app: Flask) -> None:
    players = _revealed_table(app)
    player = players[1]
    bad = [
        {"card_index": STATEMENT, "verdict": "great"},
        {"card_index": STATEMENT},
        {"card_index": STATEMENT, "verdict": "strong", "comment": "x" * 281},
        {"card_index": STATEMENT, "verdict": "strong", "comment": 5},
        {"card_index": "0", "verdict": "strong"},
        {"card_index": STATEMENT, "verdict": "strong", "seat": "someone"},
    ]
    for payload in bad:
        assert player.send("give_feedback", payload) == {"ok": False, "error": "invalid_payload"}, payload
    assert _rows(app) == []
    at_limit = {"card_index": STATEMENT, "verdict": "strong", "comment": "y" * 280}
    assert player.send("give_feedback", at_limit)["ok"]
    assert _rows(app)[0].comment == "y" * 280


def test_a_table_screen_cannot_give_feedback(app: Flask) -> None:
    players = _revealed_table(app)
    host = players[0]
    with host.http.session_transaction() as session:
        key = dict(session["screens"])[host.table_id]
    screen = socketio.test_client(
        app, namespace="/play", auth={"table": host.table_id, "as": "screen", "key": key}
    )
    assert screen.is_connected("/play")
    ack = screen.emit(
        "give_feedback", {"card_index": STATEMENT, "verdict": "strong"}, namespace="/play", callback=True
    )
    assert ack == {"ok": False, "error": "not_authenticated"}
    assert _rows(app) == []
