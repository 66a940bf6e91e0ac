"""Forms for the admin's tree of units (CSRF through Flask-WTF); the service checks the tree's rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from ..models.usage import UNIT_NAME_MAX

# Room for whitespace the service trims; anything longer is refused before it is read further.
NAME_FIELD_MAX = UNIT_NAME_MAX * 2


class UnitForm(FlaskForm):  # type: ignore[misc]  # Flask-WTF is untyped
    name = StringField(_l("Name"), validators=[Length(max=NAME_FIELD_MAX)])
    # Choices are the units in use; "" is the top of the tree.
    parent = SelectField(_l("Under"), validators=[Optional()], default="")
    submit = SubmitField(_l("Add the unit"))


class RenameForm(FlaskForm):  # type: ignore[misc]  # Flask-WTF is untyped
    name = StringField(_l("Name"), validators=[Length(max=NAME_FIELD_MAX)])
    submit = SubmitField(_l("Rename"))


class MoveForm(FlaskForm):  # type: ignore[misc]  # Flask-WTF is untyped
    parent = SelectField(_l("Move under"), validators=[Optional()], default="")
    submit = SubmitField(_l("Move"))
