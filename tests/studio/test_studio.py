"""The deck studio's YAML door (issue 13): duplicate, draft, the file validator's problems, publish,
immutable versions that tables keep playing, organisation boundaries, import and export."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from koerskaart.content import load_deck_file
from koerskaart.extensions import db
from koerskaart.models import DeckVersion, StudioDeck, Table
from tests.helpers.users import log_in, make_user

SV = "sociale-veiligheid"
COPY = f"{SV}-kopie"


def _duplicate(client: FlaskClient) -> StudioDeck:
    response = client.post("/studio/duplicate", data={"slug": SV})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return db.session.scalars(select(StudioDeck).where(StudioDeck.slug == COPY)).one()


def _draft(deck: StudioDeck) -> DeckVersion:
    db.session.refresh(deck)
    return next(v for v in deck.versions if v.status == "draft")


def _edited(text: str, **changes: Any) -> str:
    raw = yaml.safe_load(text)
    raw.update(changes)
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)


def _start(client: FlaskClient, slug: str) -> str:
    response = client.post("/tables", data={"deck": slug, "nickname": "Host"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return str(response.headers["Location"].rsplit("/", 1)[-1])


def _first_prompt(client: FlaskClient, table_id: str) -> str:
    page = client.get(f"/t/{table_id}").get_data(as_text=True)
    found = re.search(r'<script id="kk-data" type="application/json">(.*?)</script>', page, re.DOTALL)
    assert found
    prompt: str = json.loads(found.group(1))["deck"]["cards"][0]["prompt"]
    return prompt


def test_a_duplicate_is_a_draft_that_records_its_source(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    assert (deck.source_slug, deck.source_version) == (SV, 2)
    draft = _draft(deck)
    assert draft.number == 1
    assert yaml.safe_load(draft.text)["slug"] == COPY
    page = author.get(f"/studio/{deck.public_id}").get_data(as_text=True)
    assert 'data-testid="draft-clean"' in page  # the bundled deck passes the whole lint


def test_the_studio_shows_exactly_the_problems_the_file_validator_finds(
    app: Flask, author: FlaskClient, tmp_path: Path
) -> None:
    deck = _duplicate(author)
    broken = _edited(_draft(deck).text, routes=[{"id": "kort", "title": {"nl": "Kort"}, "cards": ["nope"]}])
    assert author.post(f"/studio/{deck.public_id}/draft", data={"text": broken}).status_code == 302
    page = author.get(f"/studio/{deck.public_id}").get_data(as_text=True)
    path = tmp_path / f"{COPY}.yaml"
    path.write_text(broken, encoding="utf-8")
    _, problems = load_deck_file(path)
    assert problems
    for problem in problems:  # one validator, two doors
        assert f"<code>{problem.location}</code> {problem.message}" in page.replace("&#39;", "'")
    assert 'data-testid="publish"' not in page
    refused = author.post(f"/studio/{deck.public_id}/publish", data={"note": "te vroeg"})
    assert refused.status_code == 400
    assert all(v.status == "draft" for v in deck.versions)


def test_a_published_version_never_changes_and_a_table_keeps_its_version(
    app: Flask, author: FlaskClient
) -> None:
    deck = _duplicate(author)
    assert author.post(f"/studio/{deck.public_id}/publish", data={"note": "Eerste versie"}).status_code == 302
    first = db.session.scalars(select(DeckVersion).where(DeckVersion.deck_id == deck.id)).one()
    assert (first.status, first.number, first.change_note) == ("published", 1, "Eerste versie")
    frozen = first.text
    assert yaml.safe_load(frozen)["version"] == 1

    table_id = _start(author, COPY)  # a member of the organisation sees its private deck
    old_prompt = _first_prompt(author, table_id)

    raw = yaml.safe_load(frozen)
    raw["cards"][0]["prompt"]["nl"] = "Hoe kom je vandaag binnen, in één woord?"
    author.post(f"/studio/{deck.public_id}/draft", data={"text": yaml.safe_dump(raw, allow_unicode=True)})
    assert _draft(deck).number == 2
    assert (
        author.post(f"/studio/{deck.public_id}/publish", data={"note": "Opening scherper"}).status_code == 302
    )
    db.session.refresh(first)
    assert first.text == frozen

    assert db.session.scalars(select(Table).where(Table.public_id == table_id)).one().deck_version == 1
    assert _first_prompt(author, table_id) == old_prompt  # the live table plays version 1
    newer = _start(author, COPY)
    assert _first_prompt(author, newer) == "Hoe kom je vandaag binnen, in één woord?"


def test_a_private_deck_is_the_organisations_and_sharing_opens_it(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    author.post(f"/studio/{deck.public_id}/publish", data={"note": ""})
    visitor = app.test_client()
    assert f'value="{COPY}"' not in visitor.get("/").get_data(as_text=True)
    assert visitor.get(f"/decks/{COPY}").status_code == 404
    assert f'value="{COPY}"' in author.get("/").get_data(as_text=True)
    author.post(f"/studio/{deck.public_id}/visibility", data={"visibility": "shared"})
    assert f'value="{COPY}"' in visitor.get("/").get_data(as_text=True)
    assert visitor.get(f"/decks/{COPY}").status_code == 200


def test_another_organisations_deck_is_404_on_every_studio_url(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    author.post(f"/studio/{deck.public_id}/publish", data={"note": ""})
    make_user("auteur@west.example", organisation="Gemeente West", role="author")
    other = log_in(app, "auteur@west.example")
    urls = [
        ("get", f"/studio/{deck.public_id}"),
        ("get", f"/studio/{deck.public_id}/v1.yaml"),
        ("post", f"/studio/{deck.public_id}/draft"),
        ("post", f"/studio/{deck.public_id}/publish"),
        ("post", f"/studio/{deck.public_id}/visibility"),
    ]
    for method, url in urls:
        assert (
            getattr(other, method)(url, data={"text": "x", "note": "x", "visibility": "shared"}).status_code
            == 404
        )
    assert other.post("/studio/duplicate", data={"slug": COPY}).status_code == 404


def test_facilitators_do_not_enter_the_studio(app: Flask) -> None:
    make_user("fac@oost.example")
    facilitator = log_in(app, "fac@oost.example")
    assert facilitator.get("/studio/").status_code == 403
    assert app.test_client().get("/studio/").status_code in (302, 401)


def test_an_exported_version_imports_as_the_same_bytes(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    author.post(f"/studio/{deck.public_id}/publish", data={"note": ""})
    exported = author.get(f"/studio/{deck.public_id}/v1.yaml")
    assert exported.headers["Content-Disposition"] == f'attachment; filename="{COPY}-v1.yaml"'
    text = exported.get_data(as_text=True)
    taken = author.post("/studio/import", data={"text": text})
    assert taken.status_code == 400 and "is taken" in taken.get_data(as_text=True)

    renamed = re.sub(rf'^slug: ("?){COPY}\1$', r"slug: \1eigen-deck\1", text, count=1, flags=re.MULTILINE)
    assert renamed != text
    assert author.post("/studio/import", data={"text": renamed}).status_code == 302
    imported = db.session.scalars(select(StudioDeck).where(StudioDeck.slug == "eigen-deck")).one()
    assert _draft(imported).text == renamed
    author.post(f"/studio/{imported.public_id}/publish", data={"note": ""})
    assert author.get(f"/studio/{imported.public_id}/v1.yaml").get_data(as_text=True) == renamed


def test_the_command_line_imports_and_exports_the_same_bytes(app: Flask, tmp_path: Path) -> None:
    make_user("admin@oost.example", role="admin")
    runner = app.test_cli_runner()
    bundled = runner.invoke(args=["decks", "export", SV])
    assert bundled.exit_code == 0, bundled.stderr
    canonical = re.sub(rf"^slug: ({SV})$", "slug: eigen-set", bundled.stdout, count=1, flags=re.MULTILINE)
    canonical = re.sub(r"^version: \d+$", "version: 1", canonical, count=1, flags=re.MULTILINE)
    source = tmp_path / "eigen-set.yaml"
    source.write_text(canonical, encoding="utf-8")
    imported = runner.invoke(
        args=["decks", "import", str(source), "--organisation", "Gemeente Oost", "--publish", "Eerste versie"]
    )
    assert imported.exit_code == 0, imported.stderr
    assert "eigen-set: imported for Gemeente Oost, published as version 1" in imported.stdout
    exported = runner.invoke(args=["decks", "export", "eigen-set", "--version", "1"])
    assert exported.exit_code == 0, exported.stderr
    assert exported.stdout == canonical
    unknown = runner.invoke(args=["decks", "import", str(source), "--organisation", "Nergens"])
    assert unknown.exit_code == 1 and "No organisation" in unknown.stderr
    again = runner.invoke(args=["decks", "import", str(source), "--organisation", "Gemeente Oost"])
    assert again.exit_code == 1 and "is taken" in again.stderr


def test_card_feedback_is_offered_for_the_organisations_studio_decks(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    author.post(f"/studio/{deck.public_id}/publish", data={"note": ""})
    page = author.get(f"/studio/{deck.public_id}").get_data(as_text=True)
    assert f"/feedback?deck={COPY}&amp;version=1" in page
    feedback = author.get(f"/feedback?deck={COPY}&version=1")
    assert feedback.status_code == 200
    assert f'value="{COPY}"' in feedback.get_data(as_text=True)


def test_translations_side_by_side_list_the_missing_english_first(app: Flask, author: FlaskClient) -> None:
    deck = _duplicate(author)
    raw = yaml.safe_load(_draft(deck).text)
    del raw["cards"][2]["prompt"]["en"]  # a draft may be incomplete: lint lists it, the page shows it
    raw["languages"] = ["nl", "en"]
    author.post(f"/studio/{deck.public_id}/draft", data={"text": yaml.safe_dump(raw, allow_unicode=True)})
    page = author.get(f"/studio/{deck.public_id}/translations").get_data(as_text=True)
    card = raw["cards"][2]["id"]
    assert "1 tekst heeft nog geen Engels" in page
    first = page.index('class="translation translation--missing"')
    assert page.index(f"<code>{card} · prompt</code>") > first
    assert page.index(f"<code>{card} · prompt</code>") < page.index('class="translation"')
    assert author.get(f"/studio/{deck.public_id}/translations?version=9").status_code == 404
