"""This table beside the same team's previous table on the same deck.

"Previous" is the latest ended table, started earlier, by the same facilitator in the
same organisation, on the same deck, with the same team label (case and spacing
ignored). Requiring the same facilitator keeps summary access as it is: whoever may
open this summary (its facilitator, their organisation's admins, a share link they
made) learns nothing from a table its facilitator could not already see.

Per card, matched by card id so that deck edits between the two sessions never mix
cards up, the earlier result is released beside this one only when

- both were revealed (so both met k), with the same number of answer options, and
- the two numbers of respondents are equal or differ by at least k (rule 6). A team of
  six that was five last time would otherwise show, by subtraction, roughly what the
  newcomer answered.

Sensitive cards compare their bands, as they were shown. Nothing here reads raw
answers: only the frozen results both tables already revealed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from sqlalchemy import func, select

from ..content import Card
from ..engine import CardKind, Result, RoundStatus, TableStatus
from ..extensions import db
from ..live import decks
from ..models import Table
from ..models.table import normalise_team_label
from .aggregate import CardAggregate, aggregate_card
from .summary import CardSummary, Comparison, TeamSummary

MOST_MOVED = 3


def previous_table(table: Table) -> Table | None:
    """The same team's latest earlier ended table on this deck, by the same facilitator."""
    label = normalise_team_label(table.team_label)
    if label is None or table.owner_id is None or table.deck_text is not None:
        return None
    return db.session.scalars(
        select(Table)
        .where(
            Table.id != table.id,
            Table.owner_id == table.owner_id,
            Table.organisation_id == table.organisation_id,
            Table.deck_slug == table.deck_slug,
            Table.status == TableStatus.ENDED.value,
            Table.created_at < table.created_at,
            Table.deck_text.is_(None),  # a play-test counts in no comparison
            func.lower(Table.team_label) == label.lower(),
        )
        .order_by(Table.created_at.desc(), Table.id.desc())
        .limit(1)
    ).first()


def _earlier_aggregates(previous: Table, cards: Sequence[Card]) -> dict[str, CardAggregate]:
    """The previous table's revealed results, by card id, read as this table's cards read them.

    By id, not index: the two tables may have played different routes of the deck.
    """
    index_of = {card.id: index for index, card in enumerate(cards)}
    found: dict[str, CardAggregate] = {}
    for row in previous.rounds:
        index = index_of.get(row.card_id)
        if index is None or row.status != RoundStatus.REVEALED.value or not row.result:
            continue
        rule = decks.card_rule(cards[index])
        result = Result.from_dict(row.result)
        if rule.kind in (CardKind.OPEN, CardKind.ACTION) or len(result.counts) != rule.buckets:
            continue  # open texts are not compared; a changed option list is another question
        found[row.card_id] = aggregate_card(index, rule, RoundStatus.REVEALED, result)
    return found


def releasable(now: CardAggregate, then: CardAggregate, k: int) -> bool:
    """Rule 6 across two sessions: equal respondents, or at least k apart."""
    if now.status is not RoundStatus.REVEALED or not now.counts or not then.counts:
        return False
    if min(now.n, then.n) < k or len(now.counts) != len(then.counts):
        return False
    return now.n == then.n or abs(now.n - then.n) >= k


def compare(summary: TeamSummary, table: Table, cards: Sequence[Card]) -> TeamSummary:
    """``summary`` with the previous table's results beside each card where rule 6 allows."""
    previous = previous_table(table)
    if previous is None:
        return summary
    earlier = _earlier_aggregates(previous, cards)
    compared: list[CardSummary] = []
    held_back: list[int] = []
    for card, deck_card in zip(summary.cards, cards, strict=True):
        then = earlier.get(deck_card.id)
        if then is None or not card.aggregate.counts:
            compared.append(card)
        elif releasable(card.aggregate, then, summary.k):
            compared.append(dataclasses.replace(card, earlier=then))
        else:
            held_back.append(card.number)
            compared.append(card)
    summary.cards = compared
    moved = sorted(
        (
            (card.number, card.earlier.median, card.aggregate.median)
            for card in compared
            if card.earlier is not None
            and card.earlier.median is not None
            and card.aggregate.median is not None
            and card.earlier.median != card.aggregate.median
        ),
        key=lambda item: (-abs(item[2] - item[1]), item[0]),
    )
    summary.comparison = Comparison(
        previous_public_id=previous.public_id,
        previous_date=previous.created_at,
        compared=sum(1 for card in compared if card.earlier is not None),
        held_back=tuple(held_back),
        moved=tuple(moved[:MOST_MOVED]),
    )
    return summary
