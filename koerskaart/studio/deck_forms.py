"""The editor's forms for the deck itself: settings (title, guide, colophon, timing), phases and
routes, and a new deck. Field names follow the deck format (``colophon-owner-nl``,
``routes-0-choose-count``) so that problems.py places each problem next to its field.

Like the card form, these check nothing but the CSRF token: the deck format judges the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # newer than the stubs
from wtforms.widgets import CheckboxInput, ListWidget

from ..content.schema import CardType
from . import drafts
from .card_form import TYPE_LABELS, LineForm, TextForm, clean, number, text_data, text_value

LANGUAGES = ("nl", "en")


class Checkboxes(SelectMultipleField):
    """A list of checkboxes; values outside the choices are kept (a draft may name a missing card)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["validate_choice"] = False
        super().__init__(*args, **kwargs)


class MinutesForm(Form):
    statement = StringField(TYPE_LABELS["statement"])
    frequency = StringField(TYPE_LABELS["frequency"])
    choice = StringField(TYPE_LABELS["choice"])
    open = StringField(TYPE_LABELS["open"])
    action = StringField(TYPE_LABELS["action"])


class ColophonForm(Form):
    owner = FormField(LineForm, _l("Owner"))
    date = StringField(_l("Date (year-month-day)"))
    authors = TextAreaField(_l("Authors (one per line)"))
    reviewers = TextAreaField(_l("Reviewers (one per line)"))
    sources = TextAreaField(_l("Sources (one per line)"))
    contact = StringField(_l("Contact (e-mail address or web page)"))
    note = FormField(TextForm, _l("Note"))


class SettingsForm(FlaskForm):  # type: ignore[misc]  # FlaskForm is untyped
    title = FormField(LineForm, _l("Title"))
    description = FormField(TextForm, _l("Description"))
    languages = Checkboxes(
        _l("Languages"), choices=[SelectChoice("nl", _l("Dutch")), SelectChoice("en", _l("English"))]
    )
    minutes = FormField(MinutesForm, _l("Minutes per card type"))
    facilitator = FormField(TextForm, _l("Facilitator guide"))
    colophon = FormField(ColophonForm, _l("Colophon"))


class PhaseForm(Form):
    was = HiddenField()
    id = StringField(_l("Phase id"))
    title = FormField(LineForm, _l("Title"))
    description = FormField(TextForm, _l("Description"))
    remove = BooleanField(_l("Remove this phase"))


class ChooseForm(Form):
    count = StringField(_l("How many phases the host picks"))
    phases = Checkboxes(_l("Phases to pick from"), choices=[])


class RouteForm(Form):
    id = StringField(_l("Route id"))
    title = FormField(LineForm, _l("Title"))
    description = FormField(TextForm, _l("Description"))
    mixed = BooleanField(_l("For mixed conference tables"))
    cards = Checkboxes(_l("Cards on this route"), choices=[])
    choose = FormField(ChooseForm, _l("Or: phases the host picks from"))
    remove = BooleanField(_l("Remove this route"))


class StructureForm(FlaskForm):  # type: ignore[misc]  # FlaskForm is untyped
    phases = FieldList(FormField(PhaseForm), _l("Phases"))
    routes = FieldList(FormField(RouteForm), _l("Routes"))


class NewDeckForm(FlaskForm):  # type: ignore[misc]  # FlaskForm is untyped
    title = FormField(LineForm, _l("Title"))
    description = FormField(TextForm, _l("Description"))
    slug = StringField(_l("Short name in addresses and files (slug)"))
    languages = Checkboxes(
        _l("Languages"),
        choices=[SelectChoice("nl", _l("Dutch")), SelectChoice("en", _l("English"))],
        default=["nl", "en"],
    )


# ── Draft data → forms ─────────────────────────────────────────────────────────


