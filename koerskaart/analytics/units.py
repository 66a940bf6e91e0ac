"""/organisation/units: the admin keeps the organisation's tree of units; an analyst reads it.

Tables, events and requests carry a unit, so uptake can be read per unit. Every change is a POST
with a CSRF token and goes through ``unit_services``; a refused change shows the page again with
its reason (400). Another organisation's unit is as absent as a missing one (404).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # newer than the stubs

from ..forms import ActionForm
from ..models import OrgUnit
from ..security import login_required
from . import access, unit_services
from .unit_forms import MoveForm, RenameForm, UnitForm

bp = Blueprint("analytics_units", __name__)
TOP = ""  # the parent select's value for "at the top"


def _parent_select(choices: list[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(TOP, _("Top level")), *(SelectChoice(value, label) for value, label in choices)]


def _add_form(organisation_id: int, formdata: bool = True) -> UnitForm:
    form = UnitForm() if formdata else UnitForm(formdata=None)
    form.parent.choices = _parent_select(unit_services.parent_choices(organisation_id))
    return form


def _page(organisation_id: int, form: UnitForm, status: int = 200) -> tuple[str, int]:
    tree = unit_services.tree(organisation_id)
    return render_template(
        "analytics/units.html",
        tree=tree,
        form=form,
        action_form=ActionForm(),
        may_edit=current_user.role == "admin",
        max_units=unit_services.MAX_UNITS,
        max_depth=unit_services.MAX_DEPTH,
    ), status


@bp.get("/organisation/units")
@login_required
def units() -> tuple[str, int]:
    organisation_id = access.organisation_reader()  # an analyst reads the tree; only an admin changes it
    return _page(organisation_id, _add_form(organisation_id, formdata=False))


@bp.post("/organisation/units")
@login_required
def add() -> BaseResponse | tuple[str, int]:
    organisation_id = access.organisation_admin()
    form = _add_form(organisation_id)
    if not form.validate_on_submit():
        return _page(organisation_id, form, 400)
    parent = unit_services.get(organisation_id, form.parent.data) if form.parent.data else None
    try:
        unit = unit_services.add(organisation_id, form.name.data or "", parent)
    except unit_services.UnitError as exc:
        form.name.errors = [*form.name.errors, exc.message]
        return _page(organisation_id, form, 400)
    flash(_("Added %(name)s.", name=unit.name), "success")
    return redirect(url_for("analytics_units.units"))


@bp.post("/organisation/units/sort")
@login_required
def sort() -> BaseResponse:
    organisation_id = access.organisation_admin()
    if not ActionForm().validate_on_submit():
        abort(400)
    unit_services.sort_by_name(organisation_id)
    flash(_("Units are now in alphabetical order."), "success")
    return redirect(url_for("analytics_units.units"))


def _own(public_id: str) -> tuple[int, OrgUnit]:
    organisation_id = access.organisation_admin()
    unit = unit_services.get(organisation_id, public_id)
    if unit is None:
        abort(404)
    return organisation_id, unit


def _edit_page(
    organisation_id: int,
    unit: OrgUnit,
    rename_form: RenameForm | None = None,
    move_form: MoveForm | None = None,
    error: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    if rename_form is None:
        rename_form = RenameForm(formdata=None, name=unit.name)
    if move_form is None:
        move_form = MoveForm(formdata=None, parent=unit_services.parent_public_id(unit) or TOP)
    move_form.parent.choices = _parent_select(unit_services.parent_choices(organisation_id, unit))
    return render_template(
        "analytics/unit.html",
        unit=unit,
        path=unit_services.path(unit),
        rename_form=rename_form,
        move_form=move_form,
        action_form=ActionForm(),
        deletable=not unit_services.in_use(unit),
        error=error,
    ), status


@bp.get("/organisation/units/<public_id>")
@login_required
def unit(public_id: str) -> tuple[str, int]:
    organisation_id, found = _own(public_id)
    return _edit_page(organisation_id, found)


@bp.post("/organisation/units/<public_id>/rename")
@login_required
def rename(public_id: str) -> BaseResponse | tuple[str, int]:
    organisation_id, found = _own(public_id)
    form = RenameForm()
    if not form.validate_on_submit():
        return _edit_page(organisation_id, found, rename_form=form, status=400)
    try:
        unit_services.rename(found, form.name.data or "")
    except unit_services.UnitError as exc:
        form.name.errors = [*form.name.errors, exc.message]
        return _edit_page(organisation_id, found, rename_form=form, status=400)
    flash(_("Renamed to %(name)s.", name=found.name), "success")
    return redirect(url_for("analytics_units.units"))


@bp.post("/organisation/units/<public_id>/move")
@login_required
def move(public_id: str) -> BaseResponse | tuple[str, int]:
    organisation_id, found = _own(public_id)
    form = MoveForm()
    form.parent.choices = _parent_select(unit_services.parent_choices(organisation_id, found))
    if not form.validate_on_submit():
        return _edit_page(organisation_id, found, move_form=form, status=400)
    parent = unit_services.get(organisation_id, form.parent.data) if form.parent.data else None
    try:
        unit_services.move(found, parent)
    except unit_services.UnitError as exc:
        form.parent.errors = [*form.parent.errors, exc.message]
        return _edit_page(organisation_id, found, move_form=form, status=400)
    flash(_("Moved %(name)s.", name=found.name), "success")
    return redirect(url_for("analytics_units.units"))


def _shift(public_id: str, step: int) -> BaseResponse:
    _organisation_id, found = _own(public_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    unit_services.shift(found, step)
    # Back to the unit's own row, so a keyboard user carries on from where they were.
    return redirect(url_for("analytics_units.units", _anchor=f"unit-{found.public_id}"))


@bp.post("/organisation/units/<public_id>/up")
@login_required
def up(public_id: str) -> BaseResponse:
    return _shift(public_id, -1)


@bp.post("/organisation/units/<public_id>/down")
@login_required
def down(public_id: str) -> BaseResponse:
    return _shift(public_id, 1)


def _set_archived(public_id: str, archived: bool) -> BaseResponse:
    _organisation_id, found = _own(public_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    unit_services.set_archived(found, archived)
    if archived:
        done = _(
            "%(name)s is archived: forms no longer offer it; what it played stays counted.",
            name=found.name,
        )
    else:
        done = _("%(name)s is in use again.", name=found.name)
    flash(done, "success")
    return redirect(url_for("analytics_units.units"))


@bp.post("/organisation/units/<public_id>/archive")
@login_required
def archive(public_id: str) -> BaseResponse:
    return _set_archived(public_id, True)


@bp.post("/organisation/units/<public_id>/unarchive")
@login_required
def unarchive(public_id: str) -> BaseResponse:
    return _set_archived(public_id, False)


@bp.post("/organisation/units/<public_id>/delete")
@login_required
def delete(public_id: str) -> BaseResponse | tuple[str, int]:
    organisation_id, found = _own(public_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    name = found.name
    try:
        unit_services.delete(found)
    except unit_services.UnitError as exc:
        return _edit_page(organisation_id, found, error=exc.message, status=400)
    flash(_("Deleted %(name)s.", name=name), "success")
    return redirect(url_for("analytics_units.units"))
