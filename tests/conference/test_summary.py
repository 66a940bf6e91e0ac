"""The conference summary: the room's figures over 3+ tables, never one table's, and who may read it."""

from __future__ import annotations

import csv
import io

from flask import Flask
from flask.testing import FlaskClient

from koerskaart.conference import services
from koerskaart.conference.summary import CardResult, ConferenceSummary, Withheld, build
from koerskaart.engine import actions as act
from koerskaart.engine.plenary import Release
from koerskaart.i18n import scale_labels
from koerskaart.live import service
from koerskaart.models import Conference, PlenaryRelease
from tests.helpers.events import Participant, answer, join, make_event, seats_at, tables_of
from tests.helpers.proefdeck import ACTION, CHOICE, STATEMENT
from tests.helpers.users import log_in, make_user

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")


def _seated(event: Conference, people: int) -> dict[str, list[Participant]]:
    everyone = [join(event, f"p{i}") for i in range(people)]
    return {t.public_id: [p for p in everyone if p.table == t.public_id] for t in tables_of(event)}


def _all_answer(by_table: dict[str, list[Participant]], card: int, value: object, tables: int) -> None:
    for table in list(by_table)[:tables]:
        for person in by_table[table]:
            answer(person, card, value)


def _summary(event: Conference) -> ConferenceSummary:
    summary = build(event, "nl", scale_labels())
    assert summary is not None
    return summary


def _card(summary: ConferenceSummary, index: int) -> CardResult:
    return next(card for card in summary.cards if card.number == index + 1)


def test_the_aggregate_over_three_tables_appears(app: Flask) -> None:
    event = make_event(tables=3)
    by_table = _seated(event, 18)
    services.show_card(event, STATEMENT)
    for number, table in enumerate(by_table):
        for person in by_table[table]:
            answer(person, STATEMENT, 2 + number)  # each table its own answer: a real spread
    card = _card(_summary(event), STATEMENT)
    assert card.shown is not None and card.shown.tables == 3 and card.shown.n == 18
    assert card.shown.counts == (0, 6, 6, 6, 0)
    assert card.spread == 1.0 and card.band == "high"  # all variation lies between the tables
    page = log_in(app, "fac@example.org").get(f"/events/{event.public_id}/summary").get_data(as_text=True)
    assert 'data-testid="event-summary-count-1-1">6<' in page
    assert "verschil tussen tafels: hoog (100%)" in page
    assert 'data-testid="event-summary-differed"' in page


def test_with_two_tables_a_card_shows_fewer_than_three_tables_and_no_numbers(app: Flask) -> None:
    event = make_event(tables=2)
    by_table = _seated(event, 12)
    services.show_card(event, CHOICE)
    _all_answer(by_table, CHOICE, 1, tables=2)
    services.end(event, keep_open_text=False)  # even at the end: two tables are one table too few
    card = _card(_summary(event), CHOICE)
    assert card.shown is None and card.withheld is Withheld.TABLES and card.spread is None

    client = log_in(app, "fac@example.org")
    page = client.get(f"/events/{event.public_id}/summary").get_data(as_text=True)
    assert 'data-testid="event-summary-withheld-2"' in page
    assert "Minder dan 3 tafels" in page  # Dutch first
    assert "event-summary-count-2-" not in page
    rows = _csv_rows(client, event)
    choice_rows = [row for row in rows[1:] if row and row[0] == "2"]
    assert choice_rows == [["2", "Wat helpt het meest?", "Minder dan 3 tafels", "", "", "", "", "", ""]]


def test_the_summary_never_differs_from_a_release_by_fewer_than_k(app: Flask) -> None:
    """Managers 6 of 18 at three tables; the fourth table adds 2 more: too few to show the split again."""
    event = make_event(tables=4)
    everyone = [join(event, f"p{i}", "manager" if i % 3 == 0 else "employee") for i in range(24)]
    by_table = {t.public_id: [p for p in everyone if p.table == t.public_id] for t in tables_of(event)}
    assert sorted(len(people) for people in by_table.values()) == [6, 6, 6, 6]
    services.show_card(event, STATEMENT)
    for person in everyone_in_table_order(by_table):
        answer(person, STATEMENT, 4 if person.seat in _first_half(by_table) else 2)
    rows = PlenaryRelease.query.filter_by(conference_id=event.id, card_index=STATEMENT).order_by(
        PlenaryRelease.id
    )
    released = [Release.from_dict(row.release) for row in rows]
    assert [r.n for r in released] == [18, 24]
    assert released[0].group_sizes is not None and released[1].group_sizes is None
    k = 3
    for ended in (False, True):
        if ended:
            services.end(event, keep_open_text=False)
        card = _card(_summary(event), STATEMENT)
        assert card.shown is not None
        for seen in released:
            assert card.shown.n == seen.n or abs(card.shown.n - seen.n) >= k
            if card.shown.group_sizes is not None and seen.group_sizes is not None:
                for group, size in card.shown.group_sizes.items():
                    assert size == seen.group_sizes[group] or abs(size - seen.group_sizes[group]) >= k
        assert card.shown.group_sizes is None  # managers 8 against 6 shown: withheld


