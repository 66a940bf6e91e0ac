"""The installed decks, and what a table plays of one: its playlist of cards and their rules.

A table (and an event) stores the ids of the cards it plays, resolved once from the route the
host or facilitator chose (issue 12). Every index into a table's cards — rounds, harvests, the
plenary tally — is an index into that playlist, never into the deck file, so a route or a new
deck version cannot shift what a stored round was about.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from flask import current_app
from flask_babel import gettext, ngettext
from sqlalchemy import or_, select

from ..content import Card, Deck, Text
from ..content.yamlio import parse_deck_text
from ..engine import CardKind, CardRule
from ..engine.cards import DEFAULT_TEXT_LENGTH
from ..extensions import db
from ..models import DeckVersion, StudioDeck, VersionStatus, Visibility

EXTENSION_KEY = "koerskaart.decks"
RULES_BY_ID_KEY = "koerskaart.deck_rules"
STUDIO_KEY = "koerskaart.studio_decks"
STUDIO_KEPT = 256  # parsed published studio versions kept per process
PLAYLISTS_KEY = "koerskaart.playlists"
PLAYLISTS_KEPT = 1024  # routes x phase choices x decks: far fewer in practice; bounded anyway


@dataclass(frozen=True)
class Playlist:
    """The cards one table plays, in order, with the rules the engine needs."""

    deck: Deck
    cards: tuple[Card, ...]
    rules: tuple[CardRule, ...]

    @property
    def card_ids(self) -> list[str]:
        return [card.id for card in self.cards]

    @property
    def minutes(self) -> int:
        return self.deck.total_minutes(self.cards)


@dataclass(frozen=True)
class Wording:
    """The words of a card as a table sees them."""

    prompt: Text
    body: Text | None
    follow_up: tuple[Text, ...]


def wording(card: Card, mixed: bool) -> Wording:
    """A card's own words, or at a mixed conference table its conference variant where it has one."""
    variant = card.conference if mixed else None
    if variant is None:
        return Wording(card.prompt, card.body, tuple(card.follow_up))
    follow_up = variant.follow_up if variant.follow_up is not None else card.follow_up
    return Wording(variant.prompt, variant.body or card.body, tuple(follow_up))


def installed() -> dict[str, Deck]:
    decks: dict[str, Deck] = current_app.extensions[EXTENSION_KEY]
    return decks


def get(slug: str, version: int | None = None) -> Deck | None:
    """A deck to play: a deck file by its slug, else a studio deck's published version
    (``version``, or the newest); None when there is none."""
    found = installed().get(slug)
    if found is not None:
        return found
    return studio_version(slug, version)


def available(organisation_id: int | None) -> list[Deck]:
    """Decks a table or event can start with: the deck files, then the newest published version of
    every studio deck shared with all and of the organisation's own (``organisation_id``)."""
    visible = StudioDeck.visibility == Visibility.SHARED.value
    if organisation_id is not None:
        visible = or_(visible, StudioDeck.organisation_id == organisation_id)
    slugs = db.session.scalars(
        select(StudioDeck.slug)
        .join(DeckVersion, DeckVersion.deck_id == StudioDeck.id)
        .where(visible, DeckVersion.status == VersionStatus.PUBLISHED.value)
        .distinct()
        .order_by(StudioDeck.slug)
    )
    studio = [deck for slug in slugs if (deck := studio_version(slug)) is not None]
    return [*installed().values(), *studio]


