"""The form editor's pages (issue 13, authoring): a deck from scratch, the deck's settings, its
phases and routes, and its cards (card_pages.py), each problem next to the field it concerns.

Every page edits the draft's data (drafts.py) and saves it through services.save_draft, so the
YAML text area on the deck page and these forms are two doors to one draft and one check.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from ..i18n import lang
from ..security import login_required
from . import access, authoring, card_pages, drafts, editing, problems
from .card_form import TYPE_LABELS
from .deck_forms import NewDeckForm, SettingsForm, apply_settings, settings_form, structure_form
from .deck_forms import apply_structure as apply_structure_form
from .editing import Opened, open_for_edit, save

bp = Blueprint("studio_editor", __name__, url_prefix="/studio")


def _links(opened: Opened) -> list[tuple[problems.Issue, str]]:
    """Every problem of the draft with a link to the page and field that shows it."""
    data = opened.data or {}
    public_id = opened.deck.public_id
    names = {
        problems.SETTINGS: problems.field_names(settings_form(data)),
        problems.STRUCTURE: problems.field_names(structure_form(data)),
        problems.CARD: problems.field_names(card_pages.build(None, [], posted=False)),
    }
    found = []
    for issue in opened.issues:
        if issue.page == problems.CARD and issue.card is not None:
            found_id = drafts.card_id(drafts.cards(data)[issue.card])
            if found_id is None or not card_pages.addressable(found_id):
                found.append((issue, ""))
                continue
            url = url_for("studio_editor.card", public_id=public_id, card_id=found_id)
        elif issue.page == problems.CARDS:
            found.append((issue, ""))
            continue
        else:
            url = url_for(f"studio_editor.{issue.page}", public_id=public_id)
        name = problems.anchor(issue.path, names.get(issue.page, []))
        found.append((issue, url + (f"#{name}" if name else "")))
    return found


# ── A new deck ──────────────────────────────────────────────────────────────────


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_deck() -> BaseResponse | tuple[str, int]:
    user = access.author()
    form = NewDeckForm()
    if not form.is_submitted():
        return render_template("studio/edit_new.html", form=form), 200
    if not form.validate():
        abort(400)
    title = {key: value for key in ("nl", "en") if (value := (form.title.form[key].data or "").strip())}
    if "nl" not in title:
        form.title.form.nl.errors = [_("Give the deck a Dutch title.")]
    # The deck format requires a description: without one the new draft could not be reviewed,
    # play-tested or published until the author found out why.
    if not (form.description.form.nl.data or "").strip():
        form.description.form.nl.errors = [
            _("Give the deck a short Dutch description: facilitators read it when they choose a deck.")
        ]
    slug = (form.slug.data or "").strip()
    if slug:
        reason = authoring.slug_problem(slug)
        if reason == "pattern":
            form.slug.errors = [
                _("Use only lowercase letters, digits and single hyphens, for example team-dialogue.")
            ]
        elif reason == "taken":
            form.slug.errors = [_("Another deck is called %(slug)s: choose another name.", slug=slug)]
    if form.title.form.nl.errors or form.description.form.nl.errors or form.slug.errors:
        return render_template("studio/edit_new.html", form=form), 400
    languages = [code for code in ("nl", "en") if code in (form.languages.data or [])] or ["nl"]
    description = {
        key: value
        for key in ("nl", "en")
        if (value := (form.description.form[key].data or "").replace("\r\n", "\n").strip())
    }
    slug = slug or authoring.suggest_slug(title["nl"])
    deck = authoring.create_deck(user, authoring.new_deck_data(slug, title, description or None, languages))
    return redirect(url_for("studio_editor.cards", public_id=deck.public_id))


# ── The cards list: the editor's first page ────────────────────────────────────


@bp.get("/<public_id>/edit")
@login_required
def cards(public_id: str) -> tuple[str, int]:
    opened = open_for_edit(public_id)
    data = opened.data or {}
    rows = []
    for index, card in enumerate(drafts.cards(data)):
        card_problems = [
            issue for issue in opened.issues if issue.page == problems.CARD and issue.card == index
        ]
        rows.append(card_pages.CardRow.of(index, card, data, lang(), card_problems))
    return editing.render_page(
        "studio/edit_cards.html",
        opened,
        problems.CARDS,
        None,
        links=_links(opened) if opened.data is not None else [],
        rows=rows,
        type_labels=TYPE_LABELS,
        moved=request.args.get("moved", ""),
        moved_direction=request.args.get("dir", ""),
        action_form=card_pages.ActionForm(formdata=None),
    )


# ── Deck settings ───────────────────────────────────────────────────────────────


@bp.route("/<public_id>/edit/settings", methods=["GET", "POST"])
@login_required
def settings(public_id: str) -> BaseResponse | tuple[str, int]:
    opened = open_for_edit(public_id)
    if request.method == "POST":
        data = opened.editable_data()
        form = SettingsForm()
        if not form.validate():
            abort(400)
        apply_settings(data, form)
        save(opened, data)
        return redirect(url_for("studio_editor.settings", public_id=public_id))
    shown = settings_form(opened.data) if opened.data is not None else None
    return editing.render_page("studio/edit_settings.html", opened, problems.SETTINGS, shown)


# ── Phases and routes ───────────────────────────────────────────────────────────


@bp.route("/<public_id>/edit/structure", methods=["GET", "POST"])
@login_required
def structure(public_id: str) -> BaseResponse | tuple[str, int]:
    opened = open_for_edit(public_id)
    if request.method == "POST":
        data = opened.editable_data()
        form = structure_form(data, posted=True)
        if not form.validate():
            abort(400)
        apply_structure_form(data, form)
        save(opened, data)
        return redirect(url_for("studio_editor.structure", public_id=public_id))
    listed = structure_form(opened.data) if opened.data is not None else None
    return editing.render_page("studio/edit_structure.html", opened, problems.STRUCTURE, listed)


bp.add_url_rule("/<public_id>/cards/<card_id>", "card", card_pages.card, methods=["GET", "POST"])
bp.add_url_rule("/<public_id>/cards/<card_id>/preview", "card_preview", card_pages.preview, methods=["POST"])
bp.add_url_rule("/<public_id>/cards/<card_id>/move", "move_card", card_pages.move, methods=["POST"])
bp.add_url_rule("/<public_id>/cards/<card_id>/remove", "remove_card", card_pages.remove, methods=["POST"])
bp.add_url_rule("/<public_id>/new-card", "new_card", card_pages.new_card, methods=["GET", "POST"])
bp.add_url_rule("/<public_id>/new-card/preview", "new_card_preview", card_pages.new_preview, methods=["POST"])
