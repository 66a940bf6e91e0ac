"""/api/v1: the uptake views as JSON for an organisation's own reporting, and their OpenAPI 3.1 document.

Authorised by a personal access token only (``Authorization: Bearer kk_…``, token_services.py),
never by the browser's session: a page on another site could otherwise make a logged-in
admin's browser read the figures (a confused deputy). So the blueprint is CSRF exempt and reads
only: every method but GET (and HEAD) is a 405. Every answer under /api is JSON, errors too,
and none is cached. Rate limits: per token (its hash) and per address.

The figures come from ``views.run``, like the dashboard's and the CSV's, so a suppressed cell
is the same "< k" everywhere; the views and their schemas come from ``views.organisation_views()``.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from flask import Blueprint, Response, current_app, g, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, Unauthorized

from ..extensions import csrf, limiter
from ..models import ApiToken
from ..security import TOKEN_MAX_LENGTH, token_hash
from . import openapi, token_services
from .cells import Cell, Kind, Small
from .filters import FilterError, Filters, parse
from .openapi import API_PREFIX, FILTER_NAMES
from .scope import Scope, organisation_scope
from .views import View, k_value, organisation_views, run

bp = Blueprint("analytics_api", __name__)
csrf.exempt(bp)  # no cookie authorises anything here, and nothing here changes anything

MAX_QUERY_BYTES = 1024  # five short filters fit many times over
VIEW_NAME_MAX = 60
READ_METHODS = ("GET", "HEAD")
PUBLIC_ENDPOINTS = frozenset({"analytics_api.openapi_document", "analytics_api.not_found"})


class ApiError(HTTPException):
    """An error answered as ``{"error": code, "message": ...}`` with this status."""

    def __init__(self, status: int, error: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = status
        self.error = error
        self.headers = headers or {}


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    if len(header) > 7 + TOKEN_MAX_LENGTH:
        return None
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _limit_key() -> str:
    """Per token for the token limit (its hash: no secret in the limiter's storage)."""
    token = _bearer()
    return f"token:{token_hash(token)}" if token else f"anonymous:{get_remote_address()}"


_UNSET = object()
_TOKEN_KEY = "koerskaart.api_token"


def _live_token() -> ApiToken | None:
    """The live token the call carries (looked up once per request), or None."""
    # Kept in the request's environ, not in ``g``: ``g`` lives as long as the app context,
    # which may outlast one request.
    if request.environ.get(_TOKEN_KEY, _UNSET) is _UNSET:
        token = _bearer()
        request.environ[_TOKEN_KEY] = token_services.authenticate(token) if token is not None else None
    found: ApiToken | None = request.environ[_TOKEN_KEY]
    return found


# Shared: one count per token across every route of the API, and one per address for calls
# without a live token (guessing). A live token is limited by its own count only, so a
# flood of wrong tokens from a shared address (a NAT, a proxy) cannot starve a valid client.
limiter.shared_limit(lambda: current_app.config["API_RATE_LIMIT"], scope="api-token", key_func=_limit_key)(bp)
limiter.shared_limit(
    lambda: current_app.config["API_ADDRESS_RATE_LIMIT"],
    scope="api-address",
    key_func=get_remote_address,
    exempt_when=lambda: _live_token() is not None,
)(bp)


def as_json(body: Any, status: int = 200) -> Response:
    """JSON in the order it was built (a row's cells in its view's column order), not sorted."""
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")), status, mimetype="application/json"
    )


def _error(status: int, error: str, message: str, headers: dict[str, str] | None = None) -> Response:
    response = as_json({"error": error, "message": message}, status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    414: "uri_too_long",
    429: "rate_limited",
    431: "headers_too_large",
    500: "server_error",
}


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if isinstance(error, ApiError):
        return _error(status, error.error, str(error.description), error.headers)
    headers: dict[str, str] = {}
    if isinstance(error, MethodNotAllowed):
        headers["Allow"] = ", ".join(READ_METHODS)
    if isinstance(error, Unauthorized):
        headers["WWW-Authenticate"] = 'Bearer realm="koerskaart"'
    if status == 429:
        # Flask-Limiter's own headers (Retry-After, X-RateLimit-*) are added after this response.
        message = _("Too many calls. Wait a moment and try again.")
    elif status >= 500:
        message = _("Something went wrong on our side.")
    else:
        message = error.name
    return _error(status, _CODES.get(status, "error"), message, headers)


# Code by code: the app's HTML error pages are registered per code, and Flask prefers a handler
# for the code (the app's) to one for the class (ours); a blueprint's own code wins over the app's.
# A bug reaches the 500 handler after Flask has logged it (no handler for Exception: it would not be).
for _status in _CODES:
    bp.register_error_handler(_status, _http_error)
bp.register_error_handler(HTTPException, _http_error)


@bp.app_errorhandler(405)
def _method_not_allowed(error: HTTPException) -> Any:
    """A method no route under /api has is refused by routing, before any blueprint is known."""
    if request.path == "/api" or request.path.startswith("/api/"):
        return _http_error(error)
    return error


