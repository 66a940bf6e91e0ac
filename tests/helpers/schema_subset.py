"""A JSON Schema (2020-12) validator for the keywords the API's OpenAPI document uses, and a
structural check of an OpenAPI 3.1 document.

Neither ``jsonschema`` nor ``openapi-spec-validator`` is installed in this project, so the API
tests validate with this. It refuses a schema keyword it does not know rather than ignore it, so
a document that grows a keyword makes the tests fail until the keyword is checked here too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

ANNOTATIONS = frozenset({"title", "description", "examples", "default"})
KEYWORDS = frozenset(
    {
        "$ref",
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "oneOf",
        "anyOf",
        "allOf",
        "enum",
        "const",
        "pattern",
        "minimum",
        "maxLength",
        "minLength",
        "format",
    }
)
_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


class SchemaError(AssertionError):
    pass


def resolve(document: Mapping[str, Any], pointer: str) -> Any:
    if not pointer.startswith("#/"):
        raise SchemaError(f"only local references: {pointer}")
    node: Any = document
    for part in pointer[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or part not in node:
            raise SchemaError(f"unresolvable reference {pointer}")
        node = node[part]
    return node


def errors(value: Any, schema: Mapping[str, Any], document: Mapping[str, Any], at: str = "$") -> list[str]:
    """Every way ``value`` breaks ``schema`` (empty: valid)."""
    unknown = set(schema) - KEYWORDS - ANNOTATIONS
    if unknown:
        raise SchemaError(f"schema keyword(s) this validator does not check: {sorted(unknown)} at {at}")
    found: list[str] = []
    if "$ref" in schema:
        found += errors(value, resolve(document, schema["$ref"]), document, at)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_TYPES[t](value) for t in types):
            return [*found, f"{at}: {value!r} is not of type {types}"]
    if "const" in schema and value != schema["const"]:
        found.append(f"{at}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{at}: {value!r} not in {schema['enum']}")
    if isinstance(value, str):
        if "pattern" in schema and re.search(schema["pattern"], value) is None:
            found.append(f"{at}: {value!r} does not match {schema['pattern']}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            found.append(f"{at}: longer than {schema['maxLength']}")
        if "minLength" in schema and len(value) < schema["minLength"]:
            found.append(f"{at}: shorter than {schema['minLength']}")
        if schema.get("format") == "date":
            try:
                date.fromisoformat(value)
            except ValueError:
                found.append(f"{at}: {value!r} is no date")
    if _TYPES["number"](value) and "minimum" in schema and value < schema["minimum"]:
        found.append(f"{at}: {value} below {schema['minimum']}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                found.append(f"{at}: missing {key!r}")
        for key, item in value.items():
            if key in properties:
                found += errors(item, properties[key], document, f"{at}.{key}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{at}: unexpected {key!r}")
            elif isinstance(schema.get("additionalProperties"), dict):
                found += errors(item, schema["additionalProperties"], document, f"{at}.{key}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += errors(item, schema["items"], document, f"{at}[{index}]")
    if "oneOf" in schema:
        matching = [s for s in schema["oneOf"] if not errors(value, s, document, at)]
        if len(matching) != 1:
            found.append(f"{at}: {value!r} matches {len(matching)} of oneOf, not exactly one")
    if "anyOf" in schema and all(errors(value, s, document, at) for s in schema["anyOf"]):
        found.append(f"{at}: {value!r} matches none of anyOf")
    for sub in schema.get("allOf", []):
        found += errors(value, sub, document, at)
    return found


def validate(value: Any, schema: Mapping[str, Any], document: Mapping[str, Any]) -> None:
    found = errors(value, schema, document)
    if found:
        raise SchemaError("\n".join(found[:20]))


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _schemas(document: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every schema object in the document's components and operations (for the keyword check)."""
    yield from document.get("components", {}).get("schemas", {}).values()
    for parameter in document.get("components", {}).get("parameters", {}).values():
        yield parameter["schema"]


def check_openapi_31(document: Mapping[str, Any]) -> None:
    """The structure OpenAPI 3.1 requires, every reference resolving, every schema checkable here."""
    assert re.fullmatch(r"3\.1\.\d+", document.get("openapi", "")), "not an OpenAPI 3.1 document"
    assert document["info"]["title"] and document["info"]["version"]
    assert set(document) <= {
        "openapi",
        "info",
        "jsonSchemaDialect",
        "servers",
        "paths",
        "webhooks",
        "components",
        "security",
        "tags",
        "externalDocs",
    }
    for pointer in _refs(document):
        resolve(document, pointer)
    schemes = document.get("components", {}).get("securitySchemes", {})
    for scheme in schemes.values():
        assert scheme["type"] in {"apiKey", "http", "mutualTLS", "oauth2", "openIdConnect"}
        if scheme["type"] == "http":
            assert scheme["scheme"]
    operation_ids: set[str] = set()
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    for path, item in document["paths"].items():
        assert path.startswith("/"), path
        templated = set(re.findall(r"{([^}]+)}", path))
        for method, operation in item.items():
            assert method in methods | {"parameters", "summary", "description", "servers"}, method
            if method not in methods:
                continue
            assert operation["responses"], f"{method} {path} has no responses"
            for status, response in operation["responses"].items():
                assert re.fullmatch(r"[1-5](\d\d|XX)|default", status), status
                response = resolve(document, response["$ref"]) if "$ref" in response else response
                assert "description" in response
            op_id = operation.get("operationId")
            assert op_id and op_id not in operation_ids, f"operationId {op_id!r} missing or repeated"
            operation_ids.add(op_id)
            declared: set[str] = set()
            for parameter in operation.get("parameters", []):
                parameter = resolve(document, parameter["$ref"]) if "$ref" in parameter else parameter
                assert parameter["in"] in {"query", "header", "path", "cookie"}
                assert parameter["name"] and ("schema" in parameter or "content" in parameter)
                if parameter["in"] == "path":
                    assert parameter.get("required") is True
                    declared.add(parameter["name"])
            assert declared == templated, f"{path}: path parameters {templated} declared as {declared}"
            for requirement in operation.get("security", document.get("security", [])):
                assert set(requirement) <= set(schemes)
    for schema in _schemas(document):
        _walk_keywords(schema)


def _walk_keywords(schema: Any) -> None:
    if not isinstance(schema, dict):
        return
    unknown = set(schema) - KEYWORDS - ANNOTATIONS
    assert not unknown, f"unchecked schema keywords {unknown}"
    for key in ("properties",):
        for sub in schema.get(key, {}).values():
            _walk_keywords(sub)
    for key in ("oneOf", "anyOf", "allOf"):
        for sub in schema.get(key, []):
            _walk_keywords(sub)
    for key in ("items", "additionalProperties"):
        _walk_keywords(schema.get(key))
