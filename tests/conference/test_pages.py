"""The facilitator's event pages and the participant's join page, through the Flask test client."""

from __future__ import annotations

import re

from flask import Flask

from koerskaart.live.codes import format_code
from koerskaart.models import Conference
from tests.helpers.events import TEST_DECK_SLUG, make_event, tables_of
from tests.helpers.users import log_in, make_user

WRONG_CODE = "Met deze code kom je niet in een evenement. Controleer de code of vraag het de facilitator."


def _new_event_form(**overrides: str) -> dict[str, str]:
    form = {
        "name": "Leiderschapsdag",
        "held_on": "2026-12-01",
        "deck": TEST_DECK_SLUG,
        "target_size": "6",
        "pacing": "synchronised",
        "tables": "Tafel 1\nTafel 2\nTafel 3",
    }
    form.update(overrides)
    return form


def test_events_page_has_an_empty_state_and_a_way_to_create_one(app: Flask) -> None:
    make_user("fac@example.org")
    client = log_in(app, "fac@example.org")
    html = client.get("/events").get_data(as_text=True)
    assert 'data-testid="events-empty"' in html
    assert 'href="/events/new"' in html


def test_a_facilitator_creates_an_event_and_lands_on_prepare(app: Flask) -> None:
    make_user("fac@example.org")
    client = log_in(app, "fac@example.org")
    assert client.get("/events/new").status_code == 200
    response = client.post("/events/new", data=_new_event_form())
    assert response.status_code == 302
    conference = Conference.query.one()
    assert response.headers["Location"] == f"/events/{conference.public_id}/prepare"
    assert [t.conference_label for t in tables_of(conference)] == ["Tafel 1", "Tafel 2", "Tafel 3"]

    prepare = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="harvest-form"' in prepare
    assert "Tafel 2" in prepare
    events = client.get("/events").get_data(as_text=True)
    assert events.count('data-testid="events-item"') == 1
    assert "Leiderschapsdag" in events


def test_an_event_without_a_name_is_refused_with_the_reason(app: Flask) -> None:
    make_user("fac@example.org")
    client = log_in(app, "fac@example.org")
    response = client.post("/events/new", data=_new_event_form(name=""))
    assert response.status_code == 400
    assert "Geef het evenement een naam." in response.get_data(as_text=True)
    assert Conference.query.count() == 0


def test_the_harvest_form_saves_the_chosen_cards(app: Flask) -> None:
    event = make_event()
    client = log_in(app, "fac@example.org")
    response = client.post(f"/events/{event.public_id}/prepare", data={"cards": ["1", "2"]})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/events/{event.public_id}"
    assert Conference.query.one().harvest_cards == [1, 2]
    html = client.get(f"/events/{event.public_id}/prepare").get_data(as_text=True)
    assert re.search(r'value="1"[^>]*checked|checked[^>]*value="1"', html)


def test_the_dashboard_opens_for_the_owner_and_a_colleague_only(app: Flask) -> None:
    event = make_event()
    url = f"/events/{event.public_id}"
    owner = log_in(app, "fac@example.org")
    html = owner.get(url).get_data(as_text=True)
    assert 'id="kk-data"' in html and 'data-testid="dash-tables"' in html
    assert "js/dashboard.js" in html

    make_user("colleague@example.org")  # same organisation, a facilitator too
    assert log_in(app, "colleague@example.org").get(url).status_code == 200

    make_user("other@example.org", organisation="Gemeente West")
    assert log_in(app, "other@example.org").get(url).status_code == 403

    logged_out = app.test_client().get(url)
    assert logged_out.status_code == 302
    assert "/login" in logged_out.headers["Location"]


def test_the_qr_sheet_has_the_code_and_a_card_per_named_table(app: Flask) -> None:
    event = make_event(tables=2)
    html = log_in(app, "fac@example.org").get(f"/events/{event.public_id}/qr").get_data(as_text=True)
    assert format_code(event.code or "") in html
    assert html.count('data-testid="qr-table-card"') == 2


def test_joining_with_the_code_seats_the_participant_and_sets_both_cookies(app: Flask) -> None:
    event = make_event()
    client = app.test_client()
    assert client.get("/e").status_code == 200
    response = client.post("/e", data={"code": format_code(event.code or ""), "nickname": "Anne"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/t/")
    table_id = response.headers["Location"].removeprefix("/t/")
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith(f"kk_seat_{table_id}=") for c in cookies)
    assert any(c.startswith(f"kk_event_{event.public_id}=") for c in cookies)


def test_a_named_tables_join_page_says_which_table(app: Flask) -> None:
    event = make_event(tables=2)
    table = tables_of(event)[1]
    code = format_code(event.code or "")
    html = app.test_client().get(f"/e/{code}/t/{table.public_id}").get_data(as_text=True)
    assert 'data-testid="join-table-label"' in html and "Tafel 2" in html
    response = app.test_client().post(f"/e/{code}/t/{table.public_id}", data={"code": code})
    assert response.headers["Location"] == f"/t/{table.public_id}"


def test_a_wrong_code_gets_400_and_the_one_message(app: Flask) -> None:
    make_event()
    response = app.test_client().post("/e", data={"code": "ZZZZ-ZZZZ"})
    assert response.status_code == 400
    assert WRONG_CODE in response.get_data(as_text=True)
