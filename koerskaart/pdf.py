"""The summary as a tagged PDF (PDF/UA-1), rendered without quoting answers in the logs.

WeasyPrint logs each character no installed font has, one line per character and in order
(`.notdef glyph rendered for Unicode string unsupported by fonts: "日"`), so an open answer
in a script without a font could be read back from the log; fontTools and Pillow log glyph
names and the sizes of emoji images at DEBUG. PRODUCT.md rule 8: no answer values in logs.

So, at the source, whatever handlers or levels a deployment configures:

- every record from a render library is created without its text: only where it came from
  (file and line) survives, and no traceback;
- during a render, WeasyPrint's own records are dropped and, after it, summed up in one line
  per kind of problem: not even the number of missing characters reaches the log;
- fontTools and Pillow log from WARNING up, as WeasyPrint does: their DEBUG lines are noise.

The fonts that keep "missing glyph" away are installed from Debian (README, "PDF fonts").
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import PurePath
from typing import Any

RENDER_LOGGERS = ("weasyprint", "fontTools", "PIL")  # and their children (weasyprint.progress, …)
MISSING_GLYPH = ".notdef glyph"  # how WeasyPrint's missing-character warning begins
WITHHELD = "Log message withheld: it may quote answers (%s:%d)"

log = logging.getLogger(__name__)

# The problems of the render in progress, per greenlet or thread: (level, what). None outside one.
_seen: ContextVar[set[tuple[int, str]] | None] = ContextVar("pdf_render_problems", default=None)

RecordFactory = Callable[..., logging.LogRecord]


def _withholding(previous: RecordFactory) -> RecordFactory:
    """A record factory that strips the text of render libraries' records as they are made."""

    def factory(
        name: str, level: int, pathname: str, lineno: int, msg: object, args: Any, exc_info: Any, *rest: Any
    ) -> logging.LogRecord:
        if name.partition(".")[0] not in RENDER_LOGGERS:
            return previous(name, level, pathname, lineno, msg, args, exc_info, *rest)
        missing = isinstance(msg, str) and msg.startswith(MISSING_GLYPH)
        place = (PurePath(pathname).name, lineno)
        func = rest[0] if rest else None
        record = previous(name, level, pathname, lineno, WITHHELD, place, None, func, None)
        record.kk_problem = "missing glyph" if missing else f"{place[0]}:{place[1]}"
        return record

    factory.withholds_render_text = True  # type: ignore[attr-defined]
    return factory


class _OncePerRender(logging.Filter):
    """On the weasyprint logger: during a render, note each kind of problem instead of logging it."""

    def filter(self, record: logging.LogRecord) -> bool:
        seen = _seen.get()
        if seen is None:
            return True  # outside a render: the record passes, already without its text
        if record.levelno >= logging.WARNING:
            seen.add((record.levelno, getattr(record, "kk_problem", "?")))
        return False


def quiet_render_libraries() -> None:
    """Install the above (idempotent): at app start, and again before each render."""
    if not getattr(logging.getLogRecordFactory(), "withholds_render_text", False):
        logging.setLogRecordFactory(_withholding(logging.getLogRecordFactory()))
    weasyprint = logging.getLogger("weasyprint")
    if not any(isinstance(existing, _OncePerRender) for existing in weasyprint.filters):
        weasyprint.addFilter(_OncePerRender())
    for name in RENDER_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:  # a level set by the deployment stays
            logger.setLevel(logging.WARNING)


def _report(problems: set[tuple[int, str]]) -> None:
    for level, problem in sorted(problems):
        if problem == "missing glyph":
            log.log(
                level,
                "A summary PDF holds characters that no installed font has; they print as empty boxes. "
                "Install the fonts the README lists. The characters are not logged: they may be answers.",
            )
        else:
            log.log(level, "WeasyPrint reported a problem while rendering a summary PDF (%s).", problem)


@contextmanager
def _collecting() -> Iterator[None]:
    seen: set[tuple[int, str]] = set()
    token = _seen.set(seen)
    try:
        yield
    finally:
        _seen.reset(token)
        _report(seen)


def render_pdf(html: str) -> bytes:
    """A tagged PDF (PDF/UA-1: structure tree, language, title) of a summary's print HTML."""
    return render_pdf_pages(html)[0]


def render_pdf_pages(html: str) -> tuple[bytes, int]:
    """As ``render_pdf``, with its number of pages (`flask decks print` reports it)."""
    from weasyprint import DEFAULT_OPTIONS, HTML  # on use: it loads Pango, which the game never needs

    quiet_render_libraries()
    with _collecting():
        # What HTML.write_pdf does, keeping the document to count its pages.
        options = {**DEFAULT_OPTIONS, "pdf_variant": "pdf/ua-1"}
        document = HTML(string=html).render(**options)
        pdf: bytes = document.write_pdf(**options)
    return pdf, len(document.pages)
