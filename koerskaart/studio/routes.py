"""Studio pages: the organisation's decks, a deck's draft and versions, import, duplicate, export."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from ..i18n import lang
from ..live import decks, service
from ..models import DeckVersion, StudioDeck, VersionStatus, Visibility
from ..security import login_required
from . import access, diff_pages, services, translation_pages
from .forms import DraftForm, DuplicateForm, ImportForm, PublishForm, VisibilityForm

bp = Blueprint("studio", __name__, url_prefix="/studio")


def _home(import_form: ImportForm) -> str:
    user = access.author()
    return render_template(
        "studio/home.html",
        studio_decks=services.visible_decks(user),
        bundled=[(slug, deck.title.get(lang())) for slug, deck in sorted(decks.installed().items())],
        import_form=import_form,
        duplicate_form=DuplicateForm(formdata=None),
        user=user,
        published=services.published,
    )


@bp.get("/")
@login_required
def home() -> str:
    return _home(ImportForm(formdata=None))


@bp.post("/import")
@login_required
def import_deck() -> BaseResponse | tuple[str, int]:
    user = access.author()
    form = ImportForm()
    if form.validate_on_submit():
        try:
            deck = services.import_text(user, form.text.data or "")
        except services.StudioError as exc:
            form.text.errors = [str(exc)]
        else:
            return redirect(url_for("studio.deck", public_id=deck.public_id))
    return _home(form), 400


@bp.post("/duplicate")
@login_required
def duplicate() -> BaseResponse:
    user = access.author()
    form = DuplicateForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        copy = services.duplicate(user, form.slug.data or "")
    except services.StudioError:
        abort(404)
    flash(_("A draft copy is ready. It records which deck it came from."), "info")
    return redirect(url_for("studio.deck", public_id=copy.public_id))


def _deck_page(deck: StudioDeck, draft_form: DraftForm, status: int = 200) -> tuple[str, int]:
    user = access.author()
    draft = services.draft_of(deck)
    versions = services.published(deck)
    # A new draft starts from the newest published version: sharpening, not retyping.
    start = draft.text if draft else (versions[-1].text if versions else "")
    text = draft_form.text.data if draft_form.text.data is not None else start
    draft_form.text.data = text
    checked = services.check(text, deck.slug) if draft else None
    # The title: from the text just checked when it is the stored one, else parsed once more.
    shown = checked.deck if checked is not None and text == start else services.check(start, deck.slug).deck
    visibility = VisibilityForm(formdata=None, visibility=deck.visibility)
    page = render_template(
        "studio/deck.html",
        deck=deck,
        draft=draft,
        checked=checked,
        versions=versions,
        title=shown.title.get(lang()) if shown is not None else deck.slug,
        editable=services.may_edit(user, deck),
        draft_form=draft_form,
        publish_form=PublishForm(formdata=None),
        visibility_form=visibility,
        duplicate_form=DuplicateForm(formdata=None, slug=deck.slug),
    )
    return page, status


@bp.get("/<public_id>")
@login_required
def deck(public_id: str) -> tuple[str, int]:
    return _deck_page(access.author_deck(public_id), DraftForm(formdata=None))


@bp.post("/<public_id>/draft")
@login_required
def save_draft(public_id: str) -> BaseResponse | tuple[str, int]:
    found, _user = access.editable_deck(public_id)
    form = DraftForm()
    if not form.validate_on_submit():
        return _deck_page(found, form, 400)
    services.save_draft(access.author(), found, form.text.data or "")
    flash(_("Draft saved."), "info")
    return redirect(url_for("studio.deck", public_id=public_id))


@bp.post("/<public_id>/publish")
@login_required
def publish(public_id: str) -> BaseResponse | tuple[str, int]:
    found, _user = access.editable_deck(public_id)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        version = services.publish(access.author(), found, form.note.data or "")
    except services.StudioError as exc:
        flash(str(exc), "error")
        return _deck_page(found, DraftForm(formdata=None), 400)
    flash(
        _("Version %(number)s is published: facilitators can choose it now.", number=version.number), "info"
    )
    return redirect(url_for("studio.deck", public_id=public_id))


@bp.post("/<public_id>/playtest")
@login_required
def playtest(public_id: str) -> BaseResponse | tuple[str, int]:
    """A private table on the draft as it is now: the author hosts it; it counts in no statistics."""
    found, user = access.editable_deck(public_id)
    draft = services.draft_of(found)
    checked = services.check(draft.text, found.slug) if draft is not None else None
    if draft is None or checked is None or checked.deck is None:
        flash(_("Only a draft without problems can be play-tested."), "error")
        return _deck_page(found, DraftForm(formdata=None), 400)
    table, _seat, token, _screen = service.create_table(
        found.slug,
        None,
        user,
        playtest=service.Playtest(checked.deck, draft.text, draft.number),
    )
    response = redirect(url_for("play.table", table_id=table.public_id))
    response.set_cookie(service.seat_cookie_name(table.public_id), token, **service.seat_cookie_options())
    return response


@bp.post("/<public_id>/visibility")
@login_required
def visibility(public_id: str) -> BaseResponse:
    found, _user = access.editable_deck(public_id)
    form = VisibilityForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_visibility(access.author(), found, Visibility(form.visibility.data))
    return redirect(url_for("studio.deck", public_id=public_id))


@bp.get("/<public_id>/v<int:number>.yaml")
@login_required
def export(public_id: str, number: int) -> Response:
    found = access.author_deck(public_id)
    version = next((v for v in found.versions if v.number == number), None)
    if version is None or (
        version.status != VersionStatus.PUBLISHED.value and not services.may_edit(access.author(), found)
    ):
        abort(404)
    return _yaml(found, version)


def _yaml(found: StudioDeck, version: DeckVersion) -> Response:
    response = Response(version.text, mimetype="application/yaml")
    response.headers["Content-Disposition"] = f'attachment; filename="{found.slug}-v{version.number}.yaml"'
    return response


bp.add_url_rule("/<public_id>/diff", "diff", diff_pages.diff)  # comparing versions: diff_pages.py
bp.add_url_rule("/<public_id>/translations", "translations", login_required(translation_pages.translations))
