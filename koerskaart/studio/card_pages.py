"""The card editor: one card's every field, a new card, moving a card up or down (a button each,
or a drag that posts the new position) and removing one (retired when a version published it).

editor.py puts these views on its blueprint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from ..forms import ActionForm
from ..i18n import lang
from ..security import login_required
from . import drafts, problems
from .card_form import CARD_FIELDS, CardForm, build, card_data
from .editing import Opened, open_for_edit, published_cards, render_page, save
from .preview import respond as render_preview

__all__ = ["ActionForm", "CardRow", "addressable", "build"]


@dataclass(frozen=True)
class CardRow:
    """A card as the cards list shows it."""

    index: int
    id: str | None  # None: the card has no usable id (then only the text door reaches it)
    type: str
    phase: str
    role: str
    prompt: str
    errors: int
    warnings: int

    @classmethod
    def of(
        cls, index: int, card: Any, data: dict[str, Any], language: str, issues: list[problems.Issue]
    ) -> CardRow:
        card = card if isinstance(card, dict) else {}
        found = drafts.card_id(card)
        prompt = card.get("prompt")
        text = prompt.get(language) or prompt.get("nl") if isinstance(prompt, dict) else prompt
        return cls(
            index,
            found if found is not None and addressable(found) else None,
            str(card.get("type") or ""),
            str(card.get("phase") or ""),
            str(card.get("role") or ""),
            str(text or ""),
            sum(not issue.warning for issue in issues),
            sum(issue.warning for issue in issues),
        )


def addressable(card_id: str) -> bool:
    """Whether a card id can stand in the card editor's address."""
    return bool(card_id.strip()) and "/" not in card_id and card_id == card_id.strip()


def _index(opened: Opened, card_id: str) -> int:
    found = drafts.card_index(opened.data or {}, card_id)
    if found is None:
        abort(404)
    return found


def _refused(form: CardForm, data: dict[str, Any], index: int | None) -> bool:
    """What the editor itself must refuse: an id the card could not be found by again."""
    new_id = str(form.id.data or "").strip()
    if not new_id:
        form.id.errors = [_("Give the card an id, for example sv-31.")]
    elif not addressable(new_id):
        form.id.errors = [_("A card id has no slash: use lowercase letters, digits and hyphens.")]
    elif any(n != index and drafts.card_id(card) == new_id for n, card in enumerate(drafts.cards(data))):
        form.id.errors = [_("Another card already has the id %(id)s.", id=new_id)]
    return bool(form.id.errors)


def _page(opened: Opened, form: CardForm, index: int | None, status: int = 200) -> tuple[str, int]:
    card_id = drafts.card_id(drafts.cards(opened.data or {})[index]) if index is not None else None
    public_id = opened.deck.public_id
    conference_open = "conference" in card_data(form) or any(
        issue.page == problems.CARD and issue.card == index and issue.path.startswith("conference")
        for issue in opened.issues
    )
    return render_page(
        "studio/edit_card.html",
        opened,
        problems.CARD,
        form,
        card=index,
        status=status,
        card_id=card_id,
        conference_open=conference_open,
        action=url_for("studio_editor.card", public_id=public_id, card_id=card_id)
        if card_id
        else url_for("studio_editor.new_card", public_id=public_id),
        preview_url=url_for("studio_editor.card_preview", public_id=public_id, card_id=card_id)
        if card_id
        else url_for("studio_editor.new_card_preview", public_id=public_id),
    )


@login_required
def card(public_id: str, card_id: str) -> BaseResponse | tuple[str, int]:
    """GET/POST /studio/<public_id>/cards/<card_id>: every field of one card."""
    opened = open_for_edit(public_id)
    index = _index(opened, card_id)
    data = opened.editable_data()
    phases = drafts.phase_ids(data)
    if request.method == "GET":
        return _page(opened, build(drafts.cards(data)[index], phases, posted=False), index)
    form = build(None, phases, posted=True)
    if not form.validate():
        abort(400)
    if _refused(form, data, index):
        return _page(opened, form, index, 400)
    drafts.replace_card(data, index, card_data(form), CARD_FIELDS)
    save(opened, data)
    return redirect(url_for("studio_editor.card", public_id=public_id, card_id=card_data(form)["id"]))


