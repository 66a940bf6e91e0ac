"""What play taught about a deck's cards, per deck version: the read behind the studio's play page.

Every figure comes from data that already respects the anonymity rules, and only from
tables that count:

- a table counts once it has **ended**, is no play-test (``tables.deck_text`` is NULL) and
  revealed at least one round, so at least its k players answered a card there (a table
  below k never reveals, rule 1);
- *reached*: the counting tables that opened the card; *skipped*: those whose round on it
  ended skipped (nothing was shown);
- *time on card*: the table-level seconds on the card (``rounds.seconds_on_card``), never a
  seat's or an answer's time: median and quartiles, in minutes;
- *diverged*: among the rounds revealed with exact numbers (sensitive cards keep bands and
  are not measured), the share whose frozen result spread at least ``DIVERGED_POINTS``
  (scale cards: the average distance between two people) or ``DIVERGED_CHANCE`` (choice
  cards: the chance two people chose differently), the team summaries' own measures
  (``engine/results.py``);
- *feedback*: verdict counts (``CardFeedback`` rows carry no player, table or time), and
  comments only once at least k people commented on the card, shuffled.

A figure based on fewer than k tables is suppressed: its numbers are None here, so no page
can show them by mistake ("< k" instead). Figures grow in whole steps of k tables, the first to
end first (rule 6): between two looks at the page at least k tables changed, never one. The
counting tables are found by the database; of their rounds only the card, the status, the
seconds and the frozen result are read, in the order the tables ended.
"""

from __future__ import annotations

import random
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import ColumnElement, Select, exists, func, select

from ..engine import MIN_K, CardKind, CardRule, Result, RoundStatus, TableStatus
from ..engine.results import chance_of_difference, mean_pairwise_distance
from ..extensions import db
from ..models import CardFeedback, RoundRow, Table
from . import decks
from .feedback import VERDICTS

# A team "diverged" on a card when its revealed result spread at least this much.
DIVERGED_POINTS = 1.0  # scale cards: two people are on average a whole point apart (0 to 4)
DIVERGED_CHANCE = 0.5  # choice cards: two people more likely chose differently than alike
_SCALES = (CardKind.STATEMENT, CardKind.FREQUENCY)
_T = TypeVar("_T")
_rng = random.SystemRandom()  # the comments' order must not follow the rows' order

_tables = Table.__table__
_rounds = RoundRow.__table__
_feedback = CardFeedback.__table__


def threshold() -> int:
    """k for the play figures: the configured k, never below the engine's minimum."""
    return max(MIN_K, int(current_app.config["KOERSKAART_K"]))


@dataclass(frozen=True)
class Rate:
    """A share of tables (0..1) and how many tables it is based on; both None below k tables."""

    share: float | None = None
    tables: int | None = None
    measured: bool = True  # False: nothing to measure on this card (divergence of an open card)

    @property
    def suppressed(self) -> bool:
        return self.measured and self.share is None


@dataclass(frozen=True)
class Minutes:
    """Minutes tables stayed on a card: median and quartiles; all None below k tables."""

    median: float | None = None
    low: float | None = None  # a quarter of the tables stayed shorter
    high: float | None = None  # a quarter stayed longer
    tables: int | None = None

    @property
    def suppressed(self) -> bool:
        return self.median is None


@dataclass
class Feedback:
    """Players' verdicts on a card; comments only from k commenters on (None: kept back)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))
    commenters: int = 0
    comments: list[str] | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class CardStats:
    card_id: str
    reached: int | None = None  # counting tables that reached the card; None below k
    skipped: Rate = field(default_factory=Rate)
    minutes: Minutes = field(default_factory=Minutes)
    diverged: Rate = field(default_factory=Rate)
    feedback: Feedback = field(default_factory=Feedback)


@dataclass
class VersionStats:
    slug: str
    version: int
    k: int
    tables: int | None  # counting tables of this version; None: fewer than k
    cards: dict[str, CardStats]  # by card id

    @property
    def played(self) -> bool:
        """Anything to show: k counting tables, or feedback."""
        return self.tables is not None or any(c.feedback.total for c in self.cards.values())

    def card(self, card_id: str) -> CardStats:
        """A card's figures; a card nobody reached has only suppressed ones."""
        return self.cards.get(card_id) or CardStats(card_id)


