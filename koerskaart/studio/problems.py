"""Each problem of a draft on the editor page and next to the form field it concerns.

The validator names a place in the deck (``cards[3].options[1].nl``, ``routes[0]``,
``colophon.owner``); the lint names a card id and a code. Here both become an ``Issue``: which
page of the editor shows it (the deck settings, phases and routes, the cards list, or one card)
and which form field on that page, by the field's name (``options-1-nl``): the form editor's
field names are the deck format's paths with dashes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from wtforms import Field, Form

from ..content import lint as content_lint
from . import drafts
from .services import Checked

SETTINGS = "settings"
STRUCTURE = "structure"
CARDS = "cards"
CARD = "card"

_CARD_PATH = re.compile(r"^cards\[(\d+)\](?:\.(.*))?$")
_MISSING = re.compile(r"^(.*): no (nl|en)(?: or (?:nl|en))? text$")
_LINT_FIELD = {
    content_lint.NO_SOURCE: "source",
    content_lint.FREQUENCY_WORD_IN_SCALE: "prompt",
    content_lint.DUPLICATE_CARD_ID: "id",
    content_lint.NO_GUIDE: "facilitator",
    content_lint.NO_COLOPHON: "colophon",
}
_LINT_PAGE = {
    content_lint.NO_GUIDE: SETTINGS,
    content_lint.NO_COLOPHON: SETTINGS,
    content_lint.NO_SHORT_ROUTE: STRUCTURE,
}


@dataclass(frozen=True)
class Issue:
    """One problem (or, with ``warning``, one lint finding) where the editor shows it."""

    page: str  # SETTINGS, STRUCTURE, CARDS or CARD
    card: int | None  # the card's position, on a CARD page
    path: str  # the place within the page: ``options[1].nl``, ``colophon.owner``, "" for the page
    location: str  # as the validator or the lint says it
    message: str
    warning: bool = False


def _page(location: str) -> tuple[str, int | None, str]:
    match = _CARD_PATH.match(location)
    if match:
        return CARD, int(match.group(1)), match.group(2) or ""
    head = re.split(r"[.\[]", location, maxsplit=1)[0]
    if head in ("phases", "routes"):
        return STRUCTURE, None, location
    if head in ("", "cards", "retired", "slug", "schema_version", "version") or location.startswith("line "):
        return CARDS, None, location
    return SETTINGS, None, location


def _translation_path(data: Mapping[str, Any], path: str, language: str) -> str:
    """The lint's names for deck texts (``colophon owner``, ``phase intro title``) as a location."""
    words = path.split(" ")
    if words[0] in ("phase", "route") and len(words) == 3:
        key = "phases" if words[0] == "phase" else "routes"
        items = data.get(key) if isinstance(data.get(key), list) else []
        found = next(
            (
                n
                for n, item in enumerate(items or [])
                if isinstance(item, dict) and item.get("id") == words[1]
            ),
            None,
        )
        return f"{key}[{found}].{words[2]}.{language}" if found is not None else key
    return ".".join(words) + f".{language}"


def issues(checked: Checked, data: Mapping[str, Any] | None) -> list[Issue]:
    """Every schema problem and lint finding of a draft, with where the editor shows it."""
    found = []
    for problem in checked.problems:
        page, card, path = _page(problem.location)
        found.append(Issue(page, card, path, problem.location, problem.message))
    for finding in checked.findings:
        path = _LINT_FIELD.get(finding.code, "")
        missing = (
            _MISSING.match(finding.message) if finding.code == content_lint.MISSING_TRANSLATION else None
        )
        if finding.card is not None:
            index = drafts.card_index(data or {}, finding.card)
            if missing:
                path = missing.group(1).replace(" ", ".") + f".{missing.group(2)}"
            page, card = (CARD, index) if index is not None else (CARDS, None)
        elif missing:
            location = _translation_path(data or {}, missing.group(1), missing.group(2))
            page, card, path = _page(location)
        else:
            page, card = _LINT_PAGE.get(finding.code, CARDS), None
        found.append(Issue(page, card, path, finding.card or "", finding.message, warning=True))
    return found


def field_names(form: Form | Iterable[Field] | Field) -> list[str]:
    """Every input's name in a form, nested forms and lists included, in the page's order."""
    names: list[str] = []
    for field in form:  # type: ignore[union-attr]  # a FormField or FieldList iterates too
        if field.type in ("FormField", "FieldList"):
            names += field_names(field)
        elif field.type not in ("CSRFTokenField", "HiddenField", "SubmitField"):
            names.append(field.name)
    return names


def _dashed(path: str) -> str:
    return re.sub(r"\[(\d+)\]", r".\1", path).replace(".", "-")


def anchor(path: str, names: list[str], prefix: str = "") -> str | None:
    """The form field a place concerns: itself, its first field (``prompt`` → ``prompt-nl``), or the
    nearest enclosing one (``options[7]`` → ``options-0-nl``); None when the page has no such field."""
    candidate = prefix + _dashed(path) if path else ""
    while candidate:
        if candidate in names:
            return candidate
        inside = next((name for name in names if name.startswith(candidate + "-")), None)
        if inside is not None:
            return inside
        candidate = candidate.rsplit("-", 1)[0] if "-" in candidate else ""
    return None


@dataclass(frozen=True)
class Placed:
    """The issues of one page: by field name (for the fields) and in order (for the summary)."""

    by_field: dict[str, list[Issue]]
    listed: list[tuple[Issue, str | None]]  # each issue with the field it links to, or None

    @property
    def errors(self) -> int:
        return sum(not issue.warning for issue, _ in self.listed)

    def attrs(self, name: str, hint: str | None = None, **base: Any) -> dict[str, Any]:
        """An input's attributes: ``base`` and what ties it to its hint and problems."""
        found = self.by_field.get(name, [])
        described = [ref for ref in (hint, f"{name}-problems" if found else None) if ref]
        attrs = dict(base)
        if described:
            attrs["aria-describedby"] = " ".join(described)
        if any(not issue.warning for issue in found):
            attrs["aria-invalid"] = "true"
        return attrs


def place(found: list[Issue], page: str, names: list[str], card: int | None = None) -> Placed:
    """The issues of ``page`` (of the card at ``card``) placed on the page's form fields."""
    by_field: dict[str, list[Issue]] = {}
    listed = []
    for issue in found:
        if issue.page != page or issue.card != card:
            continue
        name = anchor(issue.path, names)
        listed.append((issue, name))
        if name is not None:
            by_field.setdefault(name, []).append(issue)
    return Placed(by_field, listed)
