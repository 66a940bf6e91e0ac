"""Server-side SVG charts, so the web page and the PDF show exactly the same picture."""

from __future__ import annotations

import base64
import textwrap
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

# Stacked (label and number on a line, the bar under it) and drawn at the width the chart has
# on a 360 px phone (360 minus the page's and the card's padding), so there it is shown at
# 1:1 and its type at FONT px; wider screens and the PDF cap it in CSS rather than enlarge it.
WIDTH = 296
FONT = 15
LINE = 36  # characters of DejaVu Sans at FONT (about 8 px each) that fit across WIDTH
LABEL_LINES = 3  # a longer option ends in "…" here; the table beside the chart has it in full
LEADING = 19  # from one label line's baseline to the next
TEXT = 18  # from a row's top to the baseline of its label
BAR = 14
GAP = 12
INK = "#1b1b1b"
FILL = "#154273"  # the interface's accent blue
BAND = "#7a97b8"  # bands (sensitive cards) are lighter: approximate, not measured
TRACK = "#e3e8ef"
EARLIER = "#6b6b6b"  # the previous table: a thin grey bar under each bar (4.9:1 on white)
EARLIER_BAR = 6
# Indicative lengths for bands: a bar must not look more exact than the number behind it.
BAND_SHARE = {"few": 0.15, "some": 0.5, "almost_all": 0.85}


def _lines(label: str, value: str) -> list[str]:
    """The label in lines that leave room for the value beside the first; at most LABEL_LINES."""
    width = max(LINE - len(value) - 2, 12)
    lines = textwrap.wrap(label, width) or [""]
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def _bar(count: int | str, n: int, band_names: dict[str, str]) -> tuple[float, str, str]:
    """(share of the track, the text beside the bar, its colour)."""
    if isinstance(count, int):
        return (count / n if n else 0.0), str(count), FILL
    return BAND_SHARE.get(count, 0.5), band_names.get(count, count), BAND


def bar_chart(
    labels: Sequence[str],
    counts: Sequence[int | str],
    n: int,
    title: str,
    band_names: dict[str, str],
    earlier: tuple[Sequence[int | str], int] | None = None,
) -> Markup:
    """Horizontal bars, one per answer option, each under its label with the number (or band) beside it.

    ``earlier`` (counts, n) of the team's previous table adds a thin grey bar under each bar.
    """
    rows: list[str] = []
    y = 0
    for row, (label, count) in enumerate(zip(labels, counts, strict=False)):
        share, value, colour = _bar(count, n, band_names)
        lines = _lines(label, value)
        bar_y = y + TEXT + LEADING * (len(lines) - 1) + 4
        spans = "".join(
            f'<tspan x="0" dy="{LEADING if i else 0}">{escape(line)}</tspan>' for i, line in enumerate(lines)
        )
        rows.append(
            f'<text x="0" y="{y + TEXT}" fill="{INK}">{spans}</text>'
            f'<text x="{WIDTH}" y="{y + TEXT}" fill="{INK}" font-weight="bold" text-anchor="end">'
            f"{escape(value)}</text>"
            f'<rect x="0" y="{bar_y}" width="{WIDTH}" height="{BAR}" rx="3" fill="{TRACK}"/>'
            f'<rect x="0" y="{bar_y}" width="{round(WIDTH * share, 1)}" height="{BAR}" rx="3" '
            f'fill="{colour}"/>'
        )
        y = bar_y + BAR + GAP
        if earlier is not None and row < len(earlier[0]):
            then_share, _value, _colour = _bar(earlier[0][row], earlier[1], band_names)
            rows.append(
                f'<rect x="0" y="{bar_y + BAR + 3}" width="{round(WIDTH * then_share, 1)}" '
                f'height="{EARLIER_BAR}" rx="2" fill="{EARLIER}"/>'
            )
            y += EARLIER_BAR + 3
    height = max(y - GAP, 0) + 2  # no gap under the last bar; 2 px so its rounded ends are not cut
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label={quoteattr(title)} '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="{FONT}">'
        f"<title>{escape(title)}</title>"
    )
    return Markup(head + "".join(rows) + "</svg>")


def as_image(svg: Markup, alt: str) -> Markup:
    """The chart as an <img> with alt text: how a tagged PDF (PDF/UA) makes it a Figure."""
    source = "data:image/svg+xml;base64," + base64.b64encode(str(svg).encode("utf-8")).decode("ascii")
    return Markup(f'<img class="chart-img" src="{source}" alt={quoteattr(alt)}>')


SMALL_WIDTH = 120
SMALL_BAR = 12