def counting_tables(slug: str, version: int, organisation_id: int | None) -> Select[tuple[int]]:
    """The ids of the tables whose play counts (see the module's doc), as a subquery to filter by."""
    revealed = _rounds.alias("revealed")
    query = select(_tables.c.id).where(
        _tables.c.deck_slug == slug,
        _tables.c.deck_version == version,
        _tables.c.deck_text.is_(None),
        _tables.c.status == TableStatus.ENDED.value,
        exists().where(revealed.c.table_id == _tables.c.id, revealed.c.status == RoundStatus.REVEALED.value),
    )
    if organisation_id is not None:
        query = query.where(_tables.c.organisation_id == organisation_id)
    return query


def version_stats(slug: str, version: int, organisation_id: int | None, k: int) -> VersionStats:
    """Per card of one deck version: reached, skipped, minutes, diverged and feedback.

    ``organisation_id`` limits tables and feedback to one organisation's (None: every one).
    """
    k = max(MIN_K, k)
    counting = counting_tables(slug, version, organisation_id)
    in_counting = _rounds.c.table_id.in_(counting.scalar_subquery())
    total = int(db.session.scalar(select(func.count()).select_from(counting.subquery())) or 0)
    cards: dict[str, CardStats] = defaultdict(lambda: CardStats(""))
    rules = _rules(slug, version)
    if total >= k:
        _count_rounds(cards, in_counting, k)
        _time_on_cards(cards, in_counting, k)
        _divergence(cards, in_counting, k, rules)
    for card_id, said in feedback_by_card(slug, version, organisation_id, k).items():
        cards[card_id].feedback = said
    for card_id in rules:  # every card of the version, reached or not, with what it can be measured on
        cards.setdefault(card_id, CardStats(card_id))
    for card_id, stats in cards.items():
        stats.card_id = card_id
        if card_id in rules and not _countable(rules[card_id]):
            stats.diverged = Rate(measured=False)
    released = total - total % k
    return VersionStats(slug, version, k, released or None, dict(cards))


def _rules(slug: str, version: int) -> dict[str, CardRule]:
    deck = decks.get(slug, version)
    if deck is None:
        return {}
    return {card.id: decks.card_rule(card) for card in [*deck.cards, *deck.retired]}


def _countable(rule: CardRule) -> bool:
    """Exact numbers to measure a spread on: scale and choice cards that are not sensitive."""
    return rule.kind in (*_SCALES, CardKind.CHOICE) and not rule.sensitive


def _in_order(*columns: ColumnElement[Any], where: Sequence[ColumnElement[bool]]) -> Select[Any]:
    """Rounds of the counting tables, in the order their tables ended (see ``_released``)."""
    return (
        select(*columns)
        .join_from(_rounds, _tables, _rounds.c.table_id == _tables.c.id)
        .where(*where)
        .order_by(_tables.c.ended_at, _tables.c.id)
    )


def _released(values: list[_T], k: int) -> list[_T]:
    """The first tables in whole steps of k (rule 6): a figure changes only once k more tables
    have ended, so two looks at the page never tell what one table did on a card."""
    return values[: len(values) - len(values) % k]


def _count_rounds(cards: dict[str, CardStats], in_counting: ColumnElement[bool], k: int) -> None:
    outcomes: dict[str, list[bool]] = defaultdict(list)  # per card, per table: skipped?
    for card_id, status in db.session.execute(
        _in_order(_rounds.c.card_id, _rounds.c.status, where=[in_counting])
    ):
        outcomes[card_id].append(status == RoundStatus.SKIPPED.value)
    for card_id, skips in outcomes.items():
        released = _released(skips, k)
        if released:
            cards[card_id].reached = len(released)
            cards[card_id].skipped = Rate(sum(released) / len(released), len(released))


def _time_on_cards(cards: dict[str, CardStats], in_counting: ColumnElement[bool], k: int) -> None:
    seconds: dict[str, list[int]] = defaultdict(list)
    rows = db.session.execute(
        _in_order(
            _rounds.c.card_id,
            _rounds.c.seconds_on_card,
            where=[in_counting, _rounds.c.seconds_on_card.is_not(None)],
        )
    )
    for card_id, spent in rows:
        seconds[card_id].append(spent)
    for card_id, measured in seconds.items():
        spent = _released(measured, k)
        if spent:
            low, median, high = (q / 60 for q in statistics.quantiles(spent, n=4, method="inclusive"))
            cards[card_id].minutes = Minutes(median, low, high, len(spent))


