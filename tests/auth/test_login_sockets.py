"""Logging out, logging out everywhere and disabling an account drop that account's sockets."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from koerskaart.models import User
from tests.helpers.players import Player, join
from tests.helpers.users import log_in, make_user


def _host_table(app: Flask, client: FlaskClient) -> tuple[Player, Player]:
    """A table started by ``client``'s account, and one anonymous guest at it."""
    response = client.post("/tables", data={"deck": "proefdeck", "nickname": "Fac"})
    assert response.status_code == 302
    host = Player(app, client, response.headers["Location"].rsplit("/", 1)[-1])
    guest = join(app, host.joined["join"]["code"])
    return host, guest


def test_logging_out_drops_the_sockets_of_that_login_only(app: Flask, facilitator: User) -> None:
    laptop = log_in(app, "fac@oost.example")
    phone = log_in(app, "fac@oost.example")  # the same account, logged in on a second device
    host, guest = _host_table(app, laptop)
    # The phone joins the same table as a player while logged in.
    phone_player = join_with(app, phone, host.joined["join"]["code"])
    assert laptop.post("/logout").status_code == 302
    assert not host.sock.is_connected("/play")
    assert phone_player.sock.is_connected("/play") and guest.sock.is_connected("/play")
    # Everyone else plays on; the dropped page reconnects as the seat it is, without the login.
    again = Player(app, laptop, host.table_id)
    assert again.seat_id == host.seat_id
    assert again.send("start_game")["ok"]


def test_logging_out_everywhere_drops_every_socket_of_the_account(app: Flask, facilitator: User) -> None:
    laptop = log_in(app, "fac@oost.example")
    phone = log_in(app, "fac@oost.example")
    host, guest = _host_table(app, laptop)
    phone_player = join_with(app, phone, host.joined["join"]["code"])
    assert phone.post("/account/logout-everywhere").status_code == 302
    assert not host.sock.is_connected("/play") and not phone_player.sock.is_connected("/play")
    assert guest.sock.is_connected("/play")


def test_disabling_an_account_drops_its_sockets(app: Flask, admin: User, facilitator: User) -> None:
    host, guest = _host_table(app, log_in(app, "fac@oost.example"))
    admin_client = log_in(app, "admin@oost.example")
    assert admin_client.post(f"/account/team/{facilitator.id}/disable").status_code == 302
    assert not host.sock.is_connected("/play")
    assert guest.sock.is_connected("/play")


def test_sockets_without_a_login_are_never_dropped_by_one(app: Flask, facilitator: User) -> None:
    laptop = log_in(app, "fac@oost.example")
    host, guest = _host_table(app, laptop)
    stranger = make_user("ander@oost.example")
    other = log_in(app, stranger.email)
    assert other.post("/account/logout-everywhere").status_code == 302
    assert host.sock.is_connected("/play") and guest.sock.is_connected("/play")


def join_with(app: Flask, client: FlaskClient, code: str) -> Player:
    response = client.post("/join", data={"code": code})
    assert response.status_code == 302, response.data[:300]
    return Player(app, client, response.headers["Location"].rsplit("/", 1)[-1])
