"""Issue 11: a browser's offer of WebSocket compression gets an uncompressed connection.

Browsers offer permessage-deflate on every WebSocket; accepted, it cost 175 KiB per
connection instead of 64 KiB (docs/deployment.md, "WebSocket compression"). The server
answers the handshake without the extension, in every async mode, and the game plays on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.real_server import Phone, RawSocket, RealServer

pytestmark = pytest.mark.server
# What Chromium sends (Firefox and Safari offer the same extension, without the parameter).
CHROMIUM_OFFER = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"


@pytest.mark.parametrize("mode", ["gevent", "eventlet", "threading"])
def test_an_offer_of_compression_gets_none_and_the_game_plays(tmp_path: Path, mode: str) -> None:
    server = RealServer(tmp_path, mode=mode, test_deck=True)
    server.start()
    host = Phone(server.url)
    raw = None
    try:
        host.start_table("proefdeck")
        raw = RawSocket(server.url, dict(host.http.cookies.items()), headers=[CHROMIUM_OFFER])
        assert raw.ws.getstatus() == 101
        assert "sec-websocket-extensions" not in raw.ws.getheaders()
        # Every frame from here on is read by a client that cannot inflate one.
        raw.send("40/play," + json.dumps({"table": host.table_id, "as": "seat"}))
        # table_joined comes from the connect handler, before the connect's answer.
        frames = [raw.next_frame() or "", raw.next_frame() or ""]
        assert frames[0].startswith('42/play,["table_joined",'), frames
        assert frames[1].startswith("40/play,"), frames
        assert raw.call(1, "start_game") == {"ok": True}
        assert raw.call(2, "submit_answer", {"card_index": 0, "value": 4}) == {"ok": True, "card_index": 0}
    finally:
        if raw is not None:
            raw.close()
        host.close()
        server.stop()
