"""A summary as CSV for Dutch Excel and as Markdown for minutes. Same numbers as the page."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from ..markdown import plain_text
from ..sheets import decimal as _number
from ..sheets import text_cell as _text
from .aggregate import CardAggregate, Measure
from .summary import CardSummary, TeamSummary

Translate = Callable[[str], str]
Plural = Callable[[str, str, int], str]  # flask_babel.ngettext: fills in %(num)s itself


def _value(count: int | str, bands: dict[str, str]) -> str:
    return str(count) if isinstance(count, int) else bands.get(count, count)


def to_csv(summary: TeamSummary, _: Translate, bands: dict[str, str]) -> bytes:
    """One row per answer option: `;`-separated, UTF-8 with BOM (what Dutch Excel expects)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        _text(name)
        for name in [
            _("Card"),
            _("Phase"),
            _("Question"),
            _("Answer"),
            _("Count"),
            _("Answers"),
            _("Median"),
            _("Spread"),
            _("Managers"),
            _("Employees"),
            _("Last time"),
            _("Answers last time"),
        ]
    )
    for card in summary.cards:
        aggregate = card.aggregate
        if not card.shown:
            continue
        if aggregate.counts:
            managers, employees = card.group_counts("manager"), card.group_counts("employee")
            earlier = card.earlier
            for row, (label, count) in enumerate(zip(card.labels, aggregate.counts, strict=False)):
                writer.writerow(
                    [
                        card.number,
                        _text(card.phase or ""),
                        _text(plain_text(card.prompt)),
                        _text(plain_text(label)),
                        _text(_value(count, bands)),
                        aggregate.n,
                        _number(aggregate.median),
                        _number(aggregate.spread, 2),
                        _text(_value(managers[row], bands)) if managers else "",
                        _text(_value(employees[row], bands)) if employees else "",
                        _text(_value(earlier.counts[row], bands)) if earlier else "",
                        earlier.n if earlier else "",
                    ]
                )
        else:
            for text in aggregate.texts:
                writer.writerow(
                    [
                        card.number,
                        _text(card.phase or ""),
                        _text(plain_text(card.prompt)),
                        _text(text),
                        "",
                        aggregate.n,
                    ]
                    + [""] * 6
                )
    for action in summary.actions:
        cells = [_text(_("Action")), "", _text(action.what), _text(action.who), _text(action.due)]
        writer.writerow(cells + [""] * 7)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# Markdown punctuation that could start emphasis, code, a link or image, a table cell or a
# strikethrough; a backslash makes each one literal (CommonMark, GFM and the original Markdown).
_MD_PUNCTUATION = re.compile(r"[\\`*_\[\]|~]")
# What turns the start of a list item into structure: a heading, a nested list, a numbered list.
_MD_BLOCK_START = re.compile(r"[#+=-]|\d+(?=[.)])")


def _md(text: str) -> str:
    """Text from players, the facilitator or a deck as literal Markdown text.

    No renderer downstream may see a tag, an event handler, a link or an image in it: `<`, `>` and
    `&` become entities (every Markdown dialect passes those through as text, unlike backslash
    escapes of `<`), Markdown punctuation gets a backslash, and so does a leading block marker.
    """
    text = text.replace("\r", " ").replace("\n", " ")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_PUNCTUATION.sub(lambda found: "\\" + found.group(0), text)
    start = _MD_BLOCK_START.match(text)
    if start is not None:
        at = start.end() if start.group(0).isdigit() else 0  # "1." becomes "1\.", "#" becomes "\#"
        text = text[:at] + "\\" + text[at:]
    return text


def _facts(aggregate: CardAggregate, _: Translate, ngettext: Plural) -> str:
    facts = [ngettext("%(num)s answer", "%(num)s answers", aggregate.n)]
    if aggregate.median is not None:
        facts.append(_("median %(median)s") % {"median": _number(aggregate.median)})
    if aggregate.spread is not None:
        facts.append(_("spread %(spread)s") % {"spread": _number(aggregate.spread, 2)})
    return ", ".join(facts) + "."


