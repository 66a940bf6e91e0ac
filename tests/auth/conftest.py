"""Account fixtures: two organisations, each with an admin; helpers are in tests/helpers/users.py."""

from __future__ import annotations

import pytest
from flask import Flask

from koerskaart.models import User
from tests.helpers.users import make_user


@pytest.fixture
def admin(app: Flask) -> User:
    return make_user("admin@oost.example", role="admin")


@pytest.fixture
def facilitator(app: Flask, admin: User) -> User:
    return make_user("fac@oost.example", role="facilitator")


@pytest.fixture
def other_admin(app: Flask) -> User:
    return make_user("admin@west.example", organisation="Provincie West", role="admin")