def _refuse(status: int, error: str, message: str) -> NoReturn:
    raise ApiError(status, error, message)


def _unauthorised(message: str, error: str | None = None) -> NoReturn:
    """RFC 6750: a challenge, with ``invalid_token`` when a token was sent but opens nothing."""
    challenge = 'Bearer realm="koerskaart"' + (f', error="{error}"' if error else "")
    raise ApiError(401, "unauthorized", message, {"WWW-Authenticate": challenge})


@bp.before_request
def _authorise() -> None:
    """Only reads, and (but for the document) only with a live token: never the session cookie."""
    if request.method not in READ_METHODS:
        raise MethodNotAllowed(valid_methods=list(READ_METHODS))
    if len(request.query_string) > MAX_QUERY_BYTES:
        _refuse(400, "invalid_query", _("The query string is too long."))
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    token = _bearer()
    if token is None:
        _unauthorised(_("Send a token: Authorization: Bearer kk_…"))
    row = _live_token()
    if row is None:
        _unauthorised(_("This token is unknown, expired or revoked."), "invalid_token")
    g.api_organisation_id = row.organisation_id  # read before touch() commits and expires the row
    token_services.touch(row)


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _scope() -> Scope:
    return organisation_scope(int(g.api_organisation_id))


def _filters(scope: Scope) -> Filters:
    """The filters from the query: known names only, each at most once; FilterError → 400."""
    names = list(request.args.keys())
    unknown = sorted(set(names) - set(FILTER_NAMES))
    if unknown:
        _refuse(400, "invalid_filter", _("Unknown parameter: %(name)s", name=unknown[0][:40]))
    for name in names:
        if len(request.args.getlist(name)) > 1:
            _refuse(400, "invalid_filter", _("Give %(name)s once.", name=name))
    try:
        filters = parse(request.args)
    except FilterError as exc:
        _refuse(400, "invalid_filter", str(exc))
    if filters.unit is not None and scope.unit_by_public_id(filters.unit) is None:
        _refuse(404, "unknown_unit", _("No such unit in your organisation."))
    return filters


def cell_json(value: Cell, kind: Kind) -> Any:
    """A cell as the API writes it: a suppressed one as its text ("< 3"), a label always as text."""
    if isinstance(value, Small):
        return str(value)
    if kind is Kind.LABEL and value is not None:
        return str(value)
    return value


def _columns(view: View) -> list[dict[str, str]]:
    return [{"key": c.key, "label": str(c.label), "kind": c.kind.value} for c in view.columns]


def _organisation_views() -> list[View]:
    return organisation_views()  # the platform's totals are not an organisation's view


@bp.get(f"{API_PREFIX}/views")
def list_views() -> Response:
    return as_json(
        {
            "k": k_value(),
            "views": [
                {
                    "name": view.name,
                    "title": str(view.title),
                    "description": str(view.description),
                    "url": url_for("analytics_api.view_rows", name=view.name),
                    "columns": _columns(view),
                }
                for view in _organisation_views()
            ],
        }
    )


@bp.get(f"{API_PREFIX}/views/<name>")
def view_rows(name: str) -> Response:
    if len(name) > VIEW_NAME_MAX or name not in {view.name for view in organisation_views()}:
        _refuse(404, "unknown_view", _("No such view. GET /api/v1/views lists them."))
    scope = _scope()
    filters = _filters(scope)
    try:
        result = run(name, scope, filters)
    except FilterError as exc:
        _refuse(400, "invalid_filter", str(exc))
    except KeyError:
        _refuse(404, "unknown_view", _("No such view. GET /api/v1/views lists them."))
    view = result.view
    kinds = {c.key: c.kind for c in view.columns}
    return as_json(
        {
            "view": view.name,
            "title": str(view.title),
            "description": str(view.description),
            "k": result.k,
            "filters": result.filters.model_dump(mode="json"),
            "columns": _columns(view),
            "rows": [
                {key: cell_json(row.get(key), kind) for key, kind in kinds.items()} for row in result.rows
            ],
        }
    )


@bp.get(f"{API_PREFIX}/units")
def units() -> Response:
    scope = _scope()
    ordered = sorted(scope.units.values(), key=lambda u: (scope.path(u.id).casefold(), u.id))
    return as_json(
        {
            "units": [
                {
                    "public_id": unit.public_id,
                    "name": unit.name,
                    "path": scope.path(unit.id),
                    "parent": scope.units[unit.parent_id].public_id
                    if unit.parent_id in scope.units
                    else None,
                    "archived": bool(unit.archived),
                }
                for unit in ordered
            ]
        }
    )


@bp.get(f"{API_PREFIX}/openapi.json")
def openapi_document() -> Response:
    return as_json(openapi.document(k_value(), server=request.host_url))


@bp.route("/api/", defaults={"rest": ""}, strict_slashes=False)  # "/api" too, without a redirect
@bp.route("/api/<path:rest>")
def not_found(rest: str) -> NoReturn:
    """Anything else under /api: a JSON 404, not the site's HTML page."""
    raise NotFound()
