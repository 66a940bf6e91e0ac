"""GET /feedback: authors and admins read their organisation's card feedback; comments from k on."""

from __future__ import annotations

import re

from flask import Flask

from koerskaart.extensions import db
from koerskaart.models import CardFeedback, User
from tests.helpers.players import Player, join
from tests.helpers.proefdeck import STATEMENT
from tests.helpers.users import log_in, make_user


def _feedback(user: User, card_id: str, verdict: str, comment: str | None = None, version: int = 1) -> None:
    db.session.add(
        CardFeedback(
            deck_slug="proefdeck",
            deck_version=version,
            card_id=card_id,
            organisation_id=user.organisation_id,
            verdict=verdict,
            comment=comment,
        )
    )
    db.session.commit()


def _card(html: str, card_id: str) -> str:
    found = re.search(rf'data-card-id="{card_id}">(.*?)</section>', html, re.S)
    assert found, f"no feedback section for {card_id}"
    return found.group(1)


def _count(section: str, verdict: str) -> int:
    found = re.search(rf'data-testid="count-{verdict}">(\d+)<', section)
    assert found
    return int(found.group(1))


def test_an_author_sees_counts_per_verdict_for_each_card(app: Flask) -> None:
    author = make_user("auteur@oost.nl", role="author")
    for verdict in ("strong", "strong", "unclear"):
        _feedback(author, "stelling", verdict)
    _feedback(author, "keuze", "not_relevant")
    page = log_in(app, "auteur@oost.nl").get("/feedback?deck=proefdeck")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    statement = _card(html, "stelling")
    assert (_count(statement, "strong"), _count(statement, "unclear"), _count(statement, "not_relevant")) == (
        2,
        1,
        0,
    )
    assert _count(_card(html, "keuze"), "not_relevant") == 1
    assert 'data-testid="nav-feedback"' in html


def test_comments_stay_hidden_below_k_and_show_shuffled_at_k(app: Flask) -> None:
    author = make_user("auteur@oost.nl", role="author")
    _feedback(author, "stelling", "unclear", "Eerste zegje")
    _feedback(author, "stelling", "unclear", "Tweede zegje")
    client = log_in(app, "auteur@oost.nl")
    html = client.get("/feedback").get_data(as_text=True)
    assert "zegje" not in html
    assert 'data-testid="comments-held"' in _card(html, "stelling")

    _feedback(author, "stelling", "strong", "Derde zegje")  # k = 3
    section = _card(client.get("/feedback").get_data(as_text=True), "stelling")
    shown = re.findall(r"<li>(.*?)</li>", section)
    assert sorted(shown) == ["Derde zegje", "Eerste zegje", "Tweede zegje"]


def test_another_organisations_feedback_is_not_visible(app: Flask) -> None:
    make_user("auteur@oost.nl", role="author")
    other = make_user("auteur@west.nl", organisation="Gemeente West", role="admin")
    for text in ("Geheim een", "Geheim twee", "Geheim drie"):
        _feedback(other, "stelling", "unclear", text)
    html = log_in(app, "auteur@oost.nl").get("/feedback").get_data(as_text=True)
    assert "Geheim" not in html
    assert 'data-testid="feedback-empty"' in html
    assert "Geheim een" in log_in(app, "auteur@west.nl").get("/feedback").get_data(as_text=True)


def test_a_facilitator_is_refused_and_a_stranger_asked_to_log_in(app: Flask) -> None:
    make_user("begeleider@oost.nl", role="facilitator")
    client = log_in(app, "begeleider@oost.nl")
    assert client.get("/feedback").status_code == 403
    assert 'data-testid="nav-feedback"' not in client.get("/account/tables").get_data(as_text=True)
    anonymous = app.test_client().get("/feedback")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_feedback_from_an_organisations_table_reaches_its_authors(app: Flask) -> None:
    make_user("begeleider@oost.nl", role="facilitator")
    make_user("admin@oost.nl", role="admin")
    host_http = log_in(app, "begeleider@oost.nl")
    response = host_http.post("/tables", data={"deck": "proefdeck", "nickname": "Host"})
    host = Player(app, host_http, response.headers["Location"].rsplit("/", 1)[-1])
    guests = [join(app, host.joined["join"]["code"]) for _ in range(3)]
    players = [host, *guests]
    assert host.send("start_game")["ok"]
    for player in players:
        assert player.answer(STATEMENT, 3)["ok"]
    comments = ["Helder  genoeg", "Mooi", "Te lang", "Goed"]
    for player, comment in zip(players, comments, strict=True):
        payload = {"card_index": STATEMENT, "verdict": "strong", "comment": comment}
        assert player.send("give_feedback", payload)["ok"]
    html = log_in(app, "admin@oost.nl").get("/feedback").get_data(as_text=True)
    section = _card(html, "stelling")
    assert _count(section, "strong") == 4
    assert sorted(re.findall(r"<li>(.*?)</li>", section)) == ["Goed", "Helder genoeg", "Mooi", "Te lang"]
