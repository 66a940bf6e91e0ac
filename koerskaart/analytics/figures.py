"""The fixed set of uptake views, registered in ``registry.VIEWS`` in the order the dashboard lists them.

Each view sums released facts only (``views.released``): usage_facts, usage_cards, event_facts
and deck_requests, labelled with org_units (through the scope) and with deck content (a card's
prompt, a route's title, read through ``live/decks.py``). Across organisations (the platform)
a view groups by deck where an organisation's groups by unit, and never names a unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, literal, select, true

from ..extensions import db
from ..i18n import lang
from ..live import decks as live_decks
from ..markdown import plain_text
from ..models import DeckRequest, EventFact, UsageCard, UsageFact
from .cells import Kind
from .filters import Filters
from .registry import (
    Column,
    Row,
    View,
    facts,
    per_period,
    period_label,
    register,
    released,
)
from .scope import OWN_DECKS, Scope

CARDS_SHOWN = 50  # the most played cards: a top list, not every card of every deck
TEXT_SHOWN = 90  # characters of a card's prompt in a cell; the deck has it in full
SUMMED = ("tables", "players", "reached", "events")  # a unit's figures with the units under it
PLAYER_BUCKETS = ("3", "4", "5", "6", "7", "8", "9+")

_fact = UsageFact.__table__
_reached = func.sum(case((_fact.c.reached_action.is_(True), 1), else_=0))


def no_unit() -> str:
    return str(_("No unit"))


def unit_label(scope: Scope, unit_id: int | None) -> str:
    """A unit's path ("Directorate / Department"), or "No unit" for tables started without one."""
    return scope.path(unit_id) if unit_id is not None and unit_id in scope.units else no_unit()


def deck_title(slug: str) -> str:
    """A deck's title in the reader's language; its slug when the deck is no longer there."""
    if slug == OWN_DECKS:
        return str(_("Organisations' own decks"))
    deck = live_decks.get(slug)
    return deck.title.get(lang()) if deck is not None else slug


def deck_key(scope: Scope, slug: Any = _fact.c.deck_slug) -> Any:
    """A deck as a view may group by it: across organisations, one organisation's own deck is
    never named (``Scope.public_decks``): all of them count as one group."""
    if not scope.platform:
        return slug
    return case((slug.in_(sorted(scope.public_decks)), slug), else_=literal(OWN_DECKS))


def _group(scope: Scope) -> Any:
    """What an organisation's view is broken down by (its units); across organisations the deck."""
    return deck_key(scope) if scope.platform else _fact.c.unit_id


def _group_label(scope: Scope, key: Any) -> str:
    return deck_title(str(key)) if scope.platform else unit_label(scope, key)


def _by_group(scope: Scope, keys: Iterable[Any]) -> list[Any]:
    """Groups in reading order: units by their path (no unit last), decks by title."""
    return sorted(keys, key=lambda key: (key is None, _group_label(scope, key).casefold()))


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _group_column() -> Column:
    return Column("group", _l("Unit"), Kind.LABEL, platform_label=_l("Deck"))


# -- tables and events over time ---------------------------------------------------------------


def _over_time(scope: Scope, filters: Filters) -> list[Row]:
    tables = db.session.execute(
        facts(
            _fact.c.cohort_on, func.count(), func.sum(_fact.c.players), scope=scope, filters=filters
        ).group_by(_fact.c.cohort_on)
    ).all()
    event = EventFact.__table__
    events = db.session.execute(
        select(event.c.cohort_on, func.count())
        .where(*released(EventFact, scope, filters))
        .group_by(event.c.cohort_on)
    ).all()
    sums = per_period(tables, filters, ("tables", "players"))
    for start, counts in per_period(events, filters, ("events",)).items():
        sums.setdefault(start, {"tables": 0, "players": 0}).update(counts)
    return [
        {
            "period": period_label(start, filters.period),
            "tables": counts.get("tables", 0),
            "players": counts.get("players", 0),
            "events": counts.get("events", 0),
        }
        for start, counts in sorted(sums.items())
    ]


