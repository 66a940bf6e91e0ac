"""The card editor's form: every field of every card type, Dutch and English side by side.

Field names are the deck format's paths with dashes (``prompt-nl``, ``options-0-en``,
``conference-follow_up-0-nl``): problems.py places the validator's problems on them and the live
preview reads them. The form checks nothing of its own but the CSRF token: what is wrong with a
card is what the deck format says, shown next to the field, and a draft may stay wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # newer than the stubs

from ..content.schema import MAX_OPTIONS, Card, CardRole, CardType
from ..content.yamlio import ORDER

MAX_FOLLOW_UPS = 6
BLANK_ROWS = 2
# The fields the editor writes (every field of a card, in the canonical order); any other field
# of a card in the draft is kept as it is.
CARD_FIELDS = ORDER[Card]


class TextForm(Form):
    """A text in both languages (``<name>-nl``, ``<name>-en``)."""

    nl = TextAreaField(_l("Dutch"))
    en = TextAreaField(_l("English"))


class LineForm(Form):
    """A short text in both languages: an option, a follow-up question, a title."""

    nl = StringField(_l("Dutch"))
    en = StringField(_l("English"))


class VariantForm(Form):
    prompt = FormField(TextForm, _l("Question at a conference"))
    body = FormField(TextForm, _l("Explanation at a conference"))
    follow_up = FieldList(FormField(LineForm), _l("Follow-up questions at a conference"))


TYPE_LABELS = {
    "statement": _l("Statement (agree scale)"),
    "frequency": _l("Frequency (never to always)"),
    "choice": _l("Choice (2 to 5 options)"),
    "open": _l("Open question"),
    "action": _l("Action (who does what by when)"),
}


class CardForm(FlaskForm):  # type: ignore[misc]  # FlaskForm is untyped
    id = StringField(_l("Card id"))
    type = SelectField(
        _l("Card type"),
        choices=[SelectChoice(kind.value, TYPE_LABELS[kind.value]) for kind in CardType],
        validate_choice=False,
    )
    phase = SelectField(_l("Phase"), choices=[], validate_choice=False)
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("", _l("None")),
            SelectChoice(CardRole.OPENING.value, _l("Opening card (the deck's first)")),
            SelectChoice(CardRole.CLOSING.value, _l("Closing card (the deck's last)")),
        ],
        validate_choice=False,
    )
    sensitive = BooleanField(_l("Sensitive: results only in bands, never as numbers"))
    minutes = StringField(_l("Minutes at the table"))
    max_length = StringField(_l("Maximum answer length (open cards)"))
    prompt = FormField(TextForm, _l("Question"))
    body = FormField(TextForm, _l("Explanation"))
    options = FieldList(FormField(LineForm), _l("Answer options"))
    follow_up = FieldList(FormField(LineForm), _l("Follow-up questions"))
    source = FormField(TextForm, _l("Source"))
    facilitator = FormField(TextForm, _l("Facilitator note"))
    conference = FormField(VariantForm, _l("Wording at a conference"))


def clean(value: Any) -> str:
    """A posted text as the deck keeps it: Unix line breaks, no surrounding blanks."""
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def text_data(form: TextForm | LineForm) -> dict[str, str] | None:
    """``{nl, en}`` with what was filled in, or None when both are blank."""
    found = {lang: text for lang in ("nl", "en") if (text := clean(form[lang].data))}
    return found or None


def number(value: Any) -> int | str | None:
    """A whole number as a number; anything else as written, for the schema to name."""
    text = clean(value)
    if not text:
        return None
    return int(text) if text.isdigit() and len(text) < 10 else text


def _rows(field: FieldList[Any]) -> list[dict[str, str]]:
    return [found for entry in field for found in [text_data(entry.form)] if found is not None]


def card_data(form: CardForm) -> dict[str, Any]:
    """The card as a deck file holds it, in the format's field order; blank fields and rows left out."""
    values: dict[str, Any] = {
        "id": clean(form.id.data),
        "type": clean(form.type.data),
        "phase": clean(form.phase.data) or None,
        "role": clean(form.role.data) or None,
        "sensitive": True if form.sensitive.data else None,
        "minutes": number(form.minutes.data),
        "max_length": number(form.max_length.data),
        "prompt": text_data(form.prompt.form),
        "body": text_data(form.body.form),
        "options": _rows(form.options) or None,
        "follow_up": _rows(form.follow_up) or None,
        "facilitator": text_data(form.facilitator.form),
        "conference": _variant(form.conference.form),
        "source": text_data(form.source.form),
    }
    return {key: value for key, value in values.items() if value is not None and value != ""}


