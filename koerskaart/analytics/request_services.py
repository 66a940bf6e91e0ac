"""Deck requests: a team lead asks for a deck without an account, and its ready link starts the table.

The organisation's public request page is ``/request/<organisations.request_key>``: a secret in
the address, renewed by its admin (the old address then stops working). A request keeps only
what the organisation counts (unit, deck, route, expected date and size) and, if given, a contact
address deleted the day after the expected date (``live.usage.purge_contacts``). Its ready link is
a token shown once; only its hash is stored, so a lookup by hash is the constant-time compare.
Requests count in the organisation's figures in cohorts of k, like played tables
(``live.usage.release_request``), so a request never shows on its own.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select

from ..clock import utcnow
from ..content import Deck
from ..engine import MIN_K
from ..extensions import db
from ..live import decks, service, units, usage
from ..models import DeckRequest, Organisation, Table
from ..models.usage import EMAIL_MAX
from ..security import TOKEN_MAX_LENGTH, new_token, token_hash

KEY_LENGTH = 32  # organisations.request_key: secrets.token_urlsafe(24), 192 bits
SIZE_MIN = MIN_K  # fewer than k players never see a result
SIZE_MAX = 60
DAYS_AHEAD = 365
ROUTE_MAX = 40  # deck_requests.route
URLSAFE = re.compile(r"[A-Za-z0-9_-]+")  # what secrets.token_urlsafe makes


class DeckGone(ValueError):
    """The requested deck can no longer be played (a studio deck withdrawn)."""


class RequestRefused(Exception):
    """The organisation's requests for today are used up (a flood, not a team)."""


def today() -> date:
    return usage.today()


def latest_date() -> date:
    return today() + timedelta(days=DAYS_AHEAD)


# -- the organisation's request page ---------------------------------------------------------------


