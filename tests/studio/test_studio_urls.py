"""Every URL under /studio/<public_id>, read from the app's url_map (so a new studio page is covered
the day it is added), keeps a private deck to its organisation: an author of another organisation
gets 404 (as if the deck did not exist), a facilitator of the same organisation 403 or 404, and
an anonymous visitor is sent to the login page. POSTs too, with a body that would change the deck
if a check were missing; afterwards the deck is exactly as it was."""

from __future__ import annotations

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from koerskaart.extensions import db
from koerskaart.models import DeckVersion, StudioDeck, Table
from koerskaart.studio import services
from tests.helpers.users import log_in, make_user
from tests.studio.urls import PREFIX, Probe, probes

SV = "sociale-veiligheid"


def _body(deck_text: str) -> dict[str, str]:
    """What every studio form might post: a valid draft, a note, a visibility, a card."""
    return {"text": deck_text, "note": "overname", "visibility": "shared", "slug": SV}


def _state(deck: StudioDeck) -> tuple[object, ...]:
    db.session.expire_all()
    versions = db.session.scalars(
        select(DeckVersion).where(DeckVersion.deck_id == deck.id).order_by(DeckVersion.number)
    )
    tables = db.session.scalar(select(db.func.count()).select_from(Table))
    decks = db.session.scalar(select(db.func.count()).select_from(StudioDeck))
    return (
        deck.visibility,
        deck.slug,
        tuple((v.number, v.status, v.text, v.change_note) for v in versions),
        tables,
        decks,
    )


def _request(client: FlaskClient, probe: Probe, body: dict[str, str]) -> tuple[int, str]:
    if probe.method == "GET":
        response = client.get(probe.url)
    else:
        response = client.open(probe.url, method=probe.method, data=body)
    return response.status_code, response.headers.get("Location", "")


@pytest.fixture
def deck(app: Flask, author: FlaskClient) -> StudioDeck:
    """A private deck of Gemeente Oost with a published version 1 and a draft of version 2."""
    response = author.post("/studio/duplicate", data={"slug": SV})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    found = db.session.scalars(select(StudioDeck).where(StudioDeck.source_slug == SV)).one()
    assert author.post(f"/studio/{found.public_id}/publish", data={"note": "eerste"}).status_code == 302
    draft = services.published(found)[-1].text
    assert author.post(f"/studio/{found.public_id}/draft", data={"text": draft}).status_code == 302
    db.session.refresh(found)
    assert found.visibility == "private"
    return found


def test_every_studio_url_of_a_deck_is_closed_to_other_organisations_and_other_roles(
    app: Flask, author: FlaskClient, deck: StudioDeck
) -> None:
    make_user("auteur@west.example", organisation="Gemeente West", role="author")
    make_user("facilitator@oost.example", organisation="Gemeente Oost", role="facilitator")
    stranger = log_in(app, "auteur@west.example")
    colleague = log_in(app, "facilitator@oost.example")
    anonymous = app.test_client()

    text = services.draft_of(deck).text  # type: ignore[union-attr]
    card_id = str(yaml.safe_load(text)["cards"][0]["id"])
    walked = probes(app, deck, card_id)
    # The walk sees the studio's pages (not a hard-coded list: these are only a floor).
    assert {p.rule for p in walked} >= {PREFIX, f"{PREFIX}/draft", f"{PREFIX}/publish"}
    assert {p.method for p in walked} >= {"GET", "POST"}
    # The owner reaches every GET: the values filled in are plausible, so a refusal below is a check.
    for probe in walked:
        if probe.method == "GET":
            assert author.get(probe.url).status_code == 200, probe

    before = _state(deck)
    body = _body(text.replace("Sociale veiligheid", "Overgenomen"))
    failures = []
    for probe in walked:
        status, _location = _request(stranger, probe, body)
        if status != 404:
            failures.append(f"author of another organisation: {probe.method} {probe.url} -> {status}")
        status, _location = _request(colleague, probe, body)
        if status not in (403, 404):
            failures.append(f"facilitator of the organisation: {probe.method} {probe.url} -> {status}")
        status, location = _request(anonymous, probe, body)
        if not (status == 401 or (status in (302, 303) and "/login" in location)):
            failures.append(f"anonymous: {probe.method} {probe.url} -> {status} {location}")
    assert failures == []
    assert _state(deck) == before  # nothing was published, saved, shared, copied or started


def test_the_walk_fills_every_kind_of_path_parameter(
    app: Flask, author: FlaskClient, deck: StudioDeck
) -> None:
    """Whatever a new rule's parameters are, the probe URL has none left and still matches that rule."""
    adapter = app.url_map.bind("localhost")
    for probe in probes(app, deck, "kaart"):
        assert "<" not in probe.url and ">" not in probe.url, probe
        rule, _arguments = adapter.match(probe.url, method=probe.method, return_rule=True)
        assert rule.rule == probe.rule, probe
