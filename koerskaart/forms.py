"""Forms every feature uses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # newer than the stubs
from wtforms.validators import Optional


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


PERSPECTIVE_CHOICES = [
    SelectChoice("", _l("I'd rather not say")),
    SelectChoice("manager", _l("Manager")),
    SelectChoice("employee", _l("Employee")),
]


class PerspectiveMixin:
    """A player may say whether they play as a manager or an employee (PRODUCT.md, perspective view)."""

    perspective = RadioField(
        _l("I play as (optional)"), choices=PERSPECTIVE_CHOICES, default="", validators=[Optional()]
    )
