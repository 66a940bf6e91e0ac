"""Rule 8 in every server mode: malformed requests and frames leave no client address, no request
line (a mistyped URL may hold a join code) and no traceback in the server's output (issue 9, item 7)."""

from __future__ import annotations

import contextlib
import socket
from pathlib import Path

import pytest
import websocket

from tests.helpers.real_server import Phone, RawSocket, RealServer

pytestmark = pytest.mark.server
MARK = "KKMARK7731"

MALFORMED_HTTP = [
    f"GET /join?code={MARK} HTTP/9.9\r\n\r\n",  # an HTTP version no server speaks
    f"\x16\x03\x01{MARK}\r\n\r\n",  # TLS to the plain port
    f"GET /t/{MARK} HTTP/1.1\r\nHost: x\r\nNo colon {MARK}\r\n\r\n",  # a header without a colon
    f"GARBAGE /join?code={MARK} HTTP/1.1\r\nHost: x\r\n\r\n",
    # A WebSocket upgrade without its key: the WebSocket library fails inside the application.
    f"GET /socket.io/?EIO=4&transport=websocket&code={MARK} HTTP/1.1\r\nHost: x\r\n"
    "Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
]
FRAMES = [  # each of these once got a traceback (with the client's address, under gevent)
    "4" + "[" * 5000,
    "",
    f'42/play,1["connect",{{"kk":"{MARK}"}}]',
    f'42/play,1["submit_answer",{{"card_index":0,"value":"{MARK}"}},1]',
    f'42/play,1["lock_table",{{"locked":{"1" * 150}}}]',
    f'451-/play,1["submit_answer",{{"value":"{MARK}","_placeholder":true,"num":0}}]',
]


def _send_raw_http(port: int, request: str) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request.encode("latin-1"))
        with contextlib.suppress(OSError):
            while conn.recv(65536):  # the server answers and closes, or we time out
                pass


@pytest.mark.parametrize("mode", ["gevent", "eventlet", "threading"])
def test_the_server_output_holds_no_address_request_line_or_traceback(tmp_path: Path, mode: str) -> None:
    server = RealServer(tmp_path, mode=mode, test_deck=True)
    server.start()
    host = Phone(server.url)
    try:
        host.start_table("proefdeck")
        host.connect()
        host.call("start_game")
        for request in MALFORMED_HTTP:
            _send_raw_http(server.port, request)
        for frame in FRAMES:
            raw = RawSocket.seated(host)
            try:
                raw.send(frame)
                raw.send('42/play,99["lock_table",{"locked":false}]')
                # An answer, or a closed connection: the server has dealt with both. (Whether
                # each gets one is test_transport_guard's concern; this one reads the log.)
                raw.ws.settimeout(3)
                with contextlib.suppress(websocket.WebSocketTimeoutException):
                    raw.answer(99)
            finally:
                raw.close()
        assert host.call("submit_answer", {"card_index": 0, "value": 3}) == {"ok": True, "card_index": 0}
    finally:
        host.close()
        server.stop()
    written = server.output().split("is running on", 1)[1].split("\n", 1)[1]  # after its address
    assert "127.0.0.1" not in written
    assert MARK not in written
    assert "Traceback" not in written
    assert "127.0.0.0/24" in written  # the refusals are logged, coarsely
