"""Event pages: create and prepare an event, the dashboard, the big screen, and joining by event code."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # newer than the stubs

from ..charts import as_image, bar_chart
from ..extensions import limiter
from ..forms import ActionForm
from ..i18n import band_names, lang, scale_labels
from ..live import decks, service, units
from ..live.codes import format_code
from ..live.delivery import publish
from ..markdown import plain_text, render_inline
from ..models import Conference, Pacing
from ..pdf import render_pdf
from ..qr import join_qr_svg
from ..security import login_required
from . import services
from .exports import to_csv as summary_csv
from .exports import withheld_text
from .forms import EventForm, EventJoinForm, HarvestForm
from .summary import ConferenceSummary
from .summary import build as build_summary
from .ui_strings import dashboard_strings, screen_strings

bp = Blueprint("conference", __name__)
SCREEN_KEYS = "event_screens"  # session: [[event public id, key], ...], the newest few
SCREEN_KEYS_KEPT = 5


def _event_cookie(event_public_id: str) -> str:
    return f"kk_event_{event_public_id}"


def _running(event_id: str) -> Conference:
    conference = services.get(event_id)
    if conference is None:
        abort(404)
    if not services.may_run(current_user, conference):
        abort(403)
    return conference


def _deck_choices() -> list[SelectChoice]:
    available = decks.available(current_user.organisation_id)
    return [SelectChoice(deck.slug, deck.title.get(lang())) for deck in available]


def _remember_key(event_id: str, key: str) -> None:
    kept = [pair for pair in session.get(SCREEN_KEYS, []) if pair[0] != event_id]
    session[SCREEN_KEYS] = [*kept, [event_id, key]][-SCREEN_KEYS_KEPT:]


def _kept_key(event_id: str) -> str | None:
    for kept_id, key in session.get(SCREEN_KEYS, []):
        if kept_id == event_id:
            return str(key)
    return None


def cards_for_page(conference: Conference, language: str) -> list[dict[str, Any]]:
    playlist = decks.playlist(conference.deck_slug, conference.card_ids, conference.deck_version)
    if playlist is None:
        abort(404)  # the event's deck (or a card of it) is no longer installed
    return [
        {
            "index": index,
            "id": card.id,
            "type": card.type.value,
            # Plain text for the dashboard's lists, sanitised HTML for the big screen (safe-html.js).
            "prompt": plain_text(decks.wording(card, conference.mixed_wording).prompt.get(language)),
            "prompt_html": str(
                render_inline(decks.wording(card, conference.mixed_wording).prompt.get(language))
            ),
            "options": [plain_text(option.get(language)) for option in card.options or []],
            "options_html": [str(render_inline(option.get(language))) for option in card.options or []],
            "sensitive": card.sensitive,
            "answerable": card.type.value != "action",
        }
        for index, card in enumerate(playlist.cards)
    ]


@bp.get("/events")
@login_required
def events() -> str:
    user = current_user._get_current_object()
    conferences = services.owned(user) if user.role in services.RUNNING_ROLES else []
    played = {c.public_id: decks.get(c.deck_slug, c.deck_version) for c in conferences}
    return render_template(
        "conference/events.html",
        conferences=conferences,
        may_create=user.role in services.RUNNING_ROLES,
        titles={key: deck.title.get(lang()) for key, deck in played.items() if deck is not None},
        route_titles={
            c.public_id: decks.route_title(deck, c.route, lang())
            for c in conferences
            if (deck := played[c.public_id]) is not None
        },
    )


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def new_event() -> BaseResponse | str | tuple[str, int]:
    if current_user.role not in services.RUNNING_ROLES:
        abort(403)
    form = EventForm()
    form.deck.choices = _deck_choices()
    offered = units.unit_choices(current_user.organisation_id)
    form.unit.choices = [SelectChoice("", _("No unit")), *(SelectChoice(v, label) for v, label in offered)]
    if request.method == "GET":
        form.held_on.data = date.today()
    route_error = None
    if form.validate_on_submit():
        choice = decks.chosen_route(request.form, form.deck.data)
        unit_id = units.unit_id(current_user.organisation_id, form.unit.data) if form.unit.data else None
        if choice is None:
            route_error = _("Choose one of the routes of this deck.")
        elif form.unit.data and unit_id is None:  # another organisation's, archived, or made up
            form.unit.errors = [_("Choose one of your organisation's units.")]
        else:
            conference, key = services.create(
                current_user._get_current_object(),
                form.name.data or "",
                form.held_on.data or date.today(),
                choice.slug,
                form.target_size.data or 6,
                Pacing(form.pacing.data),
                (form.tables.data or "").splitlines(),
                route=choice.route,
                chosen_phases=choice.phases,
                mixed_wording=bool(form.mixed.data),
                unit_id=unit_id,
            )
            _remember_key(conference.public_id, key)
            return redirect(url_for("conference.prepare", event_id=conference.public_id))
    status = 400 if request.method == "POST" else 200
    routes = {
        deck.slug: decks.route_choices(deck, lang()) for deck in decks.available(current_user.organisation_id)
    }
    chosen = decks.posted_routes(request.form)
    page = render_template(
        "conference/new.html", form=form, routes=routes, chosen_routes=chosen, route_error=route_error
    )
    return page, status


@bp.route("/events/<event_id>/prepare", methods=["GET", "POST"])
@login_required
def prepare(event_id: str) -> BaseResponse | str:
    conference = _running(event_id)
    cards = cards_for_page(conference, lang())
    form = HarvestForm()
    form.cards.choices = [
        SelectChoice(c["index"], f"{c['index'] + 1}. {c['prompt']}") for c in cards if c["answerable"]
    ]
    if form.validate_on_submit():
        publish(services.set_harvests(conference, list(form.cards.data or [])))
        flash(_("Harvest moments saved."), "success")
        return redirect(url_for("conference.dashboard", event_id=event_id))
    if request.method == "GET":
        form.cards.data = list(conference.harvest_cards or [])
    return render_template(
        "conference/prepare.html", conference=conference, form=form, tables=services.table_rows(conference)
    )


@bp.get("/events/<event_id>")
@login_required
def dashboard(event_id: str) -> str:
    conference = _running(event_id)
    key = _kept_key(event_id)
    screen_url = url_for("conference.screen", event_id=event_id) + "#" + key if key else None
    return render_template(
        "conference/dashboard.html",
        conference=conference,
        cards=cards_for_page(conference, lang()),
        strings=dashboard_strings(),
        scale_labels=scale_labels(),
        screen_url=screen_url,
        action_form=ActionForm(),
    )


@bp.post("/events/<event_id>/screen-link")
@login_required
def new_screen_link(event_id: str) -> BaseResponse:
    conference = _running(event_id)
    if ActionForm().validate_on_submit():
        _remember_key(event_id, services.new_screen_key(conference))
    return redirect(url_for("conference.dashboard", event_id=event_id))


@bp.get("/events/<event_id>/screen")
def screen(event_id: str) -> str:
    conference = services.get(event_id)
    if conference is None:
        abort(404)
    return render_template(
        "conference/screen.html",
        conference=conference,
        cards=cards_for_page(conference, lang()),
        strings=screen_strings(),
        scale_labels=scale_labels(),
    )


@bp.get("/events/<event_id>/qr")
@login_required
def qr_sheet(event_id: str) -> str:
    """A printable sheet: the event's code and QR, and one QR per named table."""
    conference = _running(event_id)
    code = format_code(conference.code) if conference.code else None
    join_url = url_for("conference.join", _external=True) + "#" + code if code else None
    tables = []
    for row in services.table_rows(conference):
        if code and row["status"] != "ended":
            url = url_for("conference.join_table", code=code, table_id=row["id"], _external=True)
            tables.append({"label": row["label"], "url": url, "qr_svg": join_qr_svg(url)})
    return render_template(
        "conference/qr.html",
        conference=conference,
        code=code,
        join_url=join_url,
        join_qr=join_qr_svg(join_url) if join_url else None,
        tables=tables,
    )