def _card_md(card: CardSummary, _: Translate, ngettext: Plural, bands: dict[str, str]) -> list[str]:
    aggregate = card.aggregate
    lines = [f"### {card.number}. {_md(plain_text(card.prompt))}", ""]
    if aggregate.counts:
        earlier = card.earlier
        if earlier is None:
            lines += [f"| {_('Answer')} | {_('Count')} |", "|---|---:|"]
            lines += [
                f"| {_md(plain_text(label))} | {_value(count, bands)} |"
                for label, count in zip(card.labels, aggregate.counts, strict=False)
            ]
        else:
            lines += [f"| {_('Answer')} | {_('Count')} | {_('Last time')} |", "|---|---:|---:|"]
            lines += [
                f"| {_md(plain_text(label))} | {_value(count, bands)} | {_value(then, bands)} |"
                for label, count, then in zip(card.labels, aggregate.counts, earlier.counts, strict=False)
            ]
        lines.append("")
        lines += [_facts(aggregate, _, ngettext), ""]
        if earlier is not None:
            lines += [f"{_('Last time:')} {_facts(earlier, _, ngettext)}", ""]
        if card.groups:
            managers, employees = card.group_counts("manager"), card.group_counts("employee")
            lines += [
                f"| {_('Answer')} | {_('Managers')} ({card.group_n('manager')}) "
                f"| {_('Employees')} ({card.group_n('employee')}) |",
                "|---|---:|---:|",
            ]
            lines += [
                f"| {_md(plain_text(label))} | {_value(m, bands)} | {_value(e, bands)} |"
                for label, m, e in zip(card.labels, managers, employees, strict=False)
            ]
            lines.append("")
    elif aggregate.texts:
        lines += [f"- {_md(text)}" for text in aggregate.texts] + [""]
    else:
        lines += [_("%(n)s answers; the texts were not kept.") % {"n": aggregate.n}, ""]
    return lines


def _comparison_md(summary: TeamSummary, _: Translate) -> list[str]:
    comparison = summary.comparison
    assert comparison is not None
    lines = [f"## {_('Compared with last time')}", ""]
    lines.append(
        _("Previous table of this team on this deck: %(date)s; %(compared)s cards side by side.")
        % {"date": comparison.previous_date.strftime("%d-%m-%Y"), "compared": comparison.compared}
    )
    if comparison.held_back:
        lines.append(
            _("Not compared, because the number of answers differed by fewer than %(k)s: cards %(cards)s.")
            % {"k": summary.k, "cards": ", ".join(str(n) for n in comparison.held_back)}
        )
    lines.append("")
    for number, then, now in comparison.moved:
        change = _("median %(then)s then, %(now)s now") % {"then": _number(then), "now": _number(now)}
        lines.append(f"{_card_item(number, summary.cards[number - 1].prompt)} ({change})")
    if comparison.moved:
        lines.append("")
    return lines


def _card_item(number: int, prompt: str) -> str:
    """A list item naming a card: "- 3\\. Prompt" (a bare "3." would start a numbered list inside it)."""
    return f"- {number}\\. {_md(plain_text(prompt))}"


def _ranked_item(summary: TeamSummary, number: int, _: Translate) -> str:
    card = summary.cards[number - 1]
    spread = _("spread %(spread)s") % {"spread": _number(card.aggregate.spread, 2)}
    return f"{_card_item(number, card.prompt)} ({spread})"


