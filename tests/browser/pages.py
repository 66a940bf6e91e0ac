"""What the browser tests of issue 9 share: devices, the measurements (reflow at 320 px, a table
screen that fits its projector), an account made the way an admin makes one, and bot players:
real Socket.IO clients (tests/helpers/real_server.py `Phone`) that answer beside the Chromium pages."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.helpers.real_server import ROOT, Phone, RealServer

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "locale": "nl-NL"}
LAPTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "nl-NL"}
PROJECTOR = {"viewport": {"width": 1280, "height": 720}, "locale": "nl-NL"}
TIMEOUT = 15_000  # ms: a ceiling for waiting, never a measurement
# Raised for these modules only: a dozen bots join from one address within a minute.
SERVER_ENV = {
    "KOERSKAART_JOIN_RATE_LIMIT": "1000 per minute",
    "KOERSKAART_LOGIN_RATE_LIMIT": "1000 per minute",
}

PASSWORD = "een lange zin als wachtwoord"

_SETTLE = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(null))))"

# The deepest elements that stick out on the right: what a failure message names.
_WIDE = """(width) => {
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 0.5) continue;
    if ([...el.children].some((child) => child.getBoundingClientRect().right > width + 0.5)) continue;
    const classes = typeof el.className === "string" ? el.className.trim().split(/\\s+/).join(".") : "";
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (classes ? "." + classes : "");
    wide.push(`${name} right=${Math.round(box.right)} «${(el.textContent || "").trim().slice(0, 40)}»`);
  }
  return wide.slice(0, 5);
}"""


def settle(page: Any) -> None:
    """Two animation frames: layout and style have caught up with the last change."""
    page.evaluate(_SETTLE)


def reflow_problems(page: Any, state: str, widths: tuple[int, ...] = (320, 360)) -> list[str]:
    """WCAG 1.4.10: at each width, nothing scrolls sideways. Returns what sticks out, per width."""
    size = page.viewport_size
    problems = []
    for width in widths:
        page.set_viewport_size({"width": width, "height": size["height"]})
        settle(page)
        scroll = page.evaluate("document.scrollingElement.scrollWidth")
        if scroll > width:
            problems.append(f"{state} at {width} px is {scroll} px wide: {page.evaluate(_WIDE, width)}")
    page.set_viewport_size(size)
    settle(page)
    return problems


def fit_problems(page: Any, state: str) -> list[str]:
    """A projector cannot scroll: the whole state is inside the viewport, in readable type."""
    settle(page)
    scroll_height, scroll_width, height, width, type_px = page.evaluate(
        """() => [document.scrollingElement.scrollHeight, document.scrollingElement.scrollWidth,
                 innerHeight, innerWidth, parseFloat(getComputedStyle(document.body).fontSize)]"""
    )
    problems = []
    if scroll_height > height or scroll_width > width:
        problems.append(f"{state}: {scroll_width} x {scroll_height} px in a {width} x {height} screen")
    if type_px < 16:
        problems.append(f"{state}: body text shrunk to {type_px} px to fit")
    return problems


def create_account(server: RealServer, email: str, role: str = "facilitator") -> None:
    """What an admin does on the server: `flask --app koerskaart users create`, on its own instance."""
    command = ["users", "create", "--email", email, "--organisation", "Gemeente Oost", "--role", role]
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "koerskaart", *command, "--password-stdin"],
        cwd=ROOT,
        env=server.env,
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def log_in(page: Any, server: RealServer, email: str) -> None:
    page.goto(server.url + "/login")
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("header-account")).to_be_visible()


def start_table(
    page: Any, server: RealServer, deck: str = "proefdeck", team: str | None = None
) -> tuple[str, str]:
    """Start a table from the home page; returns (table id, join code)."""
    page.goto(server.url + "/")
    page.locator(f'label[for="deck-{deck}"]').click()
    page.locator("#start-nickname").fill("Gastvrouw")
    if team is not None:
        page.get_by_test_id("start-team").fill(team)
    page.get_by_test_id("start-table").click()
    code = page.get_by_test_id("join-code")
    expect(code).to_have_text(re.compile(r"^\s*[0-9A-Z]{4}-[0-9A-Z]{4}\s*$"))
    return page.url.rstrip("/").rsplit("/", 1)[-1], code.inner_text().strip()


def join(page: Any, server: RealServer, code: str, nickname: str) -> None:
    page.goto(server.url + "/join#" + code)
    page.get_by_test_id("join-nickname").fill(nickname)
    page.get_by_test_id("join-submit").click()
    page.get_by_test_id("lobby-players").wait_for()


@contextmanager
def bots(server: RealServer, code: str, count: int) -> Iterator[list[Phone]]:
    """``count`` players that join by code over HTTP and play over a WebSocket, as a phone does."""
    phones = [Phone(server.url) for _ in range(count)]
    try:
        for phone in phones:
            phone.join(code)
            phone.connect()
        yield phones
    finally:
        for phone in phones:
            phone.close()


def answer(phones: list[Phone], card_index: int, values: list[Any]) -> None:
    for phone, value in zip(phones, values, strict=True):
        ack = phone.call("submit_answer", {"card_index": card_index, "value": value})
        assert ack and ack.get("ok"), ack


def choose(page: Any, value: int) -> None:
    page.get_by_test_id(f"answer-option-{value}").check()
    page.get_by_test_id("send-answer").click()
    expect(page.locator("#answer-feedback")).to_have_class(re.compile("is-ok"))


def on_card(page: Any, number: int) -> None:
    """The page shows card ``number`` (counted from 1)."""
    expect(page.locator("#card-progress")).to_have_text(re.compile(rf"^\D*\b{number}\b\D+\d+\s*$"))


def create_event(
    page: Any,
    server: RealServer,
    harvest: int | None = 1,
    deck: str = "proefdeck",
    tables: tuple[str, ...] = ("Tafel 1", "Tafel 2", "Tafel 3"),
    target_size: int | None = None,
) -> None:
    """A synchronised event of named tables through the form, card ``harvest`` a harvest moment
    (None: none); ends on the dashboard."""
    page.goto(server.url + "/events")
    page.get_by_test_id("events-new").click()
    page.locator("#name").fill("Leiderschapsdag")
    page.get_by_test_id(f"event-deck-{deck}").check()
    page.get_by_test_id("event-pacing-synchronised").check()
    if target_size is not None:
        page.locator("#target_size").fill(str(target_size))
    page.locator("#tables").fill("\n".join(tables))
    page.get_by_test_id("event-create").click()
    if harvest is None:
        page.get_by_test_id("prepare-dashboard").click()
    else:
        page.get_by_test_id(f"harvest-{harvest}").check()
        page.get_by_test_id("harvest-save").click()  # saves, then opens the dashboard
    expect(page.get_by_test_id("dash-table-row")).to_have_count(len(tables))


def join_event(page: Any, server: RealServer, code: str, nickname: str) -> None:
    """A phone joins an event by its code and is seated at a table by the server."""
    page.goto(server.url + "/e#" + code)
    page.get_by_test_id("join-nickname").fill(nickname)
    page.get_by_test_id("join-submit").click()
    page.wait_for_url(re.compile(r"/t/[^/]+$"))
    page.get_by_test_id("lobby-players").wait_for()


def review_link(author: Any, label: str) -> str:
    """From a deck's studio page: a single-use reviewer link for an outside expert called ``label``."""
    author.get_by_test_id("reviewers-link").click()
    author.get_by_test_id("link-label").fill(label)
    author.get_by_test_id("link-submit").click()
    link = str(author.get_by_test_id("review-link").input_value())
    assert "/studio/review-link/" in link
    return link


