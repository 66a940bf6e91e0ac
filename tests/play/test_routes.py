"""Routes at the table (issue 12): the host picks a route beside each bundled deck; the table stores
the ids of the cards it plays, and every index (rounds, answers, summary, comparison) is into them."""

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

from koerskaart.config import TestingConfig
from koerskaart.content import Card, Deck
from koerskaart.extensions import db
from koerskaart.live import decks, store
from koerskaart.models import Table
from tests.helpers.apps import fresh_app
from tests.helpers.players import Player, join
from tests.helpers.users import log_in, make_user

SV = "sociale-veiligheid"
KP = "kompas-publiek-leiderschap"
ROUTE_ERROR = "Kies een van de routes van deze set."


class BundledConfig(TestingConfig):
    # A test host clicks through a whole route faster than any person: above the per-connection limit.
    SOCKET_RATE_LIMIT = "1000 per second"


@pytest.fixture
def app() -> Iterator[Flask]:
    """The app as installed: the bundled decks, with their routes."""
    with fresh_app(BundledConfig, bundled=True) as app:
        yield app


@pytest.fixture
def fac(app: Flask) -> FlaskClient:
    make_user("fac@oost.example")
    return log_in(app, "fac@oost.example")


def _deck(slug: str) -> Deck:
    deck = decks.get(slug)
    assert deck is not None
    return deck


def _options(page: str, slug: str) -> list[tuple[str, str]]:
    found = re.search(rf'<select[^>]*name="route-{slug}"[^>]*>(.*?)</select>', page, re.DOTALL)
    assert found, f"no route select for {slug}"
    return [
        (html.unescape(value), " ".join(html.unescape(label).split()))
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', found.group(1))
    ]


