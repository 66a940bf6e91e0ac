"""Forms of the public request page and the ready link (CSRF through Flask-WTF).

The unit and the route are checked by the route against the organisation's units and the chosen
deck's routes (their choices depend on each other), everything else here, within the bounds the
request service checks again.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..forms import PerspectiveMixin
from ..models.usage import EMAIL_MAX
from .request_services import SIZE_MAX, SIZE_MIN, latest_date, today

EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def no_control_characters(_form: Any, field: Any) -> None:
    """A NUL byte or another control character is no part of an address (PostgreSQL refuses NUL)."""
    if any(ord(char) < 32 or ord(char) == 127 for char in str(field.data or "")):
        raise ValidationError(_l("Remove the control characters."))


class RequestForm(FlaskForm):  # type: ignore[misc]  # Flask-WTF is untyped
    unit = SelectField(_l("Unit"), validators=[Optional(), Length(max=40)], validate_choice=False)
    deck = RadioField(_l("Deck"), validators=[DataRequired(_l("Choose a deck."))])
    expected_on = DateField(
        _l("When do you expect to play?"), validators=[DataRequired(_l("Choose a date."))]
    )
    expected_size = IntegerField(
        _l("How many people will play?"),
        validators=[
            DataRequired(_l("Say how many people will play.")),
            NumberRange(
                min=SIZE_MIN,
                max=SIZE_MAX,
                message=_l("Between %(min)d and %(max)d.", min=SIZE_MIN, max=SIZE_MAX),
            ),
        ],
    )
    contact_email = EmailField(
        _l("Contact email address (optional)"),
        validators=[
            Optional(),
            Length(max=EMAIL_MAX),
            no_control_characters,
            Regexp(EMAIL_SHAPE, message=_l("Enter a valid email address.")),
        ],
    )
    submit = SubmitField(_l("Request the deck"))

    def validate_expected_on(self, field: DateField) -> None:
        if field.data is not None and not today() <= field.data <= latest_date():
            raise ValidationError(_l("Choose a date from today up to a year ahead."))


class ReadyForm(PerspectiveMixin, FlaskForm):  # type: ignore[misc]  # Flask-WTF is untyped
    nickname = StringField(_l("Your name (optional)"), validators=[Optional(), Length(max=30)])
    # Only for a route that lets the facilitator choose phases; checked against the route.
    phases = SelectField(
        _l("Phases to play"), validators=[Optional(), Length(max=300)], validate_choice=False
    )
    submit = SubmitField(_l("Start the table"))
