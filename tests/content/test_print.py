"""The print version of a deck: every card of every bundled deck on paper, in Dutch and English,
fronts and backs paired for long-edge duplex; `flask decks print` writes it."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader

from koerskaart import create_app
from koerskaart.config import TestingConfig
from koerskaart.content import Deck, load_bundled, load_deck_file
from koerskaart.deckprint import CARDS_PER_SHEET, deck_print_html, render_deck_pdf, render_deck_pdf_pages
from koerskaart.live import decks
from koerskaart.markdown import render_markdown
from tests.helpers.proefdeck import TEST_DECK

BUNDLED = load_bundled()
LANGS = ("nl", "en")
# A small deck with every optional field: guide (with a script tag in it), colophon, routes, roles.
FULL_DECK = Path(__file__).resolve().parents[1] / "data" / "drukdeck.yaml"


def _load(path: Path) -> Deck:
    deck, problems = load_deck_file(path)
    assert deck is not None, problems
    return deck


FULL = _load(FULL_DECK)
BARE = _load(TEST_DECK)  # no guide, no colophon, no routes
ALL = {**BUNDLED, FULL.slug: FULL, BARE.slug: BARE}


def flat(text: str) -> str:
    """Whitespace collapsed, and a line broken after a hyphen ("politiek-|ambtelijk") joined again."""
    return re.sub(r"- ", "-", " ".join(text.split()))


@pytest.fixture(scope="module")
def print_app() -> Iterator[Flask]:
    app = create_app(TestingConfig)
    decks.install(app.extensions, ALL)
    with app.app_context():
        yield app


class Printed:
    def __init__(self, pdf: bytes, pages: int) -> None:
        self.pdf = pdf
        self.pages = pages
        self.reader = PdfReader(io.BytesIO(pdf))
        self.texts = [flat(page.extract_text()) for page in self.reader.pages]


@pytest.fixture(scope="module")
def printed(print_app: Flask) -> dict[tuple[str, str], Printed]:
    """Each deck rendered once per language for the whole module."""
    return {
        (slug, lang): Printed(*render_deck_pdf_pages(deck, lang))
        for slug, deck in ALL.items()
        for lang in LANGS
    }


def _first_heading(deck: Deck, lang: str) -> str | None:
    if deck.facilitator is None:
        return None
    found = re.search(r"<h[34]>(.*?)</h[34]>", str(render_markdown(deck.facilitator.get(lang))))
    return re.sub(r"<[^>]+>", "", found.group(1)) if found else None


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", [*sorted(BUNDLED), FULL.slug])
def test_every_card_guide_and_colophon_are_on_paper(
    printed: dict[tuple[str, str], Printed], slug: str, lang: str
) -> None:
    deck = ALL[slug]
    doc = printed[slug, lang]
    text = " ".join(doc.texts)
    missing = [card.id for card in deck.cards if flat(card.prompt.get(lang)) not in text]
    assert missing == []
    heading = _first_heading(deck, lang)
    if heading is not None:
        assert flat(heading) in text
    if deck.colophon is not None:
        assert flat(deck.colophon.owner.get(lang)) in text
    assert flat(deck.title.get(lang)) in doc.texts[0]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", sorted(ALL))
def test_each_page_of_fronts_is_followed_by_its_backs(
    printed: dict[tuple[str, str], Printed], slug: str, lang: str
) -> None:
    deck = ALL[slug]
    doc = printed[slug, lang]
    sheets = math.ceil(len(deck.cards) / CARDS_PER_SHEET)
    assert doc.pages == len(doc.reader.pages)
    front_matter = doc.pages - 2 * sheets
    # Cover, colophon, the routes; and the guide when there is one.
    assert front_matter >= (4 if deck.facilitator else 3)
    for sheet in range(sheets):
        group = deck.cards[sheet * CARDS_PER_SHEET : (sheet + 1) * CARDS_PER_SHEET]
        front = doc.texts[front_matter + 2 * sheet]
        back = doc.texts[front_matter + 2 * sheet + 1]
        for card in group:
            assert flat(card.prompt.get(lang)) in front
            assert f"{card.id} · " in back
            assert flat(card.prompt.get(lang)) not in back
            for question in card.follow_up:
                assert flat(question.get(lang)) in back
            if card.source is not None:
                assert flat(card.source.get(lang)) in back
    for page in doc.texts[:front_matter]:
        assert not any(f"{card.id} · " in page for card in deck.cards)


def _x_of(page: object, wanted: str) -> float:
    found: list[float] = []

    def visit(text: str, _cm: object, tm: list[float], _font: object, _size: object) -> None:
        if wanted in text:
            found.append(tm[4])

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    assert found, wanted
    return found[0]


def test_backs_are_mirrored_for_long_edge_duplex(printed: dict[tuple[str, str], Printed]) -> None:
    doc = printed[FULL.slug, "en"]
    front_matter = doc.pages - 2 * math.ceil(len(FULL.cards) / CARDS_PER_SHEET)
    front, back = doc.reader.pages[front_matter], doc.reader.pages[front_matter + 1]
    middle = float(front.mediabox.width) / 2
    first, second = FULL.cards[0], FULL.cards[1]
    assert _x_of(front, first.prompt.get("en")[:12]) < middle < _x_of(front, second.prompt.get("en")[:12])
    # Turned over on the long edge, the left card's back is on the right.
    assert _x_of(back, f"{first.id} ·") > middle > _x_of(back, f"{second.id} ·")


def test_the_print_version_speaks_its_language(printed: dict[tuple[str, str], Printed]) -> None:
    dutch, english = (" ".join(printed[FULL.slug, lang].texts) for lang in LANGS)
    assert "Colofon" in dutch and "Spelleiderskaart" in dutch and "Helemaal oneens" in dutch
    assert "Gevoelige kaart" in dutch and "Wie" in dutch and "Wanneer" in dutch and "nog geen" in dutch
    assert "Colophon" in english and "Facilitator guide" in english and "Strongly disagree" in english
    assert "Sensitive card" in english and "none yet" in english
    assert "kies 2 van: Kijken, Doen, Leren" in dutch
    assert "choose 2 of: Look, Do, Learn" in english


def test_routes_are_listed_with_durations_and_cards(printed: dict[tuple[str, str], Printed]) -> None:
    text = " ".join(printed[FULL.slug, "nl"].texts)
    whole = FULL.total_minutes()
    assert f"De hele set {whole} minuten · Kaarten: 1\N{EN DASH}6" in text
    short = FULL.total_minutes(FULL.route_cards("kort"))
    assert f"Kort De kern in een half uur. {short} minuten · Kaarten: 1\N{EN DASH}2, 5\N{EN DASH}6" in text


def test_the_guide_prints_its_markdown_and_no_markup(printed: dict[tuple[str, str], Printed]) -> None:
    text = " ".join(printed[FULL.slug, "en"].texts)
    assert "Why this game" in text and "confidential adviser" in text
    assert "**" not in text and "###" not in text


def test_a_deck_without_guide_colophon_or_routes_prints(printed: dict[tuple[str, str], Printed]) -> None:
    doc = printed[BARE.slug, "nl"]
    sheets = math.ceil(len(BARE.cards) / CARDS_PER_SHEET)
    assert doc.pages == 3 + 2 * sheets  # cover, colophon, routes (the whole deck)
    assert "Deze set heeft nog geen colofon." in doc.texts[1]


def test_a_deck_renders_once_per_version_and_language(print_app: Flask) -> None:
    assert render_deck_pdf(FULL, "nl") is render_deck_pdf(FULL, "nl")
    changed = FULL.model_copy(update={"title": FULL.title.model_copy(update={"nl": "Andere titel"})})
    assert render_deck_pdf(changed, "nl") != render_deck_pdf(FULL, "nl")


def _classes(box: Any) -> list[str]:
    element = getattr(box, "element", None)
    return element.get("class", "").split() if element is not None else []


def overflowing_cards(html: str) -> list[str]:
    """Cards whose text runs past their A6 area (it would be cut off), from WeasyPrint's layout."""
    from weasyprint import HTML

    found = []
    for page in HTML(string=html).render().pages:
        boxes = [page._page_box]
        while boxes:
            box = boxes.pop()
            element = box.element
            classes = _classes(box)
            if "cell" not in classes or box.element_tag != "article":
                boxes.extend(getattr(box, "children", []))
                continue
            # The text ends above the card's inner margin, where only the id line sits.
            bottom = box.content_box_y() + box.height
            inner = [child for child in box.children if "card__id" not in _classes(child)]
            while inner:
                child = inner.pop()
                if child.position_y + child.margin_height() > bottom + 0.5:
                    found.append(" ".join(classes) + ": " + "".join(element.itertext())[:60])
                    break
                inner.extend(getattr(child, "children", []))
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_no_card_runs_past_its_a6(print_app: Flask, lang: str) -> None:
    for deck in BUNDLED.values():
        assert overflowing_cards(deck_print_html(deck, lang)) == [], deck.slug
    # The check itself: a note far too long for the back of a card is caught.
    card = FULL.cards[1]
    long = card.model_copy(
        update={"facilitator": card.prompt.model_copy(update={lang: "Een lange notitie. " * 120})}
    )
    crowded = FULL.model_copy(update={"cards": [FULL.cards[0], long, *FULL.cards[2:]]})
    assert len(overflowing_cards(deck_print_html(crowded, lang))) == 1


