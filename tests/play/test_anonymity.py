"""PRODUCT.md anonymity rules 1-5 and 8, checked on what the server emits and what it stores."""

from __future__ import annotations

import json
import logging

import pytest
from flask import Flask
from sqlalchemy import inspect, select

from koerskaart.extensions import db
from koerskaart.models import Answer, PendingAnswer, RoundRow, Seat, Table
from tests.helpers.players import Player, counts_sent, full_table
from tests.helpers.proefdeck import OPEN, SENSITIVE, STATEMENT

MARKERS = ["kiwi-7731", "mango-2290", "lychee-5512", "papaya-8804", "guave-3197"]


def _start_on_open_card(app: Flask, players: int = 5) -> list[Player]:
    seated = full_table(app, players)
    host = seated[0]
    host.send("start_game")
    for _ in range(OPEN):
        host.send("skip_card")
    for player in seated:
        player.events()
    return seated


def _everything_received(players: list[Player]) -> list[tuple[Player, str, object]]:
    return [(player, name, payload) for player in players for name, payload in player.events()]


def test_while_a_round_is_open_only_counts_are_sent(app: Flask) -> None:
    """Rule 2: 'x of N answered' and nothing about content until all is revealed at once."""
    players = _start_on_open_card(app)
    for player, marker in list(zip(players, MARKERS, strict=True))[:4]:
        assert player.answer(OPEN, marker)["ok"]
        counts_sent()  # each count on its own: answers closer together may share one
    received = _everything_received(players)
    assert received, "the table heard nothing"
    for _player, name, payload in received:
        assert name == "answer_count_changed", name
        assert set(payload) == {"card_index", "answered", "total"}
    assert [p["answered"] for _pl, n, p in received if _pl is players[0]] == [1, 2, 3, 4]


def test_a_changed_answer_is_not_announced(app: Flask) -> None:
    players = full_table(app, 4)
    players[0].send("start_game")
    players[1].answer(STATEMENT, 2)
    counts_sent()
    for player in players:
        player.events()
    assert players[1].answer(STATEMENT, 5)["ok"]
    counts_sent()
    assert _everything_received(players) == []


def test_nothing_is_revealed_below_k(app: Flask) -> None:
    """Rule 1: three of four answered and the host closes: fine; but an open card needs k_text."""
    players = _start_on_open_card(app, players=5)
    for player, marker in list(zip(players, MARKERS, strict=True))[:3]:
        player.answer(OPEN, marker)
    assert players[0].send("close_round") == {"ok": False, "error": "too_few_answers"}
    for player in players[3:]:
        assert player.send("leave_table")["ok"]
    # Everyone left has answered now: the round closes, with nothing shown.
    state = players[0].last_state()
    assert state["round"]["status"] == "too_few" and state["round"]["result"] is None
    blob = json.dumps([payload for _p, _n, payload in _everything_received(players[:3])])
    assert not any(marker in blob for marker in MARKERS)
    assert db.session.scalar(select(db.func.count()).select_from(Answer)) == 0
    assert db.session.scalar(select(db.func.count()).select_from(PendingAnswer)) == 0


def test_open_answers_are_revealed_together_and_shuffled_without_names(app: Flask) -> None:
    players = _start_on_open_card(app)
    for player, marker in zip(players, MARKERS, strict=True):
        player.answer(OPEN, marker)
    result = players[2].last_state()["round"]["result"]
    assert sorted(result["texts"]) == sorted(MARKERS)
    assert set(result) == {"n", "counts", "texts"}


def test_a_revealed_result_is_frozen(app: Flask) -> None:
    """Rule 3: no late answer can shift what people have seen."""
    players = full_table(app, 4)
    host = players[0]
    host.send("start_game")
    for player in players[:3]:
        player.answer(STATEMENT, 4)
    host.send("close_round")
    seen = players[1].last_state()["round"]["result"]
    assert players[3].answer(STATEMENT, 1) == {"ok": False, "error": "round_closed"}
    host.send("next_card")
    host.send("go_to_card", {"card_index": STATEMENT})
    assert players[3].last_state()["round"]["result"] == seen
    row = db.session.scalars(select(RoundRow).where(RoundRow.card_index == STATEMENT)).one()
    assert row.result == seen


