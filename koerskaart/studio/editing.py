"""What every page of the form editor starts from: the deck the author may edit, its draft as
data with its problems placed, and saving an edit through the same check as a file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, flash, render_template
from flask_babel import gettext as _
from wtforms import Form

from ..i18n import lang
from ..models import StudioDeck, User
from . import access, drafts, problems, services


@dataclass
class Opened:
    """A deck open in the editor: the draft's text (or the newest published version's, which a
    first save turns into a new draft), its data (None: no YAML mapping) and its problems."""

    deck: StudioDeck
    user: User
    text: str
    number: int | None  # the draft's version number; None while there is no draft
    data: dict[str, Any] | None
    checked: services.Checked
    issues: list[problems.Issue]

    def editable_data(self) -> dict[str, Any]:
        if self.data is None:
            abort(409)  # the pages say so and link the text door; only a crafted post gets here
        return self.data


def open_for_edit(public_id: str) -> Opened:
    """404 for another organisation's deck (or a missing one), 403 for anyone who may not edit it."""
    deck, user = access.editable_deck(public_id)
    draft = services.draft_of(deck)
    versions = services.published(deck)
    text = draft.text if draft else (versions[-1].text if versions else "")
    data = drafts.load(text)
    checked = services.check(text, deck.slug)
    return Opened(
        deck, user, text, draft.number if draft else None, data, checked, problems.issues(checked, data)
    )


def save(opened: Opened, data: dict[str, Any]) -> services.Checked:
    """The edited data as the draft, written as canonical YAML; valid or not."""
    checked = services.save_draft(opened.user, opened.deck, drafts.to_text(data))
    flash(_("Draft saved."), "info")
    return checked


def published_cards(deck: StudioDeck) -> dict[str, Any]:
    """Every card some published version holds, by id, as the newest such version has it."""
    found: dict[str, Any] = {}
    for version in services.published(deck):
        found.update(drafts.card_ids(version.text))
    return found


def _title(opened: Opened) -> str:
    title = (opened.data or {}).get("title")
    if isinstance(title, dict):
        shown = title.get(lang()) or title.get("nl")
        if isinstance(shown, str) and shown.strip():
            return shown
    return opened.deck.slug


def render_page(
    template: str,
    opened: Opened,
    page: str,
    form: Form | None,
    card: int | None = None,
    status: int = 200,
    **context: object,
) -> tuple[str, int]:
    """A page of the editor with the problems of ``page`` (of one card) placed on its form's fields."""
    placed = problems.place(opened.issues, page, problems.field_names(form) if form else [], card)
    elsewhere = sum(
        1 for issue in opened.issues if not issue.warning and (issue.page, issue.card) != (page, card)
    )
    page_html = render_template(
        template,
        opened=opened,
        deck=opened.deck,
        title=_title(opened),
        page=page,
        form=form,
        placed=placed,
        elsewhere=elsewhere,
        **context,
    )
    return page_html, status
