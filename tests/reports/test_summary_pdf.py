"""The summary PDF: fonts for what players type, every number and option in full beside each
chart, and a tagged PDF (PDF/UA-1) with its language and title."""

from __future__ import annotations

import io
import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from koerskaart.content import load_deck_file
from koerskaart.live import decks
from tests.helpers.hostile import played_with
from tests.helpers.infra import require
from tests.helpers.players import Player, join
from tests.helpers.users import log_in, make_user

# The Debian packages the README lists (and .ci/run installs) for what players type.
FONTS = {
    "DejaVu Sans": "fonts-dejavu-core",
    "Noto Color Emoji": "fonts-noto-color-emoji",
    "Noto Sans CJK JP": "fonts-noto-cjk",
}


@pytest.fixture
def facilitator_client(app: Flask) -> FlaskClient:
    make_user("fac@oost.example", role="facilitator")
    return log_in(app, "fac@oost.example")


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _installed_fonts() -> str:
    try:
        return subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""


def test_the_pdf_has_a_font_for_what_players_type(
    app: Flask, facilitator_client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    installed = _installed_fonts()
    for family, package in FONTS.items():
        require(family in installed, f"the font {family} (Debian package {package})")
    texts = [
        "Türkçe ğüşıİ, Polski żółć, Čeština ř, Ærø",
        "Ελληνικά και Русский язык",
        "日本語の答え 中文回答 한국어 답변",
        "Koffie ☕ 😀 👍🏽 🎉 ❤️",
        "العربية עברית",
    ]
    table_id = played_with(app, facilitator_client, texts, (("Jürgen 😀", "行動 plannen", "1 maart"),))
    caplog.set_level(logging.WARNING)
    response = facilitator_client.get(f"/tables/{table_id}/summary.pdf")
    assert response.status_code == 200
    assert "no installed font" not in caplog.text
    text = _pdf_text(response.data)
    assert all(typed in text for typed in texts[:3])  # and searchable, not just drawn


# --- every option in full, and a tagged PDF -----------------------------------------------------------

LONG_OPTIONS = [
    "Ik schrijf een onderbouwd tegenadvies, hoe slecht het ook uitkomt voor de planning (optie-alfa)",
    "Ik werk loyaal mee en kaart de risico's aan zodra ze opduiken, in het volgende overleg (optie-beta)",
    "Kort (optie-gamma)",
]
LONG_DECK = f"""
schema_version: 1
slug: lange-opties
version: 1
languages: [nl, en]
title: {{nl: Lange opties, en: Long options}}
description: {{nl: Keuzes met lange teksten., en: Choices with long texts.}}
cards:
  - id: keuze
    type: choice
    prompt: {{nl: "Wat doe je als je het niet eens bent met een besluit?", en: "What do you do?"}}
    options:
{"".join(f'      - {{nl: "{option}", en: "{option}"}}{chr(10)}' for option in LONG_OPTIONS)}
"""


def _played_long_options(app: Flask, client: FlaskClient, deck_dir: Path) -> str:
    (deck_dir / "lange-opties.yaml").write_text(LONG_DECK, encoding="utf-8")
    deck, problems = load_deck_file(deck_dir / "lange-opties.yaml")
    assert deck is not None, problems
    decks.install(app.extensions, {**decks.installed(), deck.slug: deck})
    response = client.post("/tables", data={"deck": deck.slug, "nickname": "Fac"})
    table_id = response.headers["Location"].rsplit("/", 1)[-1]
    host = Player(app, client, table_id)
    players = [host] + [join(app, host.joined["join"]["code"]) for _ in range(3)]
    host.send("start_game")
    for player, option in zip(players, [0, 1, 0, 2], strict=True):
        assert player.answer(0, option)["ok"]
    assert host.send("end_table", {})["ok"]
    return table_id


def test_every_option_is_in_the_pdf_in_full_with_its_number(
    app: Flask, facilitator_client: FlaskClient, tmp_path: Path
) -> None:
    table_id = _played_long_options(app, facilitator_client, tmp_path)
    text = " ".join(_pdf_text(facilitator_client.get(f"/tables/{table_id}/summary.pdf").data).split())
    for option, count in zip(LONG_OPTIONS, [2, 1, 1], strict=True):
        assert f"{option} {count}" in text, option  # the table beside the chart: option, then its count


def _structure(node: Any) -> Iterator[DictionaryObject]:
    """Every element of a PDF's structure tree."""
    node = node.get_object()
    if isinstance(node, ArrayObject):
        for kid in node:
            yield from _structure(kid)
    elif isinstance(node, DictionaryObject):
        if node.get("/Type") == "/StructElem" or "/S" in node:
            yield node
        if "/K" in node:
            yield from _structure(node["/K"])


def test_the_pdf_is_tagged_for_screen_readers_with_its_language_and_title(
    app: Flask, facilitator_client: FlaskClient
) -> None:
    table_id = played_with(app, facilitator_client, ["een", "twee", "drie", "vier", "vijf"])
    reader = PdfReader(io.BytesIO(facilitator_client.get(f"/tables/{table_id}/summary.pdf").data))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert root["/Lang"] == "nl"
    assert reader.metadata is not None and reader.metadata.title == "Teamsamenvatting \u2013 Proefdeck"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])  # viewers show the title, not a file name
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in xmp  # declared PDF/UA-1
    elements = list(_structure(root["/StructTreeRoot"]))
    kinds = {str(element["/S"]) for element in elements}
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/L", "/LI", "/Figure"} <= kinds
    figures = [element for element in elements if element["/S"] == "/Figure"]
    assert len(figures) == 3  # a chart for each card with bars: statement, choice, sensitive
    assert all(str(figure["/Alt"]).startswith("Antwoorden op kaart ") for figure in figures)
