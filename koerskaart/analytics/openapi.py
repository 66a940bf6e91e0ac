"""The API's OpenAPI 3.1 document, generated from the code that serves it.

Every view an organisation reads (``views.organisation_views()``) gets its own path and its own
row schema, built from its columns'
kinds, so a client generator gets a typed row per view; the query parameters come from the
``Filters`` model's JSON Schema. A view added to the registry appears here without a change.
A count cell is an integer or, when suppressed, the string ``"< k"`` (``cells.Small``).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from .cells import COUNTS, Kind
from .filters import Filters
from .views import Column, View, organisation_views

API_PREFIX = "/api/v1"
VERSION = "1.0.0"
SMALL_PATTERN = r"^< [0-9]+$"
FILTER_NAMES = ("start", "end", "period", "deck", "unit")
_ERROR_RESPONSES = {
    "400": "BadRequest",
    "401": "Unauthorized",
    "404": "NotFound",
    "405": "MethodNotAllowed",
    "429": "TooManyRequests",
}

Json = dict[str, Any]


def pascal(name: str) -> str:
    """``tables-over-time`` → ``TablesOverTime``: a schema and operation name from a view's name."""
    return "".join(part[:1].upper() + part[1:] for part in name.replace("_", "-").split("-") if part)


def ref(kind: str, name: str) -> Json:
    return {"$ref": f"#/components/{kind}/{name}"}


def cell_schema(column: Column) -> Json:
    """What a cell of this column holds in the API (api.cell_json writes it)."""
    title = str(column.label)
    if column.kind is Kind.LABEL:
        return {"title": title, "type": ["string", "null"]}
    if column.kind in COUNTS:
        return {"title": title, **ref("schemas", "Count")}
    if column.kind is Kind.NUMBER:
        return {"title": title, **ref("schemas", "Figure")}
    return {"title": title}  # a kind this document does not know yet: any JSON value


def row_schema(view: View) -> Json:
    return {
        "type": "object",
        "title": f"{pascal(view.name)}Row",
        "properties": {column.key: cell_schema(column) for column in view.columns},
        "required": [column.key for column in view.columns],
        "additionalProperties": False,
    }


def result_schema(view: View) -> Json:
    return {
        "type": "object",
        "properties": {
            "view": {"const": view.name},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "k": {"type": "integer", "minimum": 1},
            "filters": ref("schemas", "AppliedFilters"),
            "columns": {"type": "array", "items": ref("schemas", "Column")},
            "rows": {"type": "array", "items": ref("schemas", f"{pascal(view.name)}Row")},
        },
        "required": ["view", "title", "description", "k", "filters", "columns", "rows"],
        "additionalProperties": False,
    }


def filter_schemas() -> dict[str, Json]:
    """Each filter's schema from the pydantic model, without its ``null`` (a query has no null)."""
    properties: dict[str, Json] = Filters.model_json_schema()["properties"]
    found: dict[str, Json] = {}
    for name in FILTER_NAMES:
        schema = dict(properties[name])
        variants = [v for v in schema.pop("anyOf", []) if v.get("type") != "null"]
        if len(variants) == 1:
            schema.update(variants[0])
        elif variants:
            schema["anyOf"] = variants
        schema.pop("title", None)
        if schema.get("default", "") is None:
            del schema["default"]
        found[name] = schema
    return found


def _parameters() -> dict[str, Json]:
    descriptions = {
        "start": _("First day of the range (YYYY-MM-DD), by release day. Default: the last whole quarter."),
        "end": _("Last day of the range (YYYY-MM-DD), inclusive; at most five years after start."),
        "period": _("How rows over time are grouped."),
        "deck": _("Only this deck (its slug)."),
        "unit": _("Only this unit and the units under it (its public_id from /api/v1/units)."),
    }
    return {
        name.capitalize(): {
            "name": name,
            "in": "query",
            "required": False,
            "description": descriptions[name],
            "schema": schema,
        }
        for name, schema in filter_schemas().items()
    }


def _error_response(description: str, headers: Json | None = None) -> Json:
    response: Json = {
        "description": description,
        "content": {"application/json": {"schema": ref("schemas", "Error")}},
    }
    if headers:
        response["headers"] = headers
    return response


