"""Two real `serve` processes on one PostgreSQL and one Redis, for the tests that need them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.infra import two_processes as started_pair
from tests.helpers.real_server import RealServer


@pytest.fixture
def two_processes(tmp_path: Path) -> Iterator[tuple[RealServer, RealServer]]:
    with started_pair(tmp_path, None) as pair:
        yield pair
