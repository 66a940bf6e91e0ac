"""A facilitator plays with a team and hands over the summary: page, PDF, CSV and Markdown."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from tests.helpers.players import Player, join
from tests.helpers.summaries import TEXTS, played_table
from tests.helpers.users import log_in, make_user

FORMATS = ("summary", "summary.pdf", "summary.csv", "summary.md")


@pytest.fixture
def facilitator_client(app: Flask) -> FlaskClient:
    make_user("fac@oost.example", role="facilitator")
    return log_in(app, "fac@oost.example")


def test_the_summary_page_shows_what_the_team_said(app: Flask, facilitator_client: FlaskClient) -> None:
    table_id = played_table(app, facilitator_client)
    page = facilitator_client.get(f"/tables/{table_id}/summary")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and 'role="img"' in html  # the chart, drawn on the server
    assert 'data-testid="summary-count-1-0">2<' in html  # two chose 1 on the first card
    assert "Terugblik plannen" in html
    assert 'data-testid="summary-diverged"' in html and "In ons team kun je fouten bespreken." in html
    assert "Meer tijd" not in html  # open text was not kept
    assert "de meesten of iedereen" in html  # the sensitive card in bands


def test_kept_open_text_appears_in_the_summary(app: Flask, facilitator_client: FlaskClient) -> None:
    table_id = played_table(app, facilitator_client, keep=True)
    html = facilitator_client.get(f"/tables/{table_id}/summary").get_data(as_text=True)
    assert all(text in html for text in TEXTS)


def test_csv_is_made_for_dutch_excel(app: Flask, facilitator_client: FlaskClient) -> None:
    table_id = played_table(app, facilitator_client)
    response = facilitator_client.get(f"/tables/{table_id}/summary.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    text = body.decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header.count(";") == 11
    assert first.split(";")[4] == "2" and first.split(";")[6] == "3,0"  # count; Dutch decimal median


def test_markdown_pastes_into_minutes(app: Flask, facilitator_client: FlaskClient) -> None:
    table_id = played_table(app, facilitator_client)
    markdown = facilitator_client.get(f"/tables/{table_id}/summary.md").get_data(as_text=True)
    assert markdown.startswith("# ")
    assert "| Sam | Terugblik plannen | 1 maart |" in markdown


def test_the_pdf_is_a_real_pdf_with_pages(app: Flask, facilitator_client: FlaskClient) -> None:
    table_id = played_table(app, facilitator_client)
    response = facilitator_client.get(f"/tables/{table_id}/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Terugblik plannen" in text and "In ons team kun je fouten bespreken." in text
    assert f"1 / {len(reader.pages)}" in text  # page numbers


def test_only_the_facilitator_and_their_admins_see_a_summary(app: Flask) -> None:
    make_user("admin@oost.example", role="admin")
    make_user("fac@oost.example", role="facilitator")
    make_user("collega@oost.example", role="facilitator")
    make_user("admin@west.example", organisation="Provincie West", role="admin")
    table_id = played_table(app, log_in(app, "fac@oost.example"))
    own_admin = log_in(app, "admin@oost.example")
    for fmt in FORMATS:
        assert own_admin.get(f"/tables/{table_id}/{fmt}").status_code == 200, fmt
    for outsider in (
        log_in(app, "admin@west.example"),
        log_in(app, "collega@oost.example"),
        app.test_client(),
    ):
        for fmt in FORMATS:
            assert outsider.get(f"/tables/{table_id}/{fmt}").status_code == 404, fmt


def test_the_history_links_to_the_summary_and_a_live_preview_works(
    app: Flask, facilitator_client: FlaskClient
) -> None:
    response = facilitator_client.post("/tables", data={"deck": "proefdeck", "nickname": "Fac"})
    table_id = response.headers["Location"].rsplit("/", 1)[-1]
    host = Player(app, facilitator_client, table_id)
    players = [host] + [join(app, host.joined["join"]["code"]) for _ in range(2)]
    host.send("start_game")
    for player, value in zip(players, [2, 2, 4], strict=True):
        player.answer(0, value)
    history = facilitator_client.get("/account/tables").get_data(as_text=True)
    assert f"/tables/{table_id}/summary" in history
    preview = facilitator_client.get(f"/tables/{table_id}/summary").get_data(as_text=True)
    assert "tussenstand" in preview and 'data-testid="summary-count-1-1">2<' in preview


def test_the_summary_sets_managers_and_employees_side_by_side(
    app: Flask, facilitator_client: FlaskClient
) -> None:
    response = facilitator_client.post("/tables", data={"deck": "proefdeck", "perspective": "manager"})
    table_id = response.headers["Location"].rsplit("/", 1)[-1]
    host = Player(app, facilitator_client, table_id)
    code = host.joined["join"]["code"]
    players = [host]
    for role in ("manager", "manager", "employee", "employee", "employee"):
        http = app.test_client()
        assert http.post("/join", data={"code": code, "perspective": role}).status_code == 302
        players.append(Player(app, http, table_id))
    host.send("start_game")
    for player, value in zip(players, [5, 5, 4, 2, 2, 1], strict=True):
        player.answer(0, value)
    host.send("end_table", {})
    html = facilitator_client.get(f"/tables/{table_id}/summary").get_data(as_text=True)
    assert 'data-testid="summary-perspective-1"' in html
    assert "Leidinggevenden" in html and "Medewerkers" in html
    csv_text = facilitator_client.get(f"/tables/{table_id}/summary.csv").data.decode("utf-8-sig")
    first = csv_text.splitlines()[1].split(";")
    assert first[8:10] == ["0", "1"]  # "strongly disagree": no manager, one employee


def _section(html: str, testid: str) -> str:
    found = re.search(
        rf'<div class="summary-measure" data-testid="{testid}">(.*?)</div>\s*</div>\s*</div>', html, re.S
    )
    assert found, testid
    return found.group(1)


def test_the_highlights_rank_each_kind_of_spread_apart_and_say_what_they_show(
    app: Flask, facilitator_client: FlaskClient
) -> None:
    """A choice card's chance and a 1-5 card's points are two measures: never one list."""
    table_id = played_table(app, facilitator_client)
    html = facilitator_client.get(f"/tables/{table_id}/summary").get_data(as_text=True)
    points, chance = _section(html, "summary-measure-points"), _section(html, "summary-measure-chance")
    assert "Kaarten met een schaal van 1 tot 5" in points and "1. In ons team" in points
    assert "(spreiding 2,40)" in points and "Wat helpt het meest?" not in points
    assert "gemiddelde verschil tussen twee mensen aan tafel, in punten" in points
    assert "Keuzekaarten" in chance and "2. Wat helpt het meest?" in chance and "(spreiding 0,40)" in chance
    assert "de kans dat twee mensen aan tafel iets anders kozen" in chance
    # One card of each kind: the page says why "agreed most" lists nothing, instead of leaving it out.
    for section in (points, chance):
        assert (
            "Waar het team het meest eens was" in section and 'data-testid="summary-agreed-none"' in section
        )
    markdown = facilitator_client.get(f"/tables/{table_id}/summary.md").get_data(as_text=True)
    assert "### Keuzekaarten" in markdown and "- 2\\. Wat helpt het meest? (spreiding 0,40)" in markdown


def test_a_summary_without_exact_numbers_says_why_nothing_is_ranked(
    app: Flask, facilitator_client: FlaskClient
) -> None:
    response = facilitator_client.post("/tables", data={"deck": "proefdeck", "nickname": "Fac"})
    table_id = response.headers["Location"].rsplit("/", 1)[-1]
    Player(app, facilitator_client, table_id).send("start_game")
    html = facilitator_client.get(f"/tables/{table_id}/summary").get_data(as_text=True)
    assert 'data-testid="summary-highlights-none"' in html and "worden niet gerangschikt" in html
