"""Issue 9 item 3 from outside: a real server refuses a burst of table starts with the friendly page.

Before, one address started 488 tables in 20 seconds. Each limit gets a server of its own, so one
limit's count never decides the other's test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.helpers.real_server import RealServer

pytestmark = pytest.mark.server
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def server_with(tmp_path: Path, per_address: str, per_session: str) -> Iterator[RealServer]:
    server = RealServer(
        tmp_path,
        test_deck=True,
        env={
            "KOERSKAART_TABLE_START_RATE_LIMIT": per_address,
            "KOERSKAART_TABLE_START_SESSION_RATE_LIMIT": per_session,
        },
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def address_limited(tmp_path: Path) -> Iterator[RealServer]:
    yield from server_with(tmp_path, per_address="4 per minute", per_session="1000 per minute")


@pytest.fixture
def session_limited(tmp_path: Path) -> Iterator[RealServer]:
    yield from server_with(tmp_path, per_address="1000 per minute", per_session="2 per minute")


def start(server: RealServer, browser: requests.Session) -> requests.Response:
    """What the start button does: the home page's form, posted with its CSRF token."""
    match = CSRF.search(browser.get(server.url + "/", timeout=10).text)
    assert match, "no CSRF token on the home page"
    data = {"csrf_token": match.group(1) or match.group(2), "deck": "proefdeck", "nickname": "Host"}
    return browser.post(server.url + "/tables", data=data, allow_redirects=False, timeout=10)


def test_a_burst_from_one_address_meets_the_friendly_page(address_limited: RealServer) -> None:
    responses = []
    for _ in range(6):
        with requests.Session() as browser:  # cookies dropped every time: the address still counts
            responses.append(start(address_limited, browser))
    assert [r.status_code for r in responses] == [302] * 4 + [429] * 2
    refused = responses[-1]
    assert 'data-testid="error-429"' in refused.text and 'lang="nl"' in refused.text
    assert "frame-ancestors 'none'" in refused.headers["Content-Security-Policy"]


def test_one_session_meets_its_limit_and_a_colleague_at_the_same_address_does_not(
    session_limited: RealServer,
) -> None:
    with requests.Session() as facilitator, requests.Session() as colleague:
        statuses = [start(session_limited, facilitator).status_code for _ in range(3)]
        assert statuses == [302, 302, 429]
        assert start(session_limited, colleague).status_code == 302
