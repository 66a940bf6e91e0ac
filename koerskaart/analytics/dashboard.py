"""The organisation's uptake dashboard: the fixed views as pages (numbers with a chart) and as CSV.

Every figure comes from ``views.run``, so the page, the CSV and the API show the same suppressed
cells. The platform's page (platform.py) renders through the same functions with the platform's
scope: totals across organisations, never a unit.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from ..charts import period_chart, value_chart
from ..extensions import db
from ..forms import ActionForm
from ..i18n import lang
from ..live import decks as live_decks
from ..models import UsageFact
from ..security import login_required
from ..sheets import decimal, text_cell
from . import access, filters, views
from .cells import Cell, Kind, Small
from .figures import deck_title
from .scope import Scope, organisation_scope

bp = Blueprint("analytics_dashboard", __name__)

DECK_OPTIONS_MAX = 200  # decks in the filter's select: every installed deck and those seen in facts


@dataclass(frozen=True)
class Place:
    """Where a set of uptake pages lives: the organisation's or the platform's endpoints."""

    index: str
    view: str
    csv: str
    platform: bool


ORGANISATION = Place(
    "analytics_dashboard.index", "analytics_dashboard.view_page", "analytics_dashboard.view_csv", False
)


# -- cells as text ---------------------------------------------------------------------------------


def cell_text(value: Cell) -> str:
    """A cell on the page: "< 3" for a small one, a decimal comma in Dutch, "" for no figure."""
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.1f}"
        return text.replace(".", ",") if lang() == "nl" else text
    return str(value)


def csv_cell(value: Cell, kind: Kind) -> str:
    """A cell in the CSV: text never runs as a formula, numbers stay numbers (Dutch decimals)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return decimal(value)
    if isinstance(value, int) and kind is not Kind.LABEL:
        return str(value)
    return text_cell(str(value))  # labels, and "< 3"


