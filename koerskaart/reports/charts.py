"""Server-side SVG charts, so the web page and the PDF show exactly the same picture."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from markupsafe import Markup

# Drawn large: on a phone the whole chart is scaled down to the screen's width.
WIDTH = 620
LABEL_WIDTH = 175
VALUE_WIDTH = 250  # room for a band name such as "niemand of een enkeling"
ROW = 36
BAR = 22
INK = "#1b1b1b"
FILL = "#154273"  # the interface's accent blue
BAND = "#7a97b8"  # bands (sensitive cards) are lighter: approximate, not measured
TRACK = "#e3e8ef"
EARLIER = "#6b6b6b"  # the previous table: a thin grey bar under each bar (4.9:1 on white)
EARLIER_BAR = 7
# Indicative lengths for bands: a bar must not look more exact than the number behind it.
BAND_SHARE = {"few": 0.15, "some": 0.5, "almost_all": 0.85}


def _short(text: str, limit: int = 18) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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
    """Horizontal bars, one per answer option, with the number (or band) beside each bar.

    ``earlier`` (counts, n) of the team's previous table adds a thin grey bar under each bar.
    """
    row_height = ROW + (EARLIER_BAR + 3 if earlier else 0)
    height = row_height * len(counts) + 8
    track = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(title, {chr(34): "&quot;"})}" '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="16">',
        f"<title>{escape(title)}</title>",
    ]
    for row, (label, count) in enumerate(zip(labels, counts, strict=False)):
        y = row * row_height + 4
        share, value, colour = _bar(count, n, band_names)
        if earlier is not None and row < len(earlier[0]):
            then_share, _value, _colour = _bar(earlier[0][row], earlier[1], band_names)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + BAR + 3}" width="{round(track * then_share, 1)}" '
                f'height="{EARLIER_BAR}" rx="2" fill="{EARLIER}"/>'
            )
        parts.append(
            f'<text x="0" y="{y + BAR - 4}" fill="{INK}">{escape(_short(label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{track}" height="{BAR}" rx="3" fill="{TRACK}"/>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{round(track * share, 1)}" height="{BAR}" rx="3" '
            f'fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + track + 8}" y="{y + BAR - 4}" fill="{INK}" font-weight="bold">'
            f"{escape(value)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
