"""Dutch first, English complete: every interface string is translated, and the catalog is current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from koerskaart import create_app
from koerskaart.config import TestingConfig
from koerskaart.extensions import db

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"


def _catalog(lang: str):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def test_every_string_has_a_dutch_translation() -> None:
    catalog = _catalog("nl")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            missing.append(message.id)
    assert missing == []


def test_the_catalogs_hold_every_string_in_the_code(tmp_path: Path) -> None:
    """Re-extract and compare: a string added without `make translations-update` fails here."""
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(fresh),
            str(ROOT),
        ],
        check=True,
        cwd=ROOT,
    )
    with fresh.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    for lang in ("nl", "en"):
        have = {message.id for message in _catalog(lang) if message.id}
        assert wanted - have == set(), f"{lang}: run make translations-update and translate"


def test_pages_render_in_both_languages() -> None:
    # A fresh app and no pushed app context: Flask-Babel caches the locale per app context.
    app = create_app(TestingConfig)
    with app.app_context():
        db.create_all()  # the home page lists the studio's published decks too
    client = app.test_client()
    dutch = client.get("/").get_data(as_text=True)
    client.get("/lang/en?next=/")
    english = client.get("/").get_data(as_text=True)
    assert "Start een tafel" in dutch and "Start a table" not in dutch
    assert "Start a table" in english and "Start een tafel" not in english
    assert dutch != english
