"""The summary PDF: fonts for what players type, every number and option in full beside each
chart, and a tagged PDF (PDF/UA-1) with its language and title."""

from __future__ import annotations

import io
import logging
import subprocess

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from tests.helpers.hostile import played_with
from tests.helpers.infra import require
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
