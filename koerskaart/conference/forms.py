"""Forms for creating an event, marking harvest cards and joining an event (CSRF through Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # newer than the stubs
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..forms import PerspectiveMixin
from ..models.conference import CONFERENCE_NAME_MAX, TARGET_SIZE_DEFAULT, TARGET_SIZE_MAX


def pacing_choices() -> list[SelectChoice]:
    return [
        SelectChoice("free", _l("Free: every table plays at its own pace, its host leads")),
        SelectChoice("synchronised", _l("Synchronised: I open and close each card at every table")),
    ]


class EventForm(FlaskForm):
    name = StringField(
        _l("Name of the event"),
        validators=[DataRequired(_l("Give the event a name.")), Length(max=CONFERENCE_NAME_MAX)],
    )
    held_on = DateField(_l("Date"), validators=[DataRequired(_l("Choose a date."))])
    deck = RadioField(_l("Deck"), validators=[DataRequired(_l("Choose a deck."))])
    target_size = IntegerField(
        _l("Players per table"),
        default=TARGET_SIZE_DEFAULT,
        validators=[DataRequired(), NumberRange(min=3, max=TARGET_SIZE_MAX)],
    )
    pacing = RadioField(_l("Pacing"), choices=pacing_choices(), default="free")
    # Most event tables mix people from several teams: the cards' conference wording fits them.
    mixed = BooleanField(_l("Tables mix people from different teams"), default=True)
    tables = TextAreaField(
        _l("Named tables (optional, one per line)"),
        validators=[Optional(), Length(max=4000)],
    )
    # Shown only when the organisation keeps units; checked against them (live/units.py).
    unit = SelectField(_l("Unit (optional)"), validators=[Optional(), Length(max=40)], validate_choice=False)
    submit = SubmitField(_l("Create the event"))


class HarvestForm(FlaskForm):
    cards = SelectMultipleField(
        _l("Harvest moments"),
        coerce=int,
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        validators=[Optional()],
    )
    submit = SubmitField(_l("Save harvest moments"))


class EventJoinForm(PerspectiveMixin, FlaskForm):
    code = StringField(
        _l("Event code"), validators=[DataRequired(_l("Enter the event code.")), Length(max=64)]
    )
    nickname = StringField(_l("Your name (optional)"), validators=[Optional(), Length(max=30)])
    submit = SubmitField(_l("Join"))
