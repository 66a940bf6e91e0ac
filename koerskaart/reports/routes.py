"""Team summary pages and downloads: web page, PDF, CSV and Markdown of one table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..charts import as_image, bar_chart
from ..forms import ActionForm
from ..i18n import band_names, lang
from ..markdown import plain_text
from ..models import Table, User
from ..pdf import render_pdf
from . import feedback, services, sharing
from .exports import to_csv, to_markdown
from .forms import TeamLabelForm
from .summary import TeamSummary

bp = Blueprint("reports", __name__)


def _user() -> User | None:
    return current_user._get_current_object() if current_user.is_authenticated else None


def _visible_table(table_id: str) -> Table:
    # One answer for "no such table" and "not yours": ids of other organisations reveal nothing.
    table = services.visible_table(table_id, _user())
    if table is None:
        abort(404)
    return table


def _summary_for(table_id: str) -> tuple[Table, TeamSummary]:
    table = _visible_table(table_id)
    return table, _summary_of(table)


def _shared(token: str) -> tuple[Table, TeamSummary]:
    """The summary a share link opens; wrong, expired and revoked links are all a 404."""
    table = services.shared_table(token)
    if table is None:
        abort(404)
    return table, _summary_of(table)


def _summary_of(table: Table) -> TeamSummary:
    summary = services.summary_of(table, lang())
    if summary is None:  # its deck is no longer installed
        abort(404)
    return summary


def _context(
    table: Table, summary: TeamSummary, token: str | None = None, for_pdf: bool = False
) -> dict[str, Any]:
    bands = band_names()
    charts = {}
    for card in summary.cards:
        if not (card.shown and card.aggregate.counts):
            continue
        title = _("Answers to card %(number)s", number=card.number)
        earlier = (card.earlier.counts, card.earlier.n) if card.earlier else None
        # Chart labels are SVG text: plain, the Markdown markers stripped.
        chart = bar_chart(
            [plain_text(label) for label in card.labels],
            card.aggregate.counts,
            card.aggregate.n,
            title,
            bands,
            earlier=earlier,
        )
        # In the PDF an <img> with alt text, which WeasyPrint tags as a Figure (PDF/UA).
        charts[card.number] = as_image(chart, title) if for_pdf else chart
    if token is None:
        downloads = {fmt: url_for("reports.summary_file", table_id=table.public_id, fmt=fmt) for fmt in FILES}
    else:
        downloads = {fmt: url_for("reports.shared_file", token=token, fmt=fmt) for fmt in FILES}
    return {
        "table": table,
        "summary": summary,
        "charts": charts,
        "bands": bands,
        "downloads": downloads,
        "shared": token is not None,
        "share": None,  # the share-link panel: only on the facilitator's own page
    }


def _download(body: bytes | str, mimetype: str, name: str) -> Response:
    # A bare mimetype: Werkzeug adds "; charset=utf-8" to text/* types itself.
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _filename(summary: TeamSummary, extension: str) -> str:
    day = summary.created_at.strftime("%Y-%m-%d")
    return f"koerskaart-{day}.{extension}"


def _summary_response(
    table: Table, summary: TeamSummary, new_link: str | None = None, team_form: TeamLabelForm | None = None
) -> Response:
    """The facilitator's summary page, with the share links and the team name they manage."""
    context = _context(table, summary)
    context["team_form"] = team_form or TeamLabelForm(formdata=None, team=table.team_label or "")
    context["share"] = {
        "links": sharing.active_links(table),
        "form": ActionForm(),
        "days": current_app.config["SHARE_LINK_DAYS"],
        "new_link": new_link,
    }
    response = Response(render_template("reports/summary.html", **context))
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _pdf(table: Table, summary: TeamSummary) -> Response:
    html = render_template("reports/summary_print.html", **_context(table, summary, for_pdf=True))
    return _download(render_pdf(html), "application/pdf", _filename(summary, "pdf"))


def _csv(_table: Table, summary: TeamSummary) -> Response:
    return _download(to_csv(summary, _, band_names()), "text/csv", _filename(summary, "csv"))


