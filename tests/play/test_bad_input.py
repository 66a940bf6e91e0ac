"""Bad input gets a clear, stable error and changes nothing; everyone else plays on."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from koerskaart.content import load_deck_file
from koerskaart.extensions import db, socketio
from koerskaart.live import decks, service
from koerskaart.models import PendingAnswer
from tests.helpers.players import Player, counts_sent, full_table, start_table
from tests.helpers.proefdeck import ACTION, CHOICE, OPEN, STATEMENT, TEST_DECK

GENERIC = "Met deze code kom je niet aan een tafel"  # the one message, in Dutch (the default)


def _join_page(app: Flask, code: str):
    return app.test_client().post("/join", data={"code": code})


def test_unknown_locked_full_and_ended_tables_look_the_same(app: Flask) -> None:
    app.config["TABLE_CAPACITY"] = 2
    full = full_table(app, 2)
    locked = start_table(app)
    locked.send("lock_table", {"locked": True})
    ended = start_table(app)
    ended_code = ended.joined["join"]["code"]
    ended.send("end_table", {})
    responses = {
        "unknown": _join_page(app, "ZZZZ-ZZZZ"),
        "malformed": _join_page(app, "hello!"),
        "full": _join_page(app, full[0].joined["join"]["code"]),
        "locked": _join_page(app, locked.joined["join"]["code"]),
        "ended": _join_page(app, ended_code),
    }
    bodies = set()
    for name, response in responses.items():
        assert response.status_code == 400, name
        body = response.get_data(as_text=True)
        assert GENERIC in body, name
        bodies.add(body.split('name="code"')[0])  # the page up to the echoed input
    assert len(bodies) == 1


def test_codes_are_forgiving_about_case_spaces_and_dashes(app: Flask) -> None:
    host = start_table(app)
    code = host.joined["join"]["code"]
    response = app.test_client().post("/join", data={"code": " " + code.lower().replace("-", " ") + " "})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "payload",
    [
        "just text",
        [1, 2],
        42,
        {"card_index": 0},
        {"card_index": 0, "value": 3, "extra": 1},
        {"card_index": "0", "value": 3},
        {"card_index": 0, "value": None},
        {"card_index": -1, "value": 3},
    ],
)
def test_malformed_answers_are_refused_with_invalid_payload(app: Flask, payload: object) -> None:
    players = full_table(app, 3)
    players[0].send("start_game")
    assert players[1].send("submit_answer", payload) == {"ok": False, "error": "invalid_payload"}
    assert db.session.scalars(select(PendingAnswer)).all() == []


@pytest.mark.parametrize(
    ("card", "value"),
    [
        (STATEMENT, 0),
        (STATEMENT, 6),
        (STATEMENT, True),
        (STATEMENT, "4"),
        (CHOICE, 3),
        (CHOICE, -1),
        (OPEN, ""),
        (OPEN, "   "),
        (OPEN, 7),
        (OPEN, "x" * 241),
        (ACTION, 1),
    ],
)
def test_answers_outside_the_cards_values_are_refused(app: Flask, card: int, value: object) -> None:
    players = full_table(app, 3)
    host = players[0]
    host.send("start_game")
    for _ in range(card):
        host.send("skip_card")
    ack = players[1].answer(card, value)
    assert ack["ok"] is False and ack["error"] in ("invalid_answer", "invalid_payload", "not_answerable")
    assert db.session.scalars(select(PendingAnswer)).all() == []


def test_oversized_payload_is_refused(app: Flask) -> None:
    players = full_table(app, 3)
    players[0].send("start_game")
    ack = players[1].send("submit_answer", {"card_index": 0, "value": "x" * 5000})
    assert ack == {"ok": False, "error": "payload_too_large"}


def test_out_of_turn_messages_change_nothing(app: Flask) -> None:
    players = full_table(app, 3)
    host, guest = players[0], players[1]
    assert guest.answer(0, 3) == {"ok": False, "error": "wrong_state"}
    assert guest.send("start_game") == {"ok": False, "error": "not_host"}
    assert host.send("next_card") == {"ok": False, "error": "wrong_state"}
    assert host.send("start_game")["ok"]
    assert host.send("start_game") == {"ok": False, "error": "wrong_state"}
    assert guest.answer(1, 1) == {"ok": False, "error": "not_current_card"}
    assert guest.send("next_card") == {"ok": False, "error": "not_host"}
    assert guest.send("remove_player", {"seat_id": host.seat_id}) == {"ok": False, "error": "not_host"}
    assert host.send("go_to_card", {"card_index": 3}) == {"ok": False, "error": "invalid_card"}
    assert host.send("set_timer", {"seconds": 5}) == {"ok": False, "error": "invalid_input"}
    guest.answer(0, 3)
    assert host.send("next_card") == {"ok": False, "error": "wrong_state"}  # answers given: close or skip
    assert host.answered() == 1


def test_a_double_submission_is_stored_once(app: Flask) -> None:
    players = full_table(app, 4)
    players[0].send("start_game")
    for player in players:
        player.events()
    assert players[1].answer(0, 4)["ok"]
    assert players[1].answer(0, 4)["ok"]
    assert len(db.session.scalars(select(PendingAnswer)).all()) == 1
    counts_sent()
    counts = players[0].events("answer_count_changed")
    assert [c["answered"] for c in counts] == [1]


def test_sockets_without_a_seat_are_refused(app: Flask) -> None:
    host = start_table(app)
    stranger = app.test_client()
    for auth in (
        {"table": host.table_id, "as": "seat"},
        {"table": "nope", "as": "seat"},
        {"table": host.table_id, "as": "screen", "key": "wrong"},
        {"table": host.table_id, "as": "admin"},
        "not a dict",
        None,
    ):
        client = socketio.test_client(app, namespace="/play", auth=auth, flask_test_client=stranger)
        assert not client.is_connected("/play"), auth


def test_the_table_screen_listens_but_cannot_act(app: Flask) -> None:
    host = start_table(app)
    with host.http.session_transaction() as session:
        key = dict(session["screens"])[host.table_id]  # [[table id, screen key], ...]
    screen = socketio.test_client(
        app, namespace="/play", auth={"table": host.table_id, "as": "screen", "key": key}
    )
    assert screen.is_connected("/play")
    joined = next(p for p in screen.get_received("/play") if p["name"] == "table_joined")["args"][0]
    assert joined["you"] == {"role": "screen"}
    ack = screen.emit("start_game", {}, namespace="/play", callback=True)
    assert ack == {"ok": False, "error": "not_authenticated"}


def test_a_flood_is_rate_limited(app: Flask) -> None:
    players = full_table(app, 3)
    acks = [players[1].send("lock_table", {"locked": True}) for _ in range(30)]
    assert {"ok": False, "error": "rate_limited"} in acks


def test_a_server_error_loses_nothing_and_the_table_plays_on(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    players = full_table(app, 3)
    players[0].send("start_game")
    real = service.perform
    monkeypatch.setattr(service, "perform", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    assert players[1].answer(0, 3) == {"ok": False, "error": "server_error"}
    monkeypatch.setattr(service, "perform", real)
    assert players[2].answer(0, 4)["ok"]
    assert players[1].answer(0, 3)["ok"]
    assert players[0].answered() == 2


def test_a_removed_player_cannot_come_back_with_the_old_cookie(app: Flask) -> None:
    players = full_table(app, 4)
    players[0].send("remove_player", {"seat_id": players[3].seat_id})
    client = socketio.test_client(
        app,
        namespace="/play",
        auth={"table": players[3].table_id, "as": "seat"},
        flask_test_client=players[3].http,
    )
    assert not client.is_connected("/play")
    assert isinstance(players[1], Player)


def test_an_event_with_extra_arguments_is_refused_not_dropped(app: Flask) -> None:
    players = full_table(app, 3)
    players[0].send("start_game")
    ack = players[1].sock.emit(
        "submit_answer", {"card_index": 0, "value": 4}, "extra", namespace="/play", callback=True
    )
    assert ack == {"ok": False, "error": "invalid_payload"}
    assert players[2].answer(0, 3)["ok"]


def test_an_unforeseen_error_still_gets_one_clean_ack(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from koerskaart.live import namespaces

    players = full_table(app, 3)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise KeyError("secret-answer-text")

    monkeypatch.setattr(namespaces, "characters", broken)  # a step before the service's own try
    assert players[1].answer(0, 3) == {"ok": False, "error": "server_error"}


def test_only_the_play_namespace_takes_connections(app: Flask) -> None:
    """python-socketio's default also serves "/", to anyone, without credentials."""
    for namespace in ("/", "/admin"):
        client = socketio.test_client(app, namespace=namespace)
        assert not client.is_connected(namespace), namespace


