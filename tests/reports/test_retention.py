"""Retention: after N days, raw answers and kept open text are deleted; the aggregates stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from koerskaart.clock import utcnow
from koerskaart.extensions import db
from koerskaart.live import service
from koerskaart.models import Answer, PendingAnswer, RoundRow, Table
from koerskaart.reports import retention
from tests.helpers.players import Player, join, start_table
from tests.helpers.proefdeck import OPEN
from tests.helpers.summaries import TEXTS, played_table
from tests.helpers.users import log_in, make_user


@pytest.fixture
def fac(app: Flask) -> FlaskClient:
    make_user("fac@oost.example", role="facilitator")
    return log_in(app, "fac@oost.example")


def _table(table_id: str) -> Table:
    table = service.get_table(table_id)
    assert table is not None
    return table


def _age(table_id: str, days: int) -> None:
    table = _table(table_id)
    table.ended_at = utcnow() - timedelta(days=days)
    table.created_at = table.ended_at - timedelta(hours=1)
    db.session.commit()


def _answers(table_id: str) -> int:
    table = _table(table_id)
    query = select(func.count()).select_from(Answer).join(RoundRow).where(RoundRow.table_id == table.id)
    return int(db.session.scalar(query) or 0)


def _open_result(table_id: str) -> dict[str, object]:
    row = next(row for row in _table(table_id).rounds if row.card_index == OPEN)
    assert row.result is not None
    return row.result


def _purge(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["retention", "purge", *args])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


@pytest.fixture
def old_table(app: Flask, fac: FlaskClient) -> str:
    table_id = played_table(app, fac, keep=True)
    _age(table_id, 400)
    return table_id


def test_a_dry_run_reports_counts_and_changes_nothing(app: Flask, old_table: str) -> None:
    answers = _answers(old_table)
    assert answers == 20  # four cards, five answers each; the open texts were kept
    output = _purge(app, "--dry-run")
    assert "not purged yet: 1" in output
    assert "Would delete: 20 answer rows, 5 kept open texts" in output
    assert "nothing was changed" in output
    assert not any(text in output for text in TEXTS)  # counts only, never content
    assert _answers(old_table) == 20
    assert sorted(_open_result(old_table)["texts"]) == sorted(TEXTS)  # type: ignore[arg-type]
    table = _table(old_table)
    assert table.purged_at is None and table.keep_open_text


def test_the_purge_deletes_answers_and_texts_but_the_summary_keeps_its_counts(
    app: Flask, fac: FlaskClient, old_table: str
) -> None:
    output = _purge(app)
    assert "Deleted: 20 answer rows, 5 kept open texts" in output
    assert not any(text in output for text in TEXTS)
    assert _answers(old_table) == 0
    result = _open_result(old_table)
    assert result["texts"] == [] and result["n"] == 5
    table = _table(old_table)
    assert table.purged_at is not None and not table.keep_open_text
    assert any(row.result and row.result.get("counts") for row in table.rounds)  # aggregates stay

    page = fac.get(f"/tables/{old_table}/summary")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="summary-count-1-0">2<' in html  # the counts survive
    assert "Terugblik plannen" in html  # and the actions
    assert not any(text in html for text in TEXTS)
    assert 'data-testid="purged-note"' in html and "niet meer bewaard" in html
    for fmt in ("summary.pdf", "summary.csv", "summary.md"):
        response = fac.get(f"/tables/{old_table}/{fmt}")
        assert response.status_code == 200, fmt
        assert not any(text.encode() in response.data for text in TEXTS), fmt


def test_a_second_run_finds_nothing(app: Flask, old_table: str) -> None:
    _purge(app)
    purged_at = _table(old_table).purged_at
    output = _purge(app)
    assert "not purged yet: 0" in output and "Deleted: 0 answer rows, 0 kept open texts" in output
    assert _table(old_table).purged_at == purged_at


def test_recent_and_unfinished_tables_are_untouched(app: Flask, fac: FlaskClient, old_table: str) -> None:
    make_user("fac2@oost.example", role="facilitator")
    recent = played_table(app, log_in(app, "fac2@oost.example"), keep=True)
    _age(recent, 10)
    output = _purge(app, "--days", "365")
    assert "not purged yet: 1" in output
    assert _answers(old_table) == 0
    assert _answers(recent) == 20
    assert sorted(_open_result(recent)["texts"]) == sorted(TEXTS)  # type: ignore[arg-type]
    assert _table(recent).purged_at is None


def _unended_table(app: Flask, started_days_ago: int) -> Player:
    """A table left playing: a revealed scale card and an open card with three texts pending."""
    host = start_table(app)
    players = [host] + [join(app, host.joined["join"]["code"], f"P{i}") for i in range(3)]
    host.send("start_game")
    for player, value in zip(players, [2, 2, 4, 5], strict=True):
        assert player.answer(0, value)["ok"]
    host.send("next_card")
    host.send("skip_card")
    for player, text in zip(players[:3], TEXTS, strict=False):
        assert player.answer(OPEN, text)["ok"]  # three of four: the round stays open
    _table(host.table_id).created_at = utcnow() - timedelta(days=started_days_ago)
    db.session.commit()
    return host


def test_a_table_nobody_ended_counts_from_its_start_and_is_ended_by_the_purge(app: Flask) -> None:
    old, recent = _unended_table(app, 1000), _unended_table(app, 10)
    dry = _purge(app, "--dry-run")
    assert "not purged yet: 1" in dry and "never ended" in dry and "7 answer rows" in dry
    assert _table(old.table_id).status == "playing"

    output = _purge(app)
    assert "not purged yet: 1" in output and "Deleted: 7 answer rows" in output
    table = _table(old.table_id)
    assert (table.status, table.ended_at, table.join_code) == ("ended", None, None)
    assert table.purged_at is not None
    assert [seat.nickname for seat in table.seats] == [None] * 4
    assert _answers(old.table_id) == 0
    assert db.session.scalar(select(func.count()).select_from(PendingAnswer)) == 3  # the recent table's
    rows = {row.card_index: row for row in table.rounds}
    assert rows[0].result == {"n": 4, "counts": [0, 2, 0, 1, 1], "texts": []}  # the aggregate stays
    assert rows[OPEN].status == "skipped"
    assert _table(recent.table_id).status == "playing" and _answers(recent.table_id) == 4
    assert "not purged yet: 0" in _purge(app)


def test_days_comes_from_the_setting_and_the_option(app: Flask, old_table: str) -> None:
    app.config["RETENTION_DAYS"] = 500
    assert "not purged yet: 0" in _purge(app, "--dry-run")
    assert "not purged yet: 1" in _purge(app, "--dry-run", "--days", "30")
    assert "more than 500 days" in _purge(app)
    assert _answers(old_table) == 20


def test_purge_function_with_a_fixed_clock(app: Flask, old_table: str) -> None:
    now = utcnow()
    report = retention.purge(365, dry_run=True, now=now)
    assert (report.tables, report.answers, report.texts) == (1, 20, 5)
    assert report.cutoff == now - timedelta(days=365)
    # Seen from a moment long before the table ended, nothing is due.
    assert retention.purge(365, now=now - timedelta(days=1000)).tables == 0
    assert _answers(old_table) == 20
