"""The fixed set of uptake views: one registry read by the dashboard, its CSV and the JSON API.

A view is a name, its columns (each with a ``cells.Kind``) and a function from a scope and
filters to rows. ``run`` is the only way to a view's figures: it applies the filters to the
released facts only (``cohort IS NOT NULL``) and suppresses small cells, so the page, the CSV
and the API cannot disagree about what is shown. Views read ``usage_facts``, ``usage_cards``,
``event_facts``, ``deck_requests`` and ``org_units``, never a table's rows (a test lists the
SQL they run).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, func, select

from ..engine import MIN_K
from ..extensions import db
from ..models import UsageFact
from . import cells
from .cells import Cell, Kind
from .filters import FilterError, Filters, Period
from .scope import Scope

Row = dict[str, Cell]


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # a lazy string
    kind: Kind
    base: str | None = None  # for a derived figure: the count it is computed over


@dataclass(frozen=True)
class View:
    name: str  # the URL's and the API's name
    title: Any
    description: Any
    columns: tuple[Column, ...]
    compute: Callable[[Scope, Filters], list[Row]]
    # The chart beside the numbers: which column labels a bar and which column it measures.
    chart: tuple[str, str] | None = None
    platform: bool = False  # also offered across organisations (then never by unit)


@dataclass(frozen=True)
class Result:
    view: View
    filters: Filters
    k: int
    rows: list[Row] = field(default_factory=list)


VIEWS: dict[str, View] = {}


def register(view: View) -> View:
    VIEWS[view.name] = view
    return view


def k_value() -> int:
    return max(MIN_K, int(current_app.config["KOERSKAART_K"]))


def run(name: str, scope: Scope, filters: Filters) -> Result:
    """A view's released, suppressed rows; KeyError for an unknown view, FilterError for a bad filter."""
    view = VIEWS[name]
    if scope.platform and not view.platform:
        raise KeyError(name)
    if filters.unit is not None and (scope.platform or scope.unit_by_public_id(filters.unit) is None):
        raise FilterError("unknown unit")
    k = k_value()
    kinds = {c.key: c.kind for c in view.columns}
    bases = {c.key: c.base for c in view.columns if c.base is not None}
    return Result(view, filters, k, cells.suppress(view.compute(scope, filters), kinds, bases, k))


# -- what every view shares -------------------------------------------------------------------


def released(model: Any, scope: Scope, filters: Filters) -> list[ColumnElement[bool]]:
    """The conditions for a fact table: this scope, released, in range, the deck and unit asked for."""
    table = model.__table__
    where: list[ColumnElement[bool]] = [
        table.c.cohort_on.is_not(None),
        table.c.cohort_on >= filters.start,
        table.c.cohort_on <= filters.end,
    ]
    if scope.organisation_id is not None:
        where.append(table.c.organisation_id == scope.organisation_id)
    if filters.deck is not None:
        where.append(table.c.deck_slug == filters.deck)
    if filters.unit is not None:
        unit = scope.unit_by_public_id(filters.unit)
        assert unit is not None  # run() checked
        where.append(table.c.unit_id.in_(sorted(scope.within(unit.id))))
    return where


def facts(*columns: Any, scope: Scope, filters: Filters) -> Select[Any]:
    return select(*columns).where(*released(UsageFact, scope, filters))


def period_start(day: date, period: Period) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def period_label(start: date, period: Period) -> str:
    if period == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{start.year}-{start.month:02d}"
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def periods(filters: Filters) -> list[date]:
    """The start of every period the range touches, in order (empty periods are rows too)."""
    found: list[date] = []
    day = period_start(filters.start, filters.period)
    while day <= filters.end:
        found.append(day)
        if filters.period == "week":
            day += timedelta(days=7)
        else:
            months = 1 if filters.period == "month" else 3
            month = day.month - 1 + months
            day = date(day.year + month // 12, month % 12 + 1, 1)
    return found


def per_period(rows: Sequence[Any], filters: Filters, keys: Sequence[str]) -> dict[date, dict[str, int]]:
    """Sum rows of (day, *counts) into the filters' periods."""
    sums = {start: dict.fromkeys(keys, 0) for start in periods(filters)}
    for day, *values in rows:
        bucket = sums.setdefault(period_start(day, filters.period), dict.fromkeys(keys, 0))
        for key, value in zip(keys, values, strict=True):
            bucket[key] += int(value or 0)
    return sums


# -- the views ------------------------------------------------------------------------------


def _over_time(scope: Scope, filters: Filters) -> list[Row]:
    from ..models import EventFact

    fact = UsageFact.__table__
    tables = db.session.execute(
        facts(
            fact.c.cohort_on, func.count(), func.sum(fact.c.players), scope=scope, filters=filters
        ).group_by(fact.c.cohort_on)
    ).all()
    event = EventFact.__table__
    events = db.session.execute(
        select(event.c.cohort_on, func.count())
        .where(*released(EventFact, scope, filters))
        .group_by(event.c.cohort_on)
    ).all()
    sums = per_period(tables, filters, ("tables", "players"))
    for start, counts in per_period(events, filters, ("events",)).items():
        sums.setdefault(start, {"tables": 0, "players": 0}).update(counts)
    return [
        {
            "period": period_label(start, filters.period),
            "tables": counts.get("tables", 0),
            "players": counts.get("players", 0),
            "events": counts.get("events", 0),
        }
        for start, counts in sorted(sums.items())
    ]


register(
    View(
        name="tables-over-time",
        title=_l("Tables and events over time"),
        description=_l("Tables played and events held per period, with the players at those tables."),
        columns=(
            Column("period", _l("Period"), Kind.LABEL),
            Column("tables", _l("Tables"), Kind.TABLES),
            Column("players", _l("Players"), Kind.PLAYERS),
            Column("events", _l("Events"), Kind.EVENTS),
        ),
        compute=_over_time,
        chart=("period", "tables"),
        platform=True,
    )
)


def _decks(scope: Scope, filters: Filters) -> list[Row]:
    fact = UsageFact.__table__
    rows = db.session.execute(
        facts(fact.c.deck_slug, func.count(), func.sum(fact.c.players), scope=scope, filters=filters)
        .group_by(fact.c.deck_slug)
        .order_by(func.count().desc(), fact.c.deck_slug)
    ).all()
    return [{"deck": slug, "tables": int(n), "players": int(players or 0)} for slug, n, players in rows]


register(
    View(
        name="decks",
        title=_l("Decks played"),
        description=_l("How many tables played each deck, and how many players they had."),
        columns=(
            Column("deck", _l("Deck"), Kind.LABEL),
            Column("tables", _l("Tables"), Kind.TABLES),
            Column("players", _l("Players"), Kind.PLAYERS),
        ),
        compute=_decks,
        chart=("deck", "tables"),
        platform=True,
    )
)