def claim_review_link(expert: Any, link: str, label: str) -> None:
    """The expert opens the link in a browser of their own and claims it with its button."""
    expert.goto(link)
    expert.get_by_test_id("review-start").click()
    expect(expert.get_by_test_id("review-as")).to_contain_text(label)


# The accessibility audit (first written for the studio pages) runs in the page; it lives in a .js file
# of its own (tests/browser/studio_audit.js).
AUDIT = (Path(__file__).with_name("studio_audit.js")).read_text(encoding="utf-8")

# The focused element shows a ring: an outline or the focus halo.
FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "body";
  const s = getComputedStyle(el);
  const ring = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== "none";
  return ring ? "" : el.outerHTML.slice(0, 80);
}"""


def audit(page: Any, state: str) -> list[str]:
    return [f"{state}: {problem}" for problem in page.evaluate(AUDIT)] + reflow_problems(page, state)


def keyboard_problems(page: Any, state: str, presses: int = 12) -> list[str]:
    """Tab from the top: every stop shows its focus, and the skip link comes first."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    problems = []
    if page.evaluate("document.activeElement.className") != "skip-link":
        problems.append(f"{state}: the first Tab does not reach the skip link")
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break  # past the page's last control: the focus went on to the browser
        if hidden := page.evaluate(FOCUS_SHOWN):
            problems.append(f"{state}: focus not visible on {hidden}")
    return problems
