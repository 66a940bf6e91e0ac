"""WCAG 1.4.10 (reflow) in real Chromium: every page and every game state fits a 320 px wide phone
(and a 360 px one) without scrolling sideways, in Dutch (the longer words) and in English.

A facilitator (an organisation admin) and one player use Chromium phones; four more players are
bots over the documented socket protocol, so the table has six seats as a typical team does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import (
    PHONE,
    SERVER_ENV,
    answer,
    bots,
    choose,
    create_account,
    join,
    log_in,
    on_card,
    reflow_problems,
    start_table,
)
from tests.helpers.proefdeck import ACTION, CHOICE, OPEN, SENSITIVE, STATEMENT
from tests.helpers.real_server import RealServer

pytestmark = pytest.mark.browser

ADMIN = "beheerder.met.een.lang.adres@gemeente-oostelijk-voorbeeld.example"
INVITEE = "nieuwe.collega.met.een.nog.langer.adres@gemeente-oostelijk-voorbeeld.example"
# Open answers as people write them: a long unbroken address, and a long Dutch compound.
TEXTS = [
    "https://intranet.gemeente-oostelijk-voorbeeld.nl/afdelingen/bedrijfsvoering/overleg",
    "Verantwoordelijkheidsverdelingsafspraken maken we nooit expliciet met elkaar.",
    "Meer ruimte om te zeggen wat niet goed gaat.",
    "Minder vergaderen, meer praten.",
]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    server = RealServer(tmp_path_factory.mktemp("reflow-server"), test_deck=True, env=SERVER_ENV)
    server.start()
    yield server
    server.stop()


def test_every_page_and_game_state_reflows_at_320_px(open_page: Any, live_server: RealServer) -> None:
    problems: list[str] = []
    create_account(live_server, ADMIN, role="admin")
    host = open_page(**PHONE)
    player = open_page(**PHONE)

    for language in ("nl", "en"):
        visitor = open_page(**PHONE)
        visitor.goto(f"{live_server.url}/lang/{language}?next=/")
        problems += reflow_problems(visitor, f"home ({language})")
        visitor.goto(live_server.url + "/join")
        problems += reflow_problems(visitor, f"join ({language})")
        visitor.get_by_test_id("join-code-input").fill("ZZZZ-ZZZZ")
        visitor.get_by_test_id("join-submit").click()
        expect(visitor.get_by_test_id("join-error")).not_to_be_empty()
        problems += reflow_problems(visitor, f"join with an error ({language})")
        visitor.goto(live_server.url + "/login")
        problems += reflow_problems(visitor, f"login ({language})")
        visitor.goto(live_server.url + "/no-such-page")
        problems += reflow_problems(visitor, f"404 ({language})")

    log_in(host, live_server, ADMIN)
    problems += reflow_problems(host, "your tables, empty")
    host.goto(live_server.url + "/")
    problems += reflow_problems(host, "home, logged in")
    table_id, code = start_table(host, live_server, team="Team Vergunningverlening en Handhaving")
    problems += reflow_problems(host, "lobby, host alone")
    join(player, live_server, code, "Speler met een lange naam")
    problems += reflow_problems(player, "lobby, player")

    with bots(live_server, code, 4) as others:
        expect(host.get_by_test_id("lobby-players").locator("li")).to_have_count(6)
        problems += reflow_problems(host, "lobby, host with six")
        host.get_by_test_id("start-game").click()

        # A statement: unanswered, answered and waiting, revealed by the host.
        on_card(player, STATEMENT + 1)
        problems += reflow_problems(host, "statement, unanswered (host)")
        problems += reflow_problems(player, "statement, unanswered")
        choose(player, 4)
        choose(host, 5)
        answer(others[:2], STATEMENT, [4, 2])
        expect(player.get_by_test_id("answer-status")).to_contain_text("4")
        problems += reflow_problems(player, "statement, answered and waiting")
        problems += reflow_problems(host, "statement, answered (host)")
        host.get_by_test_id("close-round").click()
        expect(player.get_by_test_id("result")).to_be_visible()
        problems += reflow_problems(player, "statement, revealed")
        problems += reflow_problems(host, "statement, revealed (host)")

        # A choice.
        host.get_by_test_id("next-card").click()
        on_card(player, CHOICE + 1)
        problems += reflow_problems(player, "choice, unanswered")
        choose(player, 1)
        choose(host, 0)
        answer(others, CHOICE, [1, 1, 2, 1])
        expect(player.get_by_test_id("result")).to_be_visible()
        problems += reflow_problems(player, "choice, revealed")

        # An open card, with a long address and a long compound among the answers.
        host.get_by_test_id("next-card").click()
        on_card(player, OPEN + 1)
        problems += reflow_problems(player, "open, unanswered")
        player.get_by_test_id("answer-text").fill(TEXTS[0])
        player.get_by_test_id("send-answer").click()
        host.get_by_test_id("answer-text").fill(TEXTS[1])
        host.get_by_test_id("send-answer").click()
        answer(others, OPEN, [TEXTS[2], TEXTS[3], TEXTS[0], TEXTS[1]])
        expect(player.get_by_test_id("result-texts")).to_be_visible()
        problems += reflow_problems(player, "open, revealed")

        # A sensitive card in Dutch: four of six is shown as a band, whose label wraps.
        host.get_by_test_id("next-card").click()
        on_card(player, SENSITIVE + 1)
        choose(player, 1)
        choose(host, 1)
        answer(others, SENSITIVE, [1, 1, 3, 3])
        expect(player.get_by_test_id("result-count-0")).to_have_text("de meesten of iedereen")
        expect(player.get_by_test_id("result-count-1")).to_have_text("niemand of een enkeling")
        problems += reflow_problems(player, "sensitive, revealed (nl)")
        problems += reflow_problems(host, "sensitive, revealed (host, nl)")

        # The action card, with an action in long words.
        host.get_by_test_id("next-card").click()
        on_card(player, ACTION + 1)
        player.get_by_test_id("action-what").fill(TEXTS[1] + " " + TEXTS[0])
        player.get_by_test_id("action-who").fill("Teamleider Vergunningverlening")
        player.get_by_test_id("action-due").fill("vóór de eerstvolgende teamdag")
        player.get_by_test_id("add-action").click()
        expect(host.get_by_test_id("action-list").locator("li.action")).to_have_count(1)
        problems += reflow_problems(player, "action card")
        problems += reflow_problems(host, "action card (host)")

        host.get_by_test_id("finish-table").click()
        host.get_by_test_id("confirm-end").click()
        expect(player.get_by_test_id("recap")).to_be_visible()
        problems += reflow_problems(player, "end recap (nl)")
        player.locator('.lang-switch a[lang="en"]').click()
        expect(player.get_by_test_id("recap")).to_be_visible()
        expect(player.locator("html")).to_have_attribute("lang", "en")
        problems += reflow_problems(player, "end recap (en)")

    # Discussion only: two players, and a round that closes with too few answers.
    pair_host = open_page(**PHONE)
    _, pair_code = start_table(pair_host, live_server)
    with bots(live_server, pair_code, 1) as (other,):
        expect(pair_host.get_by_test_id("discussion-only")).to_be_visible()
        problems += reflow_problems(pair_host, "lobby, two players (host)")
        pair_host.get_by_test_id("start-game").click()
        on_card(pair_host, 1)
        problems += reflow_problems(pair_host, "two players, unanswered (host)")
        choose(pair_host, 3)
        answer([other], 0, [4])
        expect(pair_host.get_by_test_id("result")).to_contain_text("Minder dan 3")
        problems += reflow_problems(pair_host, "two players, too few (host)")

    # The facilitator's pages, with an open invitation; the invitation; the summary.
    host.goto(live_server.url + "/account/tables")
    problems += reflow_problems(host, "your tables")
    host.goto(live_server.url + "/account/team")
    host.get_by_test_id("invite-email-input").fill(INVITEE)
    host.get_by_test_id("invite-submit").click()
    expect(host.get_by_test_id("invite-created")).to_be_visible()
    link = host.get_by_test_id("invite-link").input_value()
    host.get_by_test_id("invite-link").focus()  # selects itself, ready to copy (a module, no inline script)
    selected = host.get_by_test_id("invite-link").evaluate("(el) => el.selectionEnd - el.selectionStart")
    assert selected == len(link)
    problems += reflow_problems(host, "team, invitation just created")
    host.goto(live_server.url + "/account/team")
    expect(host.get_by_test_id("pending-invites")).to_contain_text(INVITEE)
    problems += reflow_problems(host, "team, open invitation (nl)")
    host.goto(f"{live_server.url}/lang/en?next=/account/team")
    problems += reflow_problems(host, "team, open invitation (en)")
    host.goto(f"{live_server.url}/lang/nl?next=/tables/{table_id}/summary")
    problems += reflow_problems(host, "summary")
    invitee = open_page(**PHONE)
    invitee.goto(link)
    problems += reflow_problems(invitee, "invitation")

    assert problems == []