def everyone_in_table_order(by_table: dict[str, list[Participant]]) -> list[Participant]:
    return [person for people in by_table.values() for person in people]


def _first_half(by_table: dict[str, list[Participant]]) -> set[str]:
    return {person.seat for people in by_table.values() for person in people[:3]}


def test_a_harvest_is_not_in_the_summary_before_the_room_saw_it(app: Flask) -> None:
    event = make_event(tables=3)
    by_table = _seated(event, 18)
    services.set_harvests(event, [CHOICE])
    services.show_card(event, CHOICE)
    _all_answer(by_table, CHOICE, 0, tables=3)
    card = _card(_summary(event), CHOICE)
    assert card.shown is None and card.withheld is Withheld.WAITING
    services.release_harvest(event, CHOICE)
    shown = _card(_summary(event), CHOICE).shown
    assert shown is not None and shown.n == 18 and shown.counts == (18, 0, 0)
    services.end(event, keep_open_text=False)
    assert _card(_summary(event), CHOICE).shown == shown


def test_participation_has_no_answer_content_and_actions_come_without_their_table(app: Flask) -> None:
    event = make_event(tables=3)
    by_table = _seated(event, 18)
    services.show_card(event, CHOICE)
    _all_answer(by_table, CHOICE, 2, tables=3)
    services.show_card(event, ACTION)
    first = tables_of(event)[0]
    host = next(seat for seat in seats_at(first) if seat.is_host)
    service.perform(
        first.public_id, act.AddAction(host.public_id, "Hanna", "=Terugkoppelen aan het MT", "juni")
    )
    services.end(event, keep_open_text=False)

    summary = _summary(event)
    assert [(t.label, t.players) for t in summary.tables] == [("Tafel 1", 6), ("Tafel 2", 6), ("Tafel 3", 6)]
    assert all(t.reached == 2 and t.done for t in summary.tables)
    assert [(a.who, a.what) for a in summary.actions] == [("Hanna", "=Terugkoppelen aan het MT")]

    client = log_in(app, "fac@example.org")
    page = client.get(f"/events/{event.public_id}/summary").get_data(as_text=True)
    start = page.index('data-testid="event-summary-tables"')
    tables_html = page[start : page.index("</table>", start)]
    for option in ("Rules", "Room", "Backing", "Regels", "Ruimte", "Rugdekking"):
        assert option not in tables_html
    assert "p0" not in tables_html  # no nicknames either

    rows = _csv_rows(client, event)
    assert rows[0] == [
        "Kaart",
        "Vraag",
        "Antwoord",
        "Aantal",
        "Antwoorden",
        "Tafels meegeteld",
        "Verschil tussen tafels",
        "Leidinggevenden",
        "Medewerkers",
    ]
    assert ["Tafel", "Spelers", "Kaarten bereikt", "Deck uitgespeeld"] in rows
    assert ["Tafel 1", "6", "2", "uitgespeeld"] in rows
    assert ["'=Terugkoppelen aan het MT", "Hanna", "juni"] in rows  # a formula stays text
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_START)]


def _csv_rows(client: FlaskClient, event: Conference) -> list[list[str]]:
    response = client.get(f"/events/{event.public_id}/summary.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_the_pdf_is_a_pdf(app: Flask) -> None:
    event = make_event(tables=3)
    by_table = _seated(event, 18)
    services.show_card(event, STATEMENT)
    _all_answer(by_table, STATEMENT, 5, tables=3)
    client = log_in(app, "fac@example.org")
    response = client.get(f"/events/{event.public_id}/summary.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.get_data().startswith(b"%PDF")


def test_another_organisation_gets_403_and_a_colleague_may_read(app: Flask) -> None:
    event = make_event(tables=3)
    make_user("ander@example.org", organisation="Gemeente West")
    make_user("collega@example.org")  # the same organisation, a facilitator too
    make_user("auteur@example.org", role="author")
    outsider = log_in(app, "ander@example.org")
    for path in ("summary", "summary.pdf", "summary.csv"):
        assert outsider.get(f"/events/{event.public_id}/{path}").status_code == 403
    assert log_in(app, "auteur@example.org").get(f"/events/{event.public_id}/summary").status_code == 403
    assert log_in(app, "collega@example.org").get(f"/events/{event.public_id}/summary").status_code == 200
    anonymous = app.test_client().get(f"/events/{event.public_id}/summary")
    assert anonymous.status_code == 302  # to the login page
