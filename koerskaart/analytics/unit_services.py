"""The organisation's tree of units, as its admin keeps it: every change is one transaction here.

Bounds (PRODUCT.md: every input bounded): a name of 1 to 80 characters after trimming, unique
among its siblings (case aside), at most ``MAX_UNITS`` units per organisation and ``MAX_DEPTH``
levels. A unit moves under any unit but itself or one below it. A unit is deleted only when
nothing refers to it (a unit below it, a table, an event, a request or a counted fact): otherwise
it is archived, so what it played stays counted under it.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..live import units
from ..models import Conference, DeckRequest, EventFact, Organisation, OrgUnit, Table, UsageCard, UsageFact
from ..models.usage import UNIT_NAME_MAX

MAX_UNITS = 500
MAX_DEPTH = 4
URLSAFE = re.compile(r"[A-Za-z0-9_-]+")  # what secrets.token_urlsafe makes


class UnitError(ValueError):
    """A change the tree refuses; ``message`` is shown to the admin."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class Node:
    """A unit as the page shows it, with the units below it."""

    unit: OrgUnit
    depth: int
    path: str
    active: bool
    children: list[Node]


def clean_name(raw: str | None) -> str:
    """The name as stored: whitespace runs become one space, ends trimmed; UnitError if unusable."""
    name = " ".join((raw or "").split())
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in name):
        raise UnitError(_l("A name cannot hold control characters."))
    if not name:
        raise UnitError(_l("Give the unit a name."))
    if len(name) > UNIT_NAME_MAX:
        raise UnitError(_l("A name has at most %(max)d characters.", max=UNIT_NAME_MAX))
    return name


def tree(organisation_id: int) -> list[Node]:
    """The top units, each with the units below it, in the admin's order."""
    top: list[Node] = []
    stack: list[Node] = []
    for place in units.placed(organisation_id):
        node = Node(place.unit, place.depth, place.path, place.active, [])
        del stack[place.depth - 1 :]
        (stack[-1].children if stack else top).append(node)
        stack.append(node)
    return top


def get(organisation_id: int, public_id: str) -> OrgUnit | None:
    """The organisation's unit by its public id; None for an unknown one or another organisation's."""
    if len(public_id) > 32 or not URLSAFE.fullmatch(public_id):
        return None  # never a query with what no public id holds (PostgreSQL refuses a NUL)
    return db.session.scalar(
        select(OrgUnit).where(OrgUnit.organisation_id == organisation_id, OrgUnit.public_id == public_id)
    )


def parent_choices(organisation_id: int, moving: OrgUnit | None = None) -> list[tuple[str, str]]:
    """Where a unit may go: units in use that are not ``moving`` nor below it, and leave room below."""
    height = _height(moving) if moving is not None else 1
    below = _descendants(moving) if moving is not None else set()
    return [
        (place.unit.public_id, place.path)
        for place in units.placed(organisation_id)
        if place.active and place.unit.id not in below and place.depth + height <= MAX_DEPTH
    ]


def add(organisation_id: int, name: str, parent: OrgUnit | None) -> OrgUnit:
    _lock(organisation_id)
    name = clean_name(name)
    count = db.session.scalar(
        select(func.count()).select_from(OrgUnit).where(OrgUnit.organisation_id == organisation_id)
    )
    if (count or 0) >= MAX_UNITS:
        raise UnitError(_l("An organisation has at most %(max)d units.", max=MAX_UNITS))
    parent_id = _usable_parent(organisation_id, parent, height=1)
    _unique(organisation_id, parent_id, name)
    unit = OrgUnit(
        public_id=secrets.token_urlsafe(12),
        organisation_id=organisation_id,
        parent_id=parent_id,
        name=name,
        position=_next_position(organisation_id, parent_id),
    )
    db.session.add(unit)
    db.session.commit()
    return unit


def rename(unit: OrgUnit, name: str) -> None:
    _lock(unit.organisation_id)
    name = clean_name(name)
    _unique(unit.organisation_id, unit.parent_id, name, unit.id)
    unit.name = name
    db.session.commit()


def move(unit: OrgUnit, parent: OrgUnit | None) -> None:
    """Under ``parent`` (None: to the top), at the end of its new siblings."""
    _lock(unit.organisation_id)
    if parent is not None and parent.id in _descendants(unit):
        raise UnitError(_l("A unit cannot go under itself or a unit below it."))
    parent_id = _usable_parent(unit.organisation_id, parent, height=_height(unit))
    if parent_id == unit.parent_id:
        return
    _unique(unit.organisation_id, parent_id, unit.name, unit.id)
    unit.parent_id = parent_id
    unit.position = _next_position(unit.organisation_id, parent_id)
    db.session.commit()


