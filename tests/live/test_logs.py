"""What a client can make the server log: one short line, no full address, no request line (rule 8)."""

from __future__ import annotations

import logging

import pytest

from koerskaart.live.guard import address_key, nested_deeper_than
from koerskaart.live.logs import Quiet, coarse_address, scrub


@pytest.mark.parametrize(
    ("address", "coarse"),
    [
        ("192.0.2.77", "192.0.2.0/24"),
        ("2001:db8:1:2::5", "2001:db8:1::/48"),
        ("::ffff:198.51.100.9", "198.51.100.0/24"),
        ("fe80::1%eth0", "fe80::/48"),
        ("not an address", "-"),
        (None, "-"),
    ],
)
def test_an_address_is_logged_as_its_network(address: object, coarse: str) -> None:
    assert coarse_address(address) == coarse


@pytest.mark.parametrize(
    "line",
    [
        # gevent, eventlet (the standard library's handler), Werkzeug and gunicorn, as they write them
        "<gevent._socket3.socket object, fd=12>: (from ('192.0.2.77', 40512)) "
        "Invalid http version: 'GET /join?code=KKMARK HTTP/9.9\\r\\n'",
        '192.0.2.77 - - [30/Nov/2026 17:00:58] "GET /join?code=KKMARK HTTP/9.9" 505 -',
        "192.0.2.77 - - [30/Nov/2026 17:01:16] code 400, message Bad request syntax ('KKMARK')",
        "Invalid request from ip=192.0.2.77: Invalid Request Line GET /t/KKMARK?code=KKMARK HTTP/1.1",
        "Error handling request http://example.org/join?code=KKMARK",
        "first line without secrets\n  File 'x.py', line 1\nKeyError: 'KKMARK'",
    ],
)
def test_server_lines_keep_no_address_path_or_quoted_text(line: str) -> None:
    scrubbed = scrub(line)
    assert "KKMARK" not in scrubbed
    assert "192.0.2.77" not in scrubbed
    assert "\n" not in scrubbed


def _record(msg: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord("koerskaart.test", logging.ERROR, __file__, 1, msg, args, exc_info)


def test_a_traceback_becomes_the_type_of_the_failure() -> None:
    quiet = Quiet()
    try:
        raise KeyError("secret answer")
    except KeyError as exc:
        record = _record("a packet failed for %s", "192.0.2.77", exc=exc)
    assert quiet.filter(record)
    assert record.getMessage() == "a packet failed for 192.0.2.0/24 (KeyError)"
    assert record.exc_info is None and record.exc_text is None


def test_repeated_lines_are_counted_not_written() -> None:
    quiet = Quiet("3 per minute")
    written = [quiet.filter(_record("closed a connection from %s", f"192.0.2.{n}")) for n in range(10)]
    assert written == [True] * 3 + [False] * 7
    other = _record("refused a connection from %s", "192.0.2.1")
    assert quiet.filter(other)  # another kind of line has its own budget


def test_ipv6_hosts_share_their_64_in_the_per_address_limits() -> None:
    assert address_key("2001:db8:1:2::5") == address_key("2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64"
    assert address_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert address_key("192.0.2.7") != address_key("192.0.2.8")


def test_nesting_is_measured_without_recursion() -> None:
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    assert nested_deeper_than(deep, 16)
    assert not nested_deeper_than(["submit_answer", {"card_index": 0, "value": [1, {"a": []}]}], 16)
    assert not nested_deeper_than("text", 0)
