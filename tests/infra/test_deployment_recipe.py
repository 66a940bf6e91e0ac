"""The deployment recipe of docs/deployment.md, run as written: HAProxy with deploy/haproxy.cfg in
front of two `python -m koerskaart serve` processes on real PostgreSQL and Redis servers.

The processes start with KOERSKAART_MIGRATE=0, so they leave the schema to the release step
(`flask --app koerskaart db upgrade`, once) and are not ready, and get no players, until it
has run. Players of one table connect through the load balancer, land on both processes and
see each other's answers revealed. When one process dies, HAProxy's checks of /readyz take it
out of rotation and its players reconnect to the other, which carries on with the table.
"""

from __future__ import annotations

import csv
import io
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from tests.helpers.infra import free_port, postgres_server, redis_server, require
from tests.helpers.real_server import ROOT, Phone, RealServer, seat_phones

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.server]

CONFIG = ROOT / "deploy" / "haproxy.cfg"


class Balancer:
    """HAProxy started with the committed config; its addresses come in through the variables."""

    def __init__(self, base: Path, backends: list[RealServer]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.stats = base / "haproxy.sock"
        self.log = base / "haproxy.log"
        self.env = {
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
            "KK_BIND": f"127.0.0.1:{self.port}",
            "KK_HAPROXY_STATS": str(self.stats),
            "KK_MAXCONN": "2000",  # a test machine's file descriptor limit may be far below 80,000
            **{f"KK_APP{i}": f"127.0.0.1:{server.port}" for i, server in enumerate(backends, start=1)},
        }

    @contextmanager
    def running(self) -> Iterator[Balancer]:
        binary = shutil.which("haproxy") or next(
            (path for path in ("/usr/sbin/haproxy",) if Path(path).exists()), None
        )
        require(binary is not None, "haproxy (Debian package haproxy)")
        assert binary is not None
        with self.log.open("ab") as log:
            # -db: in the foreground, as a service manager runs it.
            process = subprocess.Popen(
                [binary, "-db", "-f", str(CONFIG)], env=self.env, stdout=log, stderr=log
            )
        try:

            def started() -> bool:
                assert process.poll() is None, f"HAProxy exited:\n{self.output()}"
                return self.stats.exists() and bool(self.servers())

            wait_until(started, 20, "HAProxy to start")
            yield self
        finally:
            process.terminate()
            process.wait(timeout=10)

    def servers(self) -> dict[str, dict[str, str]]:
        """`show stat` from the admin socket: each backend server's row (status, scur, ...)."""
        with socket.socket(socket.AF_UNIX) as admin:
            try:
                admin.connect(str(self.stats))
            except OSError:
                return {}
            admin.sendall(b"show stat\n")
            chunks = []
            while chunk := admin.recv(65536):
                chunks.append(chunk)
        text = b"".join(chunks).decode().removeprefix("# ")
        rows = csv.DictReader(io.StringIO(text))
        return {
            row["svname"]: row
            for row in rows
            if row["pxname"] == "koerskaart" and row["svname"] not in ("FRONTEND", "BACKEND")
        }

    def status(self) -> dict[str, str]:
        return {name: row["status"].split()[0] for name, row in self.servers().items()}

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.1)


def release_step(env: dict[str, str]) -> str:
    """`flask --app koerskaart db upgrade`, once, as the recipe's release step runs it."""
    command = [sys.executable, "-m", "flask", "--app", "koerskaart", "db", "upgrade"]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def ready(url: str) -> requests.Response:
    return requests.get(url + "/readyz", timeout=5)


