"""The garbage-collector settings both entry points (`serve` and wsgi.py) apply."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from koerskaart import heap


@pytest.fixture
def restored_gc() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_settle_freezes_what_is_loaded_and_raises_the_youngest_threshold(restored_gc: None) -> None:
    heap.settle()
    assert gc.get_threshold() == heap.THRESHOLDS
    assert gc.get_freeze_count() > 0
    assert heap.THRESHOLDS[0] * heap.THRESHOLDS[1] <= 100_000  # generation-1 passes stay short
