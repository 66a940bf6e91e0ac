"""Deck requests: the admin's request page link, the public request form and the ready link.

- ``/organisation/requests`` (admin): the organisation's public request page address, made and
  renewed here, with a QR code; and how many requests were counted per unit and deck (in cohorts
  of k, never one request, never a contact address).
- ``/request/<key>`` (anyone with the address): a team lead asks for a deck without an account.
  Rate-limited per address, capped per organisation and day. The confirmation shows the ready
  link once (only its hash is stored).
- ``/request/ready/<token>``: shows what was requested; its POST starts a table with the request's
  deck, route and unit (a link scanner's GET starts nothing), seats the visitor as its host and
  goes to the table, as play's own start does.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # newer than the stubs

from ..content import Deck
from ..deckprint import LANGUAGES
from ..extensions import limiter
from ..forms import ActionForm
from ..i18n import lang
from ..live import decks, hosting, units, usage
from ..models import Organisation
from ..qr import qr_svg
from ..security import login_required, token_hash
from . import access, request_services
from .request_forms import ReadyForm, RequestForm

bp = Blueprint("analytics_requests", __name__)
ROUTE_FIELD = decks.ROUTE_FIELD  # a select of routes beside each deck, named route-<slug>


# -- the admin's page --------------------------------------------------------------------------------


@bp.get("/organisation/requests")
@login_required
def admin() -> str:
    organisation_id = access.organisation_admin()
    key = request_services.request_key(organisation_id)
    link = url_for("analytics_requests.form", key=key, _external=True) if key else None
    titles = {deck.slug: deck.title.get(lang()) for deck in request_services.deck_choices(organisation_id)}
    return render_template(
        "analytics/requests_admin.html",
        link=link,
        link_qr=qr_svg(link) if link else None,
        counts=request_services.released_counts(organisation_id),
        titles=titles,
        action_form=ActionForm(),
        k=usage.cohort_size(),
    )


@bp.post("/organisation/requests/key")
@login_required
def renew_key() -> BaseResponse:
    organisation_id = access.organisation_admin()
    if not ActionForm().validate_on_submit():
        abort(400)
    request_services.renew_key(organisation_id)
    return redirect(url_for("analytics_requests.admin"))


# -- the public request form ---------------------------------------------------------------------------


def _organisation(key: str) -> Organisation:
    organisation = request_services.organisation_for_key(key)
    if organisation is None:
        abort(404)
    return organisation


def _request_form(organisation_id: int) -> tuple[RequestForm, list[Deck]]:
    form = RequestForm()
    offered = request_services.deck_choices(organisation_id)
    form.deck.choices = [SelectChoice(deck.slug, deck.title.get(lang())) for deck in offered]
    form.unit.choices = [
        SelectChoice("", _("Choose a unit")),
        *(SelectChoice(value, label) for value, label in units.unit_choices(organisation_id)),
    ]
    if request.method == "GET":
        form.expected_on.data = request_services.today()
    return form, offered


def _form_page(
    organisation: Organisation,
    form: RequestForm,
    offered: list[Deck],
    route_error: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    language = lang()
    return render_template(
        "analytics/request_form.html",
        organisation=organisation,
        form=form,
        decks=offered,
        routes={deck.slug: request_services.route_options(deck, language) for deck in offered},
        chosen_routes=decks.posted_routes(request.form),
        route_error=route_error,
        has_units=len(list(form.unit.choices or [])) > 1,
        size_min=request_services.SIZE_MIN,
        size_max=request_services.SIZE_MAX,
        latest=request_services.latest_date(),
        today=request_services.today(),
    ), status


@bp.route("/request/<key>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REQUEST_RATE_LIMIT"], methods=["POST"])
def form(key: str) -> tuple[str, int]:
    organisation = _organisation(key)
    form, offered = _request_form(organisation.id)
    if request.method == "GET":
        return _form_page(organisation, form, offered)
    if not form.validate_on_submit():
        return _form_page(organisation, form, offered, status=400)
    deck = next(d for d in offered if d.slug == form.deck.data)  # the radio field checked the choice
    route = request.form.get(ROUTE_FIELD + deck.slug, "")
    unit_id = units.unit_id(organisation.id, form.unit.data) if form.unit.data else None
    if form.unit.data and unit_id is None:
        form.unit.errors = [_("Choose one of the units in the list.")]
    elif unit_id is None and len(list(form.unit.choices or [])) > 1:
        form.unit.errors = [_("Choose the unit you play for.")]
    if not request_services.valid_route(deck, route):
        return _form_page(organisation, form, offered, _("Choose one of the routes of this deck."), 400)
    if form.unit.errors:
        return _form_page(organisation, form, offered, status=400)
    try:
        deck_request, token = request_services.create(
            organisation.id,
            unit_id,
            deck.slug,
            route,
            form.expected_on.data,  # type: ignore[arg-type]  # validated: a date in range
            int(form.expected_size.data or 0),
            form.contact_email.data,
        )
    except request_services.RequestRefused:
        return render_template("analytics/request_full.html", organisation=organisation), 429
    ready_url = url_for("analytics_requests.ready", token=token, _external=True)
    shown = request_services.ready(deck_request, lang())
    return render_template(
        "analytics/request_made.html",
        organisation=organisation,
        ready_url=ready_url,
        ready_qr=qr_svg(ready_url),
        asked=shown,
        contact=deck_request.contact_email is not None,
        **_guide_links(deck),
    ), 200


def _guide_links(deck: Deck) -> dict[str, str | None]:
    """The deck's page (its facilitator guide) and print PDF, where a visitor without an account may
    open them: a deck file, or a studio deck shared with all (an organisation's own deck is not)."""
    public = {d.slug for d in decks.available(None)}
    if deck.slug not in public:
        return {"guide_url": None, "print_url": None}
    languages = [code for code in LANGUAGES if code in deck.languages]
    language = lang() if lang() in languages else (languages[0] if languages else None)
    return {
        "guide_url": url_for("play.deck_page", slug=deck.slug),
        "print_url": url_for("play.deck_print", slug=deck.slug, language=language) if language else None,
    }


# -- the ready link -----------------------------------------------------------------------------------


def _ready_limit_key() -> str:
    """One ready link's table starts, wherever they come from (the hash: the token is never a key)."""
    token = (request.view_args or {}).get("token", "")
    return "ready:" + token_hash(str(token))[:32]


def _ready_page(
    token: str, form: ReadyForm | None = None, error: str | None = None, status: int = 200
) -> tuple[str, int]:
    deck_request = request_services.by_token(token)
    if deck_request is None:
        abort(404)
    shown = request_services.ready(deck_request, lang())
    form = form or ReadyForm(formdata=None)
    form.phases.choices = [SelectChoice(value, label) for value, label in shown.phases]
    links = _guide_links(shown.deck) if shown.deck is not None else {"guide_url": None, "print_url": None}
    return render_template(
        "analytics/request_ready.html", token=token, form=form, asked=shown, error=error, **links
    ), status


@bp.get("/request/ready/<token>")
def ready(token: str) -> tuple[str, int]:
    return _ready_page(token)


@bp.post("/request/ready/<token>")
@limiter.limit(lambda: current_app.config["TABLE_START_RATE_LIMIT"])  # per address, as play's start
@limiter.limit(lambda: current_app.config["REQUEST_READY_RATE_LIMIT"], key_func=_ready_limit_key)
def start(token: str) -> BaseResponse | tuple[str, int]:
    deck_request = request_services.by_token(token)
    if deck_request is None:
        abort(404)
    form = ReadyForm()
    if not form.validate_on_submit():
        return _ready_page(token, form, status=400)
    try:
        table, seat_token, screen_key = request_services.start_table(
            deck_request, form.nickname.data, form.phases.data, perspective=form.perspective.data or None
        )
    except request_services.DeckGone:
        return _ready_page(token, form, _("This deck can no longer be played. Ask your organisation."), 400)
    except ValueError:
        return _ready_page(token, form, _("Choose which phases to play."), 400)
    hosting.remember_screen_key(table.public_id, screen_key)
    return hosting.seat_response(url_for("play.table", table_id=table.public_id), table.public_id, seat_token)
