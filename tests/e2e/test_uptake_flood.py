"""Uptake from outside: a flood against a real server's documented API (docs/api.md) and its public
request form, from a script, as an attacker would send it.

Every call gets a defined answer (JSON under /api: 400, 401, 404, 405, 429; the request form's
pages: 400, 404, 429), never a 500; the server's memory stays bounded; and another organisation's
report script, calling from its own address, keeps getting its figures within a few seconds while
the flood runs and after it. The attacker calls from 127.0.0.2 to 127.0.0.5, the other organisation
from 127.0.0.1 (Linux routes all of 127/8 to the loopback), so each address has its own limits.
"""

from __future__ import annotations

import http.client
import json
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from koerskaart import create_app
from koerskaart.analytics import request_services, token_services
from koerskaart.config import TestingConfig
from koerskaart.extensions import db
from tests.helpers.real_server import RealServer
from tests.helpers.users import make_user

pytestmark = pytest.mark.server

ATTACKERS = ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5")
BYSTANDER = "127.0.0.1"
FLOOD = 4000  # calls; the limits allow 600 a minute per address and 120 per token
PARALLEL = 48  # connections open at once
DAILY_CAP = 25
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes
    seconds: float
    cookie: str = ""  # the session cookie it set, as a browser would send it back


def call(
    server: RealServer,
    source: str,
    path: str,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    body: bytes | None = None,
) -> Answer:
    """One request on a fresh connection from ``source``; a closed connection is status 0."""
    began = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30, source_address=(source, 0))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        cookie = "; ".join(c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or [])
        return Answer(
            response.status,
            response.getheader("Content-Type", ""),
            response.read(),
            time.monotonic() - began,
            cookie,
        )
    except (ConnectionError, http.client.HTTPException) as exc:
        return Answer(0, type(exc).__name__, b"", time.monotonic() - began)
    finally:
        connection.close()


@dataclass
class Setup:
    server: RealServer
    attacker_token: str
    other_token: str
    request_key: str


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    server = RealServer(tmp_path, test_deck=True, env={"KOERSKAART_REQUEST_DAILY_CAP": str(DAILY_CAP)})
    server.start()  # its migrations make the schema; then two organisations, as their admins would

    class OnServersDatabase(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'koerskaart.sqlite3'}"

    app = create_app(OnServersDatabase)
    try:
        with app.app_context():
            attacker = make_user("analist@aanvaller.example", "Aanvaller BV", "analyst")
            other = make_user("beheer@oost.example", "Gemeente Oost", "admin")
            found = Setup(
                server,
                token_services.issue(attacker, "flood", 30).token,
                token_services.issue(other, "rapportage", 90).token,
                request_services.renew_key(int(other.organisation_id)),
            )
            db.session.remove()
            db.engine.dispose()
        yield found
    finally:
        server.stop()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def hostile(n: int, token: str) -> tuple[str, dict[str, str], str]:
    """The n-th call of the flood: a path, its headers and a method."""
    wrong = "kk_" + secrets.token_urlsafe(6)[:8] + "_" + secrets.token_urlsafe(32)
    view = "/api/v1/views/tables-over-time"
    kinds: list[tuple[str, dict[str, str], str]] = [
        (view, bearer(wrong), "GET"),  # a guessed token, new every time
        (view, bearer(token), "GET"),  # the attacker's own token, far above its limit
        ("/api/v1/views", {"Authorization": "Bearer " + "x" * 20_000}, "GET"),  # a huge token
        ("/api/v1/units", {**bearer(token), "X-Padding": "p" * 7000}, "GET"),  # a big header
        (view + "?" + "start=2025-01-01&" * 200, bearer(token), "GET"),  # over 1 KB of query
        (view + "?start=%ff%fe&end=%C3%A9%00&period=decade", bearer(token), "GET"),  # garbage filters
        (view + "?unit=" + "u" * 60 + "&deck=<script>", bearer(token), "GET"),
        (view + "?start=2025-01-01&start=2025-02-01&x=1", bearer(token), "GET"),
        ("/api/v1/views/" + "v" * 500, bearer(token), "GET"),
        ("/api/v1/views/%00%0a", bearer(token), "GET"),
        ("/api/v1/../../etc/passwd", bearer(token), "GET"),
        (view, bearer(token), "POST"),
        ("/api/v1/units", {"Authorization": "Basic " + "a" * 40}, "GET"),
        ("/api/v1/units", {"Authorization": "Bearer kk_\u00ff\u00fe".encode().decode("latin-1")}, "GET"),
    ]
    return kinds[n % len(kinds)]