def _highlights_md(summary: TeamSummary, _: Translate, ngettext: Plural) -> list[str]:
    """As on the page: each measure of spread ranked on its own, saying what its number means."""
    lines = [f"## {_('Where to continue the conversation')}", ""]
    if not summary.highlights:
        lines += [
            _(
                "No card has exact numbers to compare yet. Cards with fewer than %(k)s answers, open cards "
                "and sensitive cards (shown in bands) are not ranked."
            )
            % {"k": summary.k},
            "",
        ]
    for highlights in summary.highlights:
        if highlights.measure is Measure.POINTS:
            title = _("Cards on a scale of 1 to 5")
            hint = ngettext(
                "%(num)s card with exact numbers. Spread is the average difference between two people at "
                "the table, in points: 0 means everyone gave the same answer, 4 that the table split "
                "between the two ends.",
                "%(num)s cards with exact numbers, ranked by spread. Spread is the average difference "
                "between two people at the table, in points: 0 means everyone gave the same answer, 4 that "
                "the table split between the two ends.",
                highlights.ranked,
            )
        else:
            title = _("Choice cards")
            hint = ngettext(
                "%(num)s card with exact numbers. Spread is the chance that two people at the table chose "
                "differently: 0 means everyone chose the same, 1 that no two people chose the same.",
                "%(num)s cards with exact numbers, ranked by spread. Spread is the chance that two people "
                "at the table chose differently: 0 means everyone chose the same, 1 that no two people "
                "chose the same.",
                highlights.ranked,
            )
        lines += [f"### {title}", "", hint, "", f"#### {_('Where the team differed most')}", ""]
        if highlights.differed:
            lines += [_ranked_item(summary, number, _) for number in highlights.differed]
        else:
            lines.append(_("Nowhere: on each of these cards everyone gave the same answer."))
        lines += ["", f"#### {_('Where the team agreed most')}", ""]
        if highlights.agreed:
            lines += [_ranked_item(summary, number, _) for number in highlights.agreed]
        else:
            lines.append(
                _(
                    "No card is left for this list: every card of this kind is already under "
                    "“Where the team differed most”."
                )
            )
        lines.append("")
    return lines


def _summary_facts(summary: TeamSummary, _: Translate, ngettext: Plural) -> list[str]:
    """The line under the title, as on the page: team, date, players, cards; then the duration."""
    facts = [_md(summary.team_label)] if summary.team_label else []
    facts.append(summary.created_at.strftime("%d-%m-%Y"))
    facts.append(ngettext("%(num)s player", "%(num)s players", summary.players))
    played = ngettext("%(num)s card played", "%(num)s cards played", summary.played)
    revealed = ngettext("%(num)s with a result", "%(num)s with a result", summary.revealed)
    facts.append(f"{played} ({revealed})")
    if summary.skipped:
        facts.append(ngettext("%(num)s card skipped", "%(num)s cards skipped", summary.skipped))
    lines = [" · ".join(facts) + "."]
    if summary.minutes is not None:
        duration = ngettext("%(num)s minute", "%(num)s minutes", summary.minutes)
        lines.append(_("Duration: %(duration)s.") % {"duration": duration})
    return [*lines, ""]


def to_markdown(summary: TeamSummary, _: Translate, ngettext: Plural, bands: dict[str, str]) -> str:
    """Paste-ready minutes: participation, the cards that mattered, every result, the actions."""
    lines = [f"# {_('Team summary')}: {_md(summary.deck_title)}", ""]
    lines += _summary_facts(summary, _, ngettext)
    lines += _highlights_md(summary, _, ngettext)
    if summary.comparison is not None:
        lines += _comparison_md(summary, _)
    lines += [f"## {_('Results per card')}", ""]
    for card in summary.cards:
        if card.shown:
            lines += _card_md(card, _, ngettext, bands)
    if summary.actions:
        lines += [f"## {_('Actions')}", "", f"| {_('Who')} | {_('What')} | {_('By when')} |", "|---|---|---|"]
        lines += [f"| {_md(a.who)} | {_md(a.what)} | {_md(a.due)} |" for a in summary.actions]
        lines.append("")
    lines.append(
        _("Only results with at least %(k)s answers are included; no names are recorded.") % {"k": summary.k}
    )
    return "\n".join(lines) + "\n"
