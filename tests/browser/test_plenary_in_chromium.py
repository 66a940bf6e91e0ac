"""The event's big screen and a conference table's phone, in real Chromium against a real server.

A facilitator's event (made on the server, as the event pages would) with three tables; eighteen bot
participants join by the event code over HTTP and answer over /play; the facilitator's dashboard is
a real Socket.IO client on /conference. The big screen (1280 x 720, no scrolling) shows the join
code, waits calmly while fewer than 3 tables revealed the card, then the room's result as it is
released; a Chromium phone at a table shows the event banner, the steered note and the announcement."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio
from playwright.sync_api import expect

from tests.browser.pages import PHONE, PROJECTOR, SERVER_ENV, fit_problems
from tests.helpers.proefdeck import CHOICE, OPEN, SENSITIVE, STATEMENT
from tests.helpers.real_server import ROOT, Phone, RealServer
from tests.helpers.users import PASSWORD

pytestmark = pytest.mark.browser

FACILITATOR = "fac@example.org"

# What the event pages do for the facilitator (create the event, make a big-screen link), done on
# the server's own instance: this test is about the screen and the tables, not those pages.
SEED = """
import json, sys
from koerskaart import create_app
from koerskaart.conference import services
from tests.helpers.events import make_event

app = create_app()
with app.test_request_context("/", base_url=sys.argv[1]):
    event = make_event(tables=3, email=sys.argv[2])
    print(json.dumps({"id": event.public_id, "key": services.new_screen_key(event), "code": event.code}))
"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    server = RealServer(tmp_path_factory.mktemp("plenary-server"), test_deck=True, env=SERVER_ENV)
    server.start()
    yield server
    server.stop()


def _seed(server: RealServer) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-c", SEED, server.url, FACILITATOR],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


class Dashboard:
    """The facilitator's dashboard socket: logged in, on /conference."""

    def __init__(self, server: RealServer, event_id: str) -> None:
        self.login = Phone(server.url)
        self.login.log_in(FACILITATOR, PASSWORD)
        self.sio = socketio.Client(reconnection=False)
        self.joined: list[dict[str, Any]] = []
        self.sio.on("event_joined", self.joined.append, namespace="/conference")
        cookies = "; ".join(f"{name}={value}" for name, value in self.login.http.cookies.items())
        self.sio.connect(
            server.url,
            namespaces=["/conference"],
            transports=["websocket"],
            auth={"event": event_id, "as": "dashboard"},
            headers={"Cookie": cookies},
            wait_timeout=10,
        )

    def call(self, event: str, payload: dict[str, Any]) -> Any:
        ack = self.sio.call(event, payload, namespace="/conference", timeout=10)
        assert isinstance(ack, dict) and ack.get("ok"), (event, ack)
        return ack

    def close(self) -> None:
        self.sio.disconnect()


def _join_event(server: RealServer, code: str, perspective: str) -> Phone:
    phone = Phone(server.url)
    token = phone._csrf("/")
    data = {"csrf_token": token, "code": code, "nickname": "", "perspective": perspective}
    response = phone.http.post(server.url + "/e", data=data, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:300]
    phone.table_id = response.headers["Location"].rsplit("/", 1)[-1]
    phone.connect()
    return phone


