"""Review with the expert group (issue 13): invitations for a colleague's account and single-use links
for an outside expert, comments per card and field, resolving them, and what a reviewer cannot reach."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from koerskaart.config import TestingConfig
from koerskaart.extensions import db
from koerskaart.models import DeckVersion, ReviewComment, ReviewInvitation, StudioDeck
from koerskaart.studio import review_services
from tests.helpers.apps import fresh_app
from tests.helpers.users import log_in, make_user
from tests.studio.urls import PREFIX, probes

SV = "sociale-veiligheid"


def _duplicate(client: FlaskClient, slug: str = SV) -> StudioDeck:
    before = set(db.session.scalars(select(StudioDeck.public_id)))
    response = client.post("/studio/duplicate", data={"slug": slug})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return db.session.scalars(select(StudioDeck).where(StudioDeck.public_id.not_in(before))).one()


def _first_card(deck: StudioDeck) -> str:
    db.session.refresh(deck)
    draft = next(v for v in deck.versions if v.status == "draft")
    return str(yaml.safe_load(draft.text)["cards"][1]["id"])


def _version(deck: StudioDeck) -> int:
    db.session.refresh(deck)
    return max(v.number for v in deck.versions)


def _comment(client: FlaskClient, deck: StudioDeck, body: str, card: str = "", field: str = "prompt") -> Any:
    data = {"card": card, "version": str(_version(deck)), "field": field, "body": body}
    return client.post(f"/studio/{deck.public_id}/review/comments", data=data)


def _invite(author: FlaskClient, deck: StudioDeck, email: str) -> None:
    response = author.post(f"/studio/{deck.public_id}/reviewers/invite", data={"email": email})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def _new_link(author: FlaskClient, deck: StudioDeck, label: str = "Dr. Extern") -> str:
    response = author.post(f"/studio/{deck.public_id}/reviewers/link", data={"label": label})
    assert response.status_code == 200
    found = re.search(
        r'value="http://[^/"]+(/studio/review-link/[^"]+)" data-testid="review-link"',
        response.get_data(as_text=True),
    )
    assert found, "no reviewer link on the page"
    return found.group(1)


def _turned_away(response: Any) -> bool:
    """A browser without an account or a claimed link is sent to the login page, whatever the deck."""
    return response.status_code == 302 and "/login" in response.headers["Location"]


def _claim(app: Flask, path: str) -> FlaskClient:
    browser = app.test_client()
    assert browser.get(path).status_code == 200
    claimed = browser.post(path)
    assert claimed.status_code == 302, claimed.get_data(as_text=True)[:300]
    return browser


@pytest.fixture
def colleague(app: Flask) -> FlaskClient:
    make_user("fac@oost.example")  # a facilitator: any role may review
    return log_in(app, "fac@oost.example")


def test_an_invited_colleague_reaches_that_deck_and_nothing_else_of_the_studio(
    app: Flask, author: FlaskClient, colleague: FlaskClient
) -> None:
    invited = _duplicate(author)
    other = _duplicate(author)
    page = author.get(f"/studio/{invited.public_id}/reviewers").get_data(as_text=True)
    assert '<option value="fac@oost.example">' in page  # chosen from the organisation's accounts
    assert colleague.get(f"/studio/{invited.public_id}/review").status_code == 404  # not yet
    assert 'data-testid="nav-reviews"' not in colleague.get("/account/tables").get_data(as_text=True)
    _invite(author, invited, "fac@oost.example")

    assert colleague.get(f"/studio/{invited.public_id}/review").status_code == 200
    assert 'data-testid="nav-reviews"' in colleague.get("/account/tables").get_data(as_text=True)
    requests = colleague.get("/studio/reviews").get_data(as_text=True)
    assert f"/studio/{invited.public_id}/review" in requests
    assert other.public_id not in requests
    assert colleague.get(f"/studio/{other.public_id}/review").status_code == 404
    assert colleague.get("/studio/").status_code == 403
    for deck in (invited, other):
        for method, path in _studio_urls(app, deck):
            status = colleague.open(path, method=method, data={"text": "x", "note": "x"}).status_code
            assert status in (403, 404), (method, path, status)
    # The invitation list no longer offers the colleague.
    page = author.get(f"/studio/{invited.public_id}/reviewers").get_data(as_text=True)
    assert 'data-testid="invite-nobody"' in page


def _studio_urls(app: Flask, deck: StudioDeck) -> list[tuple[str, str]]:
    """Every studio URL of a deck but its review page and comments (what a reviewer may reach)."""
    reviewable = {f"{PREFIX}/review", f"{PREFIX}/review/comments"}
    return [(p.method, p.url) for p in probes(app, deck, _first_card(deck)) if p.rule not in reviewable]


def test_comments_go_per_card_and_field_and_the_author_resolves_and_reopens(
    app: Flask, author: FlaskClient, colleague: FlaskClient
) -> None:
    deck = _duplicate(author)
    _invite(author, deck, "fac@oost.example")
    card = _first_card(deck)
    saved = _comment(colleague, deck, "De vraag is dubbel:\nsplits hem.", card=card, field="prompt")
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"#card-{card}")
    assert _comment(colleague, deck, "Titel te lang.", field="title").status_code == 302  # the deck itself

    stored = db.session.scalars(select(ReviewComment).order_by(ReviewComment.id)).all()
    assert [(c.card_id, c.field, c.version_number) for c in stored] == [
        (card, "prompt", 1),
        (None, "title", 1),
    ]
    page = author.get(f"/studio/{deck.public_id}/review").get_data(as_text=True)
    assert "De vraag is dubbel:<br>splits hem." in page
    assert 'data-testid="comments-deck"' in page and f'data-testid="comments-{card}"' in page
    assert "fac@oost.example" in page  # who wrote it
    assert 'data-testid="resolve"' in page

    first = stored[0]
    resolved = author.post(f"/studio/{deck.public_id}/review/resolve", data={"comment": first.public_id})
    assert resolved.status_code == 302
    db.session.refresh(first)
    assert first.resolved_at is not None and first.resolved_by_id is not None
    open_page = author.get(f"/studio/{deck.public_id}/review").get_data(as_text=True)
    assert "splits hem." not in open_page and "Titel te lang." in open_page
    resolved_page = author.get(f"/studio/{deck.public_id}/review?show=resolved").get_data(as_text=True)
    assert "splits hem." in resolved_page and "Titel te lang." not in resolved_page
    assert "splits hem." in author.get(f"/studio/{deck.public_id}/review?show=all").get_data(as_text=True)

    assert (
        author.post(f"/studio/{deck.public_id}/review/reopen", data={"comment": first.public_id}).status_code
        == 302
    )
    db.session.refresh(first)
    assert first.resolved_at is None


def test_a_reviewer_cannot_resolve_invite_or_edit(
    app: Flask, author: FlaskClient, colleague: FlaskClient
) -> None:
    deck = _duplicate(author)
    _invite(author, deck, "fac@oost.example")
    _comment(colleague, deck, "Onduidelijk.", card=_first_card(deck))
    comment = db.session.scalars(select(ReviewComment)).one()
    page = colleague.get(f"/studio/{deck.public_id}/review").get_data(as_text=True)
    assert 'data-testid="resolve"' not in page
    assert "/feedback" not in page and "/play" not in page  # no play data
    assert (
        colleague.post(
            f"/studio/{deck.public_id}/review/resolve", data={"comment": comment.public_id}
        ).status_code
        == 403
    )
    db.session.refresh(comment)
    assert comment.resolved_at is None
    assert colleague.post(f"/studio/{deck.public_id}/reviewers/link", data={"label": "x"}).status_code == 403
    draft = db.session.scalars(select(DeckVersion).where(DeckVersion.deck_id == deck.id)).one()
    before = draft.text
    assert colleague.post(f"/studio/{deck.public_id}/draft", data={"text": "x"}).status_code == 403
    db.session.refresh(draft)
    assert draft.text == before


def test_a_reviewer_link_works_in_the_first_browser_only(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    path = _new_link(author, deck)
    invitation = db.session.scalars(select(ReviewInvitation)).one()
    assert invitation.token_hash and path.rsplit("/", 1)[1] not in invitation.token_hash  # only its hash

    expert = app.test_client()
    offer = expert.get(path)
    assert offer.status_code == 200 and 'data-testid="review-start"' in offer.get_data(as_text=True)
    assert _turned_away(expert.get(f"/studio/{deck.public_id}/review"))  # opening alone claims nothing
    claimed = expert.post(path)
    assert claimed.status_code == 302 and claimed.headers["Location"] == f"/studio/{deck.public_id}/review"
    cookie = claimed.headers["Set-Cookie"]
    assert cookie.startswith(f"kk_review_{deck.public_id}=")
    for flag in ("HttpOnly", "SameSite=Lax", "Path=/studio/"):
        assert flag in cookie
    review = expert.get(f"/studio/{deck.public_id}/review").get_data(as_text=True)
    assert 'data-testid="review-as"' in review and "Dr. Extern" in review
    assert expert.get(path).status_code == 302  # this browser has it: straight to the deck
    assert (
        _comment(expert, deck, "Bron ontbreekt.", card=_first_card(deck), field="source").status_code == 302
    )
    stored = db.session.scalars(select(ReviewComment)).one()
    assert stored.invitation_id == invitation.id and stored.author_id is None
    assert "Dr. Extern" in author.get(f"/studio/{deck.public_id}/review").get_data(as_text=True)

    second = app.test_client()
    used = second.get(path)
    assert used.status_code == 410 and 'data-testid="review-link-used"' in used.get_data(as_text=True)
    assert second.post(path).status_code == 410
    assert _turned_away(second.get(f"/studio/{deck.public_id}/review"))
    assert app.test_client().get("/studio/review-link/not-a-token").status_code == 404


def test_a_link_reviewer_sees_only_the_invited_deck(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    other = _duplicate(author)
    expert = _claim(app, _new_link(author, deck))
    assert _turned_away(expert.get(f"/studio/{other.public_id}/review"))
    assert _turned_away(_comment(expert, other, "x"))
    assert expert.get("/studio/").status_code in (302, 401)  # the studio is for accounts
    for target in (deck, other):
        for method, path in _studio_urls(app, target):
            status = expert.open(path, method=method, data={"text": "x"}).status_code
            assert status in (302, 401, 403, 404), (method, path, status)


def test_revoking_stops_an_account_and_a_link(
    app: Flask, author: FlaskClient, colleague: FlaskClient
) -> None:
    deck = _duplicate(author)
    _invite(author, deck, "fac@oost.example")
    expert = _claim(app, _new_link(author, deck, "Claimed"))
    unclaimed = _new_link(author, deck, "Unclaimed")
    assert colleague.get(f"/studio/{deck.public_id}/review").status_code == 200
    assert expert.get(f"/studio/{deck.public_id}/review").status_code == 200
    for invitation in db.session.scalars(select(ReviewInvitation)).all():
        revoked = author.post(
            f"/studio/{deck.public_id}/reviewers/revoke", data={"invitation": invitation.public_id}
        )
        assert revoked.status_code == 302
    assert colleague.get(f"/studio/{deck.public_id}/review").status_code == 404
    assert _comment(colleague, deck, "x").status_code == 404
    assert _turned_away(expert.get(f"/studio/{deck.public_id}/review"))
    gone = app.test_client().get(unclaimed)
    assert gone.status_code == 410 and 'data-testid="review-link-revoked"' in gone.get_data(as_text=True)
    assert app.test_client().post(unclaimed).status_code == 410
    assert "/studio/reviews" not in colleague.get("/account/tables").get_data(as_text=True)
    # Invited again after a revocation: a new invitation works.
    _invite(author, deck, "fac@oost.example")
    assert colleague.get(f"/studio/{deck.public_id}/review").status_code == 200


def test_another_organisation_gets_404_on_every_review_url(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    author.post(f"/studio/{deck.public_id}/publish", data={"note": ""})
    author.post(
        f"/studio/{deck.public_id}/visibility", data={"visibility": "shared"}
    )  # shared: still no review
    _new_link(author, deck)
    comment_id = "x"
    make_user("auteur@west.example", organisation="Gemeente West", role="author")
    make_user("fac@west.example", organisation="Gemeente West")
    west = log_in(app, "auteur@west.example")
    west_facilitator = log_in(app, "fac@west.example")
    invitation = db.session.scalars(select(ReviewInvitation)).one()
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("studio_review.")]
    assert len(rules) >= 10
    checked = 0
    for rule in rules:
        if "public_id" not in rule.arguments:
            continue
        path = rule.build({"public_id": deck.public_id}, append_unknown=False)
        assert path is not None
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            data = {
                "email": "fac@west.example",
                "label": "x",
                "invitation": invitation.public_id,
                "comment": comment_id,
                "card": "",
                "version": "1",
                "field": "general",
                "body": "x",
            }
            assert west.open(path[1], method=method, data=data).status_code == 404, (method, path[1])
            assert west_facilitator.open(path[1], method=method, data=data).status_code in (403, 404)
            checked += 1
    assert checked >= 8
    db.session.refresh(invitation)
    assert invitation.revoked_at is None
    assert db.session.scalar(select(ReviewComment.id)) is None
    # A colleague of another organisation cannot be invited either.
    refused = author.post(f"/studio/{deck.public_id}/reviewers/invite", data={"email": "fac@west.example"})
    assert refused.status_code == 400


def test_comments_are_bounded(
    app: Flask, author: FlaskClient, colleague: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    deck = _duplicate(author)
    _invite(author, deck, "fac@oost.example")
    card = _first_card(deck)
    assert _comment(colleague, deck, "x" * 2001, card=card).status_code == 400
    assert _comment(colleague, deck, "   ", card=card).status_code == 400
    assert _comment(colleague, deck, "ok", card=card, field="colophon").status_code == 400  # a deck's field
    gone = _comment(colleague, deck, "ok", card="no-such-card")
    assert gone.status_code == 400 and "zit niet meer in de set" in gone.get_data(as_text=True)
    assert _comment(colleague, deck, "ok", card=card, field="prompt").status_code == 302
    crlf = "x" * 1000 + "\r\n" + "x" * 999  # a textarea's line break counts once
    assert _comment(colleague, deck, crlf, card=card, field="body").status_code == 302
    monkeypatch.setattr(review_services, "COMMENTS_PER_INVITATION", 3)
    assert _comment(colleague, deck, "ok", card=card).status_code == 302
    full = _comment(colleague, deck, "one too many", card=card)
    assert full.status_code == 400 and "geen opmerkingen meer" in full.get_data(as_text=True)
    assert db.session.query(ReviewComment).count() == 3


def test_comment_posts_are_rate_limited() -> None:
    class Limited(TestingConfig):
        RATELIMIT_ENABLED = True
        REVIEW_COMMENT_RATE_LIMIT = "3 per minute"

    with fresh_app(Limited, bundled=True) as app:
        make_user("auteur@oost.example", role="author")
        author = log_in(app, "auteur@oost.example")
        deck = _duplicate(author)
        statuses = [_comment(author, deck, f"opmerking {n}", field="title").status_code for n in range(5)]
    assert statuses == [302] * 3 + [429] * 2


def test_review_posts_need_the_csrf_token(app: Flask, author: FlaskClient, colleague: FlaskClient) -> None:
    deck = _duplicate(author)
    _invite(author, deck, "fac@oost.example")
    path = _new_link(author, deck)
    _comment(colleague, deck, "Eerste.", field="title")
    comment = db.session.scalars(select(ReviewComment)).one()
    invitation = db.session.scalars(
        select(ReviewInvitation).where(ReviewInvitation.user_id.is_not(None))
    ).one()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert _comment(colleague, deck, "Tweede.", field="title").status_code == 400
        assert (
            author.post(
                f"/studio/{deck.public_id}/review/resolve", data={"comment": comment.public_id}
            ).status_code
            == 400
        )
        assert (
            author.post(f"/studio/{deck.public_id}/reviewers/invite", data={"email": "x"}).status_code == 400
        )
        assert author.post(f"/studio/{deck.public_id}/reviewers/link", data={"label": "x"}).status_code == 400
        revoke = author.post(
            f"/studio/{deck.public_id}/reviewers/revoke", data={"invitation": invitation.public_id}
        )
        assert revoke.status_code == 400
        assert app.test_client().post(path).status_code == 400
        page = colleague.get(f"/studio/{deck.public_id}/review").get_data(as_text=True)
        assert 'name="csrf_token"' in page
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert db.session.query(ReviewComment).count() == 1
    db.session.refresh(invitation)
    assert invitation.revoked_at is None


def test_card_text_is_safe_markdown_and_comments_are_not_logged(
    app: Flask, author: FlaskClient, colleague: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    deck = _duplicate(author)
    db.session.refresh(deck)
    draft = next(v for v in deck.versions if v.status == "draft")
    raw = yaml.safe_load(draft.text)
    raw["cards"][1]["prompt"]["nl"] = "Is het **echt** veilig? <script>window.pwned=1</script>"
    text = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
    assert author.post(f"/studio/{deck.public_id}/draft", data={"text": text}).status_code == 302
    _invite(author, deck, "fac@oost.example")
    page = colleague.get(f"/studio/{deck.public_id}/review").get_data(as_text=True)
    assert "<strong>echt</strong>" in page
    assert "<script>window" not in page
    caplog.set_level(logging.DEBUG)
    _comment(colleague, deck, "<b>Geheim</b> oordeel", card=raw["cards"][1]["id"])
    page = author.get(f"/studio/{deck.public_id}/review").get_data(as_text=True)
    assert "&lt;b&gt;Geheim&lt;/b&gt; oordeel" in page  # a comment is text, never HTML
    assert all("Geheim" not in record.getMessage() for record in caplog.records)
    assert all("fac@oost.example" not in record.getMessage() for record in caplog.records)


def test_the_review_shows_the_draft_or_else_the_newest_version(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    assert author.post(f"/studio/{deck.public_id}/publish", data={"note": ""}).status_code == 302
    page = author.get(f"/studio/{deck.public_id}/review").get_data(as_text=True)
    assert 'data-testid="review-version">Versie 1<' in page
    assert author.post(f"/studio/{deck.public_id}/draft", data={"text": "cards: [}"}).status_code == 302
    page = author.get(f"/studio/{deck.public_id}/review").get_data(as_text=True)
    assert 'data-testid="review-version">Versie 1<' in page  # the broken draft is not shown
    db.session.refresh(deck)
    assert _version(deck) == 2
    assert _comment(author, deck, "Op de kapotte draft.", field="title").status_code == 400
    data = {"card": "", "version": "1", "field": "title", "body": "Op versie 1."}
    assert author.post(f"/studio/{deck.public_id}/review/comments", data=data).status_code == 302
