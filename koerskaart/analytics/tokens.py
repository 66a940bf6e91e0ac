"""/organisation/tokens: an admin's or analyst's personal access tokens; /organisation/api: the API explained.

Admins and analysts make their own tokens; an admin sees and revokes every token of the
organisation, an analyst only their own. A new token is shown once, on the response that made it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from limits import parse_many
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # newer than the stubs
from wtforms.validators import DataRequired, Length

from ..clock import utcnow
from ..extensions import limiter
from ..forms import ActionForm
from ..models import User
from ..models.usage import TOKEN_NAME_MAX
from ..security import login_required
from . import access, token_services
from .token_services import EXPIRY_DAYS, MAX_ACTIVE
from .views import VIEWS, k_value

bp = Blueprint("analytics_tokens", __name__)


def expiry_choices() -> list[SelectChoice]:
    today = utcnow().date()
    return [
        SelectChoice(
            str(days),
            _("%(num)d days, until %(date)s", num=days, date=format_date(today + timedelta(days=days))),
        )
        for days in EXPIRY_DAYS
    ]


# Flask-WTF is untyped (pyproject.toml lets *.forms modules subclass it; this form lives here, beside
# its only page, so the package's forms.py stays with the parts that share it).
class TokenForm(FlaskForm):  # type: ignore[misc]
    name = StringField(
        _l("Token name"),
        validators=[
            DataRequired(_l("Give the token a name.")),
            Length(max=TOKEN_NAME_MAX, message=_l("Use at most 60 characters.")),
        ],
    )
    days = SelectField(_l("Works for"), choices=expiry_choices, default="90")
    submit = SubmitField(_l("Make a token"))


def status_labels() -> dict[str, str]:
    return {
        "active": _("active"),
        "expired": _("expired"),
        "revoked": _("revoked"),
        # The maker was disabled, left or is no longer an admin or analyst: the token opens nothing.
        "inactive": _("not working: its maker can no longer read uptake"),
    }


def _me() -> User:
    return cast(User, current_user._get_current_object())


def _page(form: TokenForm, new_token: str | None = None, status: int = 200) -> tuple[str, int]:
    me = _me()
    return render_template(
        "analytics/tokens.html",
        form=form,
        action_form=ActionForm(),
        tokens=token_services.visible(me),
        status_labels=status_labels(),
        new_token=new_token,
        max_active=MAX_ACTIVE,
        is_admin=me.role == "admin",
    ), status


@bp.get("/organisation/tokens")
@login_required
def tokens() -> tuple[str, int]:
    access.organisation_reader()
    return _page(TokenForm(formdata=None))


@bp.post("/organisation/tokens")
@login_required
@limiter.limit(lambda: current_app.config["API_TOKEN_CREATE_RATE_LIMIT"])
def create() -> tuple[str, int]:
    access.organisation_reader()
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    try:
        issued = token_services.issue(_me(), form.name.data or "", int(form.days.data or 0))
    except token_services.TokenError as exc:
        form.name.errors = [*form.name.errors, str(exc)]
        return _page(form, status=400)
    # Shown on this response only: the database keeps the token's hash and its prefix.
    return _page(TokenForm(formdata=None), new_token=issued.token)


@bp.post("/organisation/tokens/<public_id>/revoke")
@login_required
def revoke(public_id: str) -> Response:
    access.organisation_reader()
    row = token_services.revocable(_me(), public_id)
    if row is None:
        abort(404)  # another organisation's, another analyst's, or none at all
    if not ActionForm().validate_on_submit():
        abort(400)
    token_services.revoke(row)
    flash(_("The token %(name)s no longer works.", name=row.name), "success")
    return cast(Response, redirect(url_for("analytics_tokens.tokens")))


def limit_texts(rate: str) -> list[str]:
    """A Flask-Limiter rate ("120 per minute; 2000 per hour") in the reader's words."""
    per = {
        "second": lambda n: ngettext("%(num)d call per second", "%(num)d calls per second", n),
        "minute": lambda n: ngettext("%(num)d call per minute", "%(num)d calls per minute", n),
        "hour": lambda n: ngettext("%(num)d call per hour", "%(num)d calls per hour", n),
        "day": lambda n: ngettext("%(num)d call per day", "%(num)d calls per day", n),
    }
    texts = []
    for item in parse_many(rate):
        words = per.get(item.GRANULARITY.name)
        texts.append(words(item.amount) if words and item.multiples == 1 else str(item))
    return texts


@bp.get("/organisation/api")
@login_required
def api_docs() -> str:
    """The API for people: what it answers, curl examples, the OpenAPI document."""
    access.organisation_reader()
    return render_template(
        "analytics/api_docs.html",
        action_form=ActionForm(),
        views=list(VIEWS.values()),
        example=next(iter(VIEWS), "decks"),
        base=request.host_url.rstrip("/"),
        k=k_value(),
        rate_limits=limit_texts(current_app.config["API_RATE_LIMIT"]),
        expiry_days=EXPIRY_DAYS,
    )
