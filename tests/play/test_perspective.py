"""Self-declared perspectives: stored only as releasable group counts, never sent to the table."""

from __future__ import annotations

import json

from flask import Flask
from sqlalchemy import select

from koerskaart.extensions import db
from koerskaart.models import RoundRow, Seat
from tests.helpers.players import Player, start_table


def _seat(app: Flask, code: str, role: str | None) -> Player:
    http = app.test_client()
    response = http.post("/join", data={"code": code, "perspective": role or ""})
    assert response.status_code == 302
    return Player(app, http, response.headers["Location"].rsplit("/", 1)[-1])


def _play(app: Flask, roles: list[str | None], values: list[int]) -> list[Player]:
    host = start_table(app)
    code = host.joined["join"]["code"]
    players = [host] + [_seat(app, code, role) for role in roles[1:]]
    db.session.scalars(select(Seat).where(Seat.public_id == host.seat_id)).one().perspective = roles[0]
    db.session.commit()
    host.send("start_game")
    for player, value in zip(players, values, strict=True):
        assert player.answer(0, value)["ok"]
    return players


def test_groups_of_k_are_stored_and_never_emitted(app: Flask) -> None:
    roles = ["manager", "manager", "manager", "employee", "employee", "employee"]
    players = _play(app, roles, [5, 4, 4, 2, 1, 2])
    row = db.session.scalars(select(RoundRow).where(RoundRow.card_index == 0)).one()
    assert row.groups["manager"]["counts"] == [0, 0, 0, 2, 1]
    assert row.groups["employee"]["counts"] == [1, 2, 0, 0, 0]
    for player in players:
        blob = json.dumps(player.events())
        assert "manager" not in blob and "employee" not in blob and "groups" not in blob


def test_no_groups_are_stored_when_one_is_too_small(app: Flask) -> None:
    _play(app, ["manager", "manager", "employee", "employee", "employee"], [5, 4, 2, 1, 2])
    assert db.session.scalars(select(RoundRow).where(RoundRow.card_index == 0)).one().groups is None


def test_roles_are_forgotten_when_the_table_ends(app: Flask) -> None:
    players = _play(app, ["manager", "employee", "employee"], [5, 2, 1])
    players[0].send("end_table", {})
    assert [seat.perspective for seat in db.session.scalars(select(Seat))] == [None, None, None]
