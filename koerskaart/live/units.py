"""An organisation's units as forms offer them (play's start form, the event form, the request form).

Features never import each other, so the read every form needs lives here: the units in tree
order with their paths ("Directorate / Department"), active ones only. A unit is out of use when
it or any unit above it is archived; it stays counted where it played, but no form offers it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import OrgUnit

PATH_SEPARATOR = " / "


@dataclass(frozen=True)
class Placed:
    """A unit in tree order: how deep it sits (1 for a top unit), its path, whether it is in use."""

    unit: OrgUnit
    depth: int
    path: str
    active: bool


def rows(organisation_id: int) -> list[OrgUnit]:
    return list(
        db.session.scalars(
            select(OrgUnit)
            .where(OrgUnit.organisation_id == organisation_id)
            .order_by(OrgUnit.position, OrgUnit.name, OrgUnit.id)
        )
    )


def placed(organisation_id: int) -> list[Placed]:
    """Every unit of the organisation, depth first in the admin's order (siblings by position)."""
    units = rows(organisation_id)
    known = {unit.id for unit in units}
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        # A parent of another organisation (never written so) would hide a unit: show it at the top.
        parent = unit.parent_id if unit.parent_id in known else None
        children.setdefault(parent, []).append(unit)
    found: list[Placed] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int, path: str, active: bool) -> None:
        for unit in children.get(parent, []):
            if unit.id in seen:  # a cycle is refused when written; never loop on one anyway
                continue
            seen.add(unit.id)
            here = f"{path}{PATH_SEPARATOR}{unit.name}" if path else unit.name
            in_use = active and not unit.archived
            found.append(Placed(unit, depth, here, in_use))
            walk(unit.id, depth + 1, here, in_use)

    walk(None, 1, "", True)
    return found


def unit_choices(organisation_id: int | None) -> list[tuple[str, str]]:
    """(public id, path) of the organisation's units in use, in tree order; [] without an organisation."""
    if organisation_id is None:
        return []
    return [(place.unit.public_id, place.path) for place in placed(organisation_id) if place.active]


def unit_id(organisation_id: int | None, public_id: str | None) -> int | None:
    """The id of an organisation's unit in use by its public id; None for an unknown unit, another
    organisation's, an archived one (or one under an archived unit), or no organisation."""
    if organisation_id is None or not public_id or len(public_id) > 32:
        return None
    for place in placed(organisation_id):
        if place.unit.public_id == public_id:
            return place.unit.id if place.active else None
    return None


def path_of(organisation_id: int | None, unit_id: int | None) -> str | None:
    """A unit's path ("Directorate / Department"), archived or not; None for no unit."""
    if organisation_id is None or unit_id is None:
        return None
    return next((place.path for place in placed(organisation_id) if place.unit.id == unit_id), None)
