"""Je tafels: tables started on one day are told apart by their time and their team name."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import update

from koerskaart.extensions import db
from koerskaart.models import Table, User
from tests.helpers.users import log_in


def _start(client: object, team: str, at: datetime) -> str:
    response = client.post("/tables", data={"deck": "proefdeck", "nickname": "Fac", "team": team})  # type: ignore[attr-defined]
    assert response.status_code == 302
    table_id = response.headers["Location"].rsplit("/", 1)[-1]
    db.session.execute(update(Table).where(Table.public_id == table_id).values(created_at=at))
    db.session.commit()
    return table_id


def _rows(page: str) -> list[str]:
    rows = re.findall(r'<li class="[^"]*" data-testid="history-table">(.*?)</li>', page, re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_rows_of_one_day_show_their_time_and_team(app: Flask, facilitator: User) -> None:
    client = log_in(app, facilitator.email)
    # Winter: Dutch time is UTC+1; a facilitator reads the time on their own clock.
    _start(client, "Team Inkoop", datetime(2026, 11, 30, 8, 30, tzinfo=UTC))
    _start(client, "", datetime(2026, 11, 30, 13, 5, tzinfo=UTC))
    _start(client, "Team Handhaving", datetime(2026, 11, 30, 15, 45, tzinfo=UTC))

    rows = _rows(client.get("/account/tables").get_data(as_text=True))

    assert len(rows) == 3
    assert "Team Handhaving" in rows[0] and "16:45" in rows[0]
    assert "14:05" in rows[1] and "Team" not in rows[1]
    assert "Team Inkoop" in rows[2] and "09:30" in rows[2]
    assert all("30 november 2026" in row for row in rows)
    assert len(set(rows)) == 3
