"""Pages for starting, joining and playing a table."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
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

from ..content import Deck
from ..extensions import limiter
from ..headers import embeddable
from ..i18n import LANG_COOKIE, lang, scale_labels
from ..live import decks, hosting, service, units
from ..live.delivery import publish
from ..markdown import plain_text, render_block, render_inline
from ..security import local_path, new_token
from .forms import JoinForm, StartTableForm
from .sockets import seat_cookie_name
from .ui_strings import ui_strings

bp = Blueprint("play", __name__)
# The original KoersKaart first; other decks after these, by title.
FEATURED = ("sociale-veiligheid", "tegenspraak", "kompas-publiek-leiderschap")
SCREEN_KEYS_KEPT = hosting.SCREEN_KEYS_KEPT  # how many tables' screen links a browser keeps
LIMIT_ID = "limit_id"  # session: a random name for this browser session in the rate limiter


def ordered_decks() -> list[Deck]:
    def key(deck: Deck) -> tuple[int, str]:
        rank = FEATURED.index(deck.slug) if deck.slug in FEATURED else len(FEATURED)
        return rank, deck.title.nl

    organisation = current_user.organisation_id if current_user.is_authenticated else None
    return sorted(decks.available(organisation), key=key)


def deck_summary(deck: Deck, language: str) -> dict[str, Any]:
    return {
        "slug": deck.slug,
        "title": deck.title.get(language),
        "description": deck.description.get(language),
        "card_count": len(deck.cards),
        "minutes": deck.total_minutes(),
        "phases": [phase.title.get(language) for phase in deck.phases],
        "routes": decks.route_choices(deck, language),
    }


def deck_for_page(playlist: decks.Playlist, language: str, mixed: bool = False) -> dict[str, Any]:
    """Everything the table page shows of what a table plays, in one language.

    Card text may hold a little Markdown: each field comes as plain text (markers stripped, for
    labels, announcements and legends) and as ``*_html``, sanitised by koerskaart/markdown.py,
    which the page inserts with static/js/lib/safe-html.js.
    """

    def plain(value: Any, block: bool = False) -> str | None:
        return plain_text(value.get(language), block=block) if value is not None else None

    def block_html(value: Any) -> str | None:
        return str(render_block(value.get(language))) if value is not None else None

    deck = playlist.deck
    cards = []
    for index, card in enumerate(playlist.cards):
        words = decks.wording(card, mixed)
        options = [option.get(language) for option in card.options or []]
        follow_up = [question.get(language) for question in words.follow_up]
        cards.append(
            {
                "index": index,
                "id": card.id,
                "type": card.type.value,
                "phase": card.phase,
                "phase_title": deck.phase_title(card.phase, language),
                "prompt": plain_text(words.prompt.get(language)),
                "prompt_html": str(render_inline(words.prompt.get(language))),
                "body": plain(words.body, block=True),
                "body_html": block_html(words.body),
                "options": [plain_text(option) for option in options],
                "options_html": [str(render_inline(option)) for option in options],
                "follow_up": [plain_text(question, block=True) for question in follow_up],
                "follow_up_html": [str(render_block(question)) for question in follow_up],
                "source": plain(card.source),
                "source_html": str(render_inline(card.source.get(language))) if card.source else None,
                "facilitator": plain(card.facilitator, block=True),
                "facilitator_html": block_html(card.facilitator),
                "sensitive": card.sensitive,
                "max_length": card.max_length or 280,
            }
        )
    return {
        "slug": deck.slug,
        "title": deck.title.get(language),
        "cards": cards,
    }


def _start_form() -> StartTableForm:
    form = StartTableForm()
    form.deck.choices = [SelectChoice(deck.slug, deck.title.get(lang())) for deck in ordered_decks()]
    # A logged-in facilitator whose organisation keeps units may say which one the table plays for.
    organisation = current_user.organisation_id if current_user.is_authenticated else None
    offered = units.unit_choices(organisation)
    form.unit.choices = [SelectChoice("", _("No unit")), *(SelectChoice(v, label) for v, label in offered)]
    return form


def _chosen_unit(form: StartTableForm) -> tuple[int | None, bool]:
    """The unit's id for the table, and whether the posted unit was acceptable (none is)."""
    if not form.unit.data:
        return None, True
    organisation = current_user.organisation_id if current_user.is_authenticated else None
    found = units.unit_id(organisation, form.unit.data)
    return found, found is not None