def studio_version(slug: str, version: int | None = None) -> Deck | None:
    """A studio deck's published version (the newest when ``version`` is None), parsed once per process.

    A published version never changes (models/decks.py), so its parsed deck is cached for good; only
    "which is the newest" is asked of the database each time.
    """
    query = (
        select(DeckVersion.number, DeckVersion.id)
        .join(StudioDeck, StudioDeck.id == DeckVersion.deck_id)
        .where(StudioDeck.slug == slug, DeckVersion.status == VersionStatus.PUBLISHED.value)
    )
    cache: dict[tuple[str, int], Deck] = current_app.extensions[STUDIO_KEY]
    if version is not None:
        if (slug, version) in cache:
            return cache[(slug, version)]
        query = query.where(DeckVersion.number == version)
    row = db.session.execute(query.order_by(DeckVersion.number.desc()).limit(1)).first()
    if row is None:
        return None
    key = (slug, row.number)
    if key not in cache:
        text = db.session.get(DeckVersion, row.id).text  # type: ignore[union-attr]
        deck, _problems = parse_deck_text(text, f"{slug}.yaml")
        if deck is None:  # publishing validated it; a schema change that refuses it must not crash play
            return None
        if len(cache) >= STUDIO_KEPT:
            cache.clear()
        cache[key] = deck
    return cache[key]


def card_rule(card: Card) -> CardRule:
    return CardRule(
        kind=CardKind(card.type.value),
        id=card.id,
        options=len(card.options or []),
        max_length=card.max_length or DEFAULT_TEXT_LENGTH,
        sensitive=card.sensitive,
    )


def playlist(
    slug: str, card_ids: Sequence[str] | None = None, version: int | None = None, text: str | None = None
) -> Playlist | None:
    """What a table with these stored card ids plays; None if the deck or one of its cards is gone.

    ``card_ids`` None is the whole deck (tables from before routes, other decks). ``version`` is
    the table's: a studio deck is played at the version the table started with; a deck file has
    one version, its retired cards keep older tables readable. ``text``: a play-test's draft text.
    """
    key_slug = slug
    if text is not None:  # a play-test plays the draft's text as it was when the test started
        version = None
        key_slug = f"{slug}#{hashlib.sha256(text.encode()).hexdigest()[:24]}"
    elif slug in installed():
        version = None
    elif version is None:
        newest = studio_version(slug)
        version = newest.version if newest is not None else None
    key = (key_slug, version, tuple(card_ids) if card_ids is not None else None)
    cache: dict[tuple[str, int | None, tuple[str, ...] | None], Playlist | None]
    cache = current_app.extensions[PLAYLISTS_KEY]
    if key in cache:
        return cache[key]
    deck = parse_deck_text(text, "playtest.yaml")[0] if text is not None else get(slug, version)
    found: Playlist | None = None
    if deck is not None:
        cards = list(deck.cards) if card_ids is None else deck.cards_by_id(list(card_ids))
        if cards:
            found = Playlist(deck, tuple(cards), tuple(_rule(slug, card) for card in cards))
    if len(cache) >= PLAYLISTS_KEPT:
        cache.clear()
    cache[key] = found
    return found


def _rule(slug: str, card: Card) -> CardRule:
    """A deck file's rules were made when the app loaded it; a studio deck's are made here."""
    made: dict[str, CardRule] = current_app.extensions[RULES_BY_ID_KEY].get(slug, {})
    return made.get(card.id) or card_rule(card)


def rules(
    slug: str, card_ids: Sequence[str] | None = None, version: int | None = None, text: str | None = None
) -> tuple[CardRule, ...]:
    """Card rules of what a table plays; KeyError when the deck or a card is no longer installed."""
    found = playlist(slug, card_ids, version, text)
    if found is None:
        raise KeyError(slug)
    return found.rules


def install(extensions: dict[str, object], decks: dict[str, Deck]) -> None:
    """Register ``decks`` on an app (its ``extensions`` dict)."""
    extensions[EXTENSION_KEY] = decks
    extensions[RULES_BY_ID_KEY] = {
        slug: {card.id: card_rule(card) for card in [*deck.cards, *deck.retired]}
        for slug, deck in decks.items()
    }
    extensions[STUDIO_KEY] = {}
    extensions[PLAYLISTS_KEY] = {}