register(
    View(
        name="tables-over-time",
        title=_l("Tables and events over time"),
        description=_l("Tables played and events held per period, with the players at those tables."),
        columns=(
            Column("period", _l("Period"), Kind.LABEL),
            Column("tables", _l("Tables"), Kind.TABLES),
            Column("players", _l("Players"), Kind.PLAYERS, hidden_with=("tables",)),
            Column("events", _l("Events"), Kind.EVENTS),
        ),
        compute=_over_time,
        chart=("period", "tables"),
        platform=True,
        chart_kind="periods",
    )
)


# -- decks ---------------------------------------------------------------------------------------


def _decks(scope: Scope, filters: Filters) -> list[Row]:
    deck = deck_key(scope)  # one expression object: PostgreSQL must see GROUP BY = SELECT
    rows = db.session.execute(
        facts(deck, func.count(), func.sum(_fact.c.players), scope=scope, filters=filters)
        .group_by(deck)
        .order_by(func.count().desc(), deck)
    ).all()
    return [
        {"deck": slug, "title": deck_title(slug), "tables": int(n), "players": int(players or 0)}
        for slug, n, players in rows
    ]


register(
    View(
        name="decks",
        title=_l("Decks played"),
        description=_l("How many tables played each deck, and how many players they had."),
        columns=(
            Column("deck", _l("Deck"), Kind.LABEL),
            Column("title", _l("Title"), Kind.LABEL),
            Column("tables", _l("Tables"), Kind.TABLES),
            Column("players", _l("Players"), Kind.PLAYERS, hidden_with=("tables",)),
        ),
        compute=_decks,
        chart=("title", "tables"),
        platform=True,
        parts=("tables",),
    )
)


# -- players per table ---------------------------------------------------------------------------


def _players(scope: Scope, filters: Filters) -> list[Row]:
    rows = db.session.execute(
        facts(_fact.c.players, func.count(), scope=scope, filters=filters).group_by(_fact.c.players)
    ).all()
    counts = dict.fromkeys(PLAYER_BUCKETS, 0)
    total = players = 0
    for seated, n in rows:
        # A played table had at least k answering, so at least three seats.
        bucket = "9+" if seated >= 9 else str(max(int(seated), 3))
        counts[bucket] += int(n)
        total += int(n)
        players += int(n) * int(seated)
    found: list[Row] = [{"players": bucket, "tables": n, "average": None} for bucket, n in counts.items()]
    found.append(
        {
            "players": _("All tables"),
            "tables": total,
            "average": round(players / total, 1) if total else None,
        }
    )
    return found


register(
    View(
        name="players-per-table",
        title=_l("Players per table"),
        description=_l(
            "How many tables had three, four, five … players, and the average number of players at a table."
        ),
        columns=(
            Column("players", _l("Players at the table"), Kind.LABEL),
            Column("tables", _l("Tables"), Kind.TABLES),
            Column("average", _l("Average players"), Kind.NUMBER, base="tables"),
        ),
        compute=_players,
        chart=("players", "tables"),
        platform=True,
        total=True,
        parts=("tables",),
    )
)


# -- completion: reached the action cards ------------------------------------------------------------


def _completion(scope: Scope, filters: Filters) -> list[Row]:
    group = _group(scope)
    rows = db.session.execute(
        facts(group, func.count(), _reached, scope=scope, filters=filters).group_by(group)
    ).all()
    counts = {key: (int(n), int(reached or 0)) for key, n, reached in rows}
    found: list[Row] = []
    for key in _by_group(scope, counts):
        n, reached = counts[key]
        found.append(
            {"group": _group_label(scope, key), "tables": n, "reached": reached, "share": _share(reached, n)}
        )
    n = sum(c[0] for c in counts.values())
    reached = sum(c[1] for c in counts.values())
    found.append({"group": _("Total"), "tables": n, "reached": reached, "share": _share(reached, n)})
    return found


register(
    View(
        name="completion",
        title=_l("Completion"),
        description=_l("How many tables reached the action cards, where a team agrees what it will do."),
        columns=(
            _group_column(),
            Column("tables", _l("Tables"), Kind.TABLES),
            Column("reached", _l("Reached the action cards"), Kind.TABLES, part_of="tables"),
            Column("share", _l("Share (%)"), Kind.NUMBER, base="tables", hidden_with=("reached",)),
        ),
        compute=_completion,
        chart=("group", "share"),
        platform=True,
        total=True,
    )
)


