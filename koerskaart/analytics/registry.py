"""The uptake views' registry: what a view is, how it runs, and what every view's query shares.

A view is a name, its columns (each with a ``cells.Kind``) and a function from a scope and
filters to rows. ``run`` is the only way to a view's figures: it applies the filters to the
released facts only (``cohort IS NOT NULL``) and suppresses small cells, so the page, the CSV
and the API cannot disagree about what is shown. Views read ``usage_facts``, ``usage_cards``,
``event_facts``, ``deck_requests`` and ``org_units``, never a table's rows (a test lists the
SQL they run).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, select

from ..engine import MIN_K
from ..models import UsageFact
from . import cells
from .cells import Cell, Kind, Small
from .filters import FilterError, Filters, Period
from .scope import Scope

Row = dict[str, Cell]


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # a lazy string
    kind: Kind
    base: str | None = None  # for a derived figure: the count it is computed over
    # The header across organisations, where a view groups by deck instead of by unit.
    platform_label: Any = None
    # A count that is a part of another count of the same row (tables that reached the action
    # cards, of all tables): hidden too when the rest (base minus part) is small, or the rest
    # could be read off the two.
    part_of: str | None = None
    # A figure that would give these counts away or tell about the tables they hide (the players
    # at them): hidden whenever one of them is.
    hidden_with: tuple[str, ...] = ()


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
    organisation: bool = True  # offered to an organisation (False: the platform's totals only)
    total: bool = False  # the last row is the total of the others (not drawn, not a part)
    # Count columns whose rows split a total shown elsewhere (a deck's tables by route): when only
    # one of them is hidden it could be worked out from the rest, so the next smallest is hidden too.
    parts: tuple[str, ...] = ()
    parts_within: str | None = None  # the label column whose rows split one total each (a deck's routes)
    chart_kind: str = "bars"  # "bars" (one per row) or "periods" (a time series)

    def columns_for(self, platform: bool) -> tuple[Column, ...]:
        """The columns with the headers they have on the organisation's or the platform's page."""
        if not platform:
            return self.columns
        return tuple(
            replace(c, label=c.platform_label) if c.platform_label is not None else c for c in self.columns
        )


@dataclass(frozen=True)
class Result:
    view: View
    filters: Filters
    k: int
    rows: list[Row] = field(default_factory=list)
    platform: bool = False

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.view.columns_for(self.platform)

    @property
    def parts(self) -> list[Row]:
        """The rows without the total row: what a chart draws."""
        return self.rows[:-1] if self.view.total and self.rows else self.rows

    @property
    def empty(self) -> bool:
        """Nothing released in this range: no count above zero anywhere."""
        counts = [c.key for c in self.view.columns if c.kind in cells.COUNTS]
        return not any(row.get(key) for row in self.rows for key in counts)


VIEWS: dict[str, View] = {}


def register(view: View) -> View:
    VIEWS[view.name] = view
    return view


def organisation_views() -> list[View]:
    """The views an organisation reads (its dashboard, its API), in the dashboard's order."""
    return [view for view in VIEWS.values() if view.organisation]


def platform_views() -> list[View]:
    """The views across organisations, for the platform's admins."""
    return [view for view in VIEWS.values() if view.platform]


def k_value() -> int:
    return max(MIN_K, int(current_app.config["KOERSKAART_K"]))


def run(name: str, scope: Scope, filters: Filters) -> Result:
    """A view's released, suppressed rows; KeyError for an unknown view, FilterError for a bad filter."""
    view = VIEWS[name]
    if (scope.platform and not view.platform) or (not scope.platform and not view.organisation):
        raise KeyError(name)
    if filters.unit is not None and (scope.platform or scope.unit_by_public_id(filters.unit) is None):
        raise FilterError("unknown unit")
    if scope.platform and filters.deck is not None and filters.deck not in scope.public_decks:
        raise FilterError("deck: unknown deck")  # one organisation's own deck is not the platform's to name
    k = k_value()
    rows = view.compute(scope, filters)
    kinds = {c.key: c.kind for c in view.columns}
    bases = {c.key: c.base for c in view.columns if c.base is not None}
    shown = cells.suppress(rows, kinds, bases, k)
    _hide_parts(view, rows, shown, k)
    keys = [c.key for c in view.columns]  # a row carries its columns and nothing else
    return Result(view, filters, k, [{key: row.get(key) for key in keys} for row in shown], scope.platform)


def _hide_parts(view: View, raw: list[Row], shown: list[Row], k: int) -> None:
    """Second hides: what the first would otherwise give away (``Column.part_of``, ``View.parts``)."""
    for column in view.columns:
        if column.part_of is None:
            continue
        for before, after in zip(raw, shown, strict=True):
            whole, part = before.get(column.part_of), before.get(column.key)
            if isinstance(whole, int) and isinstance(part, int) and cells.is_small(whole - part, k):
                after[column.key] = Small(k)
    part_rows = shown[:-1] if view.total and shown else shown
    groups: dict[Cell, list[Row]] = {}
    for row in part_rows:
        groups.setdefault(row.get(view.parts_within) if view.parts_within else None, []).append(row)
    for key in view.parts:
        for rows in groups.values():
            hidden = [row for row in rows if isinstance(row.get(key), Small)]
            others = [(v, i) for i, row in enumerate(rows) if isinstance(v := row.get(key), int) and v]
            if len(hidden) == 1 and others:
                rows[min(others)[1]][key] = Small(k)
    derived = [c for c in view.columns if c.base is not None or c.hidden_with]
    for row in shown:
        for column in derived:
            sources = (column.base, *column.hidden_with) if column.base else column.hidden_with
            if row.get(column.key) is not None and any(isinstance(row.get(s), Small) for s in sources):
                row[column.key] = Small(k)


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