def _variant(form: VariantForm) -> dict[str, Any] | None:
    values = {
        "prompt": text_data(form.prompt.form),
        "body": text_data(form.body.form),
        "follow_up": _rows(form.follow_up) or None,
    }
    found = {key: value for key, value in values.items() if value is not None}
    return found or None


def text_value(value: Any) -> dict[str, str]:
    """A text of the draft for the form; a bare string (which the schema refuses) goes in Dutch."""
    if isinstance(value, dict):
        return {lang: _shown(value.get(lang)) for lang in ("nl", "en")}
    return {"nl": _shown(value), "en": ""}


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def _list_value(value: Any, most: int) -> list[dict[str, str]]:
    items = [text_value(item) for item in value] if isinstance(value, list) else []
    if len(items) < most:
        items += [{"nl": "", "en": ""}] * min(BLANK_ROWS, most - len(items))
    return items


def form_data(card: Mapping[str, Any]) -> dict[str, Any]:
    """A draft's card (any shape) as the form's data, with blank rows to add options and questions."""
    found = card.get("conference")
    variant: dict[str, Any] = found if isinstance(found, dict) else {}
    return {
        "id": _shown(card.get("id")),
        "type": _shown(card.get("type")),
        "phase": _shown(card.get("phase")),
        "role": _shown(card.get("role")),
        "sensitive": card.get("sensitive") is True,
        "minutes": _shown(card.get("minutes")),
        "max_length": _shown(card.get("max_length")),
        "prompt": text_value(card.get("prompt")),
        "body": text_value(card.get("body")),
        "options": _list_value(card.get("options"), MAX_OPTIONS),
        "follow_up": _list_value(card.get("follow_up"), MAX_FOLLOW_UPS),
        "source": text_value(card.get("source")),
        "facilitator": text_value(card.get("facilitator")),
        "conference": {
            "prompt": text_value(variant.get("prompt")),
            "body": text_value(variant.get("body")),
            "follow_up": _list_value(variant.get("follow_up"), MAX_FOLLOW_UPS),
        },
    }


def set_choices(form: CardForm, phases: list[str]) -> None:
    """The deck's phases to choose from, and whatever the draft holds that is not one of the choices."""
    form.phase.choices = [SelectChoice("", _l("No phase")), *(SelectChoice(p, p) for p in phases)]
    for field in (form.phase, form.type, form.role):
        choices: list[Any] = list(field.choices or [])
        if field.data and field.data not in [next(iter(choice)) for choice in choices]:
            field.choices = [*choices, SelectChoice(field.data, field.data)]


def build(card: Mapping[str, Any] | None, phases: list[str], posted: bool) -> CardForm:
    """The form for a card of the draft (None: a new card), or as posted."""
    form = CardForm() if posted else CardForm(formdata=None, data=form_data(card or {"type": "statement"}))
    if posted:  # after a refusal the page shows the rows as posted, with room to add again
        for field, most in (
            (form.options, MAX_OPTIONS),
            (form.follow_up, MAX_FOLLOW_UPS),
            (form.conference.form.follow_up, MAX_FOLLOW_UPS),
        ):
            while len(field.entries) < most and all(text_data(e.form) for e in field.entries):
                field.append_entry()
    set_choices(form, phases)
    return form
