"""Issue 9 item 3 (table starts): starting tables is limited per address and per browser session.

Before, one address started 488 tables in 20 seconds. tests/e2e/test_table_start_limits.py does
the same against a real server from outside.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from koerskaart import create_app
from koerskaart.config import Config, TestingConfig
from koerskaart.content import load_deck_file
from koerskaart.extensions import db
from koerskaart.live import decks
from koerskaart.models import Table
from tests.helpers.proefdeck import TEST_DECK


def limited_app(per_address: str, per_session: str) -> Iterator[Flask]:
    class Limited(TestingConfig):
        RATELIMIT_ENABLED = True
        TABLE_START_RATE_LIMIT = per_address
        TABLE_START_SESSION_RATE_LIMIT = per_session

    app = create_app(Limited)
    deck, problems = load_deck_file(TEST_DECK)
    assert deck is not None, problems
    decks.install(app.extensions, {deck.slug: deck})
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()


@pytest.fixture
def address_limited() -> Iterator[Flask]:
    yield from limited_app(per_address="5 per minute", per_session="1000 per minute")


@pytest.fixture
def session_limited() -> Iterator[Flask]:
    yield from limited_app(per_address="1000 per minute", per_session="3 per minute")


def browser(app: Flask, address: str) -> FlaskClient:
    """A browser with cookies of its own, at ``address``."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def start(client: FlaskClient) -> int:
    return client.post("/tables", data={"deck": "proefdeck", "nickname": "Host"}).status_code


def tables() -> int:
    return db.session.query(Table).count()


def test_one_address_is_refused_after_its_limit_whatever_its_cookies(address_limited: Flask) -> None:
    # A fresh cookie jar for every start: dropping cookies does not get round the address limit.
    statuses = [start(browser(address_limited, "203.0.113.7")) for _ in range(7)]
    assert statuses == [302] * 5 + [429] * 2
    assert tables() == 5
    refused = browser(address_limited, "203.0.113.7").post("/tables", data={"deck": "proefdeck"})
    assert refused.status_code == 429
    assert 'data-testid="error-429"' in refused.get_data(as_text=True)  # the friendly page
    # Another address is not affected.
    assert start(browser(address_limited, "198.51.100.20")) == 302


def test_one_session_is_refused_after_its_limit_while_others_at_its_address_go_on(
    session_limited: Flask,
) -> None:
    facilitator = browser(session_limited, "203.0.113.7")
    assert [start(facilitator) for _ in range(5)] == [302, 302, 302, 429, 429]
    refused = facilitator.post("/tables", data={"deck": "proefdeck"})
    assert 'data-testid="error-429"' in refused.get_data(as_text=True)
    # A colleague on the same wifi (the same address) still starts a table.
    assert start(browser(session_limited, "203.0.113.7")) == 302
    assert tables() == 4


def test_the_defaults_let_a_facilitator_start_a_handful_of_tables() -> None:
    for app in limited_app(Config.TABLE_START_RATE_LIMIT, Config.TABLE_START_SESSION_RATE_LIMIT):
        facilitator = browser(app, "203.0.113.7")
        assert [start(facilitator) for _ in range(8)] == [302] * 8


def test_the_defaults_stop_a_burst() -> None:
    for app in limited_app(Config.TABLE_START_RATE_LIMIT, Config.TABLE_START_SESSION_RATE_LIMIT):
        statuses = [start(browser(app, "203.0.113.7")) for _ in range(60)]
        assert 429 in statuses and statuses.count(302) <= 30


def test_a_refusal_logs_no_address(address_limited: Flask, caplog: pytest.LogCaptureFixture) -> None:
    """Rule 8: no full IPs in logs; Flask-Limiter names the limit's key (the address) when it refuses."""
    caplog.set_level(logging.DEBUG)
    statuses = [start(browser(address_limited, "203.0.113.7")) for _ in range(6)]
    assert statuses[-1] == 429
    assert "203.0.113.7" not in caplog.text
