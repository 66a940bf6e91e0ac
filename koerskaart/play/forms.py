"""Forms for starting and joining a table (CSRF through Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional


class StartTableForm(FlaskForm):
    deck = RadioField(_l("Deck"), validators=[DataRequired(_l("Choose a deck."))])
    nickname = StringField(_l("Your name (optional)"), validators=[Optional(), Length(max=30)])
    submit = SubmitField(_l("Start a table"))


class JoinForm(FlaskForm):
    code = StringField(
        _l("Table code"), validators=[DataRequired(_l("Enter the table code.")), Length(max=64)]
    )
    nickname = StringField(_l("Your name (optional)"), validators=[Optional(), Length(max=30)])
    submit = SubmitField(_l("Join"))
