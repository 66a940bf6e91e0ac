"""A fresh app on in-memory SQLite with the test deck installed, in its app context."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from koerskaart import create_app
from koerskaart.config import TestingConfig
from koerskaart.content import load_deck_file
from koerskaart.extensions import db
from koerskaart.live import decks
from tests.helpers.proefdeck import TEST_DECK


@contextmanager
def fresh_app(config: type[TestingConfig] = TestingConfig, bundled: bool = False) -> Iterator[Flask]:
    """A new app and an empty database, so nothing carries over between tests: the ``app``
    fixture, and per example in Hypothesis tests (which cannot use a function fixture per example).

    With the test deck only, or with ``bundled`` the decks as shipped (routes, conference wording).
    """
    app = create_app(config)
    if not bundled:
        deck, problems = load_deck_file(TEST_DECK)
        assert deck is not None, problems
        decks.install(app.extensions, {deck.slug: deck})
    with app.app_context():
        db.create_all()
        try:
            yield app
        finally:
            db.session.remove()
            db.drop_all()