def _components(k: int) -> Json:
    schemas: Json = {
        "Error": {
            "type": "object",
            "properties": {
                "error": {"type": "string", "description": _("A short code, such as invalid_filter.")},
                "message": {"type": "string"},
            },
            "required": ["error", "message"],
            "additionalProperties": False,
        },
        "Small": {
            "type": "string",
            "pattern": SMALL_PATTERN,
            "description": _("A suppressed count: more than none but fewer than k (here %(k)d).", k=k),
            "examples": [f"< {k}"],
        },
        "Count": {"oneOf": [{"type": "integer", "minimum": 0}, ref("schemas", "Small")]},
        "Figure": {
            "description": _("A figure derived from a count: hidden with it, null when it counts none."),
            "oneOf": [{"type": "number"}, {"type": "null"}, ref("schemas", "Small")],
        },
        "Column": {
            "type": "object",
            "properties": {
                "key": {"type": "string"},
                "label": {"type": "string"},
                "kind": {"type": "string", "enum": [kind.value for kind in Kind]},
            },
            "required": ["key", "label", "kind"],
            "additionalProperties": False,
        },
        "AppliedFilters": {
            "type": "object",
            "description": _("The filters the figures were computed with, defaults filled in."),
            "properties": {
                "start": {"type": "string", "format": "date"},
                "end": {"type": "string", "format": "date"},
                "period": {"type": "string", "enum": list(filter_schemas()["period"]["enum"])},
                "deck": {"type": ["string", "null"]},
                "unit": {"type": ["string", "null"]},
            },
            "required": list(FILTER_NAMES),
            "additionalProperties": False,
        },
        "ViewInfo": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "title": {"type": "string"},
                "description": {"type": "string"},
                "url": {"type": "string"},
                "columns": {"type": "array", "items": ref("schemas", "Column")},
            },
            "required": ["name", "title", "description", "url", "columns"],
            "additionalProperties": False,
        },
        "ViewList": {
            "type": "object",
            "properties": {
                "k": {"type": "integer", "minimum": 1},
                "views": {"type": "array", "items": ref("schemas", "ViewInfo")},
            },
            "required": ["k", "views"],
            "additionalProperties": False,
        },
        "Unit": {
            "type": "object",
            "properties": {
                "public_id": {"type": "string"},
                "name": {"type": "string"},
                "path": {"type": "string"},
                "parent": {"type": ["string", "null"], "description": _("The parent unit's public_id.")},
                "archived": {"type": "boolean"},
            },
            "required": ["public_id", "name", "path", "parent", "archived"],
            "additionalProperties": False,
        },
        "UnitList": {
            "type": "object",
            "properties": {"units": {"type": "array", "items": ref("schemas", "Unit")}},
            "required": ["units"],
            "additionalProperties": False,
        },
    }
    for view in organisation_views():
        schemas[f"{pascal(view.name)}Row"] = row_schema(view)
        schemas[f"{pascal(view.name)}Result"] = result_schema(view)
    return {
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "kk_…",
                "description": _("A personal access token, made at /organisation/tokens."),
            }
        },
        "parameters": _parameters(),
        "schemas": schemas,
        "responses": {
            "BadRequest": _error_response(_("A filter or query string that cannot be read.")),
            "Unauthorized": _error_response(
                _("No token, or one that is unknown, expired or revoked."),
                {"WWW-Authenticate": {"schema": {"type": "string"}}},
            ),
            "NotFound": _error_response(_("No such view, unit or path.")),
            "MethodNotAllowed": _error_response(
                _("The API only reads: use GET."), {"Allow": {"schema": {"type": "string"}}}
            ),
            "TooManyRequests": _error_response(
                _("Too many calls with this token or from this address: wait and try again."),
                {"Retry-After": {"schema": {"type": "integer"}}},
            ),
        },
    }


def _errors(*codes: str) -> Json:
    return {code: ref("responses", _ERROR_RESPONSES[code]) for code in codes}


def _ok(description: str, schema: str) -> Json:
    return {"description": description, "content": {"application/json": {"schema": ref("schemas", schema)}}}


def _view_path(view: View) -> Json:
    return {
        "get": {
            "operationId": f"get{pascal(view.name)}",
            "tags": ["views"],
            "summary": str(view.title),
            "description": str(view.description),
            "parameters": [ref("parameters", name.capitalize()) for name in FILTER_NAMES],
            "responses": {
                "200": _ok(str(view.title), f"{pascal(view.name)}Result"),
                **_errors("400", "401", "404", "405", "429"),
            },
        }
    }


def document(k: int, server: str = "/") -> Json:
    """The whole OpenAPI 3.1 document, in the request's language."""
    paths: Json = {
        f"{API_PREFIX}/views": {
            "get": {
                "operationId": "listViews",
                "tags": ["views"],
                "summary": _("The views and their columns"),
                "responses": {
                    "200": _ok(_("Every view this API serves."), "ViewList"),
                    **_errors("401", "405", "429"),
                },
            }
        },
    }
    for view in organisation_views():
        paths[f"{API_PREFIX}/views/{view.name}"] = _view_path(view)
    paths[f"{API_PREFIX}/units"] = {
        "get": {
            "operationId": "listUnits",
            "tags": ["units"],
            "summary": _("The organisation's units"),
            "responses": {
                "200": _ok(_("The units, as a tree by parent."), "UnitList"),
                **_errors("401", "405", "429"),
            },
        }
    }
    paths[f"{API_PREFIX}/openapi.json"] = {
        "get": {
            "operationId": "getOpenApi",
            "tags": ["meta"],
            "summary": _("This document"),
            "security": [],
            "responses": {
                "200": {
                    "description": _("The OpenAPI 3.1 document."),
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                **_errors("405", "429"),
            },
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": _("KoersKaart uptake API"),
            "version": VERSION,
            "description": _(
                "How your organisation uses KoersKaart, from the same views as the uptake dashboard. "
                "Figures count released cohorts only; any count of fewer than k tables or players is "
                'the string "< k".'
            ),
        },
        "servers": [{"url": server}],
        "security": [{"bearer": []}],
        "tags": [
            {"name": "views", "description": _("Uptake figures, one path per view.")},
            {"name": "units", "description": _("The organisation's units, for the unit filter.")},
            {"name": "meta", "description": _("About the API itself.")},
        ],
        "paths": paths,
        "components": _components(k),
    }
