"""The per-process table cache (live/store.py): one read per event, and never a stale or
uncommitted state, whoever else writes the table."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine, event, select, text

from koerskaart import create_app
from koerskaart.clock import utcnow
from koerskaart.conference import services as conference
from koerskaart.config import TestingConfig
from koerskaart.content import load_deck_file
from koerskaart.engine import ActionRefused, RoundStatus, TableStatus, TeamAction, apply
from koerskaart.engine import actions as act
from koerskaart.extensions import db
from koerskaart.live import decks, feedback, service, store
from koerskaart.models import Pacing, Seat, Table
from koerskaart.qr import join_qr_svg
from koerskaart.reports import retention
from tests.helpers.apps import fresh_app
from tests.helpers.events import join, make_event, tables_of
from tests.helpers.proefdeck import STATEMENT, TEST_DECK


@pytest.fixture
def on_file(tmp_path: Path) -> Iterator[tuple[Flask, Engine]]:
    """An app on an SQLite file, and a second engine on the same file: another process's connection."""
    url = f"sqlite:///{tmp_path / 'cache.sqlite3'}"

    class OnFile(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(OnFile)
    deck, problems = load_deck_file(TEST_DECK)
    assert deck is not None, problems
    decks.install(app.extensions, {deck.slug: deck})
    elsewhere = create_engine(url)
    with app.app_context():
        db.create_all()
        try:
            yield app, elsewhere
        finally:
            db.session.remove()
            db.engine.dispose()
            elsewhere.dispose()


def seated_table(players: int = 6) -> tuple[str, list[str], list[str]]:
    """A table with a host and ``players - 1`` guests: its public id, seat ids and rejoin tokens."""
    table, host, token, _key = service.create_table("proefdeck", "Host")
    seats, tokens = [host], [token]
    for n in range(players - 1):
        _table, seat, seat_token, _delivery = service.join_table(table.join_code or "", f"P{n}")
        seats.append(seat)
        tokens.append(seat_token)
    return table.public_id, seats, tokens


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every SQL statement sent while inside, by its first words."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        sent.append(" ".join(statement.split()[:4]))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def version(public_id: str) -> int:
    return int(db.session.scalar(select(Table.version).where(Table.public_id == public_id)) or 0)


def answered(public_id: str) -> dict[str, object]:
    stored = store.load(public_id)
    assert stored is not None
    current = stored.state.current_round
    assert current is not None
    return dict(current.answers)


# -- the cache is used ---------------------------------------------------------------------


def test_an_answer_reads_one_row_where_it_read_four(app: Flask) -> None:
    table, seats, _tokens = seated_table()
    service.perform(table, act.Start(seats[0]))
    with statements() as warm:
        service.perform(table, act.Submit(seats[1], STATEMENT, 3))
    assert [s for s in warm if s.startswith("SELECT")] == [
        "SELECT tables.id, tables.public_id, tables.deck_slug,"
    ]
    assert len(warm) == 3  # the table's row; the answer; the version

    store.cache().clear()  # as a process that has not seen the table yet
    with statements() as cold:
        service.perform(table, act.Submit(seats[2], STATEMENT, 4))
    assert len([s for s in cold if s.startswith("SELECT")]) == 4  # table, rounds, seats, actions

    with statements() as again:  # the cold read's own commit filled the cache
        service.perform(table, act.Submit(seats[3], STATEMENT, 5))
    assert len(again) == 3
    assert answered(table) == {seats[1]: 3, seats[2]: 4, seats[3]: 5}


def test_a_connect_is_the_table_row_and_the_seat(app: Flask) -> None:
    table, seats, tokens = seated_table(3)
    with app.test_request_context("/"):
        first = service.connect(table, "seat", tokens[1], None)
        drawn = join_qr_svg.cache_info()
        with statements() as sent:
            again = service.connect(table, "seat", tokens[1], None)
        assert join_qr_svg.cache_info().misses == drawn.misses  # the QR code is drawn once per join link
        assert (again.seat_id, again.rooms) == (first.seat_id, first.rooms) == (seats[1], again.rooms)
        assert again.joined["you"] == first.joined["you"] and again.joined["join"] == first.joined["join"]
        assert [s.split()[0] for s in sent] == ["SELECT", "SELECT"]  # the table's row; the seat by its token
        with pytest.raises(service.NotAuthenticated):
            service.connect(table, "seat", "not-a-token", None)
        with pytest.raises(service.NotAuthenticated):
            service.connect(table, "screen", None, "not-the-key")


def test_what_a_load_hands_out_is_never_the_cached_state(app: Flask) -> None:
    table, seats, _tokens = seated_table(3)
    service.perform(table, act.Start(seats[0]))
    service.perform(table, act.Submit(seats[1], STATEMENT, 2))
    first = store.load(table)
    assert first is not None
    first.state.seats[seats[1]].nickname = "changed"
    first.state.rounds[STATEMENT].answers[seats[2]] = 5
    first.state.actions.append(TeamAction("x", 0, "who", "what", "due"))
    first.seat_pks.clear()
    second = store.load(table)
    assert second is not None and store.cache().hits >= 2
    assert second.state.seats[seats[1]].nickname == "P0"
    assert second.state.rounds[STATEMENT].answers == {seats[1]: 2}
    assert second.state.actions == [] and len(second.seat_pks) == 3


# -- a change made elsewhere is seen ---------------------------------------------------------


def test_a_change_another_process_commits_is_seen(on_file: tuple[Flask, Engine]) -> None:
    app, elsewhere = on_file
    table, seats, tokens = seated_table()
    service.perform(table, act.Start(seats[0]))
    service.perform(table, act.Submit(seats[1], STATEMENT, 3))
    db.session.rollback()
    assert table in store.cache()

    # Without a new version this process keeps its copy: every writer must raise it.
    with elsewhere.begin() as conn:
        conn.execute(text("UPDATE seats SET nickname = 'Elders' WHERE public_id = :s"), {"s": seats[2]})
    loaded = store.load(table)
    assert loaded is not None and loaded.state.seats[seats[2]].nickname == "P1"
    db.session.rollback()

    # Another process's answer and its version, as its store.save writes them.
    with elsewhere.begin() as conn:
        ids = conn.execute(
            text(
                "SELECT seats.id, rounds.id FROM seats JOIN rounds ON rounds.table_id = seats.table_id"
                " WHERE seats.public_id = :s AND rounds.card_index = 0"
            ),
            {"s": seats[4]},
        ).one()
        conn.execute(
            text("INSERT INTO pending_answers (round_id, seat_id, value) VALUES (:r, :s, '1')"),
            {"r": ids[1], "s": ids[0]},
        )
        conn.execute(text("UPDATE tables SET version = version + 1 WHERE public_id = :t"), {"t": table})
    assert answered(table) == {seats[1]: 3, seats[4]: 1}
    db.session.rollback()
    with app.test_request_context("/"):
        joined = service.connect(table, "seat", tokens[0], None).joined
    assert joined["table"]["round"]["answered"] == 2  # type: ignore[index]
    assert {s["nickname"] for s in joined["table"]["seats"]} >= {"Elders"}  # type: ignore[index]
    db.session.rollback()

    # This process's next answer builds on it, and the reveal counts all six.
    for seat, value in zip(seats[2:4] + seats[5:] + seats[:1], [4, 4, 5, 2], strict=True):
        service.perform(table, act.Submit(seat, STATEMENT, value))
    stored = store.load(table)
    assert stored is not None
    result = stored.state.rounds[STATEMENT].result
    assert result is not None and result.counts == (1, 1, 1, 2, 1)


# -- a rolled-back change leaves no trace ------------------------------------------------------


def test_a_rolled_back_change_is_never_taken_for_a_later_commit(on_file: tuple[Flask, Engine]) -> None:
    _app, elsewhere = on_file
    table, seats, _tokens = seated_table()
    service.perform(table, act.Start(seats[0]))
    service.perform(table, act.Submit(seats[1], STATEMENT, 3))
    before = version(table)
    db.session.rollback()

    # A change written, then rolled back (a refusal further on in the same transaction).
    stored = store.load(table, for_update=True)
    assert stored is not None
    outcome = apply(stored.state, act.Submit(seats[2], STATEMENT, 5), time.time(), random.Random(1))
    store.save(stored, outcome.state, outcome.events)
    assert stored.version == before + 1
    assert answered(table) == {seats[1]: 3, seats[2]: 5}  # this transaction sees its own write
    db.session.rollback()
    held = store.cache().get(table)
    assert held is not None and held.version == before

    # Another process then commits its own, different change under the same version number.
    with elsewhere.begin() as conn:
        conn.execute(text("UPDATE seats SET nickname = 'Elders' WHERE public_id = :s"), {"s": seats[3]})
        conn.execute(text("UPDATE tables SET version = version + 1 WHERE public_id = :t"), {"t": table})
    assert version(table) == before + 1
    loaded = store.load(table)
    assert loaded is not None
    assert loaded.state.rounds[STATEMENT].answers == {seats[1]: 3}
    assert loaded.state.seats[seats[3]].nickname == "Elders"


def test_a_refused_move_leaves_no_trace_of_the_seat_it_took_away(on_file: tuple[Flask, Engine]) -> None:
    app, elsewhere = on_file
    with app.test_request_context("/"):
        event_ = make_event(tables=2, pacing=Pacing.FREE)
        people = [join(event_, f"p{i}") for i in range(6)]
        first, second = (t.public_id for t in tables_of(event_))
        mover = next(p for p in people if p.table == first)
        stayer = next(p for p in people if p.table == first and p is not mover)
        service.perform(second, act.Start(store_host(second)))  # a round opens at the target
        before = version(first)
        with pytest.raises(conference.Refused):
            conference.move(event_, mover.seat, second)  # unseated at the first, then refused at the second
        assert version(first) == before
    # The first table's next version comes from elsewhere: the mover must still sit there.
    with elsewhere.begin() as conn:
        conn.execute(text("UPDATE seats SET nickname = 'Elders' WHERE public_id = :s"), {"s": stayer.seat})
        conn.execute(text("UPDATE tables SET version = version + 1 WHERE public_id = :t"), {"t": first})
    loaded = store.load(first)
    assert loaded is not None and mover.seat in loaded.state.seats
    assert loaded.state.seats[stayer.seat].nickname == "Elders"


def store_host(public_id: str) -> str:
    stored = store.load(public_id)
    assert stored is not None and stored.state.host_id is not None
    return stored.state.host_id


# -- bounded, and what else raises the version -------------------------------------------------


def test_the_cache_holds_at_most_its_size_and_forgets_ended_tables(app: Flask) -> None:
    store.cache().maxsize = 3
    tables = [seated_table(1)[0] for _ in range(5)]
    assert len(store.cache()) == 3
    assert [t in store.cache() for t in tables] == [False, False, True, True, True]
    assert store.load(tables[0]) is not None  # read again, and kept: the least recently used goes
    assert [t in store.cache() for t in tables] == [True, False, False, True, True]

    host = store_host(tables[4])
    service.perform(tables[4], act.End(host))
    assert tables[4] not in store.cache()
    assert store.load(tables[4]) is not None and tables[4] not in store.cache()


def test_an_orm_change_to_a_seat_raises_the_version_and_feedback_does_not(app: Flask) -> None:
    table, seats, _tokens = seated_table(3)
    service.perform(table, act.Start(seats[0]))
    before = version(table)
    seat = db.session.scalars(select(Seat).where(Seat.public_id == seats[1])).one()
    seat.perspective = "manager"
    db.session.commit()
    assert version(table) == before + 1
    loaded = store.load(table)
    assert loaded is not None and loaded.state.seats[seats[1]].perspective == "manager"

    for seat_id, value in zip(seats, [4, 4, 4], strict=True):
        service.perform(table, act.Submit(seat_id, STATEMENT, value))
    before = version(table)
    feedback.record(table, seats[1], STATEMENT, "strong", None)  # a seat's feedback_cards: not state
    assert version(table) == before


def test_retention_raises_the_version_of_what_it_purges(app: Flask) -> None:
    ended, seats, _tokens = seated_table(3)
    service.perform(ended, act.Start(seats[0]))
    service.perform(ended, act.End(seats[0]))
    abandoned, seats, _tokens = seated_table(3)
    service.perform(abandoned, act.Start(seats[0]))
    service.perform(abandoned, act.Submit(seats[1], STATEMENT, 2))
    before = {table: version(table) for table in (ended, abandoned)}
    retention.purge(0, now=utcnow() + timedelta(days=1))
    assert all(version(table) > before[table] for table in (ended, abandoned))
    loaded = store.load(abandoned)
    assert loaded is not None and loaded.state.status is TableStatus.ENDED
    assert all(not round_.answers for round_ in loaded.state.rounds.values())


# -- whatever is played, the cache holds what the rows hold -------------------------------------

STEPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["answer"] * 8
            + ["join", "leave", "remove", "start", "close", "skip", "next", "goto", "pause", "lock"]
            + ["add_action", "remove_action", "timer", "end"]
        ),
        st.integers(0, 7),
        st.integers(0, 5),
    ),
    max_size=30,
)


