"""Forms for logging in, inviting and accepting an invite (CSRF through Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # newer than the stubs
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from .services import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def role_choices() -> list[SelectChoice]:
    return [
        SelectChoice("facilitator", _l("Facilitator")),
        SelectChoice("author", _l("Deck author")),
        SelectChoice("admin", _l("Admin")),
        SelectChoice("analyst", _l("Analyst")),  # reads the organisation's uptake, nothing else
    ]


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email address"), validators=[DataRequired(_l("Enter your email address.")), Length(max=254)]
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=MAX_PASSWORD_LENGTH)]
    )
    remember = BooleanField(_l("Stay logged in on this device"))
    submit = SubmitField(_l("Log in"))


class InviteForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter an email address.")),
            Length(max=254),
            Regexp(EMAIL_SHAPE, message=_l("Enter a valid email address.")),
        ],
    )
    role = SelectField(_l("Role"), choices=role_choices, default="facilitator")
    submit = SubmitField(_l("Create invitation link"))


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=_l("Use at least 12 characters."),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The passwords differ.")),
        ],
    )
    submit = SubmitField(_l("Create my account"))
