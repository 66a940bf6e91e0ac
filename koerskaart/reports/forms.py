"""Forms on the facilitator's summary page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import Length, Optional

from ..models.table import TEAM_LABEL_MAX


class TeamLabelForm(FlaskForm):
    team = StringField(_l("Team name"), validators=[Optional(), Length(max=TEAM_LABEL_MAX)])
    submit = SubmitField(_l("Save team name"))