def test_a_flood_on_the_api_gets_defined_answers_and_another_organisation_keeps_its_figures(
    setup: Setup,
) -> None:
    server = setup.server
    view = "/api/v1/views/tables-over-time?start=2025-01-01&end=2025-12-31"
    assert call(server, BYSTANDER, view, bearer(setup.other_token)).status == 200
    for n in range(60):  # warm every path once, so what follows measures growth, not first use
        path, headers, method = hostile(n, setup.attacker_token)
        call(server, ATTACKERS[0], path, headers, method)
    rss_before = server.rss()

    flood_done = threading.Event()
    bystander: list[Answer] = []

    def report_script() -> None:
        """The other organisation's script: a call every half second, from its own address."""
        while not flood_done.is_set():
            bystander.append(call(server, BYSTANDER, view, bearer(setup.other_token)))
            time.sleep(0.5)

    def flood(n: int) -> tuple[str, Answer]:
        path, headers, method = hostile(n, setup.attacker_token)
        return path, call(server, ATTACKERS[n % len(ATTACKERS)], path, headers, method)

    watcher = threading.Thread(target=report_script)
    watcher.start()
    began = time.monotonic()
    try:
        with ThreadPoolExecutor(PARALLEL) as pool:
            answers = list(pool.map(flood, range(FLOOD)))
    finally:
        flood_done.set()
        watcher.join(timeout=60)
    flood_seconds = time.monotonic() - began
    rss_after = server.rss()
    after = [call(server, BYSTANDER, view, bearer(setup.other_token)) for _ in range(5)]

    statuses = Counter(answer.status for _path, answer in answers)
    print(
        f"\nflood: {FLOOD} calls in {flood_seconds:.1f} s, statuses {dict(statuses)}; "
        f"RSS {rss_before / 2**20:.1f} → {rss_after / 2**20:.1f} MiB; "
        f"bystander: {len(bystander)} calls, slowest {max(a.seconds for a in bystander):.2f} s"
    )
    assert set(statuses) <= {200, 400, 401, 404, 405, 429}, statuses
    assert statuses[429] > 0 and statuses[401] > 0  # the limits and the token check both met the flood
    for path, answer in answers:
        assert answer.content_type.startswith("application/json"), (path[:80], answer)
        body = json.loads(answer.body)
        if answer.status != 200:
            assert set(body) == {"error", "message"}, (path[:80], body)
    assert rss_after - rss_before < 64 * 2**20, (rss_before, rss_after)

    # Nothing lost for anyone else: every call of the other organisation's script got its figures.
    assert len(bystander) >= 3
    assert [a.status for a in bystander + after] == [200] * (len(bystander) + len(after))
    assert max(a.seconds for a in bystander + after) < 5
    assert "Traceback" not in server.output()


def form_post(server: RealServer, source: str, key: str, fields: dict[str, str]) -> Answer:
    """The request form as a browser posts it: its page first, for the CSRF token and cookie."""
    page = call(server, source, f"/request/{key}")
    assert page.status in (200, 429), page.status
    match = CSRF.search(page.body.decode())
    token = (match.group(1) or match.group(2)) if match else ""
    body = "&".join(f"{name}={value}" for name, value in {"csrf_token": token, **fields}.items()).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if page.cookie:
        headers["Cookie"] = page.cookie
    return call(server, source, f"/request/{key}", headers, "POST", body)


def test_a_flood_on_the_request_form_meets_the_limits_never_a_500(setup: Setup) -> None:
    server, key = setup.server, setup.request_key
    fields = {
        "deck": "proefdeck",
        "route-proefdeck": "",
        "expected_on": date.today().isoformat(),
        "expected_size": "6",
    }
    statuses: Counter[int] = Counter()
    with ThreadPoolExecutor(16) as pool:
        answers = list(
            pool.map(lambda n: form_post(server, ATTACKERS[n % len(ATTACKERS)], key, fields), range(120))
        )
    statuses.update(a.status for a in answers)
    print(f"\nrequest form: {dict(statuses)}")
    assert set(statuses) <= {200, 400, 429}, statuses
    assert statuses[200] <= DAILY_CAP  # made, at most the organisation's cap for the day
    assert statuses[429] > 0