def _act(public_id: str, step: tuple[str, int, int]) -> None:
    kind, who, value = step
    stored = store.load(public_id)
    db.session.rollback()
    assert stored is not None
    state = stored.state
    seats = list(state.seats)
    seat = seats[who % len(seats)] if seats else "nobody"
    host = state.host_id or "nobody"
    card = state.card_index
    answers = {0: value % 5 + 1, 1: value % 3, 2: f"text {value}", 3: value % 5 + 1}
    actions: dict[str, act.Action] = {
        "answer": act.Submit(seat, card, answers.get(card, value)),
        "leave": act.Leave(seat),
        "remove": act.Remove(host, seat),
        "start": act.Start(host),
        "close": act.CloseRound(host),
        "skip": act.Skip(host),
        "next": act.Next(host),
        "goto": act.GoTo(host, value % 5),
        "pause": act.Pause(host, value % 2 == 0),
        "lock": act.Lock(host, value % 3 == 0),
        "add_action": act.AddAction(seat, f"who {value}", f"what {value}", "soon"),
        "remove_action": act.RemoveAction(host, state.actions[value % len(state.actions)].id)
        if state.actions
        else act.Skip(host),
        "timer": act.SetTimer(host, 60 if value % 2 else None),
        "end": act.End(host, value % 2 == 0),
    }
    try:
        if kind == "join":
            code = db.session.scalar(select(Table.join_code).where(Table.public_id == public_id))
            service.join_table(code or "-", f"J{value}", ["manager", "employee", None][value % 3])
        else:
            service.perform(public_id, actions[kind])
    except (ActionRefused, service.TableUnavailable):
        pass


