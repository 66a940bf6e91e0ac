"""Routes at events (issue 12): the facilitator picks a route and whether the tables mix teams; every
table of the event, named or opened later, plays the event's cards in the event's wording."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from koerskaart.conference import services
from koerskaart.content import Card, Deck
from koerskaart.extensions import db
from koerskaart.live import decks
from koerskaart.live.codes import format_code
from koerskaart.models import Conference
from tests.helpers.apps import fresh_app
from tests.helpers.events import tables_of
from tests.helpers.users import log_in, make_user

SV = "sociale-veiligheid"
ROUTE_ERROR = "Kies een van de routes van deze set."


@pytest.fixture
def app() -> Iterator[Flask]:
    """The app as installed: the bundled decks, with their routes and conference wording."""
    with fresh_app(bundled=True) as app:
        yield app


@pytest.fixture
def fac(app: Flask) -> FlaskClient:
    make_user("fac@example.org")
    return log_in(app, "fac@example.org")


def _deck() -> Deck:
    deck = decks.get(SV)
    assert deck is not None
    return deck


def _form(route: str, tables: str = "") -> dict[str, str]:
    return {
        "name": "Leiderschapsdag",
        "held_on": "2026-12-01",
        "deck": SV,
        f"route-{SV}": route,
        "target_size": "6",
        "pacing": "synchronised",
        "tables": tables,
    }


def _create(client: FlaskClient, route: str, mixed: bool, tables: str = "Tafel 1\nTafel 2") -> Conference:
    form = _form(route, tables)
    if mixed:
        form["mixed"] = "y"
    response = client.post("/events/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return db.session.scalars(select(Conference)).one()


def _page_data(client: FlaskClient, url: str) -> dict[str, Any]:
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'<script id="kk-data" type="application/json">(.*?)</script>', page, re.DOTALL)
    assert found, f"no page data on {url}"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def _table_page_cards(app: Flask, event: Conference) -> list[dict[str, Any]]:
    """What a participant who joins with the event code sees on their table page."""
    client = app.test_client()
    response = client.post("/e", data={"code": format_code(event.code or "")})
    assert response.status_code == 302
    cards: list[dict[str, Any]] = _page_data(client, response.headers["Location"])["deck"]["cards"]
    return cards


def _prompts(cards: list[Card], mixed: bool) -> list[str]:
    return [decks.wording(card, mixed).prompt.nl for card in cards]


@pytest.mark.parametrize("mixed", [False, True])
def test_an_event_on_a_route_gives_every_table_its_cards_and_wording(
    app: Flask, fac: FlaskClient, mixed: bool
) -> None:
    # The short route: a route made for mixed tables would bring its wording whatever the checkbox says.
    cards = _deck().route_cards("kort")
    ids = [card.id for card in cards]
    # Cards whose conference wording asks in other words (some only change their follow-up).
    worded = [card for card in cards if card.conference and card.conference.prompt.nl != card.prompt.nl]
    assert worded, "the short route has cards with a conference prompt of their own"

    event = _create(fac, f"{SV}|kort|", mixed)
    assert (event.route, event.card_ids, event.mixed_wording) == ("kort", ids, mixed)
    services.open_table(event, "Tafel 9")  # a table opened during the event
    tables = tables_of(event)
    assert [table.conference_label for table in tables] == ["Tafel 1", "Tafel 2", "Tafel 9"]
    for table in tables:
        assert (table.route, table.card_ids, table.mixed_wording) == ("kort", ids, mixed)

    expected = _prompts(cards, mixed)
    on_table = _table_page_cards(app, event)
    assert [card["id"] for card in on_table] == ids
    assert [card["prompt"] for card in on_table] == expected
    dashboard = _page_data(fac, f"/events/{event.public_id}")["cards"]
    assert [(card["index"], card["id"], card["prompt"]) for card in dashboard] == list(
        zip(range(len(ids)), ids, expected, strict=True)
    )
    for card in worded:
        assert card.conference is not None
        shown = next(c["prompt"] for c in on_table if c["id"] == card.id)
        assert shown == (card.conference.prompt.nl if mixed else card.prompt.nl)


def test_tables_seated_later_in_an_event_without_named_tables_play_its_route(
    app: Flask, fac: FlaskClient
) -> None:
    event = _create(fac, f"{SV}|kort|", mixed=True, tables="")
    assert tables_of(event) == []
    for _ in range(7):  # more than one table's target size: a second table is opened for them
        services.join(event, None, None)
    tables = tables_of(event)
    assert len(tables) >= 2
    ids = [card.id for card in _deck().route_cards("kort")]
    assert all((t.route, t.card_ids, t.mixed_wording) == ("kort", ids, True) for t in tables)


def test_the_harvest_choices_are_the_routes_answerable_cards(app: Flask, fac: FlaskClient) -> None:
    cards = _deck().route_cards("conferentie")
    event = _create(fac, f"{SV}|conferentie|", mixed=True)
    url = f"/events/{event.public_id}/prepare"
    page = fac.get(url).get_data(as_text=True)
    offered = re.findall(r'data-testid="harvest-(\d+)"[^>]*>\s*<label[^>]*>([^<]*)</label>', page)
    expected = [
        (str(index), f"{index + 1}. {decks.wording(card, True).prompt.nl}")
        for index, card in enumerate(cards)
        if card.type.value != "action"
    ]
    assert [(index, html.unescape(label)) for index, label in offered] == expected

    answerable = [int(index) for index, _label in expected]
    response = fac.post(url, data={"cards": [str(answerable[1]), str(answerable[-1])]})
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.harvest_cards == [answerable[1], answerable[-1]]
    # An index past the route's cards (though within the whole deck) is not a choice.
    assert len(cards) < len(_deck().cards)
    assert fac.post(url, data={"cards": [str(len(cards))]}).status_code == 200
    db.session.refresh(event)
    assert event.harvest_cards == [answerable[1], answerable[-1]]


def test_the_event_form_offers_the_routes_and_mixes_tables_by_default(app: Flask, fac: FlaskClient) -> None:
    page = fac.get("/events/new").get_data(as_text=True)
    assert f'data-testid="event-route-{SV}"' in page
    assert f'<option value="{SV}|conferentie|"' in page
    mixed = re.search(r'<input[^>]*data-testid="event-mixed"[^>]*>', page)
    assert mixed and "checked" in mixed.group(0)


@pytest.mark.parametrize("route", ["tegenspraak|kort|", f"{SV}|bestaat-niet|", f"{SV}|kort", f"{SV}|kort|x"])
def test_an_event_on_a_route_that_is_not_the_decks_is_refused(
    app: Flask, fac: FlaskClient, route: str
) -> None:
    response = fac.post("/events/new", data=_form(route))
    assert response.status_code == 400
    assert ROUTE_ERROR in response.get_data(as_text=True)
    assert db.session.scalars(select(Conference)).first() is None


def test_a_route_for_mixed_tables_brings_its_wording_without_the_checkbox(fac: FlaskClient) -> None:
    event = _create(fac, f"{SV}|conferentie|", False)
    assert event.route == "conferentie" and event.mixed_wording is True