def test_every_event_counts_against_the_rate_unknown_and_lifecycle_names_included(app: Flask) -> None:
    players = full_table(app, 3)
    acks = [players[1].send(name) for name in ["connect", "disconnect", "no_such_event"] * 8]
    assert acks[:3] == [{"ok": False, "error": "unknown_event"}] * 3
    assert players[1].send("lock_table", {"locked": True}) == {"ok": False, "error": "rate_limited"}
    assert players[2].send("leave_table")["ok"]  # another socket has its own budget


def test_an_answer_in_emoji_fits_whatever_the_card_allows(app: Flask, tmp_path: Path) -> None:
    """The payload limit counts characters, as the card does; ASCII-escaped, 400 emoji were 4,800."""
    roomy = tmp_path / "proefdeck.yaml"
    roomy.write_text(TEST_DECK.read_text(encoding="utf-8").replace("max_length: 120", "max_length: 500"))
    deck, problems = load_deck_file(roomy)
    assert deck is not None, problems
    decks.install(app.extensions, {deck.slug: deck})
    players = full_table(app, 3)
    players[0].send("start_game")
    for _ in range(OPEN):
        players[0].send("skip_card")
    assert players[1].answer(OPEN, "\N{GRINNING FACE}" * 400) == {"ok": True, "card_index": OPEN}
    # Far past the card's limit: the card refuses it, not the transport.
    assert players[2].answer(OPEN, "\N{GRINNING FACE}" * 1001) == {"ok": False, "error": "invalid_answer"}