# -- participants ---------------------------------------------------------------------------------


def _seated(conference: Conference, table_public_id: str, token: str) -> BaseResponse:
    response = redirect(url_for("play.table", table_id=table_public_id))
    cookie = service.seat_cookie_options()
    response.set_cookie(service.seat_cookie_name(table_public_id), token, **cookie)
    response.set_cookie(_event_cookie(conference.public_id), token, **cookie)
    return response


def _join(
    table_id: str | None, label: str | None, code: str | None = None
) -> BaseResponse | tuple[str, int] | str:
    form = EventJoinForm()
    if code and request.method == "GET":
        form.code.data = code
    error = None
    if form.validate_on_submit():
        conference = services.by_code(form.code.data or "")
        if conference is not None:
            try:
                seated = services.join(
                    conference, form.nickname.data, form.perspective.data or None, table_public_id=table_id
                )
            except service.TableUnavailable:
                conference = None
            else:
                publish(seated.delivery)
                return _seated(conference, seated.table.public_id, seated.token)
        error = _("This code does not open an event. Check the code, or ask the facilitator.")
    elif request.method == "POST":
        error = _("Enter the event code.")
    return render_template("conference/join.html", form=form, error=error, table_label=label), (
        400 if error else 200
    )


@bp.route("/e", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["JOIN_RATE_LIMIT"], methods=["POST"])
def join() -> BaseResponse | tuple[str, int] | str:
    return _join(None, None)


