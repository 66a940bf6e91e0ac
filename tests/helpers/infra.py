"""Real components for the slow tests: PostgreSQL and Redis servers, started in a temporary
folder and stopped after, and ``require()`` for anything a test cannot run without."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.helpers.real_server import RealServer

IN_CI = os.environ.get("CI") == "true"


def require(condition: bool, reason: str) -> None:
    """Skip locally when a real component is missing; in CI the same gap is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must provide this: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres_user() -> list[str]:
    """PostgreSQL refuses to run as root; CI runs as root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"]
    return []


def _wait_for_port(port: int, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


@contextmanager
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster; yields its DATABASE_URL."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    require(bool(found), "PostgreSQL server binaries (Debian package postgresql)")
    bindir = Path(found[-1]).parent
    base = Path(tempfile.mkdtemp(prefix="kk-pg-"))
    data = base / "data"
    prefix = _as_postgres_user()
    if prefix:
        shutil.chown(base, "postgres", "postgres")
    port = free_port()
    run = lambda *args: subprocess.run([*prefix, *args], check=True, capture_output=True)  # noqa: E731
    try:
        run(str(bindir / "initdb"), "-D", str(data), "-U", "kk", "--auth=trust", "-E", "UTF8")
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start")
        yield f"postgresql://kk@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def redis_server() -> Iterator[str]:
    """A throwaway Redis server without persistence; yields its REDIS_URL."""
    binary = shutil.which("redis-server")
    require(binary is not None, "redis-server (Debian package redis-server)")
    assert binary is not None
    port = free_port()
    base = tempfile.mkdtemp(prefix="kk-redis-")
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            base,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.kill()
        process.wait(timeout=10)
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def two_processes(base: Path, env: dict[str, str] | None = None) -> Iterator[tuple[RealServer, RealServer]]:
    """Two server processes on one real PostgreSQL and one real Redis, as a deployment runs them."""
    from tests.helpers.real_server import RealServer  # it imports this module (free_port)

    with postgres_server() as database, redis_server() as queue:
        shared = {"DATABASE_URL": database, "REDIS_URL": queue, "SECRET_KEY": "shared-by-both-processes"}
        shared.update(env or {})
        first = RealServer(base / "one", test_deck=True, env=shared)
        second = RealServer(base / "two", test_deck=True, env=shared)
        (base / "one").mkdir()
        (base / "two").mkdir()
        try:
            first.start()
            second.start()
            yield first, second
        finally:
            first.stop()
            second.stop()
