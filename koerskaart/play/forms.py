"""Forms for starting and joining a table (CSRF through Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

ROLE_CHOICES = [
    SelectChoice("", _l("I'd rather not say")),
    SelectChoice("manager", _l("Manager")),
    SelectChoice("employee", _l("Employee")),
]


class RoleMixin:
    role = RadioField(_l("I play as (optional)"), choices=ROLE_CHOICES, default="", validators=[Optional()])


class StartTableForm(RoleMixin, FlaskForm):
    deck = RadioField(_l("Deck"), validators=[DataRequired(_l("Choose a deck."))])
    nickname = StringField(_l("Your name (optional)"), validators=[Optional(), Length(max=30)])
    # Shown only to a logged-in facilitator: names the team for a later comparison.
    team = StringField(_l("Team name (optional)"), validators=[Optional(), Length(max=60)])
    submit = SubmitField(_l("Start a table"))


class JoinForm(RoleMixin, FlaskForm):
    code = StringField(
        _l("Table code"), validators=[DataRequired(_l("Enter the table code.")), Length(max=64)]
    )
    nickname = StringField(_l("Your name (optional)"), validators=[Optional(), Length(max=30)])
    submit = SubmitField(_l("Join"))