@login_required
def new_card(public_id: str) -> BaseResponse | tuple[str, int]:
    """GET/POST /studio/<public_id>/new-card: a card added before the closing card."""
    opened = open_for_edit(public_id)
    data = opened.editable_data()
    phases = drafts.phase_ids(data)
    if request.method == "GET":
        return _page(opened, build(None, phases, posted=False), None)
    form = build(None, phases, posted=True)
    if not form.validate():
        abort(400)
    if _refused(form, data, None):
        return _page(opened, form, None, 400)
    new = card_data(form)
    drafts.insert_card(data, new)
    save(opened, data)
    return redirect(url_for("studio_editor.card", public_id=public_id, card_id=new["id"]))


def _preview(opened: Opened) -> Response:
    data = opened.editable_data()
    form = build(None, drafts.phase_ids(data), posted=True)
    if not form.validate():
        abort(400)
    # The preview's own language switch (nl | en) decides, not the editor's interface language.
    chosen = request.form.get("preview_language", "")
    response: Response = render_preview(card_data(form), data, chosen if chosen in ("nl", "en") else lang())
    return response


@login_required
def preview(public_id: str, card_id: str) -> Response:
    """POST /studio/<public_id>/cards/<card_id>/preview: the card as posted, not saved."""
    opened = open_for_edit(public_id)
    _index(opened, card_id)
    return _preview(opened)


@login_required
def new_preview(public_id: str) -> Response:
    """POST /studio/<public_id>/new-card/preview."""
    return _preview(open_for_edit(public_id))


def _cards_list(public_id: str, moved: str | None = None, direction: str = "") -> BaseResponse:
    if moved is None:
        return redirect(url_for("studio_editor.cards", public_id=public_id))
    # No #fragment: a document with a target element skips autofocus (HTML, flush autofocus candidates).
    return redirect(url_for("studio_editor.cards", public_id=public_id, moved=moved, dir=direction))


@login_required
def move(public_id: str, card_id: str) -> BaseResponse:
    """POST /studio/<public_id>/cards/<card_id>/move: ``direction`` up or down (the buttons), or
    ``position`` (a drag in studio-reorder.js); back to the list, focus on the moved card."""
    opened = open_for_edit(public_id)
    index = _index(opened, card_id)
    data = opened.editable_data()
    if not ActionForm().validate():
        abort(400)
    direction = request.form.get("direction", "")
    position = request.form.get("position", "")
    if direction in ("up", "down"):
        target = index - 1 if direction == "up" else index + 1
    elif position.isdigit() and len(position) < 4:
        target = int(position)
    else:
        abort(400)
    if 0 <= target < len(drafts.cards(data)) and target != index:
        drafts.move_card(data, index, target)
        save(opened, data)
    return _cards_list(public_id, card_id, direction or "drag")


@login_required
def remove(public_id: str, card_id: str) -> BaseResponse:
    """POST /studio/<public_id>/cards/<card_id>/remove; a published card moves to retired."""
    opened = open_for_edit(public_id)
    index = _index(opened, card_id)
    data = opened.editable_data()
    if not ActionForm().validate():
        abort(400)
    retired = drafts.remove_card(data, index, published_cards(opened.deck))
    save(opened, data)
    if retired:
        flash(
            _(
                "Card %(id)s is retired: tables that played it still show it, and its id stays taken.",
                id=card_id,
            ),
            "info",
        )
    else:
        flash(_("Card %(id)s is removed.", id=card_id), "info")
    return _cards_list(public_id)
