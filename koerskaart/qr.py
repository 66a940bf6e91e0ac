"""QR codes for join links and other links, as inline SVG (segno)."""

from __future__ import annotations

from functools import lru_cache

import segno


@lru_cache(maxsize=2048)  # one per table with a join code; about 2.5 KB each
def join_qr_svg(url: str) -> str:
    """An inline SVG QR code for ``url``: dark on light, scalable, with a quiet zone."""
    return qr_svg(url)


def qr_svg(url: str) -> str:
    """The same, never cached: for a link that holds a secret shown once (a request's ready link)."""
    qr = segno.make(url, error="m")
    return str(qr.svg_inline(scale=4, border=2, dark="#0b2545", light="#ffffff", omitsize=True))