# ── flask decks print ─────────────────────────────────────────────────────────


@pytest.fixture
def cli_app(app: Flask) -> Flask:
    decks.install(app.extensions, {**decks.installed(), FULL.slug: FULL})
    return app


def test_the_cli_writes_the_pdf_and_says_how_many_pages(cli_app: Flask, tmp_path: Path) -> None:
    target = tmp_path / "proef.pdf"
    result = cli_app.test_cli_runner().invoke(
        args=["decks", "print", FULL.slug, "--lang", "en", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    pages = len(PdfReader(target).pages)
    assert f"{target}: {pages} pages" in result.output
    assert "Print proof" in PdfReader(target).pages[0].extract_text()


def test_the_cli_names_the_file_after_deck_and_language(
    cli_app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli_app.test_cli_runner().invoke(args=["decks", "print", BARE.slug])
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"{BARE.slug}-nl.pdf").read_bytes().startswith(b"%PDF")


def test_the_cli_refuses_an_unknown_deck_clearly(cli_app: Flask, tmp_path: Path) -> None:
    result = cli_app.test_cli_runner().invoke(
        args=["decks", "print", "bestaat-niet", "-o", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code == 1
    assert "No installed deck 'bestaat-niet'" in result.stderr and BARE.slug in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_the_cli_refuses_a_language_the_deck_lacks(cli_app: Flask, tmp_path: Path) -> None:
    dutch_only = BARE.model_copy(update={"slug": "alleen-nl", "languages": ["nl"]})
    decks.install(cli_app.extensions, {**decks.installed(), dutch_only.slug: dutch_only})
    result = cli_app.test_cli_runner().invoke(args=["decks", "print", "alleen-nl", "--lang", "en"])
    assert result.exit_code == 1
    assert "no en text" in result.stderr