def test_the_recipe_two_processes_behind_haproxy(tmp_path: Path) -> None:
    with postgres_server() as database, redis_server() as queue:
        env = {
            "DATABASE_URL": database,
            "REDIS_URL": queue,
            "SECRET_KEY": "shared-by-every-process",
            "KOERSKAART_MIGRATE": "0",  # the release step migrates, once
            "KOERSKAART_PROXY_FIX": "1",  # HAProxy sets X-Forwarded-For
            "RATELIMIT_STORAGE_URI": queue,  # the processes count rate limits together
        }
        first = RealServer(tmp_path / "one", test_deck=True, env=env)
        second = RealServer(tmp_path / "two", test_deck=True, env=env)
        balancer = Balancer(tmp_path, [first, second])
        phones: list[Phone] = []
        try:
            for server in (first, second):
                server.instance.mkdir()
                server.start()
            with balancer.running():
                try:
                    # Alive but not ready: the schema is not there yet, and neither process made it.
                    for server in (first, second):
                        assert requests.get(server.url + "/healthz", timeout=5).status_code == 200
                        assert ready(server.url).json()["checks"]["schema"] == "behind"
                        assert "alembic" not in server.output()
                    wait_until(lambda: balancer.status() == {"app1": "DOWN", "app2": "DOWN"}, 20, "both DOWN")
                    assert ready(balancer.url).status_code == 503  # HAProxy's own: no process to ask

                    # The release step, once; both processes come into rotation.
                    assert "Running upgrade" in release_step({**first.env})
                    wait_until(lambda: balancer.status() == {"app1": "UP", "app2": "UP"}, 20, "both UP")
                    answer = ready(balancer.url)
                    assert answer.status_code == 200
                    assert answer.json() == {
                        "status": "ready",
                        "checks": {"database": "ok", "schema": "ok", "decks": "ok", "redis": "ok"},
                    }

                    # Four players of one table, all through the load balancer.
                    phones = [Phone(balancer.url) for _ in range(4)]
                    seat_phones(phones)
                    sessions = {name: int(row["scur"]) for name, row in balancer.servers().items()}
                    assert sessions["app1"] >= 1 and sessions["app2"] >= 1, sessions  # leastconn: both
                    host = phones[0]
                    assert host.call("start_game") == {"ok": True}
                    for phone, value in zip(phones, [2, 4, 4, 5], strict=True):
                        assert phone.call("submit_answer", {"card_index": 0, "value": value})["ok"]
                    for phone in phones:
                        revealed = phone.wait_for("table_updated", lambda s: s["reason"] == "round_revealed")
                        assert revealed["round"]["result"]["counts"] == [0, 1, 0, 2, 1]

                    # One process dies. Its players lose their socket; the others do not notice.
                    marks = [phone.mark() for phone in phones]
                    first.kill()
                    wait_until(lambda: balancer.status()["app1"] == "DOWN", 20, "HAProxy to mark app1 DOWN")
                    assert balancer.status()["app2"] == "UP"
                    dropped = [
                        phone
                        for phone, mark in zip(phones, marks, strict=True)
                        if any(name == "disconnect" for name, _ in phone.received[mark:])
                    ]
                    assert 0 < len(dropped) < len(phones), "the players were not on both processes"

                    # They reconnect through the load balancer, to the process that is left.
                    for phone, mark in zip(phones, marks, strict=True):
                        if phone in dropped:
                            phone.wait_for("table_joined", since=mark, timeout=20)
                            phone.wait_connected()
                    assert host.call("next_card") == {"ok": True}
                    for phone, value in zip(phones, [0, 1, 1, 2], strict=True):
                        assert phone.call("submit_answer", {"card_index": 1, "value": value})["ok"]
                    for phone in phones:
                        revealed = phone.wait_for(
                            "table_updated",
                            lambda s: s["reason"] == "round_revealed" and s["card_index"] == 1,
                        )
                        assert sum(revealed["round"]["result"]["counts"]) == 4

                    # New players and probes get the live process, every time.
                    newcomer = Phone(balancer.url)
                    phones.append(newcomer)
                    newcomer.start_table("proefdeck")
                    assert newcomer.connect()["join"]["code"]
                    assert {ready(balancer.url).status_code for _ in range(10)} == {200}
                finally:
                    # Before HAProxy stops: a phone cut off by it would go on reconnecting,
                    # in a thread that outlives the test. shutdown() also ends a reconnect loop.
                    for phone in phones:
                        phone.sio.shutdown()
        except BaseException:
            print(balancer.output(), first.output(), second.output(), sep="\n----\n")
            raise
        finally:
            first.stop()
            second.stop()
