"""An event through its services: seating, synchronised pacing, harvests, moves and merges."""

from __future__ import annotations

from flask import Flask

from koerskaart.conference import services
from koerskaart.engine import RoundStatus, TableStatus
from koerskaart.live import service
from koerskaart.models import Pacing, PlenaryRelease
from tests.helpers.events import answer, join, make_event, tables_of, where
from tests.helpers.proefdeck import CHOICE, STATEMENT


def test_eighteen_arrivals_sit_six_at_each_of_three_named_tables(app: Flask) -> None:
    event = make_event(tables=3)
    people = [join(event, f"p{i}", "manager" if i % 6 == 0 else "employee") for i in range(18)]
    sizes = sorted(len(service.current_state(t).seats) for t in tables_of(event))
    assert sizes == [6, 6, 6]
    managers = {p.table for p in people[::6]}
    assert len(managers) == 3  # one manager at each table


def test_synchronised_card_reveals_at_every_table_and_the_room_sees_it_from_three_tables(app: Flask) -> None:
    event = make_event(tables=3)
    people = [join(event, f"p{i}") for i in range(18)]
    services.show_card(event, STATEMENT)
    for table in tables_of(event):
        state = service.current_state(table)
        assert state.status is TableStatus.PLAYING and state.card_index == STATEMENT
    tables = [t.public_id for t in tables_of(event)]
    by_table = {t: [p for p in people if p.table == t] for t in tables}
    for number, table in enumerate(tables):
        for person in by_table[table]:
            answer(person, STATEMENT, 4)  # the sixth answer completes the round: revealed
        released = PlenaryRelease.query.filter_by(conference_id=event.id, card_index=STATEMENT).count()
        assert released == (1 if number == 2 else 0)  # never one or two tables' result


def test_close_rounds_closes_small_tables_as_too_few(app: Flask) -> None:
    event = make_event(tables=3)
    people = [join(event) for _ in range(9)]
    services.show_card(event, CHOICE)
    answer(people[0], CHOICE, 0)
    services.close_rounds(event)
    statuses = {service.current_state(t).rounds[CHOICE].status for t in tables_of(event)}
    assert statuses == {RoundStatus.TOO_FEW}


def test_a_host_cannot_pace_a_synchronised_table(app: Flask) -> None:
    from koerskaart.engine import ActionRefused, Code
    from koerskaart.engine import actions as act

    event = make_event(tables=1)
    host = join(event)
    try:
        service.perform(host.table, act.Start(host.seat))
    except ActionRefused as exc:
        assert exc.code is Code.STEERED
    else:
        raise AssertionError("the host started a steered table")


def test_a_move_keeps_the_token_and_is_refused_while_a_round_is_open(app: Flask) -> None:
    event = make_event(tables=2, pacing=Pacing.FREE)
    people = [join(event, f"p{i}") for i in range(6)]
    first, second = (t.public_id for t in tables_of(event))
    mover = next(p for p in people if p.table == first)
    services.move(event, mover.seat, second)
    assert where(event, mover).table == second
    sizes = sorted(len(service.current_state(t).seats) for t in tables_of(event))
    assert sizes == [2, 4]


def test_merge_moves_everyone_and_ends_the_emptied_table(app: Flask) -> None:
    event = make_event(tables=2, pacing=Pacing.FREE)
    for i in range(4):
        join(event, f"p{i}")
    first, second = tables_of(event)
    services.merge(event, first.public_id, second.public_id)
    assert len(service.current_state(second).seats) == 4
    assert service.current_state(first).status is TableStatus.ENDED


def test_a_harvest_releases_once_when_the_facilitator_says_so(app: Flask) -> None:
    event = make_event(tables=3)
    services.set_harvests(event, [STATEMENT])
    people = [join(event) for _ in range(9)]
    services.show_card(event, STATEMENT)
    for person in people:
        answer(person, STATEMENT, 2)
    assert PlenaryRelease.query.filter_by(conference_id=event.id).count() == 0  # waits for the facilitator
    services.release_harvest(event, STATEMENT)
    assert PlenaryRelease.query.filter_by(conference_id=event.id).count() == 1
    try:
        services.release_harvest(event, STATEMENT)
    except services.Refused as exc:
        assert exc.code == "already_released"
    else:
        raise AssertionError("a harvest released twice")


def test_a_table_ending_without_keeping_open_text_clears_the_rooms_text_samples(app: Flask) -> None:
    from koerskaart.engine import actions as act
    from koerskaart.extensions import db
    from tests.helpers.proefdeck import OPEN

    event = make_event(tables=3)
    people = [join(event) for _ in range(12)]
    services.show_card(event, OPEN)
    for number, person in enumerate(people):
        answer(person, OPEN, f"antwoord {number}")
    release = PlenaryRelease.query.filter_by(conference_id=event.id, card_index=OPEN).one()
    assert release.texts  # four answers at each of three tables: the room may see a sample
    service.perform(tables_of(event)[0].public_id, act.Conclude(keep_open_text=False))
    db.session.expire_all()
    assert PlenaryRelease.query.filter_by(conference_id=event.id, card_index=OPEN).one().texts is None


def test_a_table_opened_for_late_arrivals_gets_the_next_number_after_the_named_tables(app: Flask) -> None:
    event = make_event(tables=2, target=3)
    for _ in range(7):
        join(event)
    labels = [t.conference_label for t in tables_of(event)]
    assert labels == ["Tafel 1", "Tafel 2", "3"]  # shown as "Tafel 3"