@bp.route("/e/<code>/t/<table_id>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["JOIN_RATE_LIMIT"], methods=["POST"])
def join_table(code: str, table_id: str) -> BaseResponse | tuple[str, int] | str:
    """A named table's QR: the event code filled in, and this table instead of automatic seating."""
    conference = services.by_code(code)
    table = service.get_table(table_id)
    if conference is None or table is None or table.conference_id != conference.id:
        abort(404)
    return _join(table_id, table.conference_label, format_code(conference.code or ""))


@bp.get("/e/<event_id>/seat")
def my_seat(event_id: str) -> BaseResponse:
    """Where a participant sits now (after a move): a fresh seat cookie, then the table."""
    conference = services.get(event_id)
    if conference is None:
        abort(404)
    token = request.cookies.get(_event_cookie(event_id))
    table = services.seat_of(conference, token)
    if table is None or token is None:
        flash(_("You are not seated at this event. Join with the event code."), "info")
        return redirect(url_for("conference.join"))
    return _seated(conference, table.public_id, token)


# -- the conference summary -----------------------------------------------------------------------


def _event_summary(event_id: str) -> tuple[Conference, ConferenceSummary]:
    conference = _running(event_id)  # the same people as the dashboard; 403 for anyone else
    summary = build_summary(conference, lang(), scale_labels())
    if summary is None:  # its deck is no longer installed
        abort(404)
    return conference, summary


def _summary_context(conference: Conference, summary: ConferenceSummary, for_pdf: bool) -> dict[str, Any]:
    bands = band_names()
    charts = {}
    for card in summary.cards:
        if card.shown is None or not card.shown.counts:
            continue
        title = _("Answers to card %(number)s", number=card.number)
        # Chart labels are SVG text: plain, the Markdown markers stripped.
        chart = bar_chart(
            [plain_text(label) for label in card.labels], card.shown.counts, card.shown.n, title, bands
        )
        # In the PDF an <img> with alt text, which WeasyPrint tags as a Figure (PDF/UA).
        charts[card.number] = as_image(chart, title) if for_pdf else chart
    return {
        "conference": conference,
        "summary": summary,
        "charts": charts,
        "bands": bands,
        "withheld": {card.number: withheld_text(card, summary.k, _) for card in summary.cards},
    }


def _summary_download(body: bytes, mimetype: str, conference: Conference, extension: str) -> Response:
    response = Response(body, mimetype=mimetype)
    name = f"koerskaart-evenement-{conference.held_on.isoformat()}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/events/<event_id>/summary")
@login_required
def event_summary(event_id: str) -> Response:
    conference, summary = _event_summary(event_id)
    response = Response(
        render_template("conference/summary.html", **_summary_context(conference, summary, for_pdf=False))
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/events/<event_id>/summary.pdf")
@login_required
def event_summary_pdf(event_id: str) -> Response:
    conference, summary = _event_summary(event_id)
    html = render_template(
        "conference/summary_print.html", **_summary_context(conference, summary, for_pdf=True)
    )
    return _summary_download(render_pdf(html), "application/pdf", conference, "pdf")


@bp.get("/events/<event_id>/summary.csv")
@login_required
def event_summary_csv(event_id: str) -> Response:
    conference, summary = _event_summary(event_id)
    return _summary_download(summary_csv(summary, _, band_names()), "text/csv", conference, "csv")
