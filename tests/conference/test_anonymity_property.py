"""PRODUCT.md rule 9 over many generated events, through the real services and database.

Hypothesis generates events of 3 to 6 tables of 2 to 8 people with random perspectives,
synchronised or free pacing, late arrivals, moves between tables while no round is open,
tables too small to reveal, a harvest card, and every kind of card (open and sensitive
included). It plays them through ``koerskaart.conference.services`` and ``service.perform``
on in-memory SQLite, collects every message those calls would send, and checks what is
stored and what would be emitted on ``/conference``:

- no plenary release rests on fewer than 3 tables;
- any two releases of a card differ by 0 or at least k people in total and, among the
  releases that show the manager/employee split, in each group and in the undeclared rest;
  a split is shown only where each group meets the card's threshold and the rest is 0 or >= k;
- a harvest card releases once, as a harvest;
- the dashboard's messages carry progress only: no answer, result, text or perspective, and
  no open answer reaches ``/conference`` except in a release's sample of 3+ tables;
- the cross-table tally holds per-perspective counts summed over the event's tables, and has
  no column that could hold one table's figures.
"""

from __future__ import annotations

import json
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import event as note
from hypothesis import strategies as st
from sqlalchemy import select

from koerskaart.conference import services
from koerskaart.engine import ActionRefused, RoundStatus, TableStatus
from koerskaart.engine import actions as act
from koerskaart.extensions import db
from koerskaart.live import service
from koerskaart.live.delivery import Delivery, Emit
from koerskaart.live.rooms import CONFERENCE_NAMESPACE
from koerskaart.models import Pacing, PlenaryRelease, PlenaryTally
from tests.helpers.apps import fresh_app
from tests.helpers.events import make_event, tables_of
from tests.helpers.proefdeck import CHOICE, OPEN, SENSITIVE, STATEMENT

K, K_TEXT = 3, 4  # TestingConfig's defaults
MIN_TABLES = 3
THRESHOLD = {STATEMENT: K, CHOICE: K, OPEN: K_TEXT, SENSITIVE: K + 1}
CARDS = (STATEMENT, CHOICE, OPEN, SENSITIVE)  # deck order: free tables play them one after another
MANAGER, EMPLOYEE = "manager", "employee"
PERSPECTIVE = st.sampled_from([None, None, MANAGER, EMPLOYEE, EMPLOYEE])

# The documented dashboard row (docs/socket-protocol.md): progress, never content.
ROW_KEYS = {
    "id",
    "label",
    "status",
    "phase",
    "card_index",
    "round",
    "answered",
    "players",
    "paused",
    "hold_at",
    "seating_closed",
    "below_k",
    "activity_at",
}
CONTENT_KEYS = {"result", "results", "counts", "groups", "texts", "value", "values", "answers", "perspective"}
CONFERENCE_EVENTS = {
    "dashboard_table",
    "dashboard_count",
    "dashboard_tables",
    "event_updated",
    "plenary_released",
    "plenary_updated",
}


# --- what Hypothesis generates --------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    card: int
    arrivals: tuple[str | None, ...]  # perspectives of people who join before the card opens
    moves: int  # moves tried after the card's rounds closed
    shares: tuple[float, ...]  # per table: the share of its players who answer
    close: bool  # free pacing: the host closes when allowed (else skips)


@dataclass(frozen=True)
class Plan:
    pacing: Pacing
    tables: tuple[tuple[str | None, ...], ...]  # per named table, its first players' perspectives
    harvest: int | None
    steps: tuple[Step, ...]
    end: bool
    keep_open_text: bool


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    tables = draw(st.lists(st.lists(PERSPECTIVE, min_size=2, max_size=8).map(tuple), min_size=3, max_size=6))
    share = st.sampled_from([0.0, 0.5, 0.8, 1.0, 1.0])
    steps = tuple(
        Step(
            card=card,
            arrivals=tuple(draw(st.lists(PERSPECTIVE, max_size=3))),
            moves=draw(st.integers(0, 2)),
            shares=tuple(draw(share) for _ in range(len(tables) + 2)),  # room for tables opened late
            close=draw(st.booleans()),
        )
        for card in CARDS
    )
    return Plan(
        pacing=draw(st.sampled_from([Pacing.SYNCHRONISED, Pacing.FREE])),
        tables=tuple(tables),
        harvest=draw(st.sampled_from([None, None, STATEMENT, CHOICE, OPEN, SENSITIVE])),
        steps=steps,
        end=draw(st.booleans()),
        keep_open_text=draw(st.booleans()),
    )