# -- routes --------------------------------------------------------------------------------------------


def _routes(scope: Scope, filters: Filters) -> list[Row]:
    deck = deck_key(scope)
    # An organisation's own deck across organisations: its routes are its own too, one row.
    route = (
        _fact.c.route
        if not scope.platform
        else case((deck == OWN_DECKS, literal(OWN_DECKS)), else_=_fact.c.route)
    )
    rows = db.session.execute(
        facts(deck, route, func.count(), scope=scope, filters=filters)
        .group_by(deck, route)
        # Ties by route (the whole deck, NULL, first on every database): rows in one order everywhere.
        .order_by(deck, func.count().desc(), func.coalesce(route, ""))
    ).all()
    found: list[Row] = []
    for slug, route, n in rows:
        if route == OWN_DECKS:
            found.append({"deck": deck_title(slug), "route": _("Their own routes"), "tables": int(n)})
            continue
        deck = live_decks.get(slug)
        title = live_decks.route_title(deck, route, lang()) if deck is not None else None
        name = title or (route if route else _("Whole deck"))
        found.append({"deck": deck_title(slug), "route": name, "tables": int(n)})
    return found


register(
    View(
        name="routes",
        title=_l("Routes chosen"),
        description=_l(
            "Which way through each deck tables took: the whole deck or one of its shorter routes."
        ),
        columns=(
            Column("deck", _l("Deck"), Kind.LABEL),
            Column("route", _l("Route"), Kind.LABEL),
            Column("tables", _l("Tables"), Kind.TABLES),
        ),
        compute=_routes,
        chart=("route", "tables"),
        platform=True,
        parts=("tables",),
        parts_within="deck",
    )
)


# -- cards most played ---------------------------------------------------------------------------------


def _card_text(slug: str, card_id: str) -> str:
    deck = live_decks.get(slug)
    if deck is None:
        return ""
    card = next((c for c in [*deck.cards, *deck.retired] if c.id == card_id), None)
    if card is None:
        return ""
    text = plain_text(card.prompt.get(lang()))
    return text if len(text) <= TEXT_SHOWN else text[: TEXT_SHOWN - 1].rstrip() + "…"


def _cards(scope: Scope, filters: Filters) -> list[Row]:
    card = UsageCard.__table__
    rows = db.session.execute(
        select(card.c.deck_slug, card.c.card_id, func.count())
        .where(*released(UsageCard, scope, filters))
        # Across organisations only the cards of decks every organisation may play.
        .where(card.c.deck_slug.in_(sorted(scope.public_decks)) if scope.platform else true())
        .group_by(card.c.deck_slug, card.c.card_id)
        .order_by(func.count().desc(), card.c.deck_slug, card.c.card_id)
        .limit(CARDS_SHOWN)
    ).all()
    return [
        {"deck": slug, "card": card_id, "text": _card_text(slug, card_id), "tables": int(n)}
        for slug, card_id, n in rows
    ]


register(
    View(
        name="cards",
        title=_l("Cards most played"),
        description=_l(
            "The cards tables played most often: how many tables revealed each card (the top 50)."
        ),
        columns=(
            Column("deck", _l("Deck"), Kind.LABEL),
            Column("card", _l("Card"), Kind.LABEL),
            Column("text", _l("Card text"), Kind.LABEL),
            Column("tables", _l("Tables"), Kind.TABLES),
        ),
        compute=_cards,
        chart=("text", "tables"),
        platform=True,
    )
)


# -- actions agreed ------------------------------------------------------------------------------------


def _actions(scope: Scope, filters: Filters) -> list[Row]:
    group = _group(scope)
    rows = db.session.execute(
        facts(group, func.count(), func.sum(_fact.c.actions_agreed), scope=scope, filters=filters).group_by(
            group
        )
    ).all()
    counts = {key: (int(n), int(actions or 0)) for key, n, actions in rows}

    def row(label: str, n: int, actions: int) -> Row:
        return {
            "group": label,
            "tables": n,
            "actions": actions,
            "average": round(actions / n, 1) if n else None,
        }

    found = [row(_group_label(scope, key), *counts[key]) for key in _by_group(scope, counts)]
    found.append(row(_("Total"), sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values())))
    return found


