"""The studio's form editor (issue 13, authoring): every form round-trips to the same YAML a person
would write, an invalid edit stays a draft with its problem next to its field, cards move and
retire, and the editor names exactly the problems the file validator names."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from koerskaart.content import Deck, load_deck_file
from koerskaart.content.yamlio import DeckYamlLoader, dump_deck
from koerskaart.extensions import db
from koerskaart.models import DeckVersion, StudioDeck
from tests.helpers.users import log_in, make_user
from tests.studio.forms import changed, form_fields

SV = "sociale-veiligheid"
COPY = f"{SV}-kopie"


def _duplicate(client: FlaskClient) -> StudioDeck:
    assert client.post("/studio/duplicate", data={"slug": SV}).status_code == 302
    return db.session.scalars(select(StudioDeck).where(StudioDeck.slug == COPY)).one()


def _text(deck: StudioDeck) -> str:
    db.session.expire_all()
    versions = db.session.scalars(
        select(DeckVersion).where(DeckVersion.deck_id == deck.id).order_by(DeckVersion.number)
    ).all()
    return versions[-1].text


def _data(deck: StudioDeck) -> dict[str, Any]:
    data: dict[str, Any] = yaml.load(_text(deck), Loader=DeckYamlLoader)
    return data


def _by_hand(data: dict[str, Any]) -> str:
    """What an author editing the file by hand saves: the data, canonical."""
    return dump_deck(Deck.model_validate(data))


def _post_page(client: FlaskClient, url: str, testid: str, **changes: str) -> Any:
    fields = form_fields(client.get(url).get_data(as_text=True), testid)
    return client.post(url, data=changed(fields, **changes))


def _card(data: dict[str, Any], card_id: str) -> dict[str, Any]:
    return next(card for card in data["cards"] if card["id"] == card_id)


# ── Round trips ────────────────────────────────────────────────────────────────


def test_saving_every_page_unchanged_keeps_the_draft_byte_for_byte(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    before = _text(deck)
    base = f"/studio/{deck.public_id}"
    for url, testid in (
        (f"{base}/edit/settings", "settings-form"),
        (f"{base}/edit/structure", "structure-form"),
    ):
        assert _post_page(author, url, testid).status_code == 302
        assert _text(deck) == before, url
    for card in _data(deck)["cards"]:
        response = _post_page(author, f"{base}/cards/{card['id']}", "card-form")
        assert response.status_code == 302
        assert _text(deck) == before, card["id"]


def test_a_card_edit_saves_what_a_hand_edit_of_the_file_saves(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    expected = _data(deck)
    card = _card(expected, "sv-01")
    card["prompt"]["nl"] = "In ons team mag je *echt* tegen de stroom in."
    card["body"] = {"nl": "Eerste regel\nTweede regel", "en": "First line\nSecond line"}
    card["follow_up"] = [*card.get("follow_up", []), {"nl": "Wat helpt?", "en": "What helps?"}]
    card["minutes"] = 7
    card["facilitator"] = {
        "nl": "Laat de leidinggevende als laatste praten.",
        "en": "Let the manager speak last.",
    }
    rows = len(card["follow_up"]) - 1
    response = _post_page(
        author,
        f"/studio/{deck.public_id}/cards/sv-01",
        "card-form",
        prompt__nl="  In ons team mag je *echt* tegen de stroom in.  ",
        body__nl="Eerste regel\r\nTweede regel",
        body__en="First line\r\nSecond line",
        minutes="7",
        facilitator__nl="Laat de leidinggevende als laatste praten.",
        facilitator__en="Let the manager speak last.",
        **{f"follow_up__{rows}__nl": "Wat helpt?", f"follow_up__{rows}__en": "What helps?"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/studio/{deck.public_id}/cards/sv-01")
    assert _text(deck) == _by_hand(expected)


def test_a_choice_card_with_options_and_a_conference_variant(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    expected = _data(deck)
    card = _card(expected, "sv-01")
    card["type"] = "choice"
    card["options"] = [
        {"nl": "Ja", "en": "Yes"},
        {"nl": "Nee", "en": "No"},
        {"nl": "Soms", "en": "Sometimes"},
    ]
    card["conference"]["prompt"] = {
        "nl": "In het team waar jij werkt ...",
        "en": "In the team you work in ...",
    }
    response = _post_page(
        author,
        f"/studio/{deck.public_id}/cards/sv-01",
        "card-form",
        type="choice",
        options__0__nl="Ja",
        options__0__en="Yes",
        options__1__nl="Nee",
        options__1__en="No",
        options__2__nl="Soms",
        options__2__en="Sometimes",
        conference__prompt__nl="In het team waar jij werkt ...",
        conference__prompt__en="In the team you work in ...",
    )
    assert response.status_code == 302
    assert _text(deck) == _by_hand(expected)
    page = author.get(f"/studio/{deck.public_id}/cards/sv-01").get_data(as_text=True)
    assert 'name="options-3-nl"' in page  # an empty row to add a fourth
    assert 'value="Soms"' in page


def test_settings_round_trip_every_field(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    expected = _data(deck)
    expected["title"] = {"nl": "Veilig werken", "en": "Safe work"}
    expected["minutes"] = {"statement": 4, "action": 10}
    expected["colophon"] = {
        "owner": {"nl": "Academie Oost", "en": "Academy East"},
        "date": date(2027, 1, 15),
        "authors": ["A. Auteur", "B. Schrijver"],
        "reviewers": ["C. Lezer"],
        "sources": ["Edmondson (1999)", "Eigen onderzoek"],
        "contact": "academie@oost.example",
        "note": {"nl": "Een eigen lezing.", "en": "Our own reading."},
    }
    response = _post_page(
        author,
        f"/studio/{deck.public_id}/edit/settings",
        "settings-form",
        title__nl="Veilig werken",
        title__en="Safe work",
        minutes__statement="4",
        minutes__action="10",
        colophon__owner__nl="Academie Oost",
        colophon__owner__en="Academy East",
        colophon__date="2027-01-15",
        colophon__authors="A. Auteur\r\nB. Schrijver\r\n",
        colophon__reviewers="C. Lezer",
        colophon__sources="Edmondson (1999)\r\n\r\nEigen onderzoek",
        colophon__contact="academie@oost.example",
        colophon__note__nl="Een eigen lezing.",
        colophon__note__en="Our own reading.",
    )
    assert response.status_code == 302
    assert _text(deck) == _by_hand(expected)


def test_phases_and_routes_add_rename_and_remove(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    url = f"/studio/{deck.public_id}/edit/structure"
    data = _data(deck)
    phases, routes = len(data["phases"]), len(data["routes"])
    first_cards = [c["id"] for c in data["cards"] if c.get("phase") == "verkennen"][1:3]
    fields = form_fields(author.get(url).get_data(as_text=True), "structure-form")
    posted = changed(
        fields,
        phases__0__id="ontdekken",  # a rename: its cards and routes follow
        **{
            f"phases__{phases}__id": "afronden",
            f"phases__{phases}__title__nl": "Afronden",
            f"phases__{phases}__title__en": "Closing",
            f"routes__{routes}__id": "proef",
            f"routes__{routes}__title__nl": "Proef",
            f"routes__{routes}__title__en": "Trial",
        },
    )
    posted[f"routes-{routes}-cards"] = first_cards
    posted[f"routes-{routes - 1}-remove"] = ["y"]
    assert author.post(url, data=posted).status_code == 302

    expected = data
    expected["phases"][0]["id"] = "ontdekken"
    expected["phases"].append({"id": "afronden", "title": {"nl": "Afronden", "en": "Closing"}})
    for card in expected["cards"]:
        if card.get("phase") == "verkennen":
            card["phase"] = "ontdekken"
    for route in expected["routes"]:
        if "choose" in route:
            route["choose"]["phases"] = [
                "ontdekken" if p == "verkennen" else p for p in route["choose"]["phases"]
            ]
    expected["routes"] = [
        *expected["routes"][:-1],
        {"id": "proef", "title": {"nl": "Proef", "en": "Trial"}, "cards": first_cards},
    ]
    assert _text(deck) == _by_hand(expected)


# ── Invalid drafts ───────────────────────────────────────────────────────────


def test_an_invalid_edit_is_kept_and_its_problem_stands_next_to_its_field(
    app: Flask, author: FlaskClient
) -> None:
    deck = _duplicate(author)
    url = f"/studio/{deck.public_id}/cards/sv-01"
    # One at a time: the schema checks a card's type rules and the deck's English only once the
    # fields themselves are well-formed.
    cases: list[tuple[dict[str, str], str, str]] = [
        ({"minutes": "veel"}, "minutes", "whole number"),
        ({"minutes": "", "type": "choice"}, "options-0-nl", "at least 2 options"),
        ({"type": "statement", "prompt__en": ""}, "prompt-en", "English text missing"),
    ]
    for changes, name, words in cases:
        assert _post_page(author, url, "card-form", **changes).status_code == 302
        card = _card(_data(deck), "sv-01")
        if changes.get("minutes"):
            assert card["minutes"] == "veel"  # kept as the author left it
        page = author.get(url).get_data(as_text=True)
        assert 'data-testid="editor-problems"' in page
        found = re.search(rf'<ul class="field-errors" id="{name}-problems"[^>]*>(.*?)</ul>', page, re.S)
        assert found and words in found.group(1), name
        field = re.search(rf'<(?:input|textarea)[^>]*\bid="{name}"[^>]*>', page)
        assert field, name
        assert f"{name}-problems" in field.group(0) and 'aria-invalid="true"' in field.group(0)
        assert f'href="#{name}"' in page  # the summary links to the field
        deck_page = author.get(f"/studio/{deck.public_id}").get_data(as_text=True)
        assert 'data-testid="publish"' not in deck_page


def _field_level(data: dict[str, Any]) -> list[str]:
    data["cards"][3]["options"] = [{"nl": "x"}]
    data["cards"][5]["prompt"] = {"en": "only English"}
    data["colophon"]["owner"] = "plain"
    data["minutes"] = {"statement": 0, "often": 3}
    return [
        f"cards/{data['cards'][3]['id']}:options-0-nl",
        f"cards/{data['cards'][5]['id']}:prompt-nl",
        "edit/settings:colophon-owner-nl",
        "edit/settings:minutes-statement",
    ]


def _deck_level(data: dict[str, Any]) -> list[str]:
    data["routes"].append({"id": "kort", "title": {"nl": "Kort"}, "cards": ["nope"]})
    data["cards"][2]["role"] = "closing"
    del data["phases"][1]["title"]["en"]
    return [
        f"edit/structure:routes-{len(data['routes']) - 1}-cards",
        f"edit/structure:routes-{len(data['routes']) - 1}-title-en",
        f"cards/{data['cards'][2]['id']}:role",
        "edit/structure:phases-1-title-en",
    ]


@pytest.mark.parametrize("breaking", [_field_level, _deck_level])
def test_the_editor_names_exactly_the_problems_the_file_validator_names(
    app: Flask, author: FlaskClient, tmp_path: Path, breaking: Any
) -> None:
    deck = _duplicate(author)
    data = _data(deck)
    places = breaking(data)
    broken = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    assert author.post(f"/studio/{deck.public_id}/draft", data={"text": broken}).status_code == 302

    path = tmp_path / f"{COPY}.yaml"
    path.write_text(_text(deck), encoding="utf-8")
    _, problems = load_deck_file(path)
    assert len(problems) >= 4
    page = author.get(f"/studio/{deck.public_id}/edit").get_data(as_text=True)
    shown = re.findall(
        r'<li data-testid="editor-problem">(?:<a href="[^"]*">)?<code>([^<]*)</code>(?:</a>)? ([^<]*)</li>',
        page,
    )
    assert sorted((html.unescape(loc), html.unescape(msg)) for loc, msg in shown) == sorted(
        (p.location, p.message) for p in problems
    )
    for place in places:  # each one on its page, next to its field, linked from the list
        where, name = place.split(":")
        assert f'{where}#{name}"' in page, place
        shown_page = author.get(f"/studio/{deck.public_id}/{where}").get_data(as_text=True)
        assert f'id="{name}-problems"' in shown_page, place


def test_a_lint_finding_stands_next_to_its_card_field(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    url = f"/studio/{deck.public_id}/cards/sv-01"
    assert _post_page(author, url, "card-form", source__nl="", source__en="").status_code == 302
    page = author.get(url).get_data(as_text=True)
    assert 'id="source-nl-problems"' in page and "card has no source note" in page
    assert 'aria-invalid="true"' not in page  # a warning, not an error


def test_an_unreadable_draft_sends_the_author_to_the_text(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    author.post(f"/studio/{deck.public_id}/draft", data={"text": "cards: [unclosed"})
    page = author.get(f"/studio/{deck.public_id}/edit").get_data(as_text=True)
    assert 'data-testid="editor-unreadable"' in page
    assert author.post(f"/studio/{deck.public_id}/edit/settings", data={}).status_code == 409
    assert _text(deck) == "cards: [unclosed"


def test_a_card_id_another_card_has_is_refused_and_nothing_is_saved(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    before = _text(deck)
    response = _post_page(author, f"/studio/{deck.public_id}/cards/sv-01", "card-form", id="sv-04")
    assert response.status_code == 400
    assert 'data-testid="card-refused"' in response.get_data(as_text=True)
    assert _text(deck) == before


# ── Cards: order, new, removed ──────────────────────────────────────────────────


def test_moving_a_card_by_its_buttons_and_by_a_position(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    ids = [card["id"] for card in _data(deck)["cards"]]
    moved = ids[2]
    response = author.post(f"/studio/{deck.public_id}/cards/{moved}/move", data={"direction": "up"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"moved={moved}&dir=up")
    expected = _data(deck)
    assert [card["id"] for card in expected["cards"]][1:3] == [moved, ids[1]]
    page = author.get(response.headers["Location"]).get_data(as_text=True)
    button = re.search(rf'<button[^>]*data-testid="up-{moved}"[^>]*>', page)
    assert button and "autofocus" in button.group(0)  # the focus stays on the moved card

    author.post(f"/studio/{deck.public_id}/cards/{moved}/move", data={"position": "5"})
    assert [card["id"] for card in _data(deck)["cards"]].index(moved) == 5
    assert (
        author.post(f"/studio/{deck.public_id}/cards/{moved}/move", data={"direction": "x"}).status_code
        == 400
    )
    before = _text(deck)
    author.post(f"/studio/{deck.public_id}/cards/{ids[0]}/move", data={"direction": "up"})
    assert _text(deck) == before  # the first card stays first


def test_a_new_card_goes_before_the_closing_card(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    url = f"/studio/{deck.public_id}/new-card"
    response = _post_page(
        author,
        url,
        "card-form",
        id="sv-99",
        type="open",
        prompt__nl="Wat neem je mee?",
        prompt__en="What do you take?",
    )
    assert response.status_code == 302
    cards = _data(deck)["cards"]
    assert cards[-2]["id"] == "sv-99" and cards[-1]["role"] == "closing"
    assert cards[-2] == {
        "id": "sv-99",
        "type": "open",
        "prompt": {"nl": "Wat neem je mee?", "en": "What do you take?"},
    }


def test_removing_a_published_card_retires_it_and_an_unpublished_one_is_gone(
    app: Flask, author: FlaskClient
) -> None:
    deck = _duplicate(author)
    assert author.post(f"/studio/{deck.public_id}/publish", data={"note": "1"}).status_code == 302
    published = _data(deck)
    in_route = next(card for route in published["routes"] for card in route.get("cards", []))
    assert author.post(f"/studio/{deck.public_id}/cards/{in_route}/remove").status_code == 302
    draft = _data(deck)
    assert in_route not in [card["id"] for card in draft["cards"]]
    assert _card({"cards": draft["retired"]}, in_route) == _card(published, in_route)
    assert all(in_route not in route.get("cards", []) for route in draft["routes"])

    _post_page(author, f"/studio/{deck.public_id}/new-card", "card-form", id="sv-98", prompt__nl="Nieuw")
    author.post(f"/studio/{deck.public_id}/cards/sv-98/remove")
    after = _data(deck)
    assert "sv-98" not in [card["id"] for card in [*after["cards"], *after["retired"]]]


# ── A deck from scratch ──────────────────────────────────────────────────────────


def test_a_new_deck_from_a_title(app: Flask, author: FlaskClient) -> None:
    assert author.get("/studio/new").status_code == 200
    response = author.post(
        "/studio/new",
        data={
            "title-nl": "Samen Beslissen!",
            "title-en": "Deciding together",
            "description-nl": "Over hoe we samen besluiten.",
            "languages": ["nl", "en"],
        },
    )
    assert response.status_code == 302
    deck = db.session.scalars(select(StudioDeck).where(StudioDeck.slug == "samen-beslissen")).one()
    assert response.headers["Location"].endswith(f"/studio/{deck.public_id}/edit")
    data = _data(deck)
    assert data["title"] == {"nl": "Samen Beslissen!", "en": "Deciding together"}
    assert [card["role"] for card in data["cards"]] == ["opening"]
    page = author.get(f"/studio/{deck.public_id}/edit").get_data(as_text=True)
    assert "description" in page  # the missing English description is the first problem to fix
    again = author.post(
        "/studio/new", data={"title-nl": "Samen beslissen", "description-nl": "Kort.", "languages": ["nl"]}
    )
    assert again.status_code == 302
    assert db.session.scalar(select(StudioDeck).where(StudioDeck.slug == "samen-beslissen-2")) is not None


def test_a_new_deck_refuses_a_taken_or_malformed_slug(app: Flask, author: FlaskClient) -> None:
    for slug in (SV, "Met Spaties"):
        response = author.post("/studio/new", data={"title-nl": "Iets", "slug": slug, "languages": ["nl"]})
        assert response.status_code == 400
        assert 'id="slug-errors"' in response.get_data(as_text=True)
    assert author.post("/studio/new", data={"title-nl": "", "languages": ["nl"]}).status_code == 400


def test_a_new_deck_asks_for_its_dutch_description_next_to_the_field(app: Flask, author: FlaskClient) -> None:
    """The deck format requires one: a deck begun without it could not be reviewed or play-tested."""
    response = author.post("/studio/new", data={"title-nl": "Zonder beschrijving", "languages": ["nl"]})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="description-nl-errors"' in page
    assert 'aria-describedby="description-nl-errors"' in page
    assert db.session.scalar(select(StudioDeck).where(StudioDeck.slug == "zonder-beschrijving")) is None


# ── Who may ────────────────────────────────────────────────────────────────────


def _editor_urls(app: Flask, public_id: str, card_id: str) -> list[tuple[str, str]]:
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("studio_editor.") or "public_id" not in rule.arguments:
            continue
        path = rule.rule.replace("<public_id>", public_id).replace("<card_id>", card_id)
        urls += [(method, path) for method in sorted((rule.methods or set()) & {"GET", "POST"})]
    assert len(urls) >= 10
    return urls


def test_another_organisation_gets_404_and_a_facilitator_403_on_every_editor_url(
    app: Flask, author: FlaskClient
) -> None:
    deck = _duplicate(author)
    make_user("auteur@west.example", organisation="Gemeente West", role="author")
    other = log_in(app, "auteur@west.example")
    make_user("spelleider@oost.example", role="facilitator")
    facilitator = log_in(app, "spelleider@oost.example")
    before = _text(deck)
    for method, path in _editor_urls(app, deck.public_id, "sv-01"):
        assert other.open(path, method=method).status_code == 404, (method, path)
        assert facilitator.open(path, method=method).status_code == 403, (method, path)
    assert facilitator.get("/studio/new").status_code == 403
    assert facilitator.post("/studio/new", data={"title-nl": "x"}).status_code == 403
    assert _text(deck) == before


@pytest.mark.parametrize("path", ["/studio/{id}/cards/nope", "/studio/{id}/cards/nope/move"])
def test_a_missing_card_is_404(app: Flask, author: FlaskClient, path: str) -> None:
    deck = _duplicate(author)
    method = "POST" if path.endswith("move") else "GET"
    assert author.open(path.format(id=deck.public_id), method=method).status_code == 404


def test_the_deck_page_links_the_editor_and_keeps_the_text_door(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    page = author.get(f"/studio/{deck.public_id}").get_data(as_text=True)
    assert f'href="/studio/{deck.public_id}/edit"' in page
    assert re.search(r"<details[^>]*>.*data-testid=\"draft-text\"", page, re.S)


def test_the_card_editor_previews_what_is_typed_without_saving(app: Flask, author: FlaskClient) -> None:
    """The editor's live preview: the form as typed, rendered by studio/preview.py, nothing saved."""
    deck = _duplicate(author)
    before = _text(deck)
    url = f"/studio/{deck.public_id}/cards/sv-01"
    page = author.get(url).get_data(as_text=True)
    assert f'data-preview-url="{url}/preview"' in page
    assert 'data-testid="card-form"' in page
    fields = form_fields(page, "card-form")
    shown = author.post(f"{url}/preview", data=changed(fields, prompt__nl="Een *nieuwe* vraag"))
    assert shown.status_code == 200 and shown.is_json
    assert "Een <em>nieuwe</em> vraag" in shown.json["phone"]
    assert "Een <em>nieuwe</em> vraag" in shown.json["screen"]
    assert "Een <em>nieuwe</em> vraag" in shown.json["print"]
    assert shown.json["problems"] == []
    english = author.post(
        f"{url}/preview", data=changed(fields, prompt__en="A *new* question", preview_language="en")
    )
    assert "A <em>new</em> question" in english.json["phone"]
    broken = author.post(f"{url}/preview", data=changed(fields, prompt__nl=""))
    assert broken.status_code == 200
    assert "prompt-nl" in {problem["field"] for problem in broken.json["problems"]}
    assert _text(deck) == before  # a preview saves nothing
    new = author.post(f"/studio/{deck.public_id}/new-card/preview", data=changed(fields, id="sv-99"))
    assert new.status_code == 200 and new.is_json
