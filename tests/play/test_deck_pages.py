"""A deck's page: durations per route with their cards, the guide, the colophon, and the print PDFs."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from koerskaart.content import load_bundled, load_deck_file
from koerskaart.live import decks

BUNDLED = load_bundled()
FULL, _problems = load_deck_file(Path(__file__).resolve().parents[1] / "data" / "drukdeck.yaml")
assert FULL is not None, _problems


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    decks.install(app.extensions, {**decks.installed(), **BUNDLED, FULL.slug: FULL})
    return app.test_client()


def _headings(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]


def test_the_deck_page_shows_routes_guide_colophon_and_downloads(client: FlaskClient) -> None:
    response = client.get(f"/decks/{FULL.slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1" in html and "Drukproef" in html
    assert f"{FULL.total_minutes()} minuten" in html
    short = FULL.total_minutes(FULL.route_cards("kort"))
    assert "Kort" in html and f"{short} minuten" in html
    assert "Plus alle kaarten van 2 fasen die je kiest uit: Kijken, Doen, Leren" in html
    assert "<h3>Waarom dit spel</h3>" in html  # the guide's Markdown, rendered
    assert '<a href="https://example.org/vertrouwen" target="_blank" rel="noopener noreferrer">' in html
    assert "<script>alert" not in html  # the guide's script tag stays text
    assert "Academie Proef" in html and "nog geen" in html and "proef@example.org" in html
    assert f'href="/decks/{FULL.slug}/print-nl.pdf"' in html and "Printversie (PDF, Nederlands)" in html
    assert f'href="/decks/{FULL.slug}/print-en.pdf"' in html and "Printversie (PDF, English)" in html
    # Landmarks from the base page; headings without a skipped level.
    assert '<main id="main"' in html
    levels = _headings(html)
    assert levels[0] == 1 and all(b - a <= 1 for a, b in pairwise(levels))


def test_the_deck_page_in_english(client: FlaskClient) -> None:
    client.get("/lang/en")
    html = client.get(f"/decks/{FULL.slug}").get_data(as_text=True)
    assert "Print proof" in html and "Why this game" in html and "Proof Academy" in html
    assert "Print version (PDF, Dutch)" in html and "Print version (PDF, English)" in html
    assert "Routes and duration" in html and "none yet" in html


@pytest.mark.parametrize("slug", sorted(BUNDLED))
def test_every_bundled_deck_has_a_page(client: FlaskClient, slug: str) -> None:
    response = client.get(f"/decks/{slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert BUNDLED[slug].title.nl in html
    assert f"{BUNDLED[slug].total_minutes()} minuten" in html


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("slug", [FULL.slug, "sociale-veiligheid"])
def test_the_print_pdf_downloads(client: FlaskClient, slug: str, lang: str) -> None:
    deck = FULL if slug == FULL.slug else BUNDLED[slug]
    response = client.get(f"/decks/{slug}/print-{lang}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="koerskaart-{slug}-v{deck.version}-{lang}.pdf"'
    )
    assert response.data.startswith(b"%PDF")


@pytest.mark.parametrize(
    "path", ["/decks/bestaat-niet", "/decks/bestaat-niet/print-nl.pdf", "/decks/drukdeck/print-de.pdf"]
)
def test_an_unknown_deck_or_language_is_not_found(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_a_dutch_only_deck_has_no_english_print(client: FlaskClient, app: Flask) -> None:
    dutch_only = FULL.model_copy(update={"slug": "alleen-nl", "languages": ["nl"]})
    decks.install(app.extensions, {**decks.installed(), dutch_only.slug: dutch_only})
    assert client.get("/decks/alleen-nl/print-en.pdf").status_code == 404
    html = client.get("/decks/alleen-nl").get_data(as_text=True)
    assert "print-nl.pdf" in html and "print-en.pdf" not in html
