"""Attacks written from docs/socket-protocol.md alone, against a real server over a real WebSocket.

Each gets a documented answer or a closed connection; the server's memory and log stay
bounded; and an honest table at the same server plays on (issue 9, items 1 to 5).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import websocket

from tests.helpers.real_server import Phone, RawSocket, RealServer, seat_phones

pytestmark = pytest.mark.server
MiB = 1024 * 1024


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RealServer]:
    running = RealServer(tmp_path, mode="gevent", test_deck=True)
    running.start()
    yield running
    running.stop()


@pytest.fixture
def table(server: RealServer) -> Iterator[list[Phone]]:
    """Three honest players at one table, the game started."""
    phones = [Phone(server.url) for _ in range(3)]
    seat_phones(phones)
    phones[0].call("start_game")
    yield phones
    for phone in phones:
        phone.close()


@pytest.fixture
def attacker(server: RealServer) -> Iterator[Phone]:
    """The host of another table: a seat, so a cookie that opens /play."""
    phone = Phone(server.url)
    phone.start_table("proefdeck")
    yield phone
    phone.close()


def plays_a_round(phones: list[Phone]) -> None:
    """Every answer acknowledged, and the reveal reaches the table."""
    mark = phones[0].mark()
    for value, phone in zip((4, 2, 4), phones, strict=True):
        assert phone.call("submit_answer", {"card_index": 0, "value": value}) == {"ok": True, "card_index": 0}
    revealed = phones[0].wait_for("table_updated", lambda s: s["reason"] == "round_revealed", since=mark)
    assert revealed["round"]["result"]["counts"] == [0, 1, 0, 2, 0]


def test_only_the_served_namespace_accepts_a_connection(server: RealServer) -> None:
    stranger = RawSocket(server.url)  # no cookie, no credentials
    try:
        for connect, refused in (("40", "44"), ("40/admin,", "44/admin,")):
            stranger.send(connect)
            refusal = stranger.next_frame()
            assert refusal is not None and refusal.startswith(refused), refusal
        # Nothing is connected, so a binary event has no namespace to go to: the connection ends.
        stranger.send('451-["submit_answer",{"_placeholder":true,"num":0}]')
        assert stranger.wait_closed()
    finally:
        stranger.close()


def test_a_binary_event_that_announces_endless_attachments_closes_the_connection(
    server: RealServer, table: list[Phone], attacker: Phone
) -> None:
    raw = RawSocket.seated(attacker)
    before = server.rss()
    try:
        raw.send('459999999999-/play,["submit_answer",{"_placeholder":true,"num":0}]')
        chunk = b"\x00" * 60_000
        sent = 0
        while sent < 600 and raw.send(chunk):  # 36 MB, had the server kept them
            sent += 1
        assert raw.wait_closed()
    finally:
        raw.close()
    assert server.rss() - before < 16 * MiB
    plays_a_round(table)


def test_events_named_connect_or_disconnect_are_refused_and_a_flood_of_them_is_cut_off(
    server: RealServer, table: list[Phone], attacker: Phone
) -> None:
    raw = RawSocket.seated(attacker)
    try:
        auth = {"table": attacker.table_id, "as": "seat"}
        assert raw.call(1, "connect", auth) == {"ok": False, "error": "unknown_event"}
        assert raw.call(2, "disconnect", {}) == {"ok": False, "error": "unknown_event"}
        frame = "42/play," + json.dumps(["connect", auth])
        for _ in range(1000):
            if not raw.send(frame):
                break
        assert raw.wait_closed()
    finally:
        raw.close()
    plays_a_round(table)
    assert "kept sending past its limits" in server.output()


def test_a_flood_is_refused_cheaply_then_disconnected(
    server: RealServer, table: list[Phone], attacker: Phone
) -> None:
    raw = RawSocket.seated(attacker)
    try:
        for ack_id in range(1, 201):
            raw.send(f"42/play,{ack_id}" + json.dumps(["lock_table", {"locked": True}]))
        answers = []
        while (frame := raw.next_frame()) is not None:
            if frame.startswith("43/play,"):
                answers.append(json.loads(frame[frame.index("[") :])[0])
        assert raw.closed
    finally:
        raw.close()
    assert {"ok": True} in answers
    assert {"ok": False, "error": "rate_limited"} in answers
    assert len(answers) < 200  # the rest were never read: the connection was closed
    plays_a_round(table)


def test_sockets_per_address_are_capped(tmp_path: Path) -> None:
    server = RealServer(tmp_path, test_deck=True, env={"KOERSKAART_SOCKETS_PER_ADDRESS": "4"})
    server.start()
    phones = [Phone(server.url) for _ in range(3)]
    extra: list[RawSocket] = []
    try:
        seat_phones(phones)
        phones[0].call("start_game")
        extra.append(RawSocket(server.url))  # the fourth connection from 127.0.0.1
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            RawSocket(server.url)
        assert refused.value.status_code == 401
        extra.pop().close()
        extra.append(_admitted_soon(server.url))  # once the server has seen the close
        plays_a_round(phones)
    finally:
        for raw in extra:
            raw.close()
        for phone in phones:
            phone.close()
        server.stop()
    assert "too many open connections" in server.output()


def _admitted_soon(url: str) -> RawSocket:
    for _ in range(100):
        try:
            return RawSocket(url)
        except websocket.WebSocketBadStatusException:
            time.sleep(0.05)
    raise AssertionError("a connection was refused after another one closed")


def test_connection_attempts_per_address_are_capped(tmp_path: Path) -> None:
    limit = {"KOERSKAART_SOCKET_CONNECT_RATE_LIMIT": "5 per minute"}
    server = RealServer(tmp_path, test_deck=True, env=limit)
    server.start()
    phones = [Phone(server.url) for _ in range(3)]
    try:
        seat_phones(phones)  # three handshakes
        phones[0].call("start_game")
        for _ in range(2):
            RawSocket(server.url).close()
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            RawSocket(server.url)
        assert refused.value.status_code == 401
        plays_a_round(phones)  # connected sockets play on
    finally:
        for phone in phones:
            phone.close()
        server.stop()
    assert "too many connection attempts" in server.output()


# Frames an adversarial client wrote from the protocol page, and what each must get.
ANSWERED = [
    ('42/play,{id}["lock_table",' + "[" * 5000 + "]" * 5000 + "]", "invalid_payload"),  # deeper than JSON
    ('42/play,{id}["lock_table",' + "[" * 100 + "]" * 100 + "]", "invalid_payload"),
    ('42/play,{id}["lock_table",{"locked":' + "1" * 150 + "}]", "invalid_payload"),  # a 150-digit integer
    ('42/play,{id}["lock_table",{]', "invalid_payload"),  # not JSON
    ("42/play,{id}[]", "invalid_payload"),  # no event name
    ("42/play,{id}[42,{}]", "invalid_payload"),  # a name that is no string
    ("42/play,{id}{}", "invalid_payload"),  # not a list
    ('42/play,{id}"lock_table"', "invalid_payload"),
    ('42/play,{id}["lock_table",{"locked":false},1]', "invalid_payload"),  # an extra argument
    ('42/play,{id}["no_such_event",{}]', "unknown_event"),
    ('42/play,{id}["connect",{}]', "unknown_event"),
    ('42/play,{id}["disconnect"]', "unknown_event"),
    ('42/other,{id}["lock_table",{"locked":false}]', "not_authenticated"),  # a namespace not joined
]
CLOSED = [
    b"\x00\x01binary",  # a binary frame
    '451-/play,1["lock_table",{"_placeholder":true,"num":0}]',  # a binary event
    '461-/play,1[{"_placeholder":true,"num":0}]',  # a binary acknowledgement
    "",  # an empty frame
    "x",  # no engine.io packet type
    "4",  # a message without a Socket.IO packet
    "4" + "[" * 5000,  # JSON at the engine.io level
    "3" + "[" * 5000,
    "47/play,1[]",  # no such Socket.IO packet type
    '44/play,{"message":"x"}',  # a connect error, from a client
    "42/play," + "1" * 150 + '["lock_table",{}]',  # an acknowledgement id too long to answer
    "40/play,{",  # a connect whose auth is not JSON
]


def test_every_malformed_event_gets_one_answer_or_a_closed_connection(
    server: RealServer, table: list[Phone]
) -> None:
    host = table[0]
    for ack_id, (template, code) in enumerate(ANSWERED, start=1):
        raw = RawSocket.seated(host)
        try:
            raw.send(template.replace("{id}", str(ack_id)))
            namespace = template[2 : template.index(",")]
            assert raw.answer(ack_id, namespace) == {"ok": False, "error": code}, template[:60]
            # The socket is not wedged: its next event is answered too.
            assert raw.call(ack_id + 1000, "lock_table", {"locked": False}) == {"ok": True}
        finally:
            raw.close()
    for frame in CLOSED:
        raw = RawSocket.seated(host)
        try:
            raw.send(frame)
            assert raw.wait_closed(frames=50), repr(frame[:60])
        finally:
            raw.close()
    plays_a_round(table)


def test_a_flood_of_malformed_events_writes_a_few_short_lines(server: RealServer, table: list[Phone]) -> None:
    before = len(server.output())
    sent = 0
    while sent < 2000:
        raw = RawSocket.seated(table[0])
        try:
            for ack_id in range(1, 201):
                if not raw.send(f'42/play,{ack_id}["submit_answer",{{"value":"kk-marker-5521",]'):
                    break
                sent += 1
            raw.wait_closed()
        finally:
            raw.close()
    plays_a_round(table)
    written = server.output()[before:]
    assert "Traceback" not in written
    assert "kk-marker-5521" not in written
    assert "127.0.0.1" not in written
    assert len(written) < 4000, written
