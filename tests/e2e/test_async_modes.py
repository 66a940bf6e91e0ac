"""Each supported async mode serves WebSocket clients from a real server process."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.real_server import Phone, RealServer

pytestmark = pytest.mark.server


@pytest.mark.parametrize("mode", ["gevent", "eventlet", "threading"])
def test_a_real_server_in_each_mode_seats_players_over_websocket(tmp_path: Path, mode: str) -> None:
    server = RealServer(tmp_path, mode=mode, test_deck=True)
    server.start()
    host, guest = Phone(server.url), Phone(server.url)
    try:
        host.start_table("proefdeck")
        joined = host.connect()
        assert joined["you"]["role"] == "seat"
        assert host.sio.transport() == "websocket"
        guest.join(joined["join"]["code"])
        guest.connect()
        host.wait_for("table_updated", lambda s: len(s["seats"]) == 2)
    finally:
        host.close()
        guest.close()
        server.stop()
    assert f"async mode: {mode}" in server.output()
