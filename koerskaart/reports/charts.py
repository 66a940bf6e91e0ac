"""Server-side SVG charts, so the web page and the PDF show exactly the same picture."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from markupsafe import Markup

# Narrow and stacked (label and number on a line, the bar under it), so that on a 360 px
# phone the chart shrinks little and its text stays readable; wider screens cap it in CSS.
WIDTH = 360
FONT = 15
LINE = 42  # characters of DejaVu Sans at FONT that fit across WIDTH, label and value together
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


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 1)].rstrip() + "…"


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
    row_height = TEXT + 4 + BAR + (EARLIER_BAR + 3 if earlier else 0) + GAP
    height = row_height * len(counts)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(title, {chr(34): "&quot;"})}" '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="{FONT}">',
        f"<title>{escape(title)}</title>",
    ]
    for row, (label, count) in enumerate(zip(labels, counts, strict=False)):
        y = row * row_height
        bar_y = y + TEXT + 4
        share, value, colour = _bar(count, n, band_names)
        parts.append(
            f'<text x="0" y="{y + TEXT}" fill="{INK}">{escape(_short(label, LINE - len(value) - 2))}</text>'
            f'<text x="{WIDTH}" y="{y + TEXT}" fill="{INK}" font-weight="bold" text-anchor="end">'
            f"{escape(value)}</text>"
            f'<rect x="0" y="{bar_y}" width="{WIDTH}" height="{BAR}" rx="3" fill="{TRACK}"/>'
            f'<rect x="0" y="{bar_y}" width="{round(WIDTH * share, 1)}" height="{BAR}" rx="3" '
            f'fill="{colour}"/>'
        )
        if earlier is not None and row < len(earlier[0]):
            then_share, _value, _colour = _bar(earlier[0][row], earlier[1], band_names)
            parts.append(
                f'<rect x="0" y="{bar_y + BAR + 3}" width="{round(WIDTH * then_share, 1)}" '
                f'height="{EARLIER_BAR}" rx="2" fill="{EARLIER}"/>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
