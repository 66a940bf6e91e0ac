"""Generated uptake history for benchmarks (`flask analytics seed`): never for a real database.

Writes what live/usage.py would have written over about two years of play, straight into the
fact tables in bulk: organisations with a tree of units (directorates → departments), played
tables (``usage_facts``) with the cards they revealed (``usage_cards``, real card ids of the
installed decks, along their routes), ended events (``event_facts``) and deck requests
(``deck_requests``, without contact addresses). Rows are released as the live code releases
them: per (organisation, unit, deck), in order of play, every k rows become one cohort dated by
the day the k-th arrived; a remainder under k stays pending. So every figure a view computes
from the seed is, as in production, a sum over whole cohorts.

The guard (``guard``): the caller must confirm the database is for benchmarks, and the
database must hold no game tables, no conferences and no uptake rows. Anything played for real
sits in ``tables``, so a database with even one row there is refused, confirmation or not; a
database seeded once is refused too (its cohorts would not continue).

Figures come from ``random.Random(seed)``: the same seed and size give the same history.
Public ids and token hashes come from ``secrets``, so seeding twice never collides.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import secrets
import time
from bisect import bisect
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table as SqlTable
from sqlalchemy import func, insert, select, text

from ..clock import utcnow
from ..content import Card, CardType, Deck
from ..extensions import db
from ..live import decks as live_decks
from ..live import usage
from ..models import (
    Conference,
    DeckRequest,
    EventFact,
    Organisation,
    OrgUnit,
    Table,
    UsageCard,
    UsageFact,
)

CHUNK = 5000  # rows per INSERT batch: bounded memory, few round trips
MAX_TABLES = 5_000_000
MAX_EVENTS = 100_000
MAX_ORGANISATIONS = 100
MAX_UNITS = 1000
DIRECTORATES = (
    "Beleid",
    "Uitvoering",
    "Bedrijfsvoering",
    "Toezicht",
    "Dienstverlening",
    "Informatievoorziening",
    "Communicatie",
    "Juridische Zaken",
)
DEPARTMENTS = (
    "Analyse",
    "Advies",
    "Planning",
    "Klantcontact",
    "Inspectie",
    "Financiën",
    "Personeel",
    "Inkoop",
    "Ontwikkeling",
    "Data",
    "Projecten",
    "Kwaliteit",
)


class SeedRefused(Exception):
    """The database is not one the seed may write into: the message says why."""


@dataclass(frozen=True)
class Plan:
    tables: int = 100_000
    events: int = 1000
    organisations: int = 3
    units: int = 40  # per organisation: directorates and their departments together
    seed: int = 1
    organisation: str | None = None  # seed this one organisation (made if missing) instead
    days: int = 730  # history up to yesterday
    today: date | None = None


@dataclass
class Seeded:
    organisations: list[int] = field(default_factory=list)
    units: int = 0
    facts: int = 0
    released_facts: int = 0
    cards: int = 0
    events: int = 0
    requests: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class _Way:
    """One way a table plays a deck: its stored route label and its playlist."""

    route: str | None
    cards: tuple[Card, ...]


@dataclass
class _Fact:
    day: date
    organisation_id: int
    unit_id: int | None
    deck: Deck
    way: _Way
    players: int
    at_event: bool = False
    from_request: bool = False


def guard(confirmed: bool) -> None:
    """Refuse unless confirmed, and refuse a database with any game table, conference or uptake row.

    Game tables and conferences mean real use. Uptake rows mean an earlier seed (or a backfill):
    a second seed would number cohorts anew beside the first one's pending rows, so it is refused
    too; seed a fresh database instead.
    """
    if not confirmed:
        raise SeedRefused(
            "the seed writes generated history for benchmarks only: "
            "pass --yes-this-is-a-benchmark-database on a database made for it"
        )
    found = {
        name: db.session.scalar(select(func.count()).select_from(model.__table__)) or 0
        for name, model in (
            ("game tables", Table),
            ("conferences", Conference),
            ("played-table facts", UsageFact),
            ("event facts", EventFact),
            ("deck requests", DeckRequest),
        )
    }
    if any(found.values()):
        held = ", ".join(f"{count} {name}" for name, count in found.items() if count)
        raise SeedRefused(
            f"this database holds {held}: seed an empty benchmark database; nothing was written"
        )


def seed(plan: Plan) -> Seeded:
    """Write the plan's history (the caller has called ``guard``); commits."""
    _check(plan)
    began = time.perf_counter()
    rng = random.Random(plan.seed)
    today = plan.today or utcnow().date()
    k = usage.cohort_size()
    installed = sorted(live_decks.installed().values(), key=lambda d: d.slug)
    if not installed:
        raise SeedRefused("no decks are installed")
    result = Seeded()
    organisations = _organisations(plan)
    result.organisations = [org.id for org in organisations]
    units = {org.id: _units(org, plan, rng) for org in organisations}
    result.units = sum(len(found) for found in units.values())
    db.session.flush()
    world = _World(rng, today, plan.days, organisations, units, installed)

    requests, requested_facts = world.requests(plan.tables // 12)
    events, event_facts = world.events(plan.events, budget=plan.tables // 5)
    # Requests played (under a twelfth) and events' tables (a fifth at most) leave the rest to others.
    facts = requested_facts + event_facts
    facts += [world.table() for _ in range(plan.tables - len(facts))]

    result.requests = _insert_requests(requests, k)
    result.events = _insert_events(events, k)
    result.facts, result.released_facts, result.cards = _insert_facts(facts, k, rng)
    _advance_sequences()
    db.session.commit()
    result.seconds = time.perf_counter() - began
    return result


def _check(plan: Plan) -> None:
    bounds = (
        (plan.tables, 0, MAX_TABLES, "tables"),
        (plan.events, 0, MAX_EVENTS, "events"),
        (plan.organisations, 1, MAX_ORGANISATIONS, "organisations"),
        (plan.units, 0, MAX_UNITS, "units"),
        (plan.days, 1, 3660, "days"),
    )
    for value, low, high, name in bounds:
        if not low <= value <= high:
            raise SeedRefused(f"{name}: between {low} and {high}")


def _organisations(plan: Plan) -> list[Organisation]:
    names = (
        [plan.organisation]
        if plan.organisation
        else [f"Benchmark {n}" for n in range(1, plan.organisations + 1)]
    )
    found: list[Organisation] = []
    for name in names:
        org = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if org is None:
            org = Organisation(name=name)
            db.session.add(org)
        found.append(org)
    db.session.flush()
    return found


def _units(org: Organisation, plan: Plan, rng: random.Random) -> list[OrgUnit]:
    """The organisation's units as they are, or a new tree of directorates and their departments."""
    existing = list(
        db.session.scalars(
            select(OrgUnit).where(OrgUnit.organisation_id == org.id, OrgUnit.archived.is_(False))
        )
    )
    if existing or plan.units == 0:
        return existing
    directorates = max(1, min(len(DIRECTORATES) * 4, round(plan.units / 8)))
    made: list[OrgUnit] = []
    for n in range(directorates):
        name = f"Directie {DIRECTORATES[n % len(DIRECTORATES)]}" + (
            f" {n // len(DIRECTORATES) + 1}" if n >= len(DIRECTORATES) else ""
        )
        made.append(
            OrgUnit(public_id=secrets.token_urlsafe(12), organisation_id=org.id, name=name, position=n)
        )
    db.session.add_all(made)
    db.session.flush()
    parents = list(made)
    for n in range(plan.units - directorates):
        parent = parents[n % len(parents)]
        department = DEPARTMENTS[(n // len(parents)) % len(DEPARTMENTS)]
        made.append(
            OrgUnit(
                public_id=secrets.token_urlsafe(12),
                organisation_id=org.id,
                parent_id=parent.id,
                name=f"{department} {n // (len(parents) * len(DEPARTMENTS)) + 1}"
                if n >= len(parents) * len(DEPARTMENTS)
                else department,
                position=n,
            )
        )
    db.session.add_all(made[directorates:])
    db.session.flush()
    rng.shuffle(made)  # which units play most is chance, not creation order
    return made


class _World:
    """The weighted choices a generated table, event or request draws from."""

    def __init__(
        self,
        rng: random.Random,
        today: date,
        days: int,
        organisations: Sequence[Organisation],
        units: dict[int, list[OrgUnit]],
        installed: Sequence[Deck],
    ) -> None:
        self.rng = rng
        self.today = today
        self.first = today - timedelta(days=days)
        self.days = [self.first + timedelta(days=n) for n in range(days)]
        # Uptake grows over the period; weekends see few tables.
        weights = [
            (0.3 + 0.7 * n / days) * (0.1 if d.weekday() >= 5 else 1.0) for n, d in enumerate(self.days)
        ]
        self.day_weights = list(itertools.accumulate(weights))
        self.organisations = [org.id for org in organisations]
        self.org_weights = list(itertools.accumulate(1 / (n + 1) for n in range(len(organisations))))
        self.units = {org_id: [u.id for u in found] for org_id, found in units.items()}
        self.directorates = {
            org_id: [u.id for u in found if u.parent_id is None] for org_id, found in units.items()
        }
        # A few units play a lot, most a little (weights fall off like 1/rank).
        self.unit_weights = {
            org_id: list(itertools.accumulate(1 / (n + 1) ** 0.8 for n in range(len(ids))))
            for org_id, ids in self.units.items()
        }
        self.decks = list(installed)
        self.deck_weights = list(itertools.accumulate(1 / (n + 1) for n in range(len(self.decks))))
        self.ways = {deck.slug: _ways(deck) for deck in self.decks}

    def _pick(self, items: Sequence[Any], cumulative: Sequence[float]) -> Any:
        return items[bisect(cumulative, self.rng.random() * cumulative[-1])]

    def day(self) -> date:
        return self._pick(self.days, self.day_weights)  # type: ignore[no-any-return]

    def organisation(self) -> int:
        return self._pick(self.organisations, self.org_weights)  # type: ignore[no-any-return]

    def unit(self, org_id: int) -> int | None:
        ids = self.units[org_id]
        if not ids or self.rng.random() < 0.04:  # a table started without a unit
            return None
        return self._pick(ids, self.unit_weights[org_id])  # type: ignore[no-any-return]

    def deck(self) -> Deck:
        return self._pick(self.decks, self.deck_weights)  # type: ignore[no-any-return]

    def way(self, deck: Deck) -> _Way:
        """The whole deck about half the time, else a route (with phases to choose: a choice of them)."""
        routes = self.ways[deck.slug]
        if len(routes) == 1 or self.rng.random() < 0.55:
            return routes[0][0]
        return self.rng.choice(self.rng.choice(routes[1:]))

    def players(self) -> int:
        return max(3, min(12, round(self.rng.triangular(3, 12, 5))))

    def table(self) -> _Fact:
        org = self.organisation()
        deck = self.deck()
        return _Fact(self.day(), org, self.unit(org), deck, self.way(deck), self.players())

    def requests(self, count: int) -> tuple[list[dict[str, Any]], list[_Fact]]:
        """Requests with their creation day; about seven in ten were played on the expected day."""
        rows: list[dict[str, Any]] = []
        played: list[_Fact] = []
        for _ in range(count):
            org = self.organisation()
            unit = self.unit(org)
            deck = self.deck()
            way = self.way(deck)
            expected = self.day() + timedelta(days=self.rng.randint(0, 40))
            created = max(self.first, expected - timedelta(days=self.rng.randint(2, 45)))
            created = min(created, self.today - timedelta(days=1))
            size = self.players()
            rows.append(
                {
                    "organisation_id": org,
                    "unit_id": unit,
                    "deck_slug": deck.slug,
                    "route": way.route,
                    "expected_on": expected,
                    "expected_size": size,
                    "created_at": datetime.combine(created, datetime.min.time(), UTC)
                    + timedelta(minutes=self.rng.randint(7 * 60, 18 * 60)),
                }
            )
            if expected < self.today and self.rng.random() < 0.7:
                size = max(3, min(12, size + self.rng.randint(-2, 1)))
                played.append(_Fact(expected, org, unit, deck, way, size, from_request=True))
        return rows, played

    def events(self, count: int, budget: int) -> tuple[list[dict[str, Any]], list[_Fact]]:
        """Events (a directorate's or the organisation's) and their tables, within ``budget`` tables."""
        rows: list[dict[str, Any]] = []
        played: list[_Fact] = []
        mean = budget / count if count else 0
        left = budget
        for n in range(count):
            if left < 1:
                break  # fewer tables than events asked for: the rest are not held
            reserve = min(count - n - 1, left - 1)  # one table at least for each event still to come
            size = max(1, min(left - reserve, round(self.rng.gauss(mean, mean / 3 + 0.5))))
            left -= size
            org = self.organisation()
            directorates = self.directorates[org]
            unit = self.rng.choice(directorates) if directorates and self.rng.random() < 0.6 else None
            deck = self.deck()
            way = self.way(deck)
            day = self.day()
            for _ in range(20):  # events are held on weekdays
                if day.weekday() < 5:
                    break
                day = self.day()
            rows.append(
                {"organisation_id": org, "unit_id": unit, "deck_slug": deck.slug, "tables": size, "day": day}
            )
            played += [
                _Fact(
                    day, org, unit, deck, way, max(3, min(8, round(self.rng.gauss(5.5, 1.2)))), at_event=True
                )
                for _ in range(size)
            ]
        return rows, played


def _ways(deck: Deck) -> list[list[_Way]]:
    """Per route (the whole deck first) the ways to play it: one, or one per choice of phases."""
    found = [[_Way(None, tuple(deck.route_cards("")))]]
    for route in deck.routes:
        if route.choose is None:
            found.append([_Way(route.id, tuple(deck.route_cards(route.id)))])
        else:
            choices = itertools.combinations(route.choose.phases, route.choose.count)
            found.append([_Way(route.id, tuple(deck.route_cards(route.id, chosen))) for chosen in choices])
    return found


def _cohorts(rows: Sequence[dict[str, Any]], key_of: Any, day_of: Any, k: int) -> None:
    """Release ``rows`` as live/usage.py's ``release`` would have, in place (cohort, cohort_on).

    Rows must be in arrival order. Per key, every k-th arrival releases the k waiting rows with the
    next cohort number, dated that arrival's day; fewer than k left over stay pending.
    """
    waiting: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    numbers: dict[Any, int] = defaultdict(int)
    for row in rows:
        key = key_of(row)
        waiting[key].append(row)
        row["cohort"] = None
        row["cohort_on"] = None
        if len(waiting[key]) == k:
            numbers[key] += 1
            day = day_of(row)
            for member in waiting[key]:
                member["cohort"] = numbers[key]
                member["cohort_on"] = day
            waiting[key] = []


def _key(row: dict[str, Any]) -> tuple[int, int | None, str]:
    return (row["organisation_id"], row["unit_id"], row["deck_slug"])


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _insert(table: SqlTable, rows: Sequence[dict[str, Any]]) -> None:
    """Rows of one shape in bulk: COPY on PostgreSQL (in the session's transaction), else executemany."""
    if not rows:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        names = list(rows[0])
        columns = ", ".join(f'"{name}"' for name in names)
        driver = db.session.connection().connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[name] for name in names])
        return
    for chunk in _chunks(rows):
        db.session.execute(insert(table), list(chunk))


def _insert_requests(requests: list[dict[str, Any]], k: int) -> int:
    requests.sort(key=lambda r: r["created_at"])
    _cohorts(requests, _key, lambda r: r["created_at"].date(), k)
    for row in requests:
        token = secrets.token_urlsafe(32)  # a ready link nobody holds: only its hash is kept
        row["public_id"] = secrets.token_urlsafe(12)
        row["token_hash"] = hashlib.sha256(token.encode()).hexdigest()
        row["contact_email"] = None
    _insert(DeckRequest.__table__, requests)
    return len(requests)


def _insert_events(events: list[dict[str, Any]], k: int) -> int:
    events.sort(key=lambda r: r["day"])
    _cohorts(events, _key, lambda r: r["day"], k)
    for row in events:
        del row["day"]
    _insert(EventFact.__table__, events)
    return len(events)


def _insert_facts(facts: list[_Fact], k: int, rng: random.Random) -> tuple[int, int, int]:
    """Facts in order of play with ids of our own (their cards refer to them); (facts, released, cards)."""
    facts.sort(key=lambda f: f.day)
    first_id = (db.session.scalar(select(func.max(UsageFact.id))) or 0) + 1
    rows: list[dict[str, Any]] = []
    revealed: list[list[str]] = []
    for n, fact in enumerate(facts):
        cards, reached_action = _played(fact.way.cards, rng)
        revealed.append(cards)
        rows.append(
            {
                "id": first_id + n,
                "organisation_id": fact.organisation_id,
                "unit_id": fact.unit_id,
                "deck_slug": fact.deck.slug,
                "deck_version": fact.deck.version,
                "route": fact.way.route,
                "at_event": fact.at_event,
                "from_request": fact.from_request,
                "players": fact.players,
                "cards_revealed": len(cards),
                "reached_action": reached_action,
                "actions_agreed": rng.choice((0, 1, 1, 2, 2, 2, 3, 3, 4, 5)) if reached_action else 0,
                "day": fact.day,
            }
        )
    _cohorts(rows, _key, lambda r: r["day"], k)
    for row in rows:
        del row["day"]
    _insert(UsageFact.__table__, rows)
    card_rows: list[dict[str, Any]] = []
    written = 0
    for row, cards in zip(rows, revealed, strict=True):
        card_rows += [
            {
                "fact_id": row["id"],
                "organisation_id": row["organisation_id"],
                "unit_id": row["unit_id"],
                "deck_slug": row["deck_slug"],
                "card_id": card_id,
                "cohort_on": row["cohort_on"],
            }
            for card_id in cards
        ]
        if len(card_rows) >= CHUNK:
            _insert(UsageCard.__table__, card_rows)
            written += len(card_rows)
            card_rows = []
    _insert(UsageCard.__table__, card_rows)
    written += len(card_rows)
    released = sum(1 for row in rows if row["cohort"] is not None)
    return len(rows), released, written


def _played(playlist: Sequence[Card], rng: random.Random) -> tuple[list[str], bool]:
    """How far a table got along its playlist: the answerable cards it revealed, and whether it
    reached the action cards (as live/usage.py's ``record_table`` counts them)."""
    last = len(playlist) - 1
    furthest = last if rng.random() < 0.75 else rng.randint(min(1, last), last)  # most play to the end
    reached = playlist[: furthest + 1]
    answered = [c.id for c in reached if c.type is not CardType.ACTION and rng.random() > 0.06]
    if not answered:
        answered = [next((c.id for c in playlist if c.type is not CardType.ACTION), playlist[0].id)]
    return sorted(set(answered)), any(c.type is CardType.ACTION for c in reached)


def _advance_sequences() -> None:
    """PostgreSQL: the facts were given ids of our own, so their sequence moves past them."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    db.session.execute(
        text(
            "SELECT setval(pg_get_serial_sequence('usage_facts', 'id'), "
            "(SELECT COALESCE(MAX(id), 1) FROM usage_facts))"
        )
    )
