"""Studio forms (CSRF through Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # newer than the stubs
from wtforms.validators import DataRequired, Length, Optional

from ..models.decks import CHANGE_NOTE_MAX, DECK_TEXT_MAX


class ImportForm(FlaskForm):
    text = TextAreaField(
        _l("Deck file (YAML)"),
        validators=[DataRequired(_l("Paste the text of a deck file.")), Length(max=DECK_TEXT_MAX)],
    )
    submit = SubmitField(_l("Import as a new deck"))


class DuplicateForm(FlaskForm):
    slug = HiddenField(validators=[DataRequired(), Length(max=60)])
    submit = SubmitField(_l("Duplicate"))


class DraftForm(FlaskForm):
    text = TextAreaField(
        _l("Draft (deck file, YAML)"), validators=[DataRequired(), Length(max=DECK_TEXT_MAX)]
    )
    submit = SubmitField(_l("Save the draft"))


class PublishForm(FlaskForm):
    note = StringField(
        _l("What changed (for facilitators and the next author)"),
        validators=[Optional(), Length(max=CHANGE_NOTE_MAX)],
    )
    submit = SubmitField(_l("Publish this version"))


class VisibilityForm(FlaskForm):
    visibility = RadioField(
        _l("Who may use it"),
        choices=[
            SelectChoice("private", _l("Our organisation")),
            SelectChoice("shared", _l("Every organisation (they may play and duplicate it)")),
        ],
    )
    submit = SubmitField(_l("Save"))