def _start(client: FlaskClient, slug: str, route: str | None, team: str = "") -> str:
    data = {"deck": slug, "nickname": "Host", "team": team}
    if route is not None:
        data[f"route-{slug}"] = route
    response = client.post("/tables", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return str(response.headers["Location"].rsplit("/", 1)[-1])


def _page_deck(client: FlaskClient, table_id: str) -> dict[str, Any]:
    page = client.get(f"/t/{table_id}").get_data(as_text=True)
    found = re.search(r'<script id="kk-data" type="application/json">(.*?)</script>', page, re.DOTALL)
    assert found, "no page data on the table page"
    deck: dict[str, Any] = json.loads(found.group(1))["deck"]
    return deck


def _table(table_id: str) -> Table:
    return db.session.scalars(select(Table).where(Table.public_id == table_id)).one()


def _value(card: Card) -> int | None:
    """An answer any card of this kind accepts; None for cards without answers here."""
    kind = card.type.value
    return 0 if kind == "choice" else 2 if kind in ("statement", "frequency") else None


def _reveal(host: Player, players: list[Player], index: int, values: list[int]) -> None:
    for player, value in zip(players, values, strict=True):
        assert player.answer(index, value)["ok"]
    closed = host.send("close_round")
    assert closed["ok"] or closed.get("error") == "round_closed", closed  # revealed once all answered
    assert host.last_state()["rounds"][str(index)] == "revealed"


def _seat_four(app: Flask, client: FlaskClient, table_id: str) -> tuple[Player, list[Player]]:
    host = Player(app, client, table_id)
    players = [host] + [join(app, host.joined["join"]["code"]) for _ in range(3)]
    return host, players


# ── 1. Starting a table ──────────────────────────────────────────────────────────────────────


def test_the_home_page_offers_each_deck_its_routes_with_cards_and_minutes(app: Flask) -> None:
    page = app.test_client().get("/").get_data(as_text=True)
    for slug in (SV, KP, "tegenspraak"):
        deck = _deck(slug)
        options = _options(page, slug)
        assert options[0] == (
            f"{slug}||",
            f"Hele set \N{EN DASH} {len(deck.cards)} kaarten, ongeveer {deck.total_minutes()} min",
        )
        listed = {value.split("|")[1] for value, _label in options[1:]}
        assert listed == {route.id for route in deck.routes}
        for value, label in options[1:]:
            choice = decks.parse_route_choice(value)
            assert choice is not None
            cards = deck.route_cards(choice.route, choice.phases)
            assert label.endswith(f"{len(cards)} kaarten, ongeveer {deck.total_minutes(cards)} min"), label

    kort = dict(_options(page, SV))[f"{SV}|kort|"]
    route = _deck(SV).route("kort")
    assert route is not None and kort.startswith(route.title.nl)
    pairs = [value for value, _label in _options(page, KP) if value.startswith(f"{KP}|twee-dimensies|")]
    assert len(pairs) == 10 and len(set(pairs)) == 10  # one per pair of the five dimensions
    assert all(len(value.rsplit("|", 1)[1].split("+")) == 2 for value in pairs)


@pytest.mark.parametrize(
    ("slug", "route", "phases"),
    [
        (SV, "kort", ()),
        (SV, "collegas-onderling", ()),
        (KP, "twee-dimensies", ("turbulente-tijd", "het-gaat-om-de-persoon")),
        (KP, "conferentie", ()),
    ],
)
def test_a_table_started_on_a_route_plays_exactly_its_cards(
    app: Flask, slug: str, route: str, phases: tuple[str, ...]
) -> None:
    expected = [card.id for card in _deck(slug).route_cards(route, phases)]
    client = app.test_client()
    table_id = _start(client, slug, decks.RouteChoice(slug, route, phases).value)
    table = _table(table_id)
    assert table.route == route and table.card_ids == expected
    assert len(store.load_state(table).cards) == len(expected)
    assert [card["id"] for card in _page_deck(client, table_id)["cards"]] == expected
    assert [card["index"] for card in _page_deck(client, table_id)["cards"]] == list(range(len(expected)))


def test_without_a_route_field_the_table_plays_the_whole_deck(app: Flask) -> None:
    client = app.test_client()
    table_id = _start(client, SV, None)
    table = _table(table_id)
    whole = [card.id for card in _deck(SV).cards]
    assert table.route is None and table.card_ids == whole
    assert [card["id"] for card in _page_deck(client, table_id)["cards"]] == whole


@pytest.mark.parametrize(
    ("slug", "value"),
    [
        (SV, "tegenspraak|kort|"),  # another deck's route
        (SV, "sociale-veiligheid|kort"),  # malformed
        (SV, "sociale-veiligheid"),
        (SV, "sociale-veiligheid|bestaat-niet|"),  # unknown route
        (SV, "sociale-veiligheid|kort|aan-tafel"),  # phases on a route without a choice
        (KP, f"{KP}|twee-dimensies|turbulente-tijd"),  # one phase of two
        (KP, f"{KP}|twee-dimensies|turbulente-tijd+complexe-overheid+vertalen"),
        (KP, f"{KP}|twee-dimensies|turbulente-tijd+turbulente-tijd"),
        (KP, f"{KP}|twee-dimensies|"),
    ],
)
def test_a_route_that_is_not_one_of_the_decks_is_refused(app: Flask, slug: str, value: str) -> None:
    response = app.test_client().post(
        "/tables", data={"deck": slug, "nickname": "Host", f"route-{slug}": value}
    )
    assert response.status_code == 400
    assert ROUTE_ERROR in response.get_data(as_text=True)
    assert Table.query.count() == 0


# ── 2. Playing a route ───────────────────────────────────────────────────────────────────────


def test_a_route_is_played_on_its_own_card_indexes_and_summarised_in_its_order(
    app: Flask, fac: FlaskClient
) -> None:
    deck = _deck(SV)
    cards = deck.route_cards("kort")
    table_id = _start(fac, SV, f"{SV}|kort|")
    host, players = _seat_four(app, fac, table_id)
    assert host.joined["table"]["card_count"] == len(cards)
    assert host.send("start_game")["ok"]
    for index, card in enumerate(cards):
        value = _value(card)
        if value is not None:
            if card.type.value == "choice":  # the route's card's own options, not the deck's nth card's
                refused = players[1].answer(index, len(card.options or []))
                assert refused.get("error") == "invalid_answer", refused
            assert players[1].answer(index + 1, value).get("error") == "not_current_card"
            _reveal(host, players, index, [value] * 4)
        if index < len(cards) - 1:
            moved = host.send("next_card")
            assert moved["ok"], (index, card.id, moved)
    assert host.last_state()["card_index"] == len(cards) - 1
    assert host.send("end_table")["ok"]

    page = fac.get(f"/tables/{table_id}/summary").get_data(as_text=True)
    shown = re.findall(r'data-testid="summary-card-(\d+)">\s*<h3><span[^>]*>\d+\.</span> ([^<]*)</h3>', page)
    expected = [
        (str(number), card.prompt.nl)
        for number, card in enumerate(cards, start=1)
        if card.type.value != "action"
    ]
    assert [(number, html.unescape(prompt)) for number, prompt in shown] == expected
    outside = [card for card in deck.cards if card not in cards]
    assert outside and not any(html.escape(card.prompt.nl) in page for card in outside)


def _step_to(host: Player, index: int) -> None:
    while host.last_state()["card_index"] < index:
        assert host.send("next_card")["ok"]


def test_a_whole_deck_table_after_a_short_route_compares_by_card_id(app: Flask, fac: FlaskClient) -> None:
    deck = _deck(SV)
    kort = [card.id for card in deck.route_cards("kort")]
    whole = [card.id for card in deck.cards]
    assert kort.index("sv-19") != whole.index("sv-19") and "sv-04" not in kort

    first = _start(fac, SV, f"{SV}|kort|", team="Team Oost")
    host, players = _seat_four(app, fac, first)
    assert host.send("start_game")["ok"]
    _step_to(host, kort.index("sv-18"))
    _reveal(host, players, kort.index("sv-18"), [1, 1, 1, 1])
    _step_to(host, kort.index("sv-19"))
    _reveal(host, players, kort.index("sv-19"), [1, 1, 2, 2])
    assert host.send("end_table")["ok"]

    second = _start(fac, SV, None, team="Team Oost")
    host, players = _seat_four(app, fac, second)
    assert host.send("start_game")["ok"]
    _step_to(host, whole.index("sv-04"))
    _reveal(host, players, whole.index("sv-04"), [0, 0, 1, 1])
    _step_to(host, whole.index("sv-19"))
    _reveal(host, players, whole.index("sv-19"), [4, 4, 5, 5])
    assert host.send("end_table")["ok"]

    page = fac.get(f"/tables/{second}/summary").get_data(as_text=True)
    assert 'data-testid="summary-comparison"' in page
    number = whole.index("sv-19") + 1  # the same card, at another place than in the short route
    assert f'data-testid="summary-earlier-{number}-0">2<' in page
    assert f'data-testid="summary-earlier-{number}-1">2<' in page
    assert f'data-testid="summary-count-{number}-3">2<' in page
    # Only that card: sv-04 was not on the short route, sv-18 was not answered this time.
    assert len(set(re.findall(r'data-testid="summary-earlier-(\d+)-', page))) == 1
    # And the short route's own summary is not compared with anything (nothing came before).
    assert "summary-earlier-" not in fac.get(f"/tables/{first}/summary").get_data(as_text=True)


# ── 3. Retired cards ─────────────────────────────────────────────────────────────────────────


def _with_card_ids(app: Flask, fac: FlaskClient, card_ids: list[str]) -> str:
    """A table whose stored card ids are these (as the migration writes for version-1 tables)."""
    table_id = _start(fac, SV, None)
    table = _table(table_id)
    table.card_ids = card_ids
    table.version += 1  # what the table's state is read from changed: no cached copy is used
    db.session.commit()
    store.cache().drop(table_id)
    return table_id


def test_a_table_that_played_a_retired_card_still_shows_it(app: Flask, fac: FlaskClient) -> None:
    retired = next(card for card in _deck(SV).retired if card.id == "sv-03")
    table_id = _with_card_ids(app, fac, ["sv-01", "sv-02", "sv-03"])
    host, players = _seat_four(app, fac, table_id)
    assert host.joined["table"]["card_count"] == 3
    assert host.send("start_game")["ok"]
    _step_to(host, 2)
    _reveal(host, players, 2, [4, 4, 5, 5])
    assert host.send("end_table")["ok"]

    response = fac.get(f"/tables/{table_id}/summary")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert html.escape(retired.prompt.nl) in page
    assert 'data-testid="summary-count-3-3">2<' in page


def test_a_card_id_the_deck_never_had_makes_the_summary_unavailable(app: Flask, fac: FlaskClient) -> None:
    table_id = _with_card_ids(app, fac, ["sv-01", "sv-99"])
    assert fac.get(f"/tables/{table_id}/summary").status_code == 404
    assert fac.get(f"/tables/{table_id}/summary.csv").status_code == 404
    assert fac.get(f"/t/{table_id}").status_code == 404
