"""The platform's uptake: totals across organisations for the platform's admins, never by unit.

The same pages as an organisation's dashboard (dashboard.py), with the platform's scope: the
views offered across organisations group by deck where an organisation's group by unit, and
``views.run`` refuses a unit filter there.
"""

from __future__ import annotations

from flask import Blueprint, Response

from ..security import login_required
from . import access
from .dashboard import Place, forbidden, index_page, view_csv_for, view_page_for
from .scope import platform_scope

bp = Blueprint("analytics_platform", __name__)

PLACE = Place("analytics_platform.index", "analytics_platform.view_page", "analytics_platform.view_csv", True)


@bp.errorhandler(403)
def _forbidden(_error: Exception) -> tuple[str, int]:
    return forbidden(platform=True)


@bp.get("/platform/uptake")
@login_required
def index() -> Response:
    access.platform_admin()
    return index_page(platform_scope(), PLACE)


@bp.get("/platform/uptake/<name>.csv")
@login_required
def view_csv(name: str) -> Response:
    access.platform_admin()
    return view_csv_for(platform_scope(), PLACE, name)


@bp.get("/platform/uptake/<name>")
@login_required
def view_page(name: str) -> Response:
    access.platform_admin()
    return view_page_for(platform_scope(), PLACE, name)
