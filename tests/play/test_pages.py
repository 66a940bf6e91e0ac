"""The HTTP pages a new user meets: start, join, table, screen, language, errors."""

from __future__ import annotations

from flask import Flask

from koerskaart import create_app
from koerskaart.config import TestingConfig
from tests.helpers.players import start_table


def test_home_offers_the_decks_in_dutch_by_default(app: Flask) -> None:
    page = app.test_client().get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="nl"' in html
    assert "Proefdeck" in html and "Een klein deck voor de tests." in html


def test_the_language_switch_turns_the_interface_english(app: Flask) -> None:
    client = app.test_client()
    response = client.get("/lang/en?next=/")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "Test deck" in html


def test_the_language_switch_does_not_redirect_elsewhere(app: Flask) -> None:
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = app.test_client().get(f"/lang/en?next={target}")
        assert response.headers["Location"] == "/"


def test_starting_a_table_seats_the_host_with_a_cookie(app: Flask) -> None:
    host = start_table(app)
    page = host.http.get(f"/t/{host.table_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "In ons team kun je fouten bespreken." in html  # the deck, in the page language
    assert f"/t/{host.table_id}/screen#" in html  # the creator gets the table-screen link


def test_a_stranger_on_a_table_page_is_sent_to_join(app: Flask) -> None:
    host = start_table(app)
    response = app.test_client().get(f"/t/{host.table_id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/join")


def test_unknown_pages_get_a_friendly_404(app: Flask) -> None:
    response = app.test_client().get("/t/no-such-table/screen")
    assert response.status_code == 404
    assert "KoersKaart" in response.get_data(as_text=True)


def test_forms_need_a_csrf_token_outside_tests() -> None:
    class WithCsrf(TestingConfig):
        WTF_CSRF_ENABLED = True

    app = create_app(WithCsrf)
    response = app.test_client().post("/join", data={"code": "ABCD-EFGH"})
    assert response.status_code == 400


def test_join_is_rate_limited() -> None:
    class Limited(TestingConfig):
        RATELIMIT_ENABLED = True

    app = create_app(Limited)
    with app.app_context():
        from koerskaart.extensions import db

        db.create_all()
        client = app.test_client()
        statuses = [client.post("/join", data={"code": "ZZZZ-ZZZZ"}).status_code for _ in range(25)]
    assert statuses[0] == 400 and statuses[-1] == 429
