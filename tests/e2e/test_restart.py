"""A server killed mid-round (SIGKILL) and started again: no acknowledged answer lost or doubled."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.helpers.proefdeck import OPEN
from tests.helpers.real_server import Phone, RealServer, seat_phones

pytestmark = pytest.mark.server


def test_a_killed_server_loses_nothing_and_every_phone_gets_back_to_its_card(tmp_path: Path) -> None:
    server = RealServer(tmp_path, mode="gevent", test_deck=True)
    server.start()
    phones = [Phone(server.url) for _ in range(6)]
    try:
        host = phones[0]
        code = seat_phones(phones)
        host.call("start_game")
        for _ in range(OPEN):
            assert host.call("skip_card")["ok"]
        texts = [
            "markering-aap",
            "markering-beer",
            "markering-cavia",
            "markering-das",
            "markering-eend",
            "markering-fret",
        ]
        for phone, text in zip(phones[:4], texts, strict=False):
            assert phone.call("submit_answer", {"card_index": OPEN, "value": text}) == {
                "ok": True,
                "card_index": OPEN,
            }

        marks = [phone.mark() for phone in phones]
        server.kill()
        server.start()

        # Every phone reconnects by itself and lands on the same card, with its own answer back.
        for index, (phone, mark) in enumerate(zip(phones, marks, strict=True)):
            joined = phone.wait_for("table_joined", since=mark, timeout=20)
            phone.wait_connected()
            assert joined["table"]["card_index"] == OPEN
            assert joined["table"]["round"]["answered"] == 4
            assert joined["table"]["round"]["total"] == 6
            assert joined["you"]["my_answer"] == (texts[index] if index < 4 else None)

        # A client that never saw its acknowledgement retries: still counted once.
        for phone, text in zip(phones[:4], texts, strict=False):
            assert phone.call("submit_answer", {"card_index": OPEN, "value": text})["ok"]
        mark = host.mark()
        for phone, text in zip(phones[4:], texts[4:], strict=True):
            assert phone.call("submit_answer", {"card_index": OPEN, "value": text})["ok"]
        revealed = host.wait_for("table_updated", lambda s: s["reason"] == "round_revealed", since=mark)
        assert revealed["round"]["result"]["n"] == 6
        assert sorted(revealed["round"]["result"]["texts"]) == sorted(texts)
    finally:
        for phone in phones:
            phone.close()
        server.stop()

    with sqlite3.connect(tmp_path / "koerskaart.sqlite3") as database:
        stored = [row[0] for row in database.execute("SELECT value FROM answers")]
        pending = database.execute("SELECT COUNT(*) FROM pending_answers").fetchone()[0]
    assert sorted(stored) == sorted(f'"{t}"' for t in texts)
    assert pending == 0

    # Rule 8, on the real server's whole output: no code, no token, no answer.
    output = server.output()
    for secret in [code, code.replace("-", ""), *[p.seat_token for p in phones], *texts]:
        assert secret not in output
