"""Team summary pages and downloads: web page, PDF, CSV and Markdown of one table."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from ..live import decks, service
from ..models import Table
from ..play.routes import lang
from ..play.ui_strings import scale_labels
from .charts import bar_chart
from .exports import to_csv, to_markdown
from .summary import TeamSummary, build_summary

bp = Blueprint("reports", __name__)


def band_names() -> dict[str, str]:
    return {"few": _("none or a few"), "some": _("part of the table"), "almost_all": _("almost everyone")}


def may_see(table: Table) -> bool:
    """The facilitator who ran the table, or an admin of its organisation; nobody else."""
    if not current_user.is_authenticated or table.owner_id is None:
        return False
    if table.owner_id == current_user.id:
        return True
    return bool(current_user.is_admin and table.organisation_id == current_user.organisation_id)


def _summary_for(table_id: str) -> tuple[Table, TeamSummary]:
    table = service.get_table(table_id)
    # One answer for "no such table" and "not yours": ids of other organisations reveal nothing.
    if table is None or not may_see(table):
        abort(404)
    deck = decks.get(table.deck_slug)
    if deck is None:
        abort(404)
    state = service.current_state(table)
    groups = {row.card_index: row.groups for row in table.rounds if row.groups}
    summary = build_summary(state, deck, lang(), scale_labels(), table.created_at, table.ended_at, groups)
    return table, summary


def _context(table: Table, summary: TeamSummary) -> dict[str, Any]:
    bands = band_names()
    charts = {
        card.number: bar_chart(
            card.labels,
            card.aggregate.counts,
            card.aggregate.n,
            _("Answers to card %(number)s", number=card.number),
            bands,
        )
        for card in summary.cards
        if card.shown and card.aggregate.counts
    }
    return {"table": table, "summary": summary, "charts": charts, "bands": bands}


def _download(body: bytes | str, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _filename(summary: TeamSummary, extension: str) -> str:
    day = summary.created_at.strftime("%Y-%m-%d")
    return f"koerskaart-{day}.{extension}"


@bp.get("/tables/<table_id>/summary")
def summary_page(table_id: str) -> Response:
    table, summary = _summary_for(table_id)
    response = Response(render_template("reports/summary.html", **_context(table, summary)))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/tables/<table_id>/summary.pdf")
def summary_pdf(table_id: str) -> Response:
    from weasyprint import HTML  # imported on use: it loads Pango, which the game never needs

    table, summary = _summary_for(table_id)
    html = render_template("reports/summary_print.html", **_context(table, summary))
    pdf = HTML(string=html).write_pdf()
    return _download(pdf, "application/pdf", _filename(summary, "pdf"))


@bp.get("/tables/<table_id>/summary.csv")
def summary_csv(table_id: str) -> Response:
    _table, summary = _summary_for(table_id)
    return _download(to_csv(summary, _, band_names()), "text/csv; charset=utf-8", _filename(summary, "csv"))


@bp.get("/tables/<table_id>/summary.md")
def summary_markdown(table_id: str) -> Response:
    _table, summary = _summary_for(table_id)
    body = to_markdown(summary, _, band_names())
    return _download(body, "text/markdown; charset=utf-8", _filename(summary, "md"))
