"""Units in tests: SQLite refuses to drop a table whose rows still point at each other
(org_units.parent_id is ON DELETE RESTRICT), so a test that made a tree detaches it first."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import update

from koerskaart.extensions import db
from koerskaart.models import OrgUnit


@pytest.fixture(autouse=True)
def detached_units(app: Flask) -> Iterator[None]:
    yield
    db.session.rollback()
    db.session.execute(update(OrgUnit).values(parent_id=None))
    db.session.commit()