def _lines(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join("" if item is None else str(item) for item in value)
    return "" if value is None else str(value)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def settings_form(data: Mapping[str, Any]) -> SettingsForm:
    colophon = _dict(data.get("colophon"))
    minutes = _dict(data.get("minutes"))
    languages = data.get("languages")
    values = {
        "title": text_value(data.get("title")),
        "description": text_value(data.get("description")),
        "languages": [str(lang) for lang in languages] if isinstance(languages, list) else [],
        "minutes": {kind.value: _lines(minutes.get(kind.value)) for kind in CardType},
        "facilitator": text_value(data.get("facilitator")),
        "colophon": {
            "owner": text_value(colophon.get("owner")),
            "date": _lines(colophon.get("date")),
            "authors": _lines(colophon.get("authors")),
            "reviewers": _lines(colophon.get("reviewers")),
            "sources": _lines(colophon.get("sources")),
            "contact": _lines(colophon.get("contact")),
            "note": text_value(colophon.get("note")),
        },
    }
    return SettingsForm(formdata=None, data=values)


def _phase_rows(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for phase in data.get("phases") or []:
        phase = _dict(phase)
        rows.append(
            {
                "was": _lines(phase.get("id")),
                "id": _lines(phase.get("id")),
                "title": text_value(phase.get("title")),
                "description": text_value(phase.get("description")),
            }
        )
    return rows


def _route_rows(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for route in data.get("routes") or []:
        route = _dict(route)
        choose = _dict(route.get("choose"))
        listed = route.get("cards")
        phases = choose.get("phases")
        rows.append(
            {
                "id": _lines(route.get("id")),
                "title": text_value(route.get("title")),
                "description": text_value(route.get("description")),
                "mixed": route.get("mixed") is True,
                "cards": [str(c) for c in listed] if isinstance(listed, list) else [],
                "choose": {
                    "count": _lines(choose.get("count")),
                    "phases": [str(p) for p in phases] if isinstance(phases, list) else [],
                },
            }
        )
    return rows


def structure_form(data: Mapping[str, Any], posted: bool = False) -> StructureForm:
    """Phases and routes of the draft, each list with a blank row to add one."""
    if posted:
        form = StructureForm()
    else:
        blank_phase: dict[str, Any] = {"title": {}, "description": {}}
        blank_route: dict[str, Any] = {"title": {}, "description": {}, "choose": {}}
        rows = {"phases": [*_phase_rows(data), blank_phase], "routes": [*_route_rows(data), blank_route]}
        form = StructureForm(formdata=None, data=rows)
    card_choices = [
        SelectChoice(found, found)
        for card in drafts.cards(data)
        if (found := drafts.card_id(card)) is not None
    ]
    phase_choices = [SelectChoice(phase, phase) for phase in drafts.phase_ids(data)]
    for entry in form.routes:
        route: RouteForm = entry.form
        route.cards.choices = _with_unknown(card_choices, route.cards.data)
        route.choose.form.phases.choices = _with_unknown(phase_choices, route.choose.form.phases.data)
    return form


def _with_unknown(choices: list[Any], chosen: Any) -> list[Any]:
    known = [next(iter(choice)) for choice in choices]
    extra = [SelectChoice(value, value) for value in (chosen or []) if value not in known]
    return [*choices, *extra]


# ── Forms → draft data ─────────────────────────────────────────────────────────


def _listed(text: Any) -> list[str] | None:
    found = [line.strip() for line in clean(text).split("\n") if line.strip()]
    return found or None


def _date(text: Any) -> date | str | None:
    value = clean(text)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return value  # the schema says what a date looks like, next to the field


def _some(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None and value != ""}


def apply_settings(data: dict[str, Any], form: SettingsForm) -> None:
    """The settings as posted, into the draft's data (fields left blank are left out)."""
    colophon = form.colophon.form
    minutes = _some({kind.value: number(form.minutes.form[kind.value].data) for kind in CardType})
    values = {
        "languages": [lang for lang in LANGUAGES if lang in (form.languages.data or [])]
        + [lang for lang in form.languages.data or [] if lang not in LANGUAGES],
        "title": text_data(form.title.form),
        "description": text_data(form.description.form),
        "facilitator": text_data(form.facilitator.form),
        "colophon": _some(
            {
                "owner": text_data(colophon.owner.form),
                "date": _date(colophon.date.data),
                "authors": _listed(colophon.authors.data),
                "reviewers": _listed(colophon.reviewers.data),
                "sources": _listed(colophon.sources.data),
                "contact": clean(colophon.contact.data) or None,
                "note": text_data(colophon.note.form),
            }
        )
        or None,
        "minutes": minutes or None,
    }
    for key, value in values.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value


def apply_structure(data: dict[str, Any], form: StructureForm) -> None:
    """Phases and routes as posted: blank and removed rows dropped; a renamed phase's cards follow."""
    phases, renamed = [], []
    for phase_entry in form.phases:
        row: PhaseForm = phase_entry.form
        phase = _some(
            {
                "id": clean(row.id.data),
                "title": text_data(row.title.form),
                "description": text_data(row.description.form),
            }
        )
        if row.remove.data or not phase:
            continue
        phases.append(phase)
        was = clean(row.was.data)
        if was and phase.get("id") and was != phase["id"]:
            renamed.append((was, phase["id"]))
    order = [found for card in drafts.cards(data) if (found := drafts.card_id(card)) is not None]
    routes = []
    for entry in form.routes:
        route_row: RouteForm = entry.form
        listed = list(route_row.cards.data or [])
        choose = _some(
            {
                "count": number(route_row.choose.form.count.data),
                "phases": list(route_row.choose.form.phases.data or []) or None,
            }
        )
        route = _some(
            {
                "id": clean(route_row.id.data),
                "title": text_data(route_row.title.form),
                "description": text_data(route_row.description.form),
                "mixed": True if route_row.mixed.data else None,
                # Played in the deck's order whatever the order listed: written in that order.
                "cards": sorted(listed, key=lambda c: order.index(c) if c in order else len(order)) or None,
                "choose": choose or None,
            }
        )
        if route_row.remove.data or not (set(route) - {"mixed"}):
            continue
        routes.append(route)
    for key, value in (("phases", phases), ("routes", routes)):
        if value:
            data[key] = value
        else:
            data.pop(key, None)
    for old, new in renamed:
        drafts.rename_phase(data, old, new)
