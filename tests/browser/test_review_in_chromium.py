"""Review with the expert group in real Chromium: an author makes a single-use reviewer link, an outside
expert opens it in their own browser and comments on a card, a second browser is refused, and the
author reads the comment and resolves it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import (
    LAPTOP,
    PHONE,
    claim_review_link,
    create_account,
    log_in,
    reflow_problems,
    review_link,
)
from tests.helpers.real_server import RealServer

pytestmark = pytest.mark.browser


def test_an_outside_expert_comments_on_a_card_and_the_author_resolves_it(
    open_page: Any, live_server: RealServer
) -> None:
    create_account(live_server, "auteur-review@oost.example", role="author")
    author = open_page(**LAPTOP)
    log_in(author, live_server, "auteur-review@oost.example")
    author.goto(live_server.url + "/studio/")
    author.get_by_test_id("duplicate-proefdeck").click()
    link = review_link(author, "Dr. Extern")
    assert not reflow_problems(author, "the reviewers page with a new link")

    expert = open_page(**PHONE)
    claim_review_link(expert, link, "Dr. Extern")
    assert not reflow_problems(expert, "the review page")
    card = expert.locator("article[data-testid^='review-card-']").first
    card.locator("summary").click()
    card.locator("select[name='field']").select_option("options")
    card.locator("textarea[name='body']").fill("Optie drie en vier overlappen.")
    card.locator("button[type='submit']").click()
    expect(expert.locator("[data-testid='comment-body']")).to_have_text("Optie drie en vier overlappen.")
    cookies = expert.context.cookies()
    review_cookie = next(c for c in cookies if c["name"].startswith("kk_review_"))
    assert review_cookie["httpOnly"] and review_cookie["sameSite"] == "Lax"

    stranger = open_page(**PHONE)
    stranger.goto(link)
    expect(stranger.get_by_test_id("review-link-used")).to_be_visible()

    author.goto(expert.url.split("#", 1)[0])
    comment = author.get_by_test_id("comment")
    expect(comment).to_contain_text("Dr. Extern")
    expect(comment).to_contain_text("Optie drie en vier overlappen.")
    assert not reflow_problems(author, "the author's review page")
    comment.get_by_test_id("resolve").click()
    expect(author.get_by_test_id("filter-resolved")).to_contain_text("(1)")
    expect(author.get_by_test_id("comment")).to_have_count(0)  # the open comments: none left
    author.get_by_test_id("filter-resolved").click()
    expect(author.get_by_test_id("comment-resolved")).to_be_visible()
