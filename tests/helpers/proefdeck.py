"""The test deck, tests/data/proefdeck.yaml: where it lives and which card is which."""

from __future__ import annotations

from pathlib import Path

DECK_DIR = Path(__file__).resolve().parents[1] / "data"
TEST_DECK = DECK_DIR / "proefdeck.yaml"

# Card indexes of the test deck, by what they are.
STATEMENT, CHOICE, OPEN, SENSITIVE, ACTION = 0, 1, 2, 3, 4
