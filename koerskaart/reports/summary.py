"""A table's team summary: what the team said, from frozen results only, in the deck's words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..engine import CardKind, RoundStatus, TableState, TableStatus
from ..engine.state import CLOSED
from ..live import decks
from ..live.decks import Playlist
from .aggregate import CardAggregate, Measure, aggregate_card, ranked


@dataclass(frozen=True)
class CardSummary:
    number: int  # 1-based, as people count cards
    prompt: str
    phase: str | None
    kind: CardKind
    sensitive: bool
    labels: tuple[str, ...]  # one per bar
    aggregate: CardAggregate
    # Released per-perspective counts ({"manager": {"n", "counts"}, "employee": {...}}) or None.
    groups: dict[str, dict[str, object]] | None = None
    # The same team's previous result on this card, where rule 6 allows (reports/comparison.py).
    earlier: CardAggregate | None = None

    def group_counts(self, perspective: str) -> list[int | str]:
        found = (self.groups or {}).get(perspective, {}).get("counts")
        return list(found) if isinstance(found, list) else []

    def group_n(self, perspective: str) -> int:
        n = (self.groups or {}).get(perspective, {}).get("n")
        return n if isinstance(n, int) else 0

    @property
    def mode_labels(self) -> list[str]:
        return [self.labels[i] for i in self.aggregate.modes if i < len(self.labels)]

    @property
    def shown(self) -> bool:
        """Revealed with something to show (bars or kept texts, or at least a count)."""
        return self.aggregate.status is RoundStatus.REVEALED


@dataclass(frozen=True)
class Comparison:
    """What the summary says about the same team's previous table (``comparison.py``)."""

    previous_public_id: str
    previous_date: datetime
    compared: int  # cards shown side by side
    held_back: tuple[int, ...]  # card numbers revealed both times but withheld by rule 6
    moved: tuple[tuple[int, float, float], ...]  # (card number, median then, median now)


@dataclass(frozen=True)
class Highlights:
    """Where the team differed and agreed most on the cards of one measure (``aggregate.ranked``)."""

    measure: Measure
    ranked: int  # cards of this measure with exact numbers
    differed: tuple[int, ...]  # card numbers, most spread first
    agreed: tuple[int, ...]  # card numbers, least spread first


@dataclass(frozen=True)
class ActionItem:
    who: str
    what: str
    due: str


@dataclass
class TeamSummary:
    deck_title: str
    status: TableStatus
    created_at: datetime
    ended_at: datetime | None
    players: int
    k: int
    cards: list[CardSummary] = field(default_factory=list)
    highlights: list[Highlights] = field(default_factory=list)  # one per measure with ranked cards
    actions: list[ActionItem] = field(default_factory=list)
    texts_kept: bool = False
    team_label: str | None = None
    route_title: str | None = None  # None: the whole deck
    comparison: Comparison | None = None

    @property
    def has_perspectives(self) -> bool:
        return any(card.groups for card in self.cards)

    @property
    def final(self) -> bool:
        return self.status is TableStatus.ENDED

    @property
    def revealed(self) -> int:
        return sum(1 for card in self.cards if card.aggregate.status is RoundStatus.REVEALED)

    @property
    def played(self) -> int:
        """Cards the table played through: revealed, closed with too few answers, or discussed."""
        return sum(1 for card in self.cards if card.aggregate.status in CLOSED)

    @property
    def skipped(self) -> int:
        return sum(1 for card in self.cards if card.aggregate.status is RoundStatus.SKIPPED)

    @property
    def minutes(self) -> int | None:
        if self.ended_at is None:
            return None
        return max(0, round((self.ended_at - self.created_at).total_seconds() / 60))


def build_summary(
    state: TableState,
    playlist: Playlist,
    lang: str,
    scale_labels: dict[str, list[str]],
    created_at: datetime,
    ended_at: datetime | None,
    groups: dict[int, dict[str, dict[str, object]]] | None = None,
    mixed: bool = False,
) -> TeamSummary:
    """Everything a summary shows, derived from the engine's state (frozen results only)."""
    deck = playlist.deck
    summary = TeamSummary(
        deck_title=deck.title.get(lang),
        status=state.status,
        created_at=created_at,
        ended_at=ended_at,
        players=len(state.seats),
        k=state.settings.k,
        texts_kept=state.keep_open_text,
    )
    for index, (card, rule) in enumerate(zip(playlist.cards, state.cards, strict=True)):
        round_ = state.rounds.get(index)
        status = round_.status if round_ else None
        if status is RoundStatus.OPEN:
            status = None  # a live preview never shows an open round
        aggregate = aggregate_card(index, rule, status, round_.result if round_ and status else None)
        if rule.kind is CardKind.CHOICE:
            labels = tuple(option.get(lang) for option in card.options or [])
        elif rule.kind in (CardKind.STATEMENT, CardKind.FREQUENCY):
            labels = tuple(scale_labels[rule.kind.value])
        else:
            labels = ()
        summary.cards.append(
            CardSummary(
                number=index + 1,
                prompt=decks.wording(card, mixed).prompt.get(lang),
                phase=deck.phase_title(card.phase, lang),
                kind=rule.kind,
                sensitive=rule.sensitive,
                labels=labels,
                aggregate=aggregate,
                groups=(groups or {}).get(index) if aggregate.status is RoundStatus.REVEALED else None,
            )
        )
    summary.highlights = [
        Highlights(
            ranking.measure,
            ranking.ranked,
            tuple(a.index + 1 for a in ranking.differed),
            tuple(a.index + 1 for a in ranking.agreed),
        )
        for ranking in ranked([card.aggregate for card in summary.cards])
    ]
    summary.actions = [ActionItem(a.who, a.what, a.due) for a in state.actions]
    return summary
