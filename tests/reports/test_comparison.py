"""A team's summary beside its previous table on the same deck, only where rule 6 allows."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from koerskaart.engine import CardKind, RoundStatus
from koerskaart.extensions import db
from koerskaart.models import Table
from koerskaart.reports.aggregate import CardAggregate
from koerskaart.reports.comparison import releasable
from tests.helpers.players import Player, join
from tests.helpers.proefdeck import SENSITIVE
from tests.helpers.users import log_in, make_user

SCALE_CARD, CHOICE_CARD = 0, 1


def _play(app: Flask, client: FlaskClient, team: str, scale: Sequence[int], *, end: bool = True) -> str:
    """A table of len(scale) players: the scale card as given, then choice and sensitive cards."""
    response = client.post("/tables", data={"deck": "proefdeck", "nickname": "Fac", "team": team})
    assert response.status_code == 302
    table_id = response.headers["Location"].rsplit("/", 1)[-1]
    host = Player(app, client, table_id)
    players = [host] + [join(app, host.joined["join"]["code"]) for _ in range(len(scale) - 1)]
    host.send("start_game")
    for card, values in (
        (SCALE_CARD, scale),
        (CHOICE_CARD, [0] * len(scale)),
        (2, None),  # the open card: skipped
        (SENSITIVE, [4] * len(scale)),
    ):
        if values is None:
            assert host.send("skip_card")["ok"]
            continue
        for player, value in zip(players, values, strict=True):
            assert player.answer(card, value)["ok"]
        host.send("next_card")
    if end:
        assert host.send("end_table")["ok"]
    return table_id


@pytest.fixture
def fac(app: Flask) -> FlaskClient:
    make_user("fac@oost.example")
    return log_in(app, "fac@oost.example")


def _html(client: FlaskClient, table_id: str) -> str:
    page = client.get(f"/tables/{table_id}/summary")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_the_next_table_of_a_team_shows_the_previous_one_beside_it(app: Flask, fac: FlaskClient) -> None:
    first = _play(app, fac, "Team Inkoop", [1, 1, 2, 2, 3])
    second = _play(app, fac, "  team   inkoop ", [4, 4, 5, 5, 3])  # case and spacing do not matter

    assert 'data-testid="summary-comparison"' not in _html(fac, first)
    html = _html(fac, second)
    assert 'data-testid="summary-comparison"' in html and "Team inkoop" not in html.split("<h1")[0]
    assert 'data-testid="summary-team">team inkoop<' in html
    # Participation: the open card was skipped; the action card counts as played.
    assert "4 kaarten gespeeld (3 met een uitkomst) · 1 kaart overgeslagen" in html
    # Last time, two people said 1 on the first card; this time nobody did.
    assert 'data-testid="summary-earlier-1-0">2<' in html and 'data-testid="summary-count-1-0">0<' in html
    assert 'data-testid="comparison-moved"' in html and "2,0 then, 4,0 now" not in html  # Dutch by default
    assert "mediaan 2,0 toen, 4,0 nu" in html
    # The sensitive card compares bands, never exact numbers.
    assert f'data-testid="summary-earlier-{SENSITIVE + 1}-3">de meesten of iedereen<' in html
    assert 'data-testid="comparison-held-back"' not in html

    csv = fac.get(f"/tables/{second}/summary.csv").get_data().decode("utf-8-sig").splitlines()
    assert csv[0].split(";")[-2:] == ["Vorige keer", "Antwoorden vorige keer"]
    first_row = csv[1].split(";")
    assert first_row[3] == "Helemaal oneens" and first_row[-2:] == ["2", "5"]
    markdown = fac.get(f"/tables/{second}/summary.md").get_data(as_text=True)
    assert "## Vergeleken met vorige keer" in markdown and "| Antwoord | Aantal | Vorige keer |" in markdown
    pdf = PdfReader(io.BytesIO(fac.get(f"/tables/{second}/summary.pdf").data))
    assert "Vergeleken met vorige keer" in "".join(page.extract_text() for page in pdf.pages)


def test_a_difference_of_fewer_than_k_respondents_withholds_the_comparison(
    app: Flask, fac: FlaskClient
) -> None:
    _play(app, fac, "Team Oost", [1, 1, 2, 2, 3])
    second = _play(app, fac, "Team Oost", [1, 1, 2, 2, 3, 5])  # one newcomer: 5 → 6
    html = _html(fac, second)
    assert 'data-testid="comparison-held-back"' in html
    assert "summary-earlier-" not in html  # not one card shows last time's numbers
    csv = fac.get(f"/tables/{second}/summary.csv").get_data().decode("utf-8-sig").splitlines()
    assert all(line.endswith(";;") for line in csv[1:] if not line.startswith("Actie"))
    markdown = fac.get(f"/tables/{second}/summary.md").get_data(as_text=True)
    assert "Vorige keer |" not in markdown and "niet vergeleken" in markdown.lower()


def test_a_difference_of_k_or_more_respondents_is_compared(app: Flask, fac: FlaskClient) -> None:
    _play(app, fac, "Team Oost", [2, 2, 2])
    html = _html(fac, _play(app, fac, "Team Oost", [2, 2, 2, 4, 4, 4]))  # 3 → 6: at least k apart
    assert 'data-testid="summary-earlier-1-1">3<' in html and 'data-testid="comparison-held-back"' not in html


def test_only_the_same_facilitator_team_and_finished_table_count(app: Flask, fac: FlaskClient) -> None:
    make_user("other@oost.example")
    other = log_in(app, "other@oost.example")
    _play(app, other, "Team Oost", [1, 1, 1, 1, 1])  # a colleague's table: not theirs to compare
    _play(app, fac, "Team West", [1, 1, 1, 1, 1])  # another team
    _play(app, fac, "Team Oost", [1, 1, 1, 1, 1], end=False)  # still playing
    html = _html(fac, _play(app, fac, "Team Oost", [5, 5, 5, 5, 5]))
    assert 'data-testid="summary-comparison"' not in html and "summary-earlier-" not in html


def test_anonymous_tables_never_carry_a_team_name(app: Flask) -> None:
    client = app.test_client()
    assert 'id="start-team"' not in client.get("/").get_data(as_text=True)
    response = client.post("/tables", data={"deck": "proefdeck", "team": "Team Oost"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.query(Table).one().team_label is None


def test_a_team_can_be_named_afterwards_on_the_summary_page(app: Flask, fac: FlaskClient) -> None:
    first = _play(app, fac, "", [1, 1, 2, 2, 3])
    html = _html(fac, first)
    assert 'data-testid="team-panel"' in html and 'id="start-team"' in fac.get("/").get_data(as_text=True)
    saved = fac.post(f"/tables/{first}/team", data={"team": "  Team   Noord "})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("#team")
    with app.app_context():
        assert db.session.query(Table).filter_by(public_id=first).one().team_label == "Team Noord"
    second = _play(app, fac, "team noord", [1, 1, 2, 2, 3])
    assert 'data-testid="summary-comparison"' in _html(fac, second)
    too_long = fac.post(f"/tables/{first}/team", data={"team": "x" * 61})
    assert too_long.status_code == 400 and "team-label-errors" in too_long.get_data(as_text=True)


def test_outsiders_cannot_name_a_team_and_a_shared_page_cannot_either(app: Flask, fac: FlaskClient) -> None:
    table_id = _play(app, fac, "Team Oost", [1, 1, 2, 2, 3])
    make_user("fac@west.example", organisation="Gemeente West")
    outsider = log_in(app, "fac@west.example")
    assert outsider.post(f"/tables/{table_id}/team", data={"team": "Gekaapt"}).status_code == 404
    assert app.test_client().post(f"/tables/{table_id}/team", data={"team": "Gekaapt"}).status_code == 404
    with app.app_context():
        assert db.session.query(Table).filter_by(public_id=table_id).one().team_label == "Team Oost"


def _aggregate(n: int) -> CardAggregate:
    return CardAggregate(0, CardKind.STATEMENT, RoundStatus.REVEALED, n=n, counts=(n, 0, 0, 0, 0))


@given(now=st.integers(3, 40), then=st.integers(3, 40), k=st.integers(3, 6))
def test_two_sessions_are_compared_only_when_equal_or_at_least_k_apart(now: int, then: int, k: int) -> None:
    allowed = releasable(_aggregate(now), _aggregate(then), k)
    if min(now, then) < k:
        assert not allowed
    else:
        assert allowed == (now == then or abs(now - then) >= k)