def _markdown(_table: Table, summary: TeamSummary) -> Response:
    body = to_markdown(summary, _, ngettext, band_names())
    return _download(body, "text/markdown", _filename(summary, "md"))


# The downloads, by file extension: the same three for the facilitator and for a share link.
FILES: dict[str, Callable[[Table, TeamSummary], Response]] = {"pdf": _pdf, "csv": _csv, "md": _markdown}


@bp.get("/tables/<table_id>/summary")
def summary_page(table_id: str) -> Response:
    table, summary = _summary_for(table_id)
    return _summary_response(table, summary)


@bp.get("/tables/<table_id>/summary.<any(pdf, csv, md):fmt>")
def summary_file(table_id: str, fmt: str) -> Response:
    return FILES[fmt](*_summary_for(table_id))


@bp.post("/tables/<table_id>/team")
def set_team_label(table_id: str) -> Response:
    """Name (or rename) the team, so its next table on this deck is compared with this one."""
    table = _visible_table(table_id)
    form = TeamLabelForm()
    if not form.validate_on_submit():
        response = _summary_response(table, _summary_of(table), team_form=form)
        response.status_code = 400
        return response
    label = services.set_team_label(table, form.team.data)
    flash(_("Team name saved.") if label else _("Team name removed."), "success")
    target = url_for("reports.summary_page", table_id=table.public_id, _anchor="team")
    return cast(Response, redirect(target))


# Share links: made and revoked by whoever may see the summary; opened by anyone holding one.


@bp.post("/tables/<table_id>/share-links")
def create_share_link(table_id: str) -> Response:
    table, summary = _summary_for(table_id)  # outsiders get the same 404 as for the page
    if not ActionForm().validate_on_submit():
        abort(400)
    _link, token = sharing.create_link(table, _user())
    # Shown once, on this response only: the database keeps just the token's hash.
    return _summary_response(
        table, summary, new_link=url_for("reports.shared_summary", token=token, _external=True)
    )


@bp.post("/tables/<table_id>/share-links/<int:link_id>/revoke")
def revoke_share_link(table_id: str, link_id: int) -> Response:
    table = _visible_table(table_id)
    link = sharing.find_link(table, link_id)
    if link is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    sharing.revoke(link)
    flash(_("The share link no longer works."), "success")
    target = url_for("reports.summary_page", table_id=table.public_id, _anchor="share")
    return cast(Response, redirect(target))


@bp.get("/s/<token>")
def shared_summary(token: str) -> Response:
    table, summary = _shared(token)
    return Response(render_template("reports/summary.html", **_context(table, summary, token)))


@bp.get("/s/<token>/summary.<any(pdf, csv, md):fmt>")
def shared_file(token: str, fmt: str) -> Response:
    return FILES[fmt](*_shared(token))


@bp.get("/feedback")
def feedback_page() -> Response:
    """Card feedback on one deck version, for the organisation's authors and admins."""
    user = _user()
    if user is None:
        return cast(Response, current_app.login_manager.unauthorized())  # type: ignore[attr-defined]
    if not feedback.may_read(user):
        return Response(render_template("reports/feedback.html", forbidden=True), status=403)
    titles = feedback.deck_titles(lang(), user.organisation_id)
    slug = request.args.get("deck", "")
    if slug not in titles:
        slug = next(iter(titles), "")
    version = request.args.get("version", type=int)
    report = feedback.deck_feedback(slug, version, user.organisation_id, lang(), feedback.threshold())
    response = Response(
        render_template(
            "reports/feedback.html",
            forbidden=False,
            titles=titles,
            report=report,
            verdicts=_verdict_labels(),
            k=feedback.threshold(),
            action_form=ActionForm(),
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _verdict_labels() -> dict[str, str]:
    return {"unclear": _("Unclear"), "strong": _("Strong"), "not_relevant": _("Not relevant")}


SHARED_ENDPOINTS = {"reports.shared_summary", "reports.shared_file"}


@bp.after_request
def _shared_headers(response: Response) -> Response:
    """Shared pages, their downloads and their 404s: never cached, never a Referer with the token."""
    if request.endpoint in SHARED_ENDPOINTS:
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
