"""The conference summary: what the room may see of each card, how the tables took part, their actions.

The same rules as the big screen (PRODUCT.md rule 9, docs/anonymity.md): a card's
distribution needs at least MIN_TABLES tables, and the summary never shows a figure
that differs by 1..k-1 people from one the room saw. While the event runs the summary
shows exactly the card's last plenary release: a figure computed now but not stored
could sit 1..k-1 people from the next release to the screen. Once the event has ended
the tally is final, so ``engine.plenary.release`` may decide a last figure against the
last release (it waits if that would be too close), and every view shows the same.

Participation shows progress only (players, cards reached, done), never a table's
answers; actions are listed without their table.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlalchemy import select

from ..engine import CardKind, CardRule, TableStatus
from ..engine.plenary import MIN_TABLES, Release, release, sample_texts, spread, spread_band
from ..engine.state import CLOSED
from ..extensions import db
from ..live import conference as live_conference
from ..live import decks, service
from ..models import Conference, ConferenceStatus, PlenaryRelease, Table, TeamActionRow

RANKED = 3  # cards listed under "differed most" and under "agreed most"
_COUNTABLE = (CardKind.STATEMENT, CardKind.FREQUENCY, CardKind.CHOICE)


class Withheld(StrEnum):
    """Why a card shows no figures."""

    TABLES = "tables"  # fewer than MIN_TABLES tables revealed it
    WAITING = "waiting"  # the event runs and the room has not seen this card's result (a harvest)
    ANSWERS = "answers"  # the event ended: too few answers across the tables


@dataclass(frozen=True)
class CardResult:
    number: int  # 1-based, as people count cards
    prompt: str
    phase: str | None
    kind: CardKind
    sensitive: bool
    labels: tuple[str, ...]  # one per option (countable cards)
    shown: Release | None  # what the summary shows; None: withheld
    withheld: Withheld | None
    spread: float | None  # share (0..1) of the variation that lies between tables
    texts: tuple[str, ...] = ()  # a shuffled sample of kept open answers, across tables

    @property
    def band(self) -> str | None:
        return spread_band(self.spread).value if self.spread is not None else None

    def group_counts(self, perspective: str) -> list[int | str]:
        groups = self.shown.groups if self.shown is not None else None
        found = (groups or {}).get(perspective, {}).get("counts")
        return list(found) if isinstance(found, list) else []

    def group_n(self, perspective: str) -> int:
        groups = self.shown.groups if self.shown is not None else None
        n = (groups or {}).get(perspective, {}).get("n")
        return n if isinstance(n, int) else 0


@dataclass(frozen=True)
class TableProgress:
    label: str
    players: int
    reached: int  # cards played through: revealed, closed with too few answers, or discussed
    done: bool  # ended at the deck's last card
    playing: bool = False  # not ended yet (the event still runs)


@dataclass(frozen=True)
class SharedAction:
    who: str
    what: str
    due: str


@dataclass
class ConferenceSummary:
    name: str
    held_on: date
    deck_title: str
    final: bool  # the event has ended
    k: int
    cards: list[CardResult] = field(default_factory=list)
    differed: tuple[int, ...] = ()  # card numbers, most spread between tables first
    agreed: tuple[int, ...] = ()  # card numbers, least spread first
    tables: list[TableProgress] = field(default_factory=list)
    actions: list[SharedAction] = field(default_factory=list)
    route_title: str | None = None  # None: the whole deck

    @property
    def players(self) -> int:
        return sum(table.players for table in self.tables)


def _releases(conference_id: int, card_index: int) -> list[PlenaryRelease]:
    return list(
        db.session.scalars(
            select(PlenaryRelease)
            .where(PlenaryRelease.conference_id == conference_id, PlenaryRelease.card_index == card_index)
            .order_by(PlenaryRelease.id)
        )
    )


def card_figures(
    conference: Conference, card: CardRule, card_index: int, k: int
) -> tuple[Release | None, Withheld | None, float | None, tuple[str, ...]]:
    """(what to show, why nothing is shown, spread between tables, text sample) for one card."""
    rows = _releases(conference.id, card_index)
    current, per_table, texts = live_conference.tally(conference, card_index)
    last = Release.from_dict(rows[-1].release) if rows else None
    final = conference.status == ConferenceStatus.ENDED.value
    # Retention may have deleted answers since the last release: then that release stands.
    if final and (last is None or current.n >= last.n):
        with_groups = [row for row in rows if row.with_groups]
        last_groups = Release.from_dict(with_groups[-1].release) if with_groups else None
        decided = release(card, current, last, last_groups, k)
        if decided is not None:
            measure = spread(card, per_table) if card.kind in _COUNTABLE else None
            sample: list[str] | None = None
            if card.kind is CardKind.OPEN:
                # Seeded by event and card: every view and download shows the same sample.
                sample = sample_texts(texts, random.Random(f"{conference.public_id}:{card_index}"))
            return decided, None, measure, tuple(sample or ())
    if rows:
        return last, None, rows[-1].spread, tuple(rows[-1].texts or ())
    if current.tables < MIN_TABLES:
        reason = Withheld.TABLES
    else:
        reason = Withheld.ANSWERS if final else Withheld.WAITING
    return None, reason, None, ()


def _labels(card: CardRule, options: tuple[str, ...], scale_labels: dict[str, list[str]]) -> tuple[str, ...]:
    if card.kind is CardKind.CHOICE:
        return options
    if card.kind in (CardKind.STATEMENT, CardKind.FREQUENCY):
        return tuple(scale_labels[card.kind.value])
    return ()


def _progress(conference: Conference) -> list[TableProgress]:
    tables = db.session.scalars(select(Table).where(Table.conference_id == conference.id).order_by(Table.id))
    rows = []
    for table in tables:
        state = service.current_state(table)
        reached = sum(1 for round_ in state.rounds.values() if round_.status in CLOSED)
        if not state.seats and not reached:
            continue  # opened but never used, or emptied by a merge before it played
        rows.append(
            TableProgress(
                label=table.conference_label or "",
                players=len(state.seats),
                reached=reached,
                done=state.status is TableStatus.ENDED and state.card_index == len(state.cards) - 1,
                playing=state.status is not TableStatus.ENDED,
            )
        )
    return rows


def _actions(conference: Conference) -> list[SharedAction]:
    """Actions of tables that ended, without their table, in an order that does not group them by table."""
    rows = db.session.scalars(
        select(TeamActionRow)
        .join(Table, Table.id == TeamActionRow.table_id)
        .where(Table.conference_id == conference.id, Table.status == TableStatus.ENDED.value)
    )
    actions = [SharedAction(row.who, row.what, row.due) for row in rows]
    return sorted(actions, key=lambda a: (a.what.casefold(), a.who.casefold(), a.due.casefold()))


def _ranked(cards: list[CardResult]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Most and least spread between tables; one scale (a share) for every kind of card."""
    measured = [card for card in cards if card.shown is not None and card.spread is not None]
    by_spread = sorted(measured, key=lambda card: (-(card.spread or 0.0), card.number))
    differed = by_spread[:RANKED]
    rest = [card for card in reversed(by_spread) if card not in differed]
    return tuple(card.number for card in differed), tuple(card.number for card in rest[:RANKED])


