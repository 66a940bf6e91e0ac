"""Two server processes behind one table: PostgreSQL holds the state, Redis carries the messages."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.helpers.real_server import ROOT, Phone, RealServer, seat_phones
from tests.helpers.users import PASSWORD

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.server]


def test_players_on_different_processes_share_one_table(two_processes: tuple[RealServer, RealServer]) -> None:
    first, second = two_processes
    host = Phone(first.url)
    guests = [Phone(second.url) for _ in range(3)]
    try:
        seat_phones([host, *guests])
        assert host.call("start_game") == {"ok": True}
        for guest in guests:  # the start happened on the other process
            guest.wait_for("table_updated", lambda s: s["status"] == "playing")
        for phone, value in zip([host, *guests], [2, 4, 4, 5], strict=True):
            assert phone.call("submit_answer", {"card_index": 0, "value": value}) == {
                "ok": True,
                "card_index": 0,
            }
        for phone in (host, *guests):
            revealed = phone.wait_for("table_updated", lambda s: s["reason"] == "round_revealed")
            assert revealed["round"]["result"]["counts"] == [0, 1, 0, 2, 1]
    finally:
        for phone in (host, *guests):
            phone.close()


def _create_account(server: RealServer, email: str, role: str) -> None:
    """`flask users create` against the servers' database, as an operator would run it."""
    command = [sys.executable, "-m", "flask", "--app", "koerskaart", "users", "create", "--email", email]
    command += ["--organisation", "Gemeente Oost", "--role", role, "--password-stdin"]
    done = subprocess.run(command, env=server.env, cwd=ROOT, input=PASSWORD, text=True, capture_output=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_removing_a_player_or_ending_a_login_drops_sockets_on_the_other_process(
    two_processes: tuple[RealServer, RealServer],
) -> None:
    first, second = two_processes
    _create_account(first, "fac@oost.example", "facilitator")
    _create_account(first, "admin@oost.example", "admin")
    facilitator, guest, admin = Phone(first.url), Phone(first.url), Phone(first.url)
    try:
        facilitator.log_in("fac@oost.example", PASSWORD)
        facilitator.start_table("proefdeck")
        code = facilitator.connect(second.url)["join"]["code"]  # logged in, connected to the other process
        guest.join(code)
        guest.connect(first.url)
        admin.log_in("admin@oost.example", PASSWORD)
        team = admin.http.get(first.url + "/account/team", timeout=10).text
        user_id = re.search(r"/account/team/(\d+)/disable", team)
        assert user_id, "no disable button for the facilitator"

        # An admin on the first process disables the account: its socket on the second goes.
        mark = facilitator.mark()
        assert (
            admin.post_form(f"/account/team/{user_id.group(1)}/disable", "/account/team").status_code == 302
        )
        facilitator.wait_for("disconnect", since=mark)
        # The page reconnects, as table.js does, and is judged afresh: a seat, without the login.
        facilitator.sio.disconnect()  # the namespace is gone; close the transport it leaves
        mark = facilitator.mark()
        facilitator.connect(second.url)
        seats = facilitator.wait_for("table_joined", since=mark)["table"]["seats"]
        assert len(seats) == 2

        # The host, on the second process, removes the guest, who sits on the first.
        guest_seat = next(seat["id"] for seat in seats if not seat.get("is_host"))
        mark = guest.mark()
        assert facilitator.call("remove_player", {"seat_id": guest_seat})["ok"]
        guest.wait_for("disconnect", since=mark)
    finally:
        for phone in (facilitator, guest, admin):
            phone.close()
