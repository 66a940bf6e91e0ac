"""Pages for logging in and out, the account's table history, and the organisation admin's team page."""

from __future__ import annotations

from functools import wraps
from typing import Any, cast

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..engine import TableStatus
from ..extensions import limiter
from ..forms import ActionForm
from ..i18n import lang
from ..live.logins import end_account_sockets, end_login_sockets, start_login
from ..models import Invite, User
from ..security import F, local_path, login_required
from . import services
from .forms import InviteForm, LoginForm, SetPasswordForm, role_choices

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only local paths: no open redirect after login. An analyst starts no tables: they land on uptake."""
    if current_user.is_authenticated and current_user.role == "analyst":
        return local_path(target) or url_for("analytics_dashboard.index")
    return local_path(target) or url_for("auth.tables")


def _log_in(user: User, remember: bool = False) -> None:
    """A fresh session for a fresh login: nothing from before survives (no session fixation)."""
    session.clear()
    login_user(user, remember=remember, fresh=True)
    start_login()


def unauthorized() -> Response:
    flash(_("Log in to see this page."), "info")
    return cast(Response, redirect(url_for("auth.login", next=request.full_path.rstrip("?"))))


def admin_required(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return unauthorized()
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return cast(F, wrapped)


@bp.before_app_request
def _fresh_user() -> None:
    """Load the user once per request, even when requests share an app context (as in tests)."""
    g.pop("_login_user", None)


@bp.app_context_processor
def _account() -> dict[str, Any]:
    return {"role_labels": {choice.value: choice.label for choice in role_choices()}}


@bp.errorhandler(403)
def _forbidden(_error: Exception) -> tuple[str, int]:
    return render_template("auth/forbidden.html"), 403


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login() -> Response | str | tuple[str, int]:
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            _log_in(user, remember=bool(form.remember.data))
            return cast(Response, redirect(_safe_next(request.args.get("next"))))
        # One message for an unknown address, a wrong password and a disabled account.
        error = _("That email address and password do not match an active account.")
    elif request.method == "POST":
        error = _("Enter your email address and password.")
    form.password.data = ""
    status = 200 if error is None else 400
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
def logout() -> Response:
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    end_login_sockets()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "success")
    return cast(Response, redirect(url_for("play.home")))


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere() -> Response:
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    services.end_sessions(current_user._get_current_object())
    end_account_sockets(current_user.id)
    logout_user()
    session.clear()
    flash(_("You are logged out on every device."), "success")
    return cast(Response, redirect(url_for("auth.login")))


@bp.get("/account")
@login_required
def account() -> Response:
    return cast(Response, redirect(url_for("auth.tables")))


def _status_labels() -> dict[TableStatus, str]:
    return {
        TableStatus.LOBBY: _("Waiting to start"),
        TableStatus.PLAYING: _("In progress"),
        TableStatus.ENDED: _("Ended"),
    }


@bp.get("/account/tables")
@login_required
def tables() -> str:
    return render_template(
        "auth/tables.html",
        tables=services.owned_tables(current_user._get_current_object(), lang()),
        status_labels=_status_labels(),
        action_form=ActionForm(),
    )


def _team_page(invite_form: InviteForm, new_link: str | None = None, status: int = 200) -> tuple[str, int]:
    organisation_id = current_user.organisation_id
    page = render_template(
        "auth/team.html",
        users=services.organisation_users(organisation_id),
        invites=services.pending_invites(organisation_id),
        invite_form=invite_form,
        action_form=ActionForm(),
        new_link=new_link,
        invite_days=current_app.config["INVITE_MAX_AGE_DAYS"],
    )
    return page, status


@bp.get("/account/team")
@admin_required
def team() -> tuple[str, int]:
    return _team_page(InviteForm(formdata=None))


@bp.post("/account/team/invites")
@admin_required
def invite() -> tuple[str, int]:
    form = InviteForm()
    if not form.validate_on_submit():
        return _team_page(form, status=400)
    try:
        _invite, token = services.create_invite(
            current_user._get_current_object(), form.email.data or "", form.role.data or ""
        )
    except services.AccountError as exc:
        form.email.errors = [*form.email.errors, _(str(exc))]
        return _team_page(form, status=400)
    # Shown once, on this response only: the database keeps just the token's hash.
    link = url_for("auth.accept_invite", token=token, _external=True)
    return _team_page(InviteForm(formdata=None), new_link=link)


def _own_invite(invite_id: int) -> Invite:
    invite_row = services.invite_in_organisation(invite_id, current_user.organisation_id)
    if invite_row is None:
        abort(404)
    return invite_row


@bp.post("/account/team/invites/<int:invite_id>/revoke")
@admin_required
def revoke_invite(invite_id: int) -> Response:
    invite_row = _own_invite(invite_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.revoke_invite(invite_row)
    flash(_("The invitation link no longer works."), "success")
    return cast(Response, redirect(url_for("auth.team")))


def _own_user(user_id: int) -> User:
    user = services.user_in_organisation(user_id, current_user.organisation_id)
    if user is None:
        abort(404)
    return user


@bp.post("/account/team/<int:user_id>/disable")
@admin_required
def disable_user(user_id: int) -> Response:
    user = _own_user(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.disable(user, by=current_user._get_current_object())
    except services.AccountError as exc:
        flash(_(str(exc)), "error")
    else:
        end_account_sockets(user.id)
        flash(_("%(email)s can no longer log in.", email=user.email), "success")
    return cast(Response, redirect(url_for("auth.team")))


@bp.post("/account/team/<int:user_id>/enable")
@admin_required
def enable_user(user_id: int) -> Response:
    user = _own_user(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.enable(user)
    flash(_("%(email)s can log in again.", email=user.email), "success")
    return cast(Response, redirect(url_for("auth.team")))


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def accept_invite(token: str) -> Response | str | tuple[str, int]:
    invite_row = services.find_invite(token)
    if invite_row is None:
        abort(404)  # unknown, used and expired look the same
    form = SetPasswordForm()
    error = None
    if form.validate_on_submit():
        try:
            user = services.accept_invite(invite_row, form.password.data or "")
        except services.AccountError as exc:
            error = _(str(exc))
        else:
            _log_in(user)
            flash(_("Welcome to KoersKaart. Your account is ready."), "success")
            return cast(Response, redirect(url_for("auth.tables")))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "auth/accept_invite.html",
        form=form,
        error=error,
        invite=invite_row,
    ), status