def to_csv(result: views.Result) -> bytes:
    """One row per row of the view, `;`-separated, UTF-8 with BOM: what Dutch Excel opens."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    columns = result.columns
    writer.writerow(text_cell(str(c.label)) for c in columns)
    for row in result.rows:
        writer.writerow(csv_cell(row.get(c.key), c.kind) for c in columns)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_name(result: views.Result) -> str:
    """The view and its filters in the name (safe characters only: the filters' patterns allow no other)."""
    f = result.filters
    parts = ["koerskaart", result.view.name, f.start.isoformat(), f.end.isoformat(), f.period]
    parts += [value for value in (f.deck, f.unit) if value]
    return "-".join(parts) + ".csv"


# -- charts ------------------------------------------------------------------------------------------


def _number(value: Cell) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def chart(result: views.Result) -> Markup | None:
    """The view's chart (server-side SVG with an accessible name), or None when it has none."""
    view = result.view
    if view.chart is None or result.empty:
        return None
    label_key, value_key = view.chart
    column = next(c for c in result.columns if c.key == value_key)
    rows = result.parts
    labels = []
    for row in rows:
        label = str(row.get(label_key) or row.get("card") or "")
        if view.parts_within:
            label = f"{row.get(view.parts_within)} · {label}"
        labels.append(label)
    values = [_number(row.get(value_key)) for row in rows]
    texts = [cell_text(row.get(value_key)) for row in rows]
    title = _("%(view)s: %(figure)s", view=view.title, figure=column.label)
    draw = period_chart if view.chart_kind == "periods" else value_chart
    return draw(labels, values, texts, title)


# -- what the pages share ----------------------------------------------------------------------------


def _problem(message: str) -> str:
    """A filter problem in the reader's language (the parser's own words are for the API)."""
    if "unit" in message:
        found = _("That unit is not one of your organisation's units.")
    elif "end before start" in message:
        found = _("The end date is before the start date.")
    elif "five years" in message:
        found = _("Choose a range of at most five years.")
    elif message.startswith(("start", "end")):
        found = _("Enter dates as year-month-day, for example 2025-03-31.")
    elif message.startswith("period"):
        found = _("Choose week, month or quarter.")
    elif message.startswith("deck"):
        found = _("That is not the name of a deck.")
    else:
        found = _("These filters cannot be read.")
    return str(found)


def deck_options(scope: Scope) -> list[tuple[str, str]]:
    """(slug, title) of every installed deck and every deck seen in released facts, by title."""
    fact = UsageFact.__table__
    query = select(fact.c.deck_slug).where(fact.c.cohort_on.is_not(None)).distinct()
    if scope.organisation_id is not None:
        query = query.where(fact.c.organisation_id == scope.organisation_id)
    slugs = set(live_decks.installed()) | set(db.session.scalars(query.limit(DECK_OPTIONS_MAX)))
    if scope.platform:  # never one organisation's own deck by name
        slugs &= set(scope.public_decks)
    return sorted(((slug, deck_title(slug)) for slug in slugs), key=lambda o: (o[1].casefold(), o[0]))


def unit_options(scope: Scope) -> list[tuple[str, str]]:
    """(public id, path) of every unit, archived ones marked: what they played stays counted."""
    options = []
    for unit in scope.units.values():
        label = scope.path(unit.id)
        options.append((unit.public_id, _("%(unit)s (archived)", unit=label) if unit.archived else label))
    return sorted(options, key=lambda o: o[1].casefold())


def _form_values(wanted: filters.Filters | None = None) -> dict[str, str]:
    """What the filter form shows: the filters in force, or (when they could not be read) as sent."""
    if wanted is not None:
        return _query_of(wanted)
    return {name: (request.args.get(name) or "")[:64] for name in ("start", "end", "period", "deck", "unit")}


def _context(scope: Scope, place: Place, current: views.View | None) -> dict[str, Any]:
    offered = views.platform_views() if place.platform else views.organisation_views()
    return {
        "place": place,
        "offered": offered,
        "current": current,
        "k": views.k_value(),
        "decks": deck_options(scope),
        "units": [] if place.platform else unit_options(scope),
        "periods": {"week": _("Week"), "month": _("Month"), "quarter": _("Quarter")},
        "ranges": filters.ranges(),
        "range_names": {
            "this-quarter": _("This quarter"),
            "last-quarter": _("Last quarter"),
            "year": _("Last twelve months"),
        },
        "cell_text": cell_text,
        "is_small": lambda value: isinstance(value, Small),
        "action_form": ActionForm(),  # the account navigation's log-out button
    }


def _page(template: str, context: dict[str, Any], status: int = 200) -> Response:
    response = Response(render_template(template, **context), status=status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _bad_filters(
    scope: Scope, place: Place, current: views.View | None, error: filters.FilterError
) -> Response:
    context = _context(scope, place, current)
    context.update(problem=_problem(str(error)), values=_form_values(), filters=None)
    return _page("analytics/dashboard_view.html" if current else "analytics/dashboard.html", context, 400)


def _query_of(f: filters.Filters) -> dict[str, str]:
    """The filters as query arguments for links between the views and to the CSV."""
    found = {"start": f.start.isoformat(), "end": f.end.isoformat(), "period": f.period}
    found.update({key: value for key, value in (("deck", f.deck), ("unit", f.unit)) if value})
    return found


def _total(values: list[Cell], k: int) -> Cell:
    if any(isinstance(v, Small) for v in values):
        return Small(k)
    return sum(v for v in values if isinstance(v, int))


def key_figures(scope: Scope, wanted: filters.Filters) -> list[tuple[str, Cell]]:
    """The index page's few figures: tables, players, events and the share that reached the actions."""
    if scope.platform:
        row = views.run("totals", scope, wanted).rows[0]
        return [
            (_("Tables"), row["tables"]),
            (_("Players"), row["players"]),
            (_("Events"), row["events"]),
            (_("Organisations that played"), row["organisations"]),
        ]
    over_time = views.run("tables-over-time", scope, wanted)
    completion = views.run("completion", scope, wanted).rows[-1]
    return [
        (_("Tables"), _total([r["tables"] for r in over_time.rows], over_time.k)),
        (_("Players"), _total([r["players"] for r in over_time.rows], over_time.k)),
        (_("Events"), _total([r["events"] for r in over_time.rows], over_time.k)),
        (_("Reached the action cards (%)"), completion["share"]),
    ]


def index_page(scope: Scope, place: Place) -> Response:
    try:
        wanted = filters.parse(request.args)
        figures = key_figures(scope, wanted)
    except filters.FilterError as error:
        return _bad_filters(scope, place, None, error)
    context = _context(scope, place, None)
    query = _query_of(wanted)
    empty = not any(isinstance(value, Small) or value for _label, value in figures)
    context.update(filters=wanted, values=_form_values(wanted), query=query, figures=figures, empty=empty)
    return _page("analytics/dashboard.html", context)


def _offered(scope: Scope, name: str) -> views.View:
    """The view by its name; 404 for one this page does not offer (the platform's totals to an
    organisation, an organisation's units to the platform)."""
    view = views.VIEWS.get(name)
    if view is None or not (view.platform if scope.platform else view.organisation):
        abort(404)
    return view


def _result(scope: Scope, name: str) -> views.Result:
    """The view's result; FilterError passes through."""
    return views.run(_offered(scope, name).name, scope, filters.parse(request.args))


def view_page_for(scope: Scope, place: Place, name: str) -> Response:
    _offered(scope, name)
    try:
        result = _result(scope, name)
    except filters.FilterError as error:
        return _bad_filters(scope, place, views.VIEWS[name], error)
    context = _context(scope, place, result.view)
    context.update(
        filters=result.filters,
        values=_form_values(result.filters),
        result=result,
        chart=chart(result),
        query=_query_of(result.filters),
        has_small=any(isinstance(v, Small) for row in result.rows for v in row.values()),
    )
    return _page("analytics/dashboard_view.html", context)


def view_csv_for(scope: Scope, place: Place, name: str) -> Response:
    _offered(scope, name)
    try:
        result = _result(scope, name)
    except filters.FilterError as error:
        return _bad_filters(scope, place, views.VIEWS[name], error)
    response = Response(to_csv(result), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{csv_name(result)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def forbidden(platform: bool) -> tuple[str, int]:
    return render_template("analytics/dashboard_forbidden.html", platform=platform), 403


# -- the organisation's routes -------------------------------------------------------------------------


@bp.errorhandler(403)
def _forbidden(_error: Exception) -> tuple[str, int]:
    return forbidden(platform=False)


def _scope() -> Scope:
    return organisation_scope(access.organisation_reader())


@bp.get("/organisation/uptake")
@login_required
def index() -> Response:
    return index_page(_scope(), ORGANISATION)


@bp.get("/organisation/uptake/<name>.csv")
@login_required
def view_csv(name: str) -> Response:
    return view_csv_for(_scope(), ORGANISATION, name)


@bp.get("/organisation/uptake/<name>")
@login_required
def view_page(name: str) -> Response:
    return view_page_for(_scope(), ORGANISATION, name)