def test_stored_answers_carry_no_identity_after_the_reveal(app: Flask) -> None:
    """Rule 4: the answer-to-seat link exists only while the round is open."""
    players = full_table(app, 4)
    players[0].send("start_game")
    players[1].answer(STATEMENT, 2)
    players[2].answer(STATEMENT, 5)
    pending = db.session.scalars(select(PendingAnswer)).all()
    assert len(pending) == 2, "acknowledged answers must be stored before the reveal"
    players[0].answer(STATEMENT, 3)
    players[3].answer(STATEMENT, 3)
    assert db.session.scalars(select(PendingAnswer)).all() == []
    columns = {column["name"] for column in inspect(db.engine).get_columns("answers")}
    assert columns == {"id", "round_id", "value"}
    assert sorted(a.value for a in db.session.scalars(select(Answer))) == [2, 3, 3, 5]


def test_deleted_links_are_overwritten_on_disk(app: Flask) -> None:
    assert db.engine.dialect.name == "sqlite"  # the app fixture's database; PostgreSQL has no such pragma
    assert db.session.execute(db.text("PRAGMA secure_delete")).scalar() == 1


@pytest.mark.parametrize("keep", [False, True])
def test_open_text_is_ephemeral_unless_the_table_keeps_it(app: Flask, keep: bool) -> None:
    """Rule 5: gone at the end unless the table chooses to keep it."""
    players = _start_on_open_card(app)
    for player, marker in zip(players, MARKERS, strict=True):
        player.answer(OPEN, marker)
    players[0].send("end_table", {"keep_open_text": keep})
    state = players[1].last_state()
    stored = [a.value for a in db.session.scalars(select(Answer))]
    if keep:
        assert sorted(state["results"][str(OPEN)]["texts"]) == sorted(MARKERS)
        assert sorted(stored) == sorted(MARKERS)
    else:
        assert state["results"][str(OPEN)] == {"n": 5, "counts": [], "texts": []}
        assert stored == []
        row = db.session.scalars(select(RoundRow).where(RoundRow.card_index == OPEN)).one()
        assert not any(marker in json.dumps(row.result) for marker in MARKERS)


def test_nicknames_and_join_code_are_gone_when_the_table_ends(app: Flask) -> None:
    players = full_table(app, 3)
    players[0].send("end_table", {})
    assert [s.nickname for s in db.session.scalars(select(Seat))] == [None, None, None]
    assert db.session.scalars(select(Table)).one().join_code is None


def test_sensitive_cards_coarsen_lone_answers_and_unanimity(app: Flask) -> None:
    """Rule 7."""
    players = full_table(app, 5)
    host = players[0]
    host.send("start_game")
    for _ in range(SENSITIVE):
        host.send("skip_card")
    for player in players:
        player.answer(SENSITIVE, 3)
    # Unanimous, yet the bars read the same as "4 of 5, and one elsewhere".
    assert players[1].last_state()["round"]["result"]["counts"] == ["few", "few", "almost_all", "few", "few"]


def test_logs_hold_no_answers_codes_or_tokens(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    """Rule 8, with every logger at DEBUG, through a game with refusals and a server error."""
    caplog.set_level(logging.DEBUG)
    players = _start_on_open_card(app)
    code = players[0].joined["join"]["code"]
    tokens = [cookie.value for p in players for cookie in p.http._cookies.values()]
    assert len(tokens) >= len(players)  # every seat cookie, and the host's session
    for player, marker in zip(players, MARKERS, strict=True):
        player.answer(OPEN, marker)
        player.answer(OPEN, marker)  # a retry
    players[1].answer(OPEN, "x" * 5000)
    players[0].send("end_table", {"keep_open_text": True})
    text = caplog.text
    for secret in [code, code.replace("-", ""), *tokens, *MARKERS]:
        assert secret not in text
