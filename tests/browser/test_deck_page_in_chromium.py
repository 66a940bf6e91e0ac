"""A deck's page in real Chromium: it reflows at 320 px (WCAG 1.4.10) with every route's cards open,
its text meets AA contrast (1.4.3), and its print link downloads the PDF."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from koerskaart.content import load_bundled
from tests.browser.pages import PHONE, SERVER_ENV, reflow_problems, settle
from tests.helpers.real_server import RealServer

pytestmark = pytest.mark.browser

FULL_DECK = Path(__file__).resolve().parents[1] / "data" / "drukdeck.yaml"
SLUGS = ["drukdeck", *sorted(load_bundled())]

# The contrast of each element's own text against the first opaque background behind it.
_CONTRAST = """() => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const el of document.querySelectorAll("main *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    const [a, b] = [lum(rgb(style.color).slice(0, 3)), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) low.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)}`);
  }
  return low;
}"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    extra = tmp_path_factory.mktemp("print-decks")
    shutil.copy(FULL_DECK, extra / FULL_DECK.name)
    server = RealServer(
        tmp_path_factory.mktemp("deck-page-server"), env={**SERVER_ENV, "KOERSKAART_DECK_DIRS": str(extra)}
    )
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_deck_pages_reflow_and_keep_their_contrast(
    open_page: Any, live_server: RealServer, language: str
) -> None:
    page = open_page(**PHONE)
    page.goto(f"{live_server.url}/lang/{language}?next=/")
    problems: list[str] = []
    for slug in SLUGS:
        page.goto(f"{live_server.url}/decks/{slug}")
        for details in page.locator("details").all():
            details.locator("summary").click()
        settle(page)
        problems += reflow_problems(page, f"{slug} ({language})")
        problems += [f"{slug} ({language}) {low}" for low in page.evaluate(_CONTRAST)]
    assert problems == []


def test_the_print_link_downloads_the_pdf(open_page: Any, live_server: RealServer) -> None:
    page = open_page(**PHONE, accept_downloads=True)
    page.goto(f"{live_server.url}/decks/drukdeck")
    with page.expect_download() as download:
        page.get_by_test_id("deck-print-nl").click()
    assert download.value.suggested_filename == "koerskaart-drukdeck-v3-nl.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
