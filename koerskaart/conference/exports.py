"""The conference summary as CSV for Dutch Excel: the same figures as the page, nothing more."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from ..markdown import plain_text
from ..sheets import decimal, text_cell
from .summary import CardResult, ConferenceSummary, Withheld

Translate = Callable[[str], str]


def _value(count: int | str, bands: dict[str, str]) -> str:
    return str(count) if isinstance(count, int) else bands.get(count, count)


def withheld_text(card: CardResult, k: int, _: Translate) -> str:
    if card.withheld is Withheld.TABLES:
        return _("Fewer than 3 tables")
    if card.withheld is Withheld.WAITING:
        return _("Not shown to the room yet")
    return _("Too few answers across the tables (fewer than %(k)s)") % {"k": k}


def card_header(_: Translate) -> list[str]:
    return [
        _("Card"),
        _("Question"),
        _("Answer"),
        _("Count"),
        _("Answers"),
        _("Tables included"),
        _("Difference between tables"),
        _("Managers"),
        _("Employees"),
    ]


def _card_rows(
    card: CardResult, summary: ConferenceSummary, _: Translate, bands: dict[str, str]
) -> list[list[object]]:
    shown = card.shown
    if shown is None:
        return [
            [card.number, text_cell(plain_text(card.prompt)), text_cell(withheld_text(card, summary.k, _))]
            + [""] * 6
        ]
    spread = decimal(card.spread, 2)
    if shown.counts:
        managers, employees = card.group_counts("manager"), card.group_counts("employee")
        return [
            [
                card.number,
                text_cell(plain_text(card.prompt)),
                text_cell(plain_text(label)),
                text_cell(_value(count, bands)),
                shown.n,
                shown.tables,
                spread,
                text_cell(_value(managers[row], bands)) if managers else "",
                text_cell(_value(employees[row], bands)) if employees else "",
            ]
            for row, (label, count) in enumerate(zip(card.labels, shown.counts, strict=False))
        ]
    texts = card.texts or ("",)
    return [
        [
            card.number,
            text_cell(plain_text(card.prompt)),
            text_cell(text),
            "",
            shown.n,
            shown.tables,
            "",
            "",
            "",
        ]
        for text in texts
    ]


def to_csv(summary: ConferenceSummary, _: Translate, bands: dict[str, str]) -> bytes:
    """Three blocks, each with its own header: cards, tables' participation, actions.

    `;`-separated, UTF-8 with BOM (what Dutch Excel expects); every text cell through
    ``text_cell`` so nothing typed by players or authors runs as a formula.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(text_cell(name) for name in card_header(_))
    for card in summary.cards:
        writer.writerows(_card_rows(card, summary, _, bands))
    writer.writerow([])
    writer.writerow(
        text_cell(name) for name in [_("Table"), _("Players"), _("Cards reached"), _("Finished the deck")]
    )
    for table in summary.tables:
        writer.writerow(
            [
                text_cell(table.label),
                table.players,
                table.reached,
                _("still playing")
                if table.playing
                else _("finished")
                if table.done
                else _("stopped before the end"),
            ]
        )
    writer.writerow([])
    writer.writerow(text_cell(name) for name in [_("Action"), _("Who"), _("By when")])
    for action in summary.actions:
        writer.writerow([text_cell(action.what), text_cell(action.who), text_cell(action.due)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
