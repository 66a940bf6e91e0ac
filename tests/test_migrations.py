"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from koerskaart import create_app
from koerskaart.config import TestingConfig, database_url
from tests.helpers.infra import postgres_server


def _upgrade_then_check(url: str) -> None:
    class Migrating(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Migrating)
    runner = app.test_cli_runner()
    upgraded = runner.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    checked = runner.invoke(args=["db", "check"])
    assert checked.exit_code == 0, checked.output
    with app.app_context():
        from koerskaart.extensions import db

        db.engine.dispose()


def test_migrations_match_the_models_on_sqlite(tmp_path: Path) -> None:
    _upgrade_then_check(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")


@pytest.mark.postgres
def test_migrations_match_the_models_on_postgres() -> None:
    with postgres_server() as url:
        _upgrade_then_check(database_url(url))
