"""Shared fixtures: an app on in-memory SQLite with a small test deck.

Players that join it, and the other helpers, are in tests/helpers/.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.helpers.apps import fresh_app


@pytest.fixture
def app() -> Iterator[Flask]:
    with fresh_app() as app:
        yield app
