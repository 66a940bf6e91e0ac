"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against a real server process."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.pages import TIMEOUT
from tests.helpers.infra import require
from tests.helpers.real_server import RealServer

CHROMIUM = "/usr/bin/chromium"
# Flags that keep Chromium quiet on a closed network (no update, sync or background calls).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DEFAULT_ARTIFACTS = Path(__file__).resolve().parents[2] / "instance" / "artifacts"
ARTIFACTS = Path(os.environ.get("KOERSKAART_ARTIFACTS", DEFAULT_ARTIFACTS))


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require(shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    server = RealServer(tmp_path_factory.mktemp("browser-server"), mode="gevent", test_deck=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """Opens a page in a context of its own (a device with its own cookies); closes them all after."""
    contexts: list[Any] = []

    def open_page(**options: Any) -> Any:
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        return page

    yield open_page
    for context in contexts:
        context.close()