def renew_key(organisation_id: int) -> str:
    """A new secret for the request page; the old address stops working at once."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise LookupError(organisation_id)
    organisation.request_key = secrets.token_urlsafe(24)
    db.session.commit()
    return organisation.request_key


def request_key(organisation_id: int) -> str | None:
    organisation = db.session.get(Organisation, organisation_id)
    return organisation.request_key if organisation is not None else None


def organisation_for_key(key: str) -> Organisation | None:
    """The organisation whose request page this is; None for an unknown (or too long) key."""
    if len(key) > KEY_LENGTH or not URLSAFE.fullmatch(key):
        return None  # never a query with what no key holds (PostgreSQL refuses a NUL in a parameter)
    return db.session.scalar(select(Organisation).where(Organisation.request_key == key))


# -- what a request may name -----------------------------------------------------------------------


def deck_choices(organisation_id: int) -> list[Deck]:
    """The decks a table of this organisation can start with (as play's start form offers them)."""
    return decks.available(organisation_id)


def route_options(deck: Deck, language: str) -> list[tuple[str, str]]:
    """(route id, label): the whole deck first, then each route. A route that lets the facilitator
    choose phases is chosen here as a whole; its phases are chosen when the table starts."""
    found = [
        ("", gettext("Whole deck") + decks.DASH + decks.duration_text(len(deck.cards), deck.total_minutes()))
    ]
    for route in deck.routes:
        title = route.title.get(language)
        if route.choose is not None:
            found.append((route.id, title + decks.DASH + gettext("phases chosen on the day")))
            continue
        cards = deck.route_cards(route.id)
        found.append(
            (route.id, f"{title}{decks.DASH}{decks.duration_text(len(cards), deck.total_minutes(cards))}")
        )
    return found


def valid_route(deck: Deck, route_id: str) -> bool:
    return route_id == "" or (len(route_id) <= ROUTE_MAX and deck.route(route_id) is not None)


def phase_options(deck: Deck, route_id: str | None, language: str) -> list[tuple[str, str]]:
    """For a route that lets the facilitator choose phases: each combination as (form value, label)."""
    route = deck.route(route_id) if route_id else None
    if route is None or route.choose is None:
        return []
    return [
        (value, label)
        for value, label in decks.route_choices(deck, language)
        if (choice := decks.parse_route_choice(value)) is not None and choice.route == route_id
    ]


# -- making a request ------------------------------------------------------------------------------


def clean_email(raw: str | None) -> str | None:
    email = (raw or "").strip()
    return email[:EMAIL_MAX] or None


def create(
    organisation_id: int,
    unit_id: int | None,
    deck_slug: str,
    route: str | None,
    expected_on: date,
    expected_size: int,
    contact_email: str | None,
) -> tuple[DeckRequest, str]:
    """Store a request and release it with k of its kind; returns it and its ready link's token.

    The caller validated unit, deck and route against the organisation; the bounds are checked
    again here. RequestRefused when the organisation's cap for today is reached.
    """
    if not today() <= expected_on <= latest_date():
        raise ValueError("expected date out of range")
    if not SIZE_MIN <= expected_size <= SIZE_MAX:
        raise ValueError("expected size out of range")
    start_of_day = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    made_today = db.session.scalar(
        select(func.count())
        .select_from(DeckRequest)
        .where(DeckRequest.organisation_id == organisation_id, DeckRequest.created_at >= start_of_day)
    )
    if (made_today or 0) >= current_app.config["REQUEST_DAILY_CAP"]:
        raise RequestRefused(organisation_id)
    token = new_token()
    deck_request = DeckRequest(
        public_id=secrets.token_urlsafe(12),
        organisation_id=organisation_id,
        unit_id=unit_id,
        deck_slug=deck_slug,
        route=route or None,
        expected_on=expected_on,
        expected_size=expected_size,
        contact_email=clean_email(contact_email),
        token_hash=token_hash(token),
    )
    db.session.add(deck_request)
    db.session.flush()
    usage.release_request(deck_request)
    db.session.commit()
    return deck_request, token


# -- the ready link --------------------------------------------------------------------------------


def by_token(token: str) -> DeckRequest | None:
    """The request whose ready link this is; None for any other string (looked up by hash only)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return db.session.scalar(select(DeckRequest).where(DeckRequest.token_hash == token_hash(token)))


@dataclass(frozen=True)
class Ready:
    """What the ready page shows of a request: never a contact address, never another table."""

    deck: Deck | None
    unit_path: str | None
    route_title: str | None
    phases: list[tuple[str, str]]
    expected_on: date
    expected_size: int


def ready(deck_request: DeckRequest, language: str) -> Ready:
    deck = decks.get(deck_request.deck_slug)
    return Ready(
        deck=deck,
        unit_path=units.path_of(deck_request.organisation_id, deck_request.unit_id),
        route_title=decks.route_title(deck, deck_request.route, language) if deck is not None else None,
        phases=phase_options(deck, deck_request.route, language) if deck is not None else [],
        expected_on=deck_request.expected_on,
        expected_size=deck_request.expected_size,
    )


def start_table(
    deck_request: DeckRequest, nickname: str | None, phases_value: str | None, perspective: str | None = None
) -> tuple[Table, str, str]:
    """A table for the request, its host seated: (table, rejoin token, screen key).

    The table belongs to the request's organisation and unit (``live.service.create_table``); its
    route is the requested one, with the phases chosen now where the route lets the host choose.
    ValueError when the deck is gone or the phases are not the route's.
    """
    deck = decks.get(deck_request.deck_slug)
    if deck is None:
        raise DeckGone(deck_request.deck_slug)
    route = deck_request.route or ""
    phases: tuple[str, ...] = ()
    options = phase_options(deck, deck_request.route, "nl")
    if options:
        choice = decks.parse_route_choice(phases_value)
        if (
            choice is None
            or phases_value not in {value for value, _label in options}
            or choice.slug != deck.slug
            or choice.route != route
        ):
            raise ValueError("choose the phases of this route")
        phases = choice.phases
    elif route and deck.route(route) is None:
        route = ""  # the deck's new version dropped the route: play the whole deck
    table, _seat_id, token, screen_key = service.create_table(
        deck.slug, nickname, request=deck_request, route=route, chosen_phases=phases, perspective=perspective
    )
    return table, token, screen_key


# -- what the admin sees ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Counted:
    unit_path: str | None
    deck_slug: str
    requests: int


def released_counts(organisation_id: int) -> list[Counted]:
    """Requests counted so far per unit and deck: released cohorts only, so every count is 0 or ≥ k.

    No row of a single request, no expected date, no contact address.
    """
    rows = db.session.execute(
        select(DeckRequest.unit_id, DeckRequest.deck_slug, func.count())
        .where(DeckRequest.organisation_id == organisation_id, DeckRequest.cohort_on.is_not(None))
        .group_by(DeckRequest.unit_id, DeckRequest.deck_slug)
    ).all()
    paths = {place.unit.id: place.path for place in units.placed(organisation_id)}
    found = [Counted(paths.get(unit_id) if unit_id else None, slug, int(n)) for unit_id, slug, n in rows]
    return sorted(found, key=lambda c: (c.unit_path or "", c.deck_slug))
