"""Forms of the review pages (CSRF through Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..models.review import COMMENT_MAX, LABEL_MAX


class InviteAccountForm(FlaskForm):  # type: ignore[misc]  # Flask-WTF is untyped
    # Choices: the organisation's colleagues, filled in by the page.
    email = SelectField(_l("Colleague"), validators=[DataRequired(_l("Choose a colleague."))])


class ReviewLinkForm(FlaskForm):  # type: ignore[misc]  # Flask-WTF is untyped
    label = StringField(
        _l("Name of the outside expert"),
        validators=[
            DataRequired(_l("Give the link a name, so you know whose comments they are.")),
            Length(max=LABEL_MAX),
        ],
    )


class InvitationForm(FlaskForm):  # type: ignore[misc]  # Flask-WTF is untyped
    """Revoke: one invitation, by its public id."""

    invitation = HiddenField(validators=[DataRequired(), Length(max=32)])


def _one_newline(text: str | None) -> str | None:
    """Browsers send a textarea's line breaks as CRLF: count each as one character, as typed."""
    return text.replace("\r\n", "\n") if text else text


class CommentForm(FlaskForm):  # type: ignore[misc]  # Flask-WTF is untyped
    card = HiddenField(validators=[Length(max=40)])  # empty: the deck itself
    version = HiddenField(validators=[DataRequired(), Length(max=9)])
    field = StringField(_l("About"), validators=[DataRequired(), Length(max=32)])
    body = TextAreaField(
        _l("Your comment"),
        validators=[DataRequired(_l("Write a comment first.")), Length(max=COMMENT_MAX)],
        filters=[_one_newline],
    )


class ResolveForm(FlaskForm):  # type: ignore[misc]  # Flask-WTF is untyped
    """Resolve or reopen: one comment, by its public id."""

    comment = HiddenField(validators=[DataRequired(), Length(max=32)])