def shift(unit: OrgUnit, step: int) -> None:
    """One place up (``step`` -1) or down (+1) among its siblings; nothing at either end."""
    _lock(unit.organisation_id)
    siblings = _siblings(unit.organisation_id, unit.parent_id)
    index = siblings.index(unit)
    other = index + step
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    db.session.commit()


def sort_by_name(organisation_id: int) -> None:
    """Every unit's children (and the top units) in alphabetical order."""
    _lock(organisation_id)
    every = units.rows(organisation_id)
    groups: dict[int | None, list[OrgUnit]] = {}
    for unit in every:
        groups.setdefault(unit.parent_id, []).append(unit)
    for group in groups.values():
        for position, unit in enumerate(sorted(group, key=lambda u: (u.name.casefold(), u.name, u.id))):
            unit.position = position
    db.session.commit()


def set_archived(unit: OrgUnit, archived: bool) -> None:
    """An archived unit (and so every unit below it) is no longer offered; its figures stay."""
    unit.archived = archived
    db.session.commit()


def in_use(unit: OrgUnit) -> bool:
    """Whether anything refers to the unit: a unit below it, a table, event, request or fact."""
    for model, column in (
        (OrgUnit, OrgUnit.parent_id),
        (Table, Table.unit_id),
        (Conference, Conference.unit_id),
        (DeckRequest, DeckRequest.unit_id),
        (UsageFact, UsageFact.unit_id),
        (UsageCard, UsageCard.unit_id),
        (EventFact, EventFact.unit_id),
    ):
        if db.session.scalar(select(model.id).where(column == unit.id).limit(1)) is not None:
            return True
    return False


def delete(unit: OrgUnit) -> None:
    _lock(unit.organisation_id)
    if in_use(unit):
        raise UnitError(_l("This unit is in use, so it can only be archived."))
    db.session.delete(unit)
    db.session.commit()


# -- helpers ---------------------------------------------------------------------------------------


def _lock(organisation_id: int) -> None:
    """One change to an organisation's tree at a time on PostgreSQL (SQLite serialises writers)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            select(Organisation.id).where(Organisation.id == organisation_id).with_for_update()
        )


def _siblings(organisation_id: int, parent_id: int | None) -> list[OrgUnit]:
    where = OrgUnit.parent_id.is_(None) if parent_id is None else OrgUnit.parent_id == parent_id
    return list(
        db.session.scalars(
            select(OrgUnit)
            .where(OrgUnit.organisation_id == organisation_id, where)
            .order_by(OrgUnit.position, OrgUnit.name, OrgUnit.id)
        )
    )


def _next_position(organisation_id: int, parent_id: int | None) -> int:
    siblings = _siblings(organisation_id, parent_id)
    return max((s.position for s in siblings), default=-1) + 1


def _unique(organisation_id: int, parent_id: int | None, name: str, own_id: int | None = None) -> None:
    wanted = name.casefold()
    for sibling in _siblings(organisation_id, parent_id):
        if sibling.id != own_id and sibling.name.casefold() == wanted:
            raise UnitError(_l("A unit with this name is already there."))


def _usable_parent(organisation_id: int, parent: OrgUnit | None, height: int) -> int | None:
    """``parent``'s id, if a subtree ``height`` levels tall fits under it; UnitError if not."""
    if parent is None:
        return None
    if parent.organisation_id != organisation_id:
        raise UnitError(_l("Choose one of your organisation's units."))
    place = next((p for p in units.placed(organisation_id) if p.unit.id == parent.id), None)
    if place is None or not place.active:
        raise UnitError(_l("Choose a unit that is not archived."))
    if place.depth + height > MAX_DEPTH:
        raise UnitError(_l("Units go at most %(max)d levels deep.", max=MAX_DEPTH))
    return parent.id


def _descendants(unit: OrgUnit) -> set[int]:
    """The unit's id and those of every unit below it."""
    found, frontier = {unit.id}, [unit.id]
    while frontier:
        children = db.session.scalars(
            select(OrgUnit.id).where(OrgUnit.parent_id.in_(frontier), OrgUnit.id.not_in(found))
        ).all()
        frontier = list(children)
        found.update(frontier)
    return found


def _height(unit: OrgUnit) -> int:
    """How many levels the unit and the units below it take (1 for a unit with none)."""
    height, frontier, seen = 0, [unit.id], {unit.id}
    while frontier:
        height += 1
        frontier = [
            child
            for child in db.session.scalars(select(OrgUnit.id).where(OrgUnit.parent_id.in_(frontier))).all()
            if child not in seen
        ]
        seen.update(frontier)
    return height


def parent_public_id(unit: OrgUnit) -> str | None:
    if unit.parent_id is None:
        return None
    parent = db.session.get(OrgUnit, unit.parent_id)
    return parent.public_id if parent is not None else None


def path(unit: OrgUnit) -> str:
    return units.path_of(unit.organisation_id, unit.id) or unit.name