# --- playing an event, recording the truth --------------------------------------------------------


@dataclass
class Record:
    """What was sent, and who answered what where (the truth the checks compare with)."""

    emits: list[Emit] = field(default_factory=list)
    # (table public id, card) -> [(perspective, value)] of the answers given there
    given: dict[tuple[str, int], list[tuple[str | None, Any]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    markers: set[str] = field(default_factory=set)
    harvest_refusals: list[str] = field(default_factory=list)

    def took(self, delivery: Delivery) -> None:
        self.emits.extend(delivery.emits)


def _value(card: int, rng: random.Random, record: Record) -> Any:
    if card == OPEN:
        marker = f"txt-{secrets.token_hex(6)}"
        record.markers.add(marker)
        return marker
    if card == CHOICE:
        return rng.randrange(3)
    return rng.randint(1, 5)


def _answer_round(event: Any, step: Step, rng: random.Random, record: Record) -> None:
    """Every table's players answer (a share of them), interleaved across tables at random."""
    submissions: list[tuple[str, str, str | None]] = []
    for number, table in enumerate(tables_of(event)):
        state = service.current_state(table)
        if state.status is not TableStatus.PLAYING or state.card_index != step.card:
            continue
        seats = list(state.seats.values())
        chosen = rng.sample(seats, round(len(seats) * step.shares[number % len(step.shares)]))
        submissions += [(table.public_id, seat.id, seat.perspective) for seat in chosen]
    rng.shuffle(submissions)
    for table_id, seat_id, perspective in submissions:
        value = _value(step.card, rng, record)
        try:
            record.took(service.perform(table_id, act.Submit(seat_id, step.card, value)))
        except ActionRefused:
            continue  # e.g. a free table held at a harvest card
        record.given[(table_id, step.card)].append((perspective, value))


def _free_tables_open(event: Any, step: Step, record: Record) -> None:
    for table in tables_of(event):
        state = service.current_state(table)
        host = state.host_id
        if host is None or state.status is TableStatus.ENDED:
            continue
        action: act.Action = act.Start(host) if state.status is TableStatus.LOBBY else act.Next(host)
        try:
            record.took(service.perform(table.public_id, action))
        except ActionRefused:
            continue  # held at a harvest card, or the table's round still open


def _free_tables_close(event: Any, step: Step, record: Record) -> None:
    for table in tables_of(event):
        state = service.current_state(table)
        current = state.current_round
        host = state.host_id
        if host is None or current is None or current.status is not RoundStatus.OPEN:
            continue
        if step.close:
            try:
                record.took(service.perform(table.public_id, act.CloseRound(host)))
                continue
            except ActionRefused:
                pass  # below the threshold: skip instead
        try:
            record.took(service.perform(table.public_id, act.Skip(host)))
        except ActionRefused:
            continue  # held: stays on the harvest card; its open round is skipped by Show or End only


def _moves(event: Any, step: Step, rng: random.Random, record: Record) -> None:
    for _ in range(step.moves):
        live = [t for t in tables_of(event) if service.current_state(t).status is not TableStatus.ENDED]
        occupied = [t for t in live if service.current_state(t).seats]
        if not occupied or len(live) < 2:
            return
        source = rng.choice(occupied)
        target = rng.choice([t for t in live if t.id != source.id])
        seat = rng.choice(list(service.current_state(source).seats))
        try:
            record.took(services.move(event, seat, target.public_id))
        except services.Refused as exc:
            assert exc.code in ("round_open", "table_full"), exc.code


def _release_harvest(event: Any, card: int, record: Record) -> None:
    for _ in range(2):  # the second call must never release again
        try:
            record.took(services.release_harvest(event, card))
        except services.Refused as exc:
            record.harvest_refusals.append(exc.code)


def play(plan: Plan, rng: random.Random) -> tuple[Any, Record]:
    record = Record()
    event = make_event(tables=len(plan.tables), pacing=plan.pacing, target=8)
    if plan.harvest is not None:
        record.took(services.set_harvests(event, [plan.harvest]))
    for table, perspectives in zip(tables_of(event), plan.tables, strict=True):
        for number, perspective in enumerate(perspectives):
            seated = services.join(event, f"n{number}", perspective, table.public_id)
            record.took(seated.delivery)
    for step in plan.steps:
        for perspective in step.arrivals:  # late arrivals: the seating rules choose
            record.took(services.join(event, None, perspective).delivery)
        if plan.pacing is Pacing.SYNCHRONISED:
            record.took(services.show_card(event, step.card))
            _answer_round(event, step, rng, record)
            record.took(services.close_rounds(event))
            if step.card == plan.harvest:
                _release_harvest(event, step.card, record)
        else:
            _free_tables_open(event, step, record)
            _answer_round(event, step, rng, record)
            _free_tables_close(event, step, record)
        _moves(event, step, rng, record)
    if plan.pacing is Pacing.FREE and plan.harvest is not None:
        _release_harvest(event, plan.harvest, record)
    if plan.end:
        record.took(services.end(event, plan.keep_open_text))
    return event, record


# --- the checks ------------------------------------------------------------------------------------


def revealed_answers(event: Any, record: Record, card: int) -> list[list[tuple[str | None, Any]]]:
    """Per table whose round of ``card`` revealed: the answers given there."""
    out = []
    for table in tables_of(event):
        round_ = service.current_state(table).rounds.get(card)
        if round_ is not None and round_.status is RoundStatus.REVEALED:
            answers = record.given[(table.public_id, card)]
            assert len(answers) >= THRESHOLD[card], (card, answers)
            out.append(answers)
    return out


def far(a: int, b: int) -> bool:
    return a == b or abs(a - b) >= K


def check_releases(event: Any, record: Record, plan: Plan) -> None:
    for card in CARDS:
        rows = list(
            db.session.scalars(
                select(PlenaryRelease)
                .where(PlenaryRelease.conference_id == event.id, PlenaryRelease.card_index == card)
                .order_by(PlenaryRelease.id)
            )
        )
        tables = revealed_answers(event, record, card)
        true_n = sum(len(answers) for answers in tables)
        note(f"card {card}: {len(rows)} releases")
        if card == plan.harvest:
            assert len(rows) <= 1 and all(row.harvest for row in rows), "a harvest released more than once"
            if rows:
                assert "already_released" in record.harvest_refusals
        else:
            assert not any(row.harvest for row in rows)
        if len(tables) >= MIN_TABLES and true_n >= THRESHOLD[card] and card != plan.harvest:
            assert rows, f"card {card}: {len(tables)} tables revealed and the room saw nothing"
        for row in rows:
            shown = row.release
            assert shown["tables"] >= MIN_TABLES, shown
            assert THRESHOLD[card] <= shown["n"] <= true_n, (shown, true_n)
            assert shown["tables"] <= len(tables)
            if card == OPEN:
                assert shown["counts"] == [] and shown["groups"] is None
                assert row.spread is None
            elif card == SENSITIVE:
                assert all(isinstance(count, str) for count in shown["counts"]), shown
            else:
                assert sum(shown["counts"]) == shown["n"]
            if row.texts is not None:
                assert card == OPEN and set(row.texts) <= record.markers
            sizes = shown["group_sizes"]
            assert row.with_groups == (shown["groups"] is not None) == (sizes is not None)
            if sizes is not None:
                note("a release with groups")
                assert card != OPEN
                assert sizes[MANAGER] >= THRESHOLD[card] and sizes[EMPLOYEE] >= THRESHOLD[card], sizes
                assert sizes["undeclared"] == 0 or sizes["undeclared"] >= K, sizes
                assert sum(sizes.values()) == shown["n"]
        for i, first in enumerate(rows):
            for second in rows[i + 1 :]:
                assert far(first.release["n"], second.release["n"]), (first.release, second.release)
                if first.with_groups and second.with_groups:
                    before, after = first.release["group_sizes"], second.release["group_sizes"]
                    for cell in (MANAGER, EMPLOYEE, "undeclared"):
                        assert far(before[cell], after[cell]), (cell, before, after)
        if len(rows) >= 2:
            note("a card released more than once")


def check_tally(event: Any, record: Record) -> None:
    # One row per event and card: nothing in it could hold a table's own figures.
    assert set(PlenaryTally.__table__.columns.keys()) == {"id", "conference_id", "card_index", "groups"}
    for card in (STATEMENT, CHOICE, SENSITIVE):
        rows = list(
            db.session.scalars(
                select(PlenaryTally).where(
                    PlenaryTally.conference_id == event.id, PlenaryTally.card_index == card
                )
            )
        )
        assert len(rows) <= 1
        stored = rows[0].groups if rows else {}
        options = range(3) if card == CHOICE else range(1, 6)
        for group in (MANAGER, EMPLOYEE):
            values = [
                v for answers in revealed_answers(event, record, card) for p, v in answers if p == group
            ]
            expected = [values.count(option) for option in options]
            assert stored.get(group, [0] * len(options)) == expected, (card, group, stored)


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _check_row(row: dict[str, Any]) -> None:
    assert set(row) == ROW_KEYS, set(row) ^ ROW_KEYS
    assert all(set(player) == {"id", "nickname"} for player in row["players"]), row["players"]


def check_emits(record: Record) -> None:
    for emit in record.emits:
        if emit.namespace != CONFERENCE_NAMESPACE:
            continue
        assert emit.event in CONFERENCE_EVENTS, emit.event
        payload: dict[str, Any] = dict(emit.payload)
        if emit.event in ("plenary_released", "plenary_updated"):
            result = payload.get("result")
            assert result is None or result["tables"] >= MIN_TABLES, payload
            texts = payload.pop("texts", None)
            if texts is not None:
                assert result is not None and result["tables"] >= MIN_TABLES
                assert set(texts) <= record.markers
        text = json.dumps(payload)
        leaked = [marker for marker in record.markers if marker in text]
        assert not leaked, (emit.event, leaked)
        if emit.event.startswith("dashboard_"):
            assert not _keys(payload) & CONTENT_KEYS, (emit.event, _keys(payload) & CONTENT_KEYS)
            assert MANAGER not in text and EMPLOYEE not in text, emit
            if emit.event == "dashboard_count":
                assert set(payload) == {"id", "answered"}
            elif emit.event == "dashboard_table":
                _check_row(payload)
            else:
                assert set(payload) == {"tables", "merge", "server_time"}
                for row in payload["tables"]:
                    _check_row(row)
        elif emit.event == "event_updated":
            assert not _keys(payload) & CONTENT_KEYS
            assert MANAGER not in text and EMPLOYEE not in text


# --- the property --------------------------------------------------------------------------------


@settings(
    max_examples=25,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(plan=plans(), rng=st.randoms(use_true_random=False))
def test_the_room_never_sees_one_table_or_one_person(plan: Plan, rng: random.Random) -> None:
    with fresh_app() as app, app.test_request_context("/"):
        event, record = play(plan, rng)
        db.session.rollback()  # read what the services committed
        check_releases(event, record, plan)
        check_tally(event, record)
        check_emits(record)
