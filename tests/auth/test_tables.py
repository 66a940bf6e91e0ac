"""A table started while logged in belongs to the account and its organisation, and shows in its history."""

from __future__ import annotations

from flask import Flask

from koerskaart.live import service
from koerskaart.models import User
from tests.helpers.players import start_table
from tests.helpers.users import log_in


def test_the_history_starts_empty(app: Flask, facilitator: User) -> None:
    page = log_in(app, facilitator.email).get("/account/tables").get_data(as_text=True)
    assert 'data-testid="history-empty"' in page


def test_a_table_started_while_logged_in_is_owned_and_listed(app: Flask, facilitator: User) -> None:
    client = log_in(app, facilitator.email)
    first = client.post("/tables", data={"deck": "proefdeck", "nickname": "Fac"})
    second = client.post("/tables", data={"deck": "proefdeck", "nickname": "Fac"})
    assert first.status_code == second.status_code == 302
    ids = [response.headers["Location"].rsplit("/", 1)[-1] for response in (first, second)]
    for table_id in ids:
        table = service.get_table(table_id)
        assert table is not None
        assert table.owner_id == facilitator.id
        assert table.organisation_id == facilitator.organisation_id

    page = client.get("/account/tables").get_data(as_text=True)
    assert page.count('data-testid="history-table"') == 2
    assert page.index(ids[1]) < page.index(ids[0])  # newest first
    assert "1 speler" in page  # the host's seat; Dutch by default


def test_an_anonymous_table_has_no_owner(app: Flask, facilitator: User) -> None:
    host = start_table(app)
    table = service.get_table(host.table_id)
    assert table is not None and table.owner_id is None and table.organisation_id is None
    page = log_in(app, facilitator.email).get("/account/tables").get_data(as_text=True)
    assert 'data-testid="history-empty"' in page


def test_other_accounts_do_not_see_the_table(app: Flask, admin: User, facilitator: User) -> None:
    log_in(app, facilitator.email).post("/tables", data={"deck": "proefdeck"})
    page = log_in(app, admin.email).get("/account/tables").get_data(as_text=True)
    assert 'data-testid="history-empty"' in page
