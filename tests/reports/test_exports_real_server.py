"""The exports from outside: a real server (gevent), phones over WebSocket typing hostile and
unusual answers, and the facilitator downloading PDF, CSV and Markdown over HTTP. The downloads
are inert and correctly labelled, and the server's whole output quotes no answer (rule 8)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.proefdeck import OPEN
from tests.helpers.real_server import ROOT, Phone, RealServer, seat_phones

pytestmark = pytest.mark.server

EMAIL = "fac@oost.example"
PASSWORD = "een lange zin als wachtwoord"
ANSWERS = [
    '=HYPERLINK("x") kk-mark-1',
    "<script>kk-mark-2</script>",
    "日本語 kk-mark-3",
    "😀🎉 kk-mark-4",
    "𓀀𓁐 kk-mark-5",
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RealServer]:
    server = RealServer(tmp_path, test_deck=True)
    server.start()  # it creates its database on start
    try:
        # What an admin does on the server: `flask users create`, on the server's own instance.
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "koerskaart", "users", "create", "--email", EMAIL,
             "--organisation", "Gemeente Oost", "--password-stdin"],
            cwd=ROOT, env=server.env, input=PASSWORD + "\n", capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        yield server
    finally:
        server.stop()


def test_downloads_over_http_are_inert_labelled_and_quote_nothing_in_the_server_log(
    server: RealServer,
) -> None:
    phones = [Phone(server.url) for _ in ANSWERS]
    try:
        phones[0].log_in(EMAIL, PASSWORD)  # a facilitator's table, so it has a summary
        seat_phones(phones)
        host = phones[0]
        assert host.call("start_game")["ok"]
        for card in range(4):
            for phone, answer in zip(phones, ANSWERS, strict=True):
                value = answer if card == OPEN else 1 + (card % 2)
                assert phone.call("submit_answer", {"card_index": card, "value": value})["ok"]
            assert host.call("next_card")["ok"]
        action = {"who": "@Sam kk-mark-6", "what": "-Terugblik 行動", "due": "+1 maart"}
        assert phones[1].call("add_action", action)["ok"]
        assert host.call("end_table", {"keep_open_text": True})["ok"]
    finally:
        for phone in phones:
            phone.close()
    base = f"{server.url}/tables/{host.table_id}/summary"
    files = {fmt: host.http.get(f"{base}.{fmt}", timeout=60) for fmt in ("pdf", "csv", "md")}
    assert {fmt: response.status_code for fmt, response in files.items()} == {
        "pdf": 200,
        "csv": 200,
        "md": 200,
    }
    assert files["pdf"].headers["Content-Type"] == "application/pdf"
    assert files["csv"].headers["Content-Type"] == "text/csv; charset=utf-8"
    assert files["md"].headers["Content-Type"] == "text/markdown; charset=utf-8"
    cells = [
        cell
        for row in csv.reader(io.StringIO(files["csv"].content.decode("utf-8-sig")), delimiter=";")
        for cell in row
    ]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
    assert '\'=HYPERLINK("x") kk-mark-1' in cells
    markdown = files["md"].content.decode("utf-8")
    assert "<script" not in markdown and "&lt;script&gt;kk-mark-2&lt;/script&gt;" in markdown
    output = server.output()
    for secret in ["kk-mark", "日", "本", "語", "😀", "🎉", "𓀀", "𓁐", "行", "U+13000", "U+65E5"]:
        assert secret not in output, secret