def share_bar(share: float, mark: float | None = None) -> Markup:
    """A small bar beside a figure (a share of tables, minutes against a scale), 0..1 of its track.

    The number beside it carries the meaning, so the bar is hidden from assistive technology
    rather than said twice. ``mark`` draws a tick across the track (the planned minutes).
    """
    filled = round(SMALL_WIDTH * min(max(share, 0.0), 1.0), 1)
    tick = ""
    if mark is not None:
        x = round(SMALL_WIDTH * min(max(mark, 0.0), 1.0), 1)
        tick = f'<rect x="{max(x - 1, 0)}" y="0" width="2" height="{SMALL_BAR + 4}" fill="{INK}"/>'
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-small" viewBox="0 0 {SMALL_WIDTH} '
        f'{SMALL_BAR + 4}" width="{SMALL_WIDTH}" height="{SMALL_BAR + 4}" aria-hidden="true" '
        f'focusable="false">'
        f'<rect x="0" y="2" width="{SMALL_WIDTH}" height="{SMALL_BAR}" rx="3" fill="{TRACK}"/>'
        f'<rect x="0" y="2" width="{filled}" height="{SMALL_BAR}" rx="3" fill="{FILL}"/>{tick}</svg>'
    )


def value_chart(
    labels: Sequence[str], values: Sequence[float | None], texts: Sequence[str], title: str
) -> Markup:
    """Horizontal bars scaled to the largest value, each under its label with ``texts`` beside it.

    A value of None draws no bar (a figure that is hidden or not there); its text says why.
    """
    top = max([v for v in values if v is not None and v > 0], default=1.0)
    rows: list[str] = []
    y = 0
    for label, value, text in zip(labels, values, texts, strict=False):
        lines = _lines(label, text)
        bar_y = y + TEXT + LEADING * (len(lines) - 1) + 4
        spans = "".join(
            f'<tspan x="0" dy="{LEADING if i else 0}">{escape(line)}</tspan>' for i, line in enumerate(lines)
        )
        share = max(value or 0.0, 0.0) / top
        rows.append(
            f'<text x="0" y="{y + TEXT}" fill="{INK}">{spans}</text>'
            f'<text x="{WIDTH}" y="{y + TEXT}" fill="{INK}" font-weight="bold" text-anchor="end">'
            f"{escape(text)}</text>"
            f'<rect x="0" y="{bar_y}" width="{WIDTH}" height="{BAR}" rx="3" fill="{TRACK}"/>'
            f'<rect x="0" y="{bar_y}" width="{round(WIDTH * share, 1)}" height="{BAR}" rx="3" fill="{FILL}"/>'
        )
        y = bar_y + BAR + GAP
    return _svg(rows, max(y - GAP, 0) + 2, title)


PERIOD_HEIGHT = 160  # the columns' area; the axis labels sit under it
PERIOD_GAP = 2


def period_chart(
    labels: Sequence[str], values: Sequence[float | None], texts: Sequence[str], title: str
) -> Markup:
    """A time series as columns, one per period, the first and last period named under the axis.

    Each column carries its period and figure as an SVG title (shown on hover); the table beside
    the chart has every figure. None draws no column (a hidden figure).
    """
    count = max(len(values), 1)
    top = max([v for v in values if v is not None and v > 0], default=1.0)
    step = WIDTH / count
    width = max(step - PERIOD_GAP, 1.0)
    rows = [f'<text x="0" y="{TEXT}" fill="{INK}" font-weight="bold">{escape(_number(top))}</text>']
    base = TEXT + 6 + PERIOD_HEIGHT
    for i, (label, value, text) in enumerate(zip(labels, values, texts, strict=False)):
        height = round(PERIOD_HEIGHT * max(value or 0.0, 0.0) / top, 1)
        rows.append(
            f'<rect x="{round(i * step, 1)}" y="{round(base - height, 1)}" width="{round(width, 1)}" '
            f'height="{height}" fill="{FILL}"><title>{escape(label)}: {escape(text)}</title></rect>'
        )
    rows.append(f'<rect x="0" y="{base}" width="{WIDTH}" height="1" fill="{INK}"/>')
    axis = base + TEXT + 2
    if labels:
        rows.append(f'<text x="0" y="{axis}" fill="{INK}">{escape(labels[0])}</text>')
    if len(labels) > 1:
        last = escape(labels[-1])
        rows.append(f'<text x="{WIDTH}" y="{axis}" fill="{INK}" text-anchor="end">{last}</text>')
    return _svg(rows, base + TEXT + 8, title)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _svg(rows: list[str], height: float, title: str) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label={quoteattr(title)} '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="{FONT}">'
        f"<title>{escape(title)}</title>"
    )
    return Markup(head + "".join(rows) + "</svg>")
