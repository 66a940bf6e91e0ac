"""Server processes that start together on one PostgreSQL database migrate it once, not in a race."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.helpers.infra import postgres_server
from tests.helpers.real_server import RealServer

pytestmark = [pytest.mark.postgres, pytest.mark.server]


def test_processes_starting_together_on_a_new_database_migrate_it_once(tmp_path: Path) -> None:
    with postgres_server() as database:
        env = {"DATABASE_URL": database, "SECRET_KEY": "shared-by-all-processes"}
        servers = [RealServer(tmp_path / name, env=env) for name in ("one", "two", "three")]
        failures: list[BaseException] = []

        def start(server: RealServer) -> None:
            server.instance.mkdir()
            try:
                server.start()
            except BaseException as failure:  # reported below, with the others
                failures.append(failure)

        starting = [threading.Thread(target=start, args=(server,)) for server in servers]
        try:
            for thread in starting:
                thread.start()
            for thread in starting:
                thread.join()
            assert not failures, failures
            # Each waited for the advisory lock; the first one in ran the migrations, the
            # others found the schema at the head.
            logs = [server.output() for server in servers]
            assert sum("Running upgrade" in log for log in logs) == 1, logs
            for server in servers:
                assert server.process is not None and server.process.poll() is None
        finally:
            for server in servers:
                server.stop()