def _round(card_value: int, *extra: tuple[str, int, int]) -> list[tuple[str, int, int]]:
    return [("answer", who, card_value) for who in range(4)] + list(extra) + [("next", 0, 0)]


# Every card kind revealed once (the sensitive card's bands are read back as text), a player
# leaving mid-round, and an ending that keeps the open text: the examples Hypothesis starts from.
PLAYED = [("start", 0, 0), *_round(2), *_round(1), *_round(3), *_round(4), ("add_action", 1, 2)]
PLAYED += [("answer", 0, 1), ("answer", 1, 2), ("leave", 1, 0), ("answer", 2, 1), ("join", 0, 1)]
PLAYED += [("skip", 0, 0), ("goto", 0, 2), ("remove_action", 0, 0), ("end", 0, 0)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(PLAYED)
@example([*PLAYED[:-1], ("end", 0, 1)])
@given(STEPS)
def test_a_cached_table_is_what_its_rows_say(steps: list[tuple[str, int, int]]) -> None:
    with fresh_app():
        table, _seats, _tokens = seated_table(4)
        for step in steps:
            _act(table, step)
            cached = store.load(table)
            db.session.rollback()
            store.cache().drop(table)
            fresh = store.load(table)
            db.session.rollback()
            assert cached is not None and fresh is not None
            assert repr(cached.state) == repr(fresh.state)  # types too: a Coarse band is read back as text
            assert list(cached.state.seats) == list(fresh.state.seats)
            assert (cached.seat_pks, cached.round_pks, cached.version) == (
                fresh.seat_pks,
                fresh.round_pks,
                fresh.version,
            )
            # The highest position so far may be a seat that left: new seats still sort last.
            assert cached.seat_position >= fresh.seat_position
            assert cached.action_position >= fresh.action_position
            open_round = fresh.state.current_round
            if open_round is not None and open_round.status is RoundStatus.OPEN:
                assert dict(open_round.answers) == dict(cached.state.rounds[fresh.state.card_index].answers)