def build(conference: Conference, lang: str, scale_labels: dict[str, list[str]]) -> ConferenceSummary | None:
    """The summary of an event; None when its deck is no longer installed."""
    playlist = decks.playlist(conference.deck_slug, conference.card_ids, conference.deck_version)
    if playlist is None:
        return None
    deck, rules = playlist.deck, playlist.rules
    k = live_conference.conference_k(conference)
    summary = ConferenceSummary(
        name=conference.name,
        held_on=conference.held_on,
        deck_title=deck.title.get(lang),
        route_title=decks.route_title(deck, conference.route, lang),
        final=conference.status == ConferenceStatus.ENDED.value,
        k=k,
    )
    for index, (card, rule) in enumerate(zip(playlist.cards, rules, strict=True)):
        if rule.kind is CardKind.ACTION:
            continue  # agreed at the table, never answered: the actions list has them
        shown, withheld, measure, texts = card_figures(conference, rule, index, k)
        options = tuple(option.get(lang) for option in card.options or [])
        summary.cards.append(
            CardResult(
                number=index + 1,
                prompt=decks.wording(card, conference.mixed_wording).prompt.get(lang),
                phase=deck.phase_title(card.phase, lang),
                kind=rule.kind,
                sensitive=rule.sensitive,
                labels=_labels(rule, options, scale_labels),
                shown=shown,
                withheld=withheld,
                spread=measure,
                texts=texts,
            )
        )
    summary.differed, summary.agreed = _ranked(summary.cards)
    summary.tables = _progress(conference)
    summary.actions = _actions(conference)
    return summary
