"""Issue 9 item 13: the browser's language counts until the visitor chooses one.

The switch keeping a join code across the change is a browser matter (the code lives in the
URL fragment): tests/browser/test_headers_in_chromium.py proves it in Chromium.
"""

from __future__ import annotations

import pytest
from flask import Flask

ENGLISH = '<html lang="en"'
DUTCH = '<html lang="nl"'


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("en-US,en;q=0.9", ENGLISH),  # an English phone opening the QR link
        ("en-GB, nl;q=0.5", ENGLISH),  # the region does not matter, the order does
        ("fr-FR, en;q=0.3", ENGLISH),  # English is the best the browser accepts
        ("nl-BE,nl;q=0.9,en;q=0.8", DUTCH),
        ("nl;q=0.1, en;q=0.2", ENGLISH),  # the q-values decide, not the order written
        ("de-DE", DUTCH),  # neither: Dutch first
        ("en;q=0, nl;q=0", DUTCH),  # q=0 means "not this one"
        ("*", DUTCH),
        ("", DUTCH),
    ],
)
def test_the_browser_language_chooses_until_the_visitor_does(
    app: Flask, accept_language: str, expected: str
) -> None:
    page = app.test_client().get("/join", headers={"Accept-Language": accept_language})
    assert expected in page.get_data(as_text=True)


def test_an_english_browser_reads_the_join_page_in_english(app: Flask) -> None:
    page = app.test_client().get("/join", headers={"Accept-Language": "en-US,en;q=0.9"})
    html = page.get_data(as_text=True)
    assert "Join a table" in html and "Deelnemen" not in html
    assert "accept-language" in {value.lower() for value in page.vary}  # caches keep languages apart


def test_the_visitors_choice_beats_the_browser(app: Flask) -> None:
    client = app.test_client()
    client.get("/lang/nl?next=/join")
    page = client.get("/join", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert DUTCH in page.get_data(as_text=True)
    client.get("/lang/en?next=/join")
    page = client.get("/join", headers={"Accept-Language": "nl-NL"})
    assert ENGLISH in page.get_data(as_text=True)


def test_an_unknown_language_cookie_falls_back_to_the_browser(app: Flask) -> None:
    client = app.test_client()
    client.set_cookie("kk_lang", "fr")
    page = client.get("/join", headers={"Accept-Language": "en"})
    assert ENGLISH in page.get_data(as_text=True)


def test_the_language_links_can_carry_the_code(app: Flask) -> None:
    """join.js puts the code on the links marked data-keep-hash; the switch returns to this page."""
    html = app.test_client().get("/join").get_data(as_text=True)
    assert 'href="/lang/en?next=/join" data-keep-hash' in html
    assert "js/join.js" in html