def test_the_big_screen_follows_the_room_and_a_phone_follows_the_facilitator(
    browser: Any, open_page: Any, live_server: RealServer, artifacts: Path
) -> None:
    seeded = _seed(live_server)
    screen = open_page(**PROJECTOR, reduced_motion="reduce")  # bars at full length for the screenshots
    screen.goto(f"{live_server.url}/events/{seeded['id']}/screen#{seeded['key']}")

    # no card on the screen: the event, its code big, the address and the QR
    expect(screen.get_by_test_id("plenary-join")).to_be_visible()
    code = screen.get_by_test_id("join-code")
    expect(code).to_have_text(re.compile(r"\w{4}-\w{4}"))
    assert code.inner_text().replace("-", "") == seeded["code"].replace("-", "")
    expect(screen.get_by_test_id("join-url")).to_contain_text("/e")
    expect(screen.locator("#join-qr svg")).to_have_count(1)
    expect(screen.get_by_test_id("fullscreen")).to_be_visible()
    assert seeded["key"] not in screen.content()  # the key stays in the address bar
    problems = fit_problems(screen, "join code")
    screen.screenshot(path=str(artifacts / "plenary-join.png"))

    # eighteen people, two managers at each table
    people = [
        _join_event(live_server, seeded["code"], "manager" if i % 3 == 0 else "employee") for i in range(18)
    ]
    dashboard = Dashboard(live_server, seeded["id"])
    try:
        # a phone at the table, in Chromium: the event, its table, and that the facilitator paces it
        phone = open_page(**PHONE)
        phone.goto(live_server.url)  # the participant's own cookie jar: join as a person would
        token = phone.locator("input[name=csrf_token]").first.get_attribute("value")
        response = phone.request.post(
            live_server.url + "/e",
            form={"csrf_token": token, "code": seeded["code"], "nickname": "Zoë", "perspective": ""},
            max_redirects=0,
        )
        assert response.status == 302, response.text()[:300]
        phone.goto(live_server.url + response.headers["location"])
        expect(phone.get_by_test_id("event-banner")).to_contain_text("Leiderschapsdag")
        expect(phone.get_by_test_id("event-table")).to_have_text(re.compile(r"^Tafel \d$"))
        expect(phone.get_by_test_id("event-steered")).to_have_text("De facilitator opent de kaarten.")

        dashboard.call("announce", {"text": "Over tien minuten koffie", "countdown_seconds": 600})
        expect(phone.get_by_test_id("event-announcement")).to_have_text("Over tien minuten koffie")
        expect(phone.get_by_test_id("event-countdown")).to_contain_text(re.compile(r"(9:5\d|10:00)"))

        # the card on the big screen before three tables revealed it: a calm wait
        dashboard.call("show_on_screen", {"card_index": STATEMENT})
        expect(screen.get_by_test_id("plenary-waiting")).to_be_visible()
        expect(screen.get_by_test_id("plenary-waiting")).to_contain_text("Wacht op minstens 3 tafels")
        problems += fit_problems(screen, "waiting")
        screen.screenshot(path=str(artifacts / "plenary-waiting.png"))
        phone.screenshot(path=str(artifacts / "plenary-phone-banner.png"), full_page=True)

        dashboard.call("show_card", {"card_index": STATEMENT})
        expect(phone.get_by_test_id("card-prompt")).to_be_visible()
        expect(phone.get_by_test_id("next-card")).to_be_hidden()
        for number, person in enumerate(people):
            ack = person.call("submit_answer", {"card_index": STATEMENT, "value": 2 + number % 4})
            assert ack.get("ok"), ack
        # Zoë answers too, in the browser, so her table's round completes
        phone.get_by_test_id("answer-option-4").check()
        phone.get_by_test_id("send-answer").click()

        expect(screen.get_by_test_id("plenary-result")).to_be_visible()
        expect(screen.get_by_test_id("plenary-count")).to_have_text(re.compile(r"^1\d mensen aan 3 tafels$"))
        expect(screen.locator("#result-body .bar")).to_have_count(5)
        # six managers and twelve employees declared: the two side by side
        expect(screen.get_by_test_id("plenary-group-manager")).to_contain_text("Leidinggevenden")
        expect(screen.get_by_test_id("plenary-group-employee")).to_contain_text("Medewerkers")
        expect(screen.get_by_test_id("plenary-spread")).to_have_text(
            re.compile(
                r"^Tafels verschillen (weinig|enigszins|sterk) van elkaar: .* \d+% tussen de tafels\.$"
            )
        )
        problems += fit_problems(screen, "result")
        screen.set_viewport_size({"width": 1920, "height": 1080})  # the other common projector
        problems += fit_problems(screen, "result at 1920 x 1080")
        screen.set_viewport_size(PROJECTOR["viewport"])
        screen.screenshot(path=str(artifacts / "plenary-result.png"))

        # a sensitive card: the room sees bands in words, never counts
        dashboard.call("show_card", {"card_index": SENSITIVE})
        for person in people:
            assert person.call("submit_answer", {"card_index": SENSITIVE, "value": 4}).get("ok")
        dashboard.call("show_on_screen", {"card_index": SENSITIVE})
        expect(screen.get_by_test_id("plenary-result")).to_be_visible()
        values = screen.locator("#result-body [data-testid^=result-count-]").all_inner_texts()
        assert values and not any(value.strip().isdigit() for value in values), values
        assert "de meesten of iedereen" in values
        problems += fit_problems(screen, "sensitive result")

        # an open card: a shuffled sample of what people wrote
        dashboard.call("show_card", {"card_index": OPEN})
        for number, person in enumerate(people):
            text = f"Antwoord {number}: we zeggen vaker hardop wat we zien, ook als het ongemakkelijk is."
            assert person.call("submit_answer", {"card_index": OPEN, "value": text}).get("ok")
        dashboard.call("show_on_screen", {"card_index": OPEN})
        expect(screen.locator("#result-body .texts li").first).to_contain_text("Antwoord")
        problems += fit_problems(screen, "open texts")
        screen.screenshot(path=str(artifacts / "plenary-open.png"))

        # the facilitator moves Zoë: her phone follows to the new table
        dashboard.call("close_rounds", {})
        rows = Dashboard(live_server, seeded["id"]).joined  # a fresh dashboard's view of the tables
        assert rows, "no event_joined"
        tables = rows[-1]["tables"]
        here = next(t for t in tables if any(p["nickname"] == "Zoë" for p in t["players"]))
        zoe = next(p for p in here["players"] if p["nickname"] == "Zoë")
        elsewhere = next(t for t in tables if t["id"] != here["id"])
        dashboard.call("move_player", {"seat_id": zoe["id"], "to": elsewhere["id"]})
        phone.wait_for_url(re.compile(rf"/t/{elsewhere['id']}$"))
        expect(phone.get_by_test_id("event-banner")).to_contain_text("Leiderschapsdag")
        expect(phone.get_by_test_id("event-table")).to_have_text(elsewhere["label"])

        # another card without a release: the screen waits again; no card: the code again
        dashboard.call("show_on_screen", {"card_index": CHOICE})
        expect(screen.get_by_test_id("plenary-waiting")).to_be_visible()
        dashboard.call("show_on_screen", {"card_index": None})
        expect(screen.get_by_test_id("plenary-join")).to_be_visible()
    finally:
        dashboard.close()
        for person in people:
            person.close()
    assert not problems, problems
