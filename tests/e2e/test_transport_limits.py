"""Bad messages over a real WebSocket: a clear error, or a dropped connection, and everyone else plays on."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.real_server import Phone, RealServer, seat_phones

pytestmark = pytest.mark.server


def test_malformed_oversized_and_huge_messages(tmp_path: Path) -> None:
    server = RealServer(tmp_path, mode="gevent", test_deck=True)
    server.start()
    phones = [Phone(server.url) for _ in range(3)]
    try:
        host = phones[0]
        seat_phones(phones)
        host.call("start_game")
        noisy, calm = phones[1], phones[2]

        assert noisy.call("submit_answer", "garbage") == {"ok": False, "error": "invalid_payload"}
        assert noisy.call("submit_answer", {"card_index": 0, "value": "x" * 5000}) == {
            "ok": False,
            "error": "payload_too_large",
        }
        assert noisy.call("no_such_event", {}) == {"ok": False, "error": "unknown_event"}

        # Over the 64 KiB transport limit: the server drops that connection, the phone reconnects.
        mark = noisy.mark()
        noisy.sio.emit("submit_answer", {"card_index": 0, "value": "x" * 70_000}, namespace="/play")
        rejoined = noisy.wait_for("table_joined", since=mark, timeout=20)
        noisy.wait_connected()
        assert rejoined["table"]["round"]["answered"] == 0

        assert calm.call("submit_answer", {"card_index": 0, "value": 4}) == {"ok": True, "card_index": 0}
        assert noisy.call("submit_answer", {"card_index": 0, "value": 2}) == {"ok": True, "card_index": 0}
        assert host.call("submit_answer", {"card_index": 0, "value": 4})["ok"]
        revealed = calm.wait_for("table_updated", lambda s: s["reason"] == "round_revealed")
        assert revealed["round"]["result"]["counts"] == [0, 1, 0, 2, 0]
    finally:
        for phone in phones:
            phone.close()
        server.stop()


def test_extra_arguments_get_an_ack_and_leak_nothing(tmp_path: Path) -> None:
    """Found by a real gevent server: a TypeError there printed the payload to stdout."""
    server = RealServer(tmp_path, mode="gevent", test_deck=True)
    server.start()
    host = Phone(server.url)
    try:
        host.start_table("proefdeck")
        host.connect()
        host.call("start_game")
        ack = host.sio.call(
            "submit_answer", ({"card_index": 0, "value": "kk-marker-9931"}, 1), namespace="/play", timeout=10
        )
        assert ack == {"ok": False, "error": "invalid_payload"}
        assert host.call("submit_answer", {"card_index": 0, "value": 3})["ok"]
    finally:
        host.close()
        server.stop()
    assert "kk-marker-9931" not in server.output()
    assert "Traceback" not in server.output()
