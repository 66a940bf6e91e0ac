"""Issue 9 items 10 and 13 in real Chromium against a real server.

10: every page plays under the Content-Security-Policy (no inline code, WebSockets to the same
origin under connect-src 'self') and Chromium reports no violation on any of them.
13: an English browser gets English, and the language switch on /join#CODE keeps the code.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.helpers.real_server import ROOT, RealServer

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "locale": "nl-NL"}
LAPTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "nl-NL"}
TIMEOUT = 15_000  # ms: a ceiling for waiting, never a measurement
EMAIL = "csp@oost.example"
PASSWORD = "een lange zin als wachtwoord"
STATEMENT = "In ons team kun je fouten bespreken."

# Runs in every page before its own scripts: Chromium fires securitypolicyviolation for each block.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const what = event.blockedURI || "inline code";
  window.kkCspViolation(`${event.violatedDirective} blocked ${what} on ${location.pathname}`);
});
"""


class Violations:
    """What Chromium blocked, from the securitypolicyviolation events and the console alike."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def watch(self, context: Any) -> None:
        context.expose_function("kkCspViolation", lambda text: self.found.append(text))
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("page", self._console)

    def _console(self, page: Any) -> None:
        def on_console(message: Any) -> None:
            if "Content Security Policy" in message.text:
                self.found.append(f"console: {message.text}")

        page.on("console", on_console)


@pytest.fixture
def violations() -> Violations:
    return Violations()


@pytest.fixture
def open_page(browser: Any, violations: Violations) -> Iterator[Any]:
    """A page in a context of its own (its own cookies), watched for CSP violations."""
    contexts: list[Any] = []

    def open_page(**options: Any) -> Any:
        context = browser.new_context(**options)
        contexts.append(context)
        violations.watch(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        return page

    yield open_page
    for context in contexts:
        context.close()


def visit(page: Any, url: str) -> None:
    """Go to ``url`` and check the page came with the policy that the test is about."""
    response = page.goto(url)
    assert response is not None and response.ok, url
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, f"{url}: {policy!r}"


def create_account(server: RealServer) -> None:
    command = ["users", "create", "--email", EMAIL, "--organisation", "Gemeente Oost", "--password-stdin"]
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "koerskaart", *command],
        cwd=ROOT,
        env=server.env,
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_page_plays_under_the_content_security_policy(
    open_page: Any, live_server: RealServer, violations: Violations
) -> None:
    create_account(live_server)
    url = live_server.url

    # The facilitator logs in and starts a table: the login page, the home page, the table page.
    host = open_page(**LAPTOP)
    visit(host, url + "/login")
    host.get_by_label("E-mailadres").fill(EMAIL)
    host.get_by_label("Wachtwoord").fill(PASSWORD)
    host.get_by_test_id("login-submit").click()
    visit(host, url + "/")
    host.locator('label[for="deck-proefdeck"]').click()
    host.get_by_test_id("start-table").click()
    expect(host.get_by_test_id("join-code")).to_have_text(re.compile(r"^\s*[0-9A-Z]{4}-[0-9A-Z]{4}\s*$"))
    expect(host.locator("#join-qr svg")).to_be_visible()  # the QR, parsed and inserted as SVG
    code = host.get_by_test_id("join-code").inner_text().strip()
    table_id = host.url.rstrip("/").rsplit("/", 1)[-1]

    # The table screen connects over a WebSocket to the same origin.
    screen = open_page(**LAPTOP)
    visit(screen, url + str(host.get_by_test_id("screen-link").get_attribute("href")))
    expect(screen.get_by_test_id("join-code")).to_have_text(code)

    # Two phones join by the QR link (the join page, the code in the fragment) and all three play.
    phones = []
    for number in (1, 2):
        phone = open_page(**PHONE)
        visit(phone, url + "/join#" + code)
        expect(phone.locator('input[name="code"]')).to_have_value(code)
        phone.locator('input[name="nickname"]').fill(f"Speler {number}")
        phone.get_by_test_id("join-submit").click()
        phone.get_by_test_id("lobby-players").wait_for()
        phones.append(phone)
    expect(host.get_by_test_id("lobby-players").locator("li")).to_have_count(3)
    host.get_by_test_id("start-game").click()
    players = [host, *phones]
    for player, value in zip(players, [5, 4, 2], strict=True):
        expect(player.get_by_test_id("card-prompt")).to_have_text(STATEMENT)
        player.get_by_test_id(f"answer-option-{value}").check()
        player.get_by_test_id("send-answer").click()
    for player in players:
        expect(player.get_by_test_id("result").get_by_test_id("result-count-3")).to_have_text("1")
    expect(screen.get_by_test_id("screen-result")).to_be_visible()

    # The host ends the table and opens its summary; a share link, copied with the button.
    host.get_by_test_id("end-table").click()
    host.get_by_test_id("end-dialog").get_by_test_id("confirm-end").click()
    expect(host.locator("#ended-title")).to_be_visible()
    visit(host, f"{url}/tables/{table_id}/summary")
    host.get_by_test_id("create-share-link").click()
    shown = host.get_by_test_id("share-link")
    expect(shown).to_have_value(re.compile(r"/s/[\w-]{43,}$"))
    host.get_by_test_id("copy-share-link").click()  # copied, or selected for copying by hand
    expect(host.locator("#copy-share-status")).not_to_have_text("")
    shown.blur()
    shown.focus()  # the field selects itself for copying by hand (was an inline onfocus)
    selected = host.evaluate(
        "() => { const i = document.activeElement; return [i.selectionStart, i.selectionEnd]; }"
    )
    assert selected == [0, len(shown.input_value())]

    stranger = open_page(**PHONE)
    visit(stranger, shown.input_value())
    expect(stranger.get_by_test_id("shared-note")).to_be_visible()
    missing = stranger.goto(url + "/t/no-such-table/screen")  # the error pages too
    assert missing is not None and "frame-ancestors 'none'" in missing.headers["content-security-policy"]

    assert violations.found == []


def test_an_english_browser_gets_english_and_the_switch_keeps_the_code(
    open_page: Any, live_server: RealServer
) -> None:
    phone = open_page(**{**PHONE, "locale": "en-US"})
    phone.goto(live_server.url + "/join#K7XM-Q4TZ")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Join a table")
    code = phone.locator('input[name="code"]')
    expect(code).to_have_value("K7XM-Q4TZ")

    phone.get_by_role("link", name="Nederlands").click()
    expect(phone.locator("html")).to_have_attribute("lang", "nl")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Meedoen aan een tafel")
    expect(code).to_have_value("K7XM-Q4TZ")
    assert "K7XM" not in phone.url  # the code leaves the address bar again once it is in the field

    # A code typed by hand survives the switch back, and the choice now beats the browser's language.
    code.fill("ABCD-EFGH")
    phone.get_by_role("link", name="English").click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(code).to_have_value("ABCD-EFGH")
    phone.get_by_role("link", name="Nederlands").click()
    expect(phone.locator("html")).to_have_attribute("lang", "nl")
    phone.goto(live_server.url + "/join")
    expect(phone.locator("html")).to_have_attribute("lang", "nl")