register(
    View(
        name="actions",
        title=_l("Actions agreed"),
        description=_l("How many actions teams agreed on the action cards, in all and per table."),
        columns=(
            _group_column(),
            Column("tables", _l("Tables"), Kind.TABLES),
            Column("actions", _l("Actions agreed"), Kind.NUMBER, base="tables"),
            Column("average", _l("Actions per table"), Kind.NUMBER, base="tables"),
        ),
        compute=_actions,
        chart=("group", "average"),
        platform=True,
        total=True,
    )
)


# -- requested against played --------------------------------------------------------------------------


def _requested(scope: Scope, filters: Filters) -> list[Row]:
    played = db.session.execute(
        facts(
            _fact.c.unit_id,
            _fact.c.deck_slug,
            func.count(),
            func.sum(case((_fact.c.from_request.is_(True), 1), else_=0)),
            scope=scope,
            filters=filters,
        ).group_by(_fact.c.unit_id, _fact.c.deck_slug)
    ).all()
    request = DeckRequest.__table__
    asked = db.session.execute(
        select(request.c.unit_id, request.c.deck_slug, func.count())
        .where(*released(DeckRequest, scope, filters))
        .group_by(request.c.unit_id, request.c.deck_slug)
    ).all()
    sums: dict[tuple[int | None, str], dict[str, int]] = {}
    for unit_id, slug, n, from_requests in played:
        sums.setdefault((unit_id, slug), {}).update(tables=int(n), from_requests=int(from_requests or 0))
    for unit_id, slug, n in asked:
        sums.setdefault((unit_id, slug), {})["requests"] = int(n)
    keys = sorted(sums, key=lambda key: (key[0] is None, unit_label(scope, key[0]).casefold(), key[1]))
    found: list[Row] = []
    for unit_id, slug in keys:
        counts = sums[(unit_id, slug)]
        requests, from_requests = counts.get("requests", 0), counts.get("from_requests", 0)
        found.append(
            {
                "unit": unit_label(scope, unit_id),
                "deck": deck_title(slug),
                "requests": requests,
                "from_requests": from_requests,
                "tables": counts.get("tables", 0),
                "share": _share(from_requests, requests),
            }
        )
    return found


register(
    View(
        name="requested-vs-played",
        title=_l("Requested and played"),
        description=_l(
            "Decks team leads requested, per unit and deck, against the tables played from those "
            "requests and all tables played."
        ),
        columns=(
            Column("unit", _l("Unit"), Kind.LABEL),
            Column("deck", _l("Deck"), Kind.LABEL),
            Column("requests", _l("Requests"), Kind.REQUESTS),
            Column("from_requests", _l("Tables from requests"), Kind.TABLES),
            Column("tables", _l("All tables"), Kind.TABLES),
            Column(
                "share",
                _l("Played of requested (%)"),
                Kind.NUMBER,
                base="requests",
                hidden_with=("from_requests",),
            ),
        ),
        compute=_requested,
        chart=("unit", "requests"),
    )
)


# -- the units' tree -----------------------------------------------------------------------------------


def _subtree_totals(scope: Scope, own: dict[int | None, dict[str, int]]) -> dict[int, dict[str, int]]:
    """Every unit's figures with the units under it: one pass up the tree, children before parents."""
    children: dict[int | None, list[int]] = {}
    for unit in scope.units.values():
        parent = unit.parent_id if unit.parent_id in scope.units else None
        children.setdefault(parent, []).append(unit.id)
    order: list[int] = []
    stack = list(children.get(None, []))
    while stack:  # parents before children; reversed, children before parents
        unit_id = stack.pop()
        order.append(unit_id)
        stack.extend(children.get(unit_id, []))
    totals: dict[int, dict[str, int]] = {}
    for unit_id in reversed(order):
        total = {key: own.get(unit_id, {}).get(key, 0) for key in SUMMED}
        for child in children.get(unit_id, []):
            for key in SUMMED:
                total[key] += totals[child][key]
        totals[unit_id] = total
    for unit_id in scope.units:  # a unit in a loop of parents (never made by the forms): its own only
        totals.setdefault(unit_id, {key: own.get(unit_id, {}).get(key, 0) for key in SUMMED})
    return totals


