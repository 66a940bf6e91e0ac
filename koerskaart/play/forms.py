"""Forms for starting and joining a table (CSRF through Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import PerspectiveMixin
from ..models.table import TEAM_LABEL_MAX


class StartTableForm(PerspectiveMixin, FlaskForm):
    deck = RadioField(_l("Deck"), validators=[DataRequired(_l("Choose a deck."))])
    nickname = StringField(_l("Your name (optional)"), validators=[Optional(), Length(max=30)])
    # Shown only to a logged-in facilitator: names the team for a later comparison.
    team = StringField(_l("Team name (optional)"), validators=[Optional(), Length(max=TEAM_LABEL_MAX)])
    # Shown only when the facilitator's organisation keeps units; checked against them (live/units.py).
    unit = SelectField(_l("Unit (optional)"), validators=[Optional(), Length(max=40)], validate_choice=False)
    submit = SubmitField(_l("Start a table"))


class JoinForm(PerspectiveMixin, FlaskForm):
    code = StringField(
        _l("Table code"), validators=[DataRequired(_l("Enter the table code.")), Length(max=64)]
    )
    nickname = StringField(_l("Your name (optional)"), validators=[Optional(), Length(max=30)])
    submit = SubmitField(_l("Join"))