# ── Choosing a route (the start form and the event form alike) ─────────────────────────────
ROUTE_FIELD = "route-"  # a form's select of routes beside each deck is named route-<slug>
ROUTE_SEPARATOR = "|"
PHASE_SEPARATOR = "+"
DASH = " \N{EN DASH} "


@dataclass(frozen=True)
class RouteChoice:
    """One way to play a deck: a route, and for a route that lets the host choose, the phases."""

    slug: str
    route: str  # "" for the whole deck
    phases: tuple[str, ...] = ()

    @property
    def value(self) -> str:
        return ROUTE_SEPARATOR.join((self.slug, self.route, PHASE_SEPARATOR.join(self.phases)))


def parse_route_choice(value: str | None) -> RouteChoice | None:
    """A form's route value back into its parts; None for anything malformed."""
    parts = (value or "").split(ROUTE_SEPARATOR)
    if len(parts) != 3 or len(value or "") > 300:
        return None
    slug, route, phases = parts
    return RouteChoice(slug, route, tuple(phases.split(PHASE_SEPARATOR)) if phases else ())


def duration_text(cards: int, minutes: int) -> str:
    """What a host weighs when choosing a route: "12 cards, about 65 min"."""
    return str(
        gettext(
            "%(cards)s, about %(minutes)d min",
            cards=ngettext("%(num)d card", "%(num)d cards", cards),
            minutes=minutes,
        )
    )


def route_choices(deck: Deck, language: str) -> list[tuple[str, str]]:
    """Every way to play ``deck`` as (form value, label), the whole deck first.

    A route that lets the host choose phases becomes one choice per combination, so a plain
    select offers it (ten choices for two of five dimensions) and no script is needed.
    """
    whole = gettext("Whole deck") + DASH + duration_text(len(deck.cards), deck.total_minutes())
    found = [(RouteChoice(deck.slug, "").value, whole)]
    for route in deck.routes:
        title = route.title.get(language)
        if route.choose is None:
            cards = deck.route_cards(route.id)
            found.append(
                (
                    RouteChoice(deck.slug, route.id).value,
                    f"{title}{DASH}{duration_text(len(cards), deck.total_minutes(cards))}",
                )
            )
            continue
        for chosen in combinations(route.choose.phases, route.choose.count):
            cards = deck.route_cards(route.id, chosen)
            names = gettext(" and ").join(deck.phase_title(phase, language) or phase for phase in chosen)
            label = f"{title}: {names}{DASH}{duration_text(len(cards), deck.total_minutes(cards))}"
            found.append((RouteChoice(deck.slug, route.id, chosen).value, label))
    return found


def route_title(deck: Deck, route_id: str | None, language: str) -> str | None:
    """A stored route's title; None for the whole deck (or a route the deck no longer has)."""
    route = deck.route(route_id) if route_id else None
    return route.title.get(language) if route is not None else None


def posted_routes(form: Mapping[str, str]) -> dict[str, str]:
    """What a posted form chose in each deck's route select (``route-<slug>``), by slug: shown again."""
    return {key[len(ROUTE_FIELD) :]: value for key, value in form.items() if key.startswith(ROUTE_FIELD)}


def chosen_route(form: Mapping[str, str], slug: str | None) -> RouteChoice | None:
    """The route chosen for deck ``slug`` in a posted form (a select named ``route-<slug>`` beside
    each deck; absent means the whole deck); None if it is not one of that deck's routes."""
    if not slug:
        return None
    choice = parse_route_choice(form.get(ROUTE_FIELD + slug) or RouteChoice(slug, "").value)
    if choice is None or choice.slug != slug or resolve(choice) is None:
        return None
    return choice


def resolve(choice: RouteChoice) -> list[Card] | None:
    """The cards a choice plays; None if its deck, route or phases are not valid together."""
    deck = get(choice.slug)
    if deck is None:
        return None
    try:
        return deck.route_cards(choice.route, choice.phases)
    except ValueError:
        return None