def _seat_response(table_public_id: str, token: str) -> BaseResponse:
    return hosting.seat_response(url_for("play.table", table_id=table_public_id), table_public_id, token)


def _session_limit_key() -> str:
    """This browser session's name in the table-start limit (the address limit catches cookie droppers)."""
    if not isinstance(session.get(LIMIT_ID), str):
        session[LIMIT_ID] = new_token()
    return "session:" + str(session[LIMIT_ID])


def _home(start_form: StartTableForm, route_error: str | None = None) -> str:
    language = lang()
    return render_template(
        "play/home.html",
        decks=[deck_summary(deck, language) for deck in ordered_decks()],
        start_form=start_form,
        join_form=JoinForm(formdata=None),
        chosen_routes=decks.posted_routes(request.form),
        route_error=route_error,
    )


@bp.get("/")
def home() -> str:
    return _home(_start_form())


@bp.post("/tables")
@limiter.limit(lambda: current_app.config["TABLE_START_RATE_LIMIT"])  # per address
@limiter.limit(lambda: current_app.config["TABLE_START_SESSION_RATE_LIMIT"], key_func=_session_limit_key)
def start_table() -> BaseResponse | tuple[str, int]:
    form = _start_form()
    if not form.validate_on_submit():
        return _home(form), 400
    choice = decks.chosen_route(request.form, form.deck.data)
    if choice is None:
        return _home(form, _("Choose one of the routes of this deck.")), 400
    unit_id, unit_ok = _chosen_unit(form)
    if not unit_ok:  # another organisation's, archived, or made up
        form.unit.errors = [_("Choose one of your organisation's units.")]
        return _home(form), 400
    owner = current_user._get_current_object() if current_user.is_authenticated else None
    table, _seat_id, token, screen_key = service.create_table(
        choice.slug,
        form.nickname.data,
        owner,
        perspective=form.perspective.data or None,
        team_label=form.team.data,
        route=choice.route,
        chosen_phases=choice.phases,
        unit_id=unit_id,
    )
    hosting.remember_screen_key(table.public_id, screen_key)
    return _seat_response(table.public_id, token)


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["JOIN_RATE_LIMIT"], methods=["POST"])
def join() -> BaseResponse | str | tuple[str, int]:
    form = JoinForm()
    error = None
    if form.validate_on_submit():
        try:
            table, _seat, token, delivery = service.join_table(
                form.code.data or "", form.nickname.data, perspective=form.perspective.data or None
            )
        except service.TableUnavailable:
            # One message for unknown, locked, full and ended tables: no hint which.
            error = _("This code does not open a table. Check the code, or ask the host.")
        else:
            publish(delivery)
            return _seat_response(table.public_id, token)
    elif request.method == "POST":
        error = _("Enter the table code.")
    status = 200 if error is None else 400
    return render_template("play/join.html", form=form, error=error), status


def _table_page(table_id: str, template: str, **extra: Any) -> str:
    table = service.get_table(table_id)
    playlist = (
        decks.playlist(table.deck_slug, table.card_ids, table.deck_version, table.deck_text)
        if table
        else None
    )
    if table is None or playlist is None:
        abort(404)
    language = lang()
    return render_template(
        template,
        table_id=table_id,
        deck=deck_for_page(playlist, language, table.mixed_wording),
        scale_labels=scale_labels(),
        strings=ui_strings(),
        **extra,
    )


@bp.get("/t/<table_id>")
def table(table_id: str) -> BaseResponse | str:
    seat = service.find_seat(table_id, request.cookies.get(seat_cookie_name(table_id)))
    if seat is None:
        flash(_("You are not seated at this table. Join with the table code."), "info")
        return redirect(url_for("play.join"))
    screen_key = hosting.screen_key(table_id)
    screen_url = url_for("play.screen", table_id=table_id) + "#" + screen_key if screen_key else None
    return _table_page(table_id, "play/table.html", screen_url=screen_url)


@bp.get("/t/<table_id>/screen")
@embeddable  # only if SCREEN_FRAME_ANCESTORS names who may frame it
def screen(table_id: str) -> str:
    return _table_page(table_id, "play/screen.html")


@bp.get("/lang/<code>")
def set_language(code: str) -> Response:
    target = local_path(request.args.get("next")) or url_for("play.home")
    response = make_response(redirect(target))
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax")
    return response