def team_spread(rule: CardRule, counts: Sequence[int]) -> float | None:
    """A revealed result's spread in the team summaries' measure for its kind of card."""
    if rule.kind in _SCALES:
        return mean_pairwise_distance(counts)
    if rule.kind is CardKind.CHOICE:
        return chance_of_difference(counts)
    return None


def diverged(rule: CardRule, counts: Sequence[int]) -> bool:
    spread = team_spread(rule, counts)
    if spread is None:
        return False
    return spread >= (DIVERGED_POINTS if rule.kind in _SCALES else DIVERGED_CHANCE)


def _divergence(
    cards: dict[str, CardStats], in_counting: ColumnElement[bool], k: int, rules: dict[str, CardRule]
) -> None:
    countable = [card_id for card_id, rule in rules.items() if _countable(rule)]
    if not countable:
        return
    seen: dict[str, list[bool]] = defaultdict(list)
    rows = db.session.execute(
        _in_order(
            _rounds.c.card_id,
            _rounds.c.result,
            where=[
                in_counting,
                _rounds.c.status == RoundStatus.REVEALED.value,
                _rounds.c.card_id.in_(countable),
            ],
        )
    )
    for card_id, stored in rows:
        counts = Result.from_dict(stored).counts if stored else ()
        if counts and all(isinstance(c, int) for c in counts):  # bands are never measured
            seen[card_id].append(diverged(rules[card_id], [int(c) for c in counts]))
    for card_id, measured in seen.items():
        flags = _released(measured, k)
        if flags:
            cards[card_id].diverged = Rate(sum(flags) / len(flags), len(flags))


def feedback_by_card(slug: str, version: int, organisation_id: int | None, k: int) -> dict[str, Feedback]:
    """Per card: counts per verdict, and the comments, shuffled, once at least k people commented.

    Play-test feedback is no version's feedback. One verdict per seat and card, so comments
    are people. ``organisation_id`` None reads every organisation's feedback.
    """
    k = max(MIN_K, k)
    mine = [
        _feedback.c.deck_slug == slug,
        _feedback.c.deck_version == version,
        _feedback.c.playtest.is_(False),
    ]
    if organisation_id is not None:
        mine.append(_feedback.c.organisation_id == organisation_id)
    found: dict[str, Feedback] = defaultdict(Feedback)
    counted = db.session.execute(
        select(_feedback.c.card_id, _feedback.c.verdict, func.count())
        .where(*mine)
        # Grouped in the database: the rows' order (ids) never reaches a page.
        .group_by(_feedback.c.card_id, _feedback.c.verdict)
    )
    for card_id, verdict, count in counted:
        if verdict in VERDICTS:
            found[card_id].counts[verdict] = count
    texts: dict[str, list[str]] = defaultdict(list)
    for card_id, comment in db.session.execute(
        select(_feedback.c.card_id, _feedback.c.comment).where(*mine, _feedback.c.comment.is_not(None))
    ):
        if comment:
            texts[card_id].append(comment)
    for card_id, said in texts.items():
        found[card_id].commenters = len(said)
        if len(said) >= k:
            _rng.shuffle(said)
            found[card_id].comments = said
    return dict(found)


def feedback_versions(slug: str, organisation_id: int) -> list[int]:
    """The deck versions this organisation has (non-play-test) feedback on, newest first."""
    rows = db.session.scalars(
        select(_feedback.c.deck_version)
        .where(
            _feedback.c.deck_slug == slug,
            _feedback.c.organisation_id == organisation_id,
            _feedback.c.playtest.is_(False),
        )
        .distinct()
    )
    return sorted(rows, reverse=True)


__all__ = [
    "DIVERGED_CHANCE",
    "DIVERGED_POINTS",
    "VERDICTS",
    "CardStats",
    "Feedback",
    "Minutes",
    "Rate",
    "VersionStats",
    "counting_tables",
    "diverged",
    "feedback_by_card",
    "feedback_versions",
    "team_spread",
    "threshold",
    "version_stats",
]