def _units(scope: Scope, filters: Filters) -> list[Row]:
    played = db.session.execute(
        facts(
            _fact.c.unit_id, func.count(), func.sum(_fact.c.players), _reached, scope=scope, filters=filters
        ).group_by(_fact.c.unit_id)
    ).all()
    event = EventFact.__table__
    held = db.session.execute(
        select(event.c.unit_id, func.count())
        .where(*released(EventFact, scope, filters))
        .group_by(event.c.unit_id)
    ).all()
    own: dict[int | None, dict[str, int]] = {}
    for unit_id, n, players, reached in played:
        own.setdefault(unit_id, {}).update(
            tables=int(n), players=int(players or 0), reached=int(reached or 0)
        )
    for unit_id, n in held:
        own.setdefault(unit_id, {})["events"] = int(n)
    shown = set(scope.units)
    if filters.unit is not None:
        chosen = scope.unit_by_public_id(filters.unit)
        shown = scope.within(chosen.id) if chosen is not None else set()
    totals = _subtree_totals(scope, own)
    found: list[Row] = []
    for unit_id in sorted(shown, key=lambda u: scope.path(u).casefold()):
        total = totals[unit_id]
        found.append(
            {
                "unit": scope.path(unit_id),
                "own_tables": own.get(unit_id, {}).get("tables", 0),
                "tables": total["tables"],
                "players": total["players"],
                "events": total["events"],
                "reached": total["reached"],
                "share": _share(total["reached"], total["tables"]),
            }
        )
    if None in own and filters.unit is None:
        counts = own[None]
        tables, reached = counts.get("tables", 0), counts.get("reached", 0)
        found.append(
            {
                "unit": no_unit(),
                "own_tables": tables,
                "tables": tables,
                "players": counts.get("players", 0),
                "events": counts.get("events", 0),
                "reached": reached,
                "share": _share(reached, tables),
            }
        )
    return found


register(
    View(
        name="units",
        title=_l("Units"),
        description=_l(
            "Every unit of the organisation: the tables it played itself, and with the units under it the "
            "tables, players, events and completion."
        ),
        columns=(
            Column("unit", _l("Unit"), Kind.LABEL),
            Column("own_tables", _l("Tables of the unit itself"), Kind.TABLES),
            Column("tables", _l("Tables with the units under it"), Kind.TABLES),
            Column("players", _l("Players"), Kind.PLAYERS, hidden_with=("tables",)),
            Column("events", _l("Events"), Kind.EVENTS),
            Column("reached", _l("Reached the action cards"), Kind.TABLES, part_of="tables"),
            Column("share", _l("Completion (%)"), Kind.NUMBER, base="tables", hidden_with=("reached",)),
        ),
        compute=_units,
        chart=("unit", "tables"),
    )
)


# -- the platform's totals -----------------------------------------------------------------------------


def _totals(scope: Scope, filters: Filters) -> list[Row]:
    tables, players, organisations = db.session.execute(
        facts(
            func.count(),
            func.sum(_fact.c.players),
            func.count(func.distinct(_fact.c.organisation_id)),
            scope=scope,
            filters=filters,
        )
    ).one()
    event = EventFact.__table__
    events = db.session.scalar(
        select(func.count()).select_from(event).where(*released(EventFact, scope, filters))
    )
    return [
        {
            "organisations": int(organisations or 0),
            "tables": int(tables or 0),
            "players": int(players or 0),
            "events": int(events or 0),
        }
    ]


register(
    View(
        name="totals",
        title=_l("Totals across organisations"),
        description=_l(
            "Tables, players and events across every organisation, and how many organisations played. "
            "No organisation is named."
        ),
        columns=(
            Column("organisations", _l("Organisations that played"), Kind.NUMBER, base="tables"),
            Column("tables", _l("Tables"), Kind.TABLES),
            Column("players", _l("Players"), Kind.PLAYERS, hidden_with=("tables",)),
            Column("events", _l("Events"), Kind.EVENTS),
        ),
        compute=_totals,
        platform=True,
        organisation=False,
    )
)
