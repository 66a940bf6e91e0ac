"""The studio's tests: the app as installed (the bundled decks) and an author of Gemeente Oost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers.apps import fresh_app
from tests.helpers.users import log_in, make_user


@pytest.fixture
def app() -> Iterator[Flask]:
    with fresh_app(bundled=True) as app:
        yield app


@pytest.fixture
def author(app: Flask) -> FlaskClient:
    make_user("auteur@oost.example", role="author")
    return log_in(app, "auteur@oost.example")
