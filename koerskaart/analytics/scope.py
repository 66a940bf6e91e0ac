"""Whose figures a view reads: one organisation (with its units), or the whole platform (no units)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from ..live import decks as live_decks
from ..models import OrgUnit, StudioDeck, Visibility


@dataclass(frozen=True)
class Unit:
    id: int
    public_id: str
    name: str
    parent_id: int | None
    archived: bool


@dataclass(frozen=True)
class Scope:
    """``organisation_id`` None: the platform, across organisations and never by unit."""

    organisation_id: int | None
    units: dict[int, Unit] = field(default_factory=dict)
    # The platform's: decks every organisation may play (deck files, shared studio decks). Any
    # other deck is one organisation's own, so across organisations it is never shown by name:
    # its tables count in one row for all organisations' own decks (``OWN_DECKS``).
    public_decks: frozenset[str] = frozenset()

    @property
    def platform(self) -> bool:
        return self.organisation_id is None

    def unit_by_public_id(self, public_id: str) -> Unit | None:
        return next((u for u in self.units.values() if u.public_id == public_id), None)

    def within(self, unit_id: int) -> set[int]:
        """A unit and every unit under it."""
        found, frontier = {unit_id}, [unit_id]
        while frontier:
            parent = frontier.pop()
            for unit in self.units.values():
                if unit.parent_id == parent and unit.id not in found:
                    found.add(unit.id)
                    frontier.append(unit.id)
        return found

    def path(self, unit_id: int | None) -> str:
        """The unit's name after its parents' names ("Directorate / Department"); "" for none."""
        names: list[str] = []
        seen: set[int] = set()
        while unit_id is not None and unit_id in self.units and unit_id not in seen:
            seen.add(unit_id)
            names.append(self.units[unit_id].name)
            unit_id = self.units[unit_id].parent_id
        return " / ".join(reversed(names))


def organisation_scope(organisation_id: int) -> Scope:
    rows = db.session.execute(
        select(OrgUnit.id, OrgUnit.public_id, OrgUnit.name, OrgUnit.parent_id, OrgUnit.archived).where(
            OrgUnit.organisation_id == organisation_id
        )
    ).all()
    return Scope(
        organisation_id, {r.id: Unit(r.id, r.public_id, r.name, r.parent_id, r.archived) for r in rows}
    )


OWN_DECKS = "~own"  # no slug has a "~" (the deck format's pattern), so no deck is taken for it


def platform_scope() -> Scope:
    """Across organisations: no units, and the decks that may be named (see ``Scope.public_decks``)."""
    shared = db.session.scalars(
        select(StudioDeck.slug).where(StudioDeck.visibility == Visibility.SHARED.value)
    )
    return Scope(None, public_decks=frozenset(live_decks.installed()) | frozenset(shared))
