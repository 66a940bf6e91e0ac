"""What the benchmarks share: the server processes, the HTTP set-up and the Socket.IO clients.

- ``Server``: one ``python -m koerskaart serve`` (or ``bare_server.py``) process on a port;
  started, SIGTERM'd, SIGKILL'd and started again on the same port.
- ``Postgres`` and ``Redis``: a throwaway PostgreSQL cluster (``initdb``/``pg_ctl`` from
  ``/usr/lib/postgresql/*/bin``, as ``tests/helpers/infra.py`` does) and a ``redis-server``
  without persistence, or existing ones by URL; their CPU is measured when they are ours.
- ``Cluster``: the N server processes of one run with the PostgreSQL/Redis they share:
  CPU and RSS summed over the processes.
- ``setup_app``/``setup_bare``: tables, seats and screen keys, over HTTP as browsers do.
- ``RawSock`` (a minimal Socket.IO client on aiohttp) and ``SioSock`` (python-socketio's
  AsyncClient): both offer permessage-deflate exactly as Chromium does when asked
  (``Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits``, aiohttp's
  ``compress=15``) and record what the server answered in that header.
- ``Load``: every socket of a run, spread over the processes (seat j of a table, and its
  screen as seat P, connect to process j mod N), and the bursts played over them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import glob
import json
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parents[1]
NS = "/play"
DECK = "proefdeck"
# proefdeck: 0 statement (1-5), 1 choice (3 options), 2 open (≤120 chars), 3 frequency
# (sensitive: banded counts), 4 action (no answers). So at most 4 answerable rounds.
CARD_VALUES: dict[int, Callable[[random.Random, int], Any]] = {
    0: lambda rng, i: rng.randint(1, 5),
    1: lambda rng, i: rng.randint(0, 2),
    2: lambda rng, i: f"antwoord {i}",
    3: lambda rng, i: rng.randint(1, 5),
}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
CLK_TCK = os.sysconf("SC_CLK_TCK")
# What Chromium offers (and aiohttp's ws_connect(compress=15) sends): the header the server answers
# is recorded per socket as ``Sock.extensions``.
BROWSER_DEFLATE = 15
NODELAY_PATCH = """\
from gevent import monkey
monkey.patch_all()
import socket
import gevent.server
_listener = gevent.server._tcp_listener
def _nodelay_listener(*args, **kwargs):
    sock = _listener(*args, **kwargs)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted sockets inherit it
    return sock
gevent.server._tcp_listener = _nodelay_listener
"""


def machine_busy_s() -> float:
    """CPU seconds all processes on the machine have used (``/proc/stat``: everything but idle/iowait)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / CLK_TCK


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile (no interpolation: p99 of 300 samples is the 297th)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def summary(values_s: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values_s]
    return {
        "n": len(ms),
        "p50": pct(ms, 50),
        "p95": pct(ms, 95),
        "p99": pct(ms, 99),
        "max": max(ms) if ms else float("nan"),
    }


def fmt(s: dict[str, float]) -> str:
    return (
        f"n={s['n']:<6} p50={s['p50']:7.1f}  p95={s['p95']:7.1f}  p99={s['p99']:7.1f}  max={s['max']:7.1f} ms"
    )


def proc_cpu_s(pid: int, children: bool = False) -> float:
    """utime + stime of a process (all its threads); with ``children``, also its reaped children's."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime + cstime
    return ticks / CLK_TCK


def tree_cpu_s(pid: int) -> float:
    """CPU of a process, its reaped children and its live children (a postmaster and its backends)."""
    total = proc_cpu_s(pid, children=True)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


def raise_fd_limit() -> None:
    """Soft open-files limit up to the hard one, for us and the servers we start (one fd per socket)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def _wait_for_port(port: int, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


# -- PostgreSQL and Redis --------------------------------------------------------------------


class Postgres:
    """A throwaway PostgreSQL cluster with default settings (fsync on), or an existing server by URL.

    Each app run gets a fresh database in our own cluster (``new_database``); an existing
    server (``--database-url``) is used as it is, and its CPU is not measured.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = url
        self.owned = url is None
        self.base: Path | None = None
        self.bindir: Path | None = None
        self.port = 0
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []  # no root

    def start(self) -> None:
        if not self.owned:
            return
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            raise RuntimeError("--postgres needs the PostgreSQL server binaries (Debian package postgresql)")
        self.bindir = Path(found[-1]).parent
        self.base = Path(tempfile.mkdtemp(prefix="kk-bench-pg-"))
        if self.prefix:
            shutil.chown(self.base, "postgres", "postgres")
        self.port = free_port()
        data = self.base / "data"
        self._run(str(self.bindir / "initdb"), "-D", str(data), "-U", "kk", "--auth=trust", "-E", "UTF8")
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c max_connections=200"
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(self.base / "log"),
            "-w",
            "start",
        )
        self.url = f"postgresql://kk@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        subprocess.run([*self.prefix, *command], check=True, capture_output=True, timeout=120)

    def new_database(self, name: str) -> str:
        assert self.url is not None
        if not self.owned:
            return self.url
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url, autocommit=True, connect_timeout=30) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url.rsplit("/", 1)[0] + "/" + name

    def cpu_s(self) -> float | None:
        """The postmaster and all its backends (live and exited)."""
        if not self.owned or self.base is None:
            return None
        try:
            pid = int((self.base / "data" / "postmaster.pid").read_text().split("\n", 1)[0])
            return tree_cpu_s(pid)
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        if self.owned and self.base is not None and self.bindir is not None:
            stop = [
                *self.prefix,
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.base / "data"),
                "-m",
                "immediate",
            ]
            subprocess.run([*stop, "stop"], capture_output=True, timeout=60)
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None


class Redis:
    """A throwaway ``redis-server`` without persistence, or an existing one by URL."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url
        self.owned = url is None
        self.process: subprocess.Popen[bytes] | None = None
        self.base: str | None = None

    def start(self) -> None:
        if not self.owned:
            return
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError(
                "several processes need redis-server (Debian package redis-server) or --redis-url"
            )
        port = free_port()
        self.base = tempfile.mkdtemp(prefix="kk-bench-redis-")
        command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [*command, "--dir", self.base], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _wait_for_port(port)
        self.url = f"redis://127.0.0.1:{port}/0"

    def cpu_s(self) -> float | None:
        if self.process is None or self.process.poll() is not None:
            return None
        return proc_cpu_s(self.process.pid)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        if self.base:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None


# -- server processes ----------------------------------------------------------------------


class Server:
    """One server process (the app or the bare floor) on a port; always stopped.

    ``database_url`` and ``redis_url`` go to the app as DATABASE_URL and REDIS_URL (the bare
    floor gets ``--redis-url``); processes that share a table need the same ``secret_key``.
    ``extra_env`` overrides the environment (e.g. the per-address socket limits).
    """

    def __init__(
        self,
        kind: str,
        args: argparse.Namespace,
        instance: Path,
        *,
        port: int | None = None,
        database_url: str | None = None,
        redis_url: str | None = None,
        secret_key: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.kind = kind
        self.args = args
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.instance = instance
        self.log_path = instance / "server.log"
        self.secret_key = secret_key or secrets.token_urlsafe(32)
        self.process: subprocess.Popen[bytes] | None = None
        database_url = database_url or getattr(args, "database_url", None)
        if kind == "app":
            # The same entry point as `python -m koerskaart serve`. With --ws simple, gevent-websocket
            # is first made unimportable, as in an install from pyproject.toml (see docs); with
            # --tcp-nodelay (an experiment, gevent only), gevent's listener gets TCP_NODELAY.
            code = "import sys\n"
            if args.ws == "simple":
                code += "sys.modules['geventwebsocket'] = None\n"
            if args.tcp_nodelay:
                code += NODELAY_PATCH
            code += "from koerskaart.__main__ import main\nsys.exit(main(sys.argv[1:]))\n"
            self.command = [sys.executable, "-c", code, "serve", "--port", str(self.port)]
        else:
            self.command = [
                sys.executable, str(ROOT / "benchmarks" / "bare_server.py"),
                "--port", str(self.port), "--players", str(args.players),
                "--mode", args.mode, "--ws", args.ws,
            ] + (["--tcp-nodelay"] if args.tcp_nodelay else [])  # fmt: skip
            if redis_url:
                self.command += ["--redis-url", redis_url]
        self.env = {
            **os.environ,
            "KOERSKAART_INSTANCE": str(instance),
            "KOERSKAART_ASYNC_MODE": args.mode,
            "KOERSKAART_DECK_DIRS": str(args.app_root / "tests" / "data"),
            "KOERSKAART_JOIN_RATE_LIMIT": "100000 per minute",
            "KOERSKAART_TABLE_START_RATE_LIMIT": "100000 per minute",
            "KOERSKAART_TABLE_START_SESSION_RATE_LIMIT": "100000 per minute",
            "KOERSKAART_TABLE_CAPACITY": str(max(12, args.players)),
            "SECRET_KEY": self.secret_key,
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        self.env.pop("DATABASE_URL", None)
        self.env.pop("REDIS_URL", None)  # one process: no message queue
        if kind == "app" and database_url:
            self.env["DATABASE_URL"] = database_url
        if kind == "app" and redis_url:
            self.env["REDIS_URL"] = redis_url
        self.database = (
            "postgresql" if kind == "app" and database_url else ("sqlite" if kind == "app" else "none")
        )

    def spawn(self) -> None:
        """Start the process without waiting for it (``start`` waits until it answers)."""
        cwd = self.args.app_root if self.kind == "app" else ROOT
        with self.log_path.open("ab") as log:  # the child keeps its own copy of the file
            self.process = subprocess.Popen(
                self.command, cwd=cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def wait_ready(self, timeout: float = 60.0) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} server exited early:\n{self.output()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{self.kind} server did not answer within {timeout} s:\n{self.output()[-3000:]}")

    def start(self, timeout: float = 60.0) -> None:
        self.spawn()
        self.wait_ready(timeout)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def rss_kib(self) -> int:
        return rss_kib(self.pid)

    def cpu_s(self) -> float:
        return proc_cpu_s(self.pid)

    def server_cpu_s(self) -> float:  # a Meter on its own (one process, no infrastructure)
        return self.cpu_s()

    def infra_cpu_s(self) -> float | None:
        return None

    def kill(self) -> None:
        """SIGKILL: a crash, with no chance to clean up."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def error_lines(self) -> list[str]:
        return [line for line in self.output().splitlines() if "Traceback" in line or "ERROR" in line]


class Meter(Protocol):
    """What the bursts measure CPU with: the servers, and the PostgreSQL/Redis they use."""

    def server_cpu_s(self) -> float: ...

    def infra_cpu_s(self) -> float | None: ...


class Cluster:
    """The N server processes of one run (one instance folder each), and the infrastructure they share.

    Started one after the other: the first runs the migrations before the second starts.
    """

    def __init__(
        self,
        kind: str,
        args: argparse.Namespace,
        instance: Path,
        processes: int,
        *,
        database_url: str | None = None,
        redis_url: str | None = None,
        infra: list[Postgres | Redis] | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.kind = kind
        self.infra = infra or []
        key = secrets.token_urlsafe(32)  # cookies and screen keys must open on every process
        self.servers: list[Server] = []
        for i in range(processes):
            folder = instance if processes == 1 else instance / f"p{i}"
            folder.mkdir(parents=True, exist_ok=True)
            self.servers.append(
                Server(
                    kind,
                    args,
                    folder,
                    database_url=database_url,
                    redis_url=redis_url if processes > 1 else None,
                    secret_key=key,
                    extra_env=extra_env,
                )
            )

    @property
    def urls(self) -> list[str]:
        return [s.url for s in self.servers]

    @property
    def database(self) -> str:
        return self.servers[0].database

    def start(self) -> None:
        for server in self.servers:
            server.start()

    def stop(self) -> None:
        for server in self.servers:
            server.stop()

    def server_cpu_s(self) -> float:
        return sum(s.cpu_s() for s in self.servers)

    def infra_cpu_s(self) -> float | None:
        values = [i.cpu_s() for i in self.infra]
        known = [v for v in values if v is not None]
        return sum(known) if known else None

    def rss_kib(self) -> int:
        return sum(s.rss_kib() for s in self.servers)

    def error_lines(self) -> list[str]:
        return [line for s in self.servers for line in s.error_lines()]

    def finish(self, instance: Path, keep: bool) -> None:
        """Stop the processes, say whether their logs hold errors, and remove ``instance`` unless kept."""
        self.stop()
        errors = self.error_lines()
        if errors:
            print(f"  server log has {len(errors)} error line(s); see {instance}")
        if not keep:
            shutil.rmtree(instance, ignore_errors=True)


# -- set-up over HTTP (not timed) ------------------------------------------------------------


@dataclass
class SeatInfo:
    table: str
    index: int  # 0 is the host
    cookie: str | None = None  # "kk_seat_<table>=<token>" for the app
    seat_id: str | None = None  # for the bare server


@dataclass
class TableInfo:
    table_id: str
    seats: list[SeatInfo] = field(default_factory=list)
    screen_key: str | None = None
    code: str | None = None


def _csrf(http: Any, url: str) -> str:
    page = http.get(url, timeout=30).text
    match = CSRF.search(page)
    if not match:
        raise RuntimeError(f"no csrf_token on {url}")
    return match.group(1) or match.group(2)


def _screen_key(url: str, http: Any, table_id: str) -> str | None:
    """The key from the screen link on the host's table page, as the host's browser finds it."""
    page = http.get(f"{url}/t/{table_id}", timeout=30).text
    found = re.search(rf"/t/{re.escape(table_id)}/screen#([\w-]+)", page)
    return found.group(1) if found else None


def _host_table(url: str, index: int, screens: bool) -> TableInfo:
    import requests
    import socketio

    http = requests.Session()
    data = {"csrf_token": _csrf(http, url + "/"), "deck": DECK, "nickname": f"Host{index}"}
    response = http.post(url + "/tables", data=data, allow_redirects=False, timeout=30)
    if response.status_code != 302:
        raise RuntimeError(f"POST /tables: {response.status_code} {response.text[:300]}")
    table_id = response.headers["Location"].rsplit("/", 1)[-1]
    token = http.cookies.get(f"kk_seat_{table_id}")
    info = TableInfo(table_id)
    info.seats.append(SeatInfo(table_id, 0, cookie=f"kk_seat_{table_id}={token}"))
    if screens:
        info.screen_key = _screen_key(url, http, table_id)
    # The join code only travels in table_joined: ask once with a short-lived socket.
    got: dict[str, Any] = {}
    client = socketio.Client(reconnection=False)
    client.on("table_joined", lambda payload: got.setdefault("joined", payload), namespace=NS)
    client.connect(
        url,
        namespaces=[NS],
        transports=["websocket"],
        auth={"table": table_id, "as": "seat"},
        headers={"Cookie": info.seats[0].cookie},
        wait_timeout=30,
    )
    deadline = time.monotonic() + 30
    while "joined" not in got and time.monotonic() < deadline:
        time.sleep(0.01)
    client.disconnect()
    if "joined" not in got:
        raise RuntimeError("no table_joined for the host")
    info.code = got["joined"]["join"]["code"]
    return info


def _join(url: str, table: TableInfo, index: int) -> SeatInfo:
    import requests

    http = requests.Session()
    data = {"csrf_token": _csrf(http, url + "/join"), "code": table.code, "nickname": f"P{index}"}
    response = http.post(url + "/join", data=data, allow_redirects=False, timeout=30)
    if response.status_code != 302:
        raise RuntimeError(f"POST /join: {response.status_code} {response.text[:300]}")
    token = http.cookies.get(f"kk_seat_{table.table_id}")
    return SeatInfo(table.table_id, index, cookie=f"kk_seat_{table.table_id}={token}")


def setup_app(
    server: Server | str, tables: int, players: int, screens: bool, workers: int
) -> list[TableInfo]:
    """Hosts start tables and players join them with their codes, over HTTP (one process is enough)."""
    url = server if isinstance(server, str) else server.url
    with ThreadPoolExecutor(max_workers=workers) as pool:
        infos = list(pool.map(lambda i: _host_table(url, i, screens), range(tables)))
        jobs = [(info, j) for info in infos for j in range(1, players)]
        seats = list(pool.map(lambda job: _join(url, *job), jobs))
    for (info, _j), seat in zip(jobs, seats, strict=True):
        info.seats.append(seat)
    return infos


def setup_bare(tables: int, players: int, screens: bool) -> list[TableInfo]:
    # A fresh prefix per run: with Redis the bare floor keeps its tables there, shared by runs.
    run = secrets.token_hex(3)
    infos = []
    for i in range(tables):
        info = TableInfo(f"bare{run}-{i}", screen_key="-" if screens else None)
        info.seats = [SeatInfo(info.table_id, j, seat_id=f"b{i}s{j}") for j in range(players)]
        infos.append(info)
    return infos


# -- the sockets (one asyncio process) -------------------------------------------------------


class Waiter:
    """Counts arrivals of one kind of event; set when all expected have arrived."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.count = 0
        self.event = asyncio.Event()
        if target == 0:
            self.event.set()

    def hit(self) -> None:
        self.count += 1
        if self.count >= self.target:
            self.event.set()


class Sock:
    """One phone or table screen: records what it receives; the transport is a subclass."""

    def __init__(
        self, run: Load, table: TableInfo, role: str, seat: SeatInfo | None, url: str | None = None
    ) -> None:
        self.run = run
        self.table = table
        self.role = role
        self.seat = seat
        self.url = url or run.url
        self.opened: set[int] = set()
        self.revealed: dict[int, tuple[float, Any]] = {}
        self.sent: dict[int, float] = {}
        self.acked: dict[int, tuple[float, Any]] = {}
        self.counts_seen = 0
        self.joined = False
        self.extensions: str | None = None  # Sec-WebSocket-Extensions in the server's answer

    @property
    def compress(self) -> bool:
        return self.run.compress

    @property
    def cookie(self) -> str | None:
        return self.seat.cookie if self.seat is not None else None

    @property
    def auth(self) -> dict[str, Any]:
        if self.seat is None:
            return {"table": self.table.table_id, "as": "screen", "key": self.table.screen_key}
        auth: dict[str, Any] = {"table": self.table.table_id, "as": "seat"}
        if self.seat.seat_id:
            auth["seat"] = self.seat.seat_id  # the bare server has no cookies
        return auth

    def _on_joined(self, _payload: Any = None) -> None:
        self.joined = True

    def _on_count(self, _payload: Any = None) -> None:
        self.counts_seen += 1

    def _on_disconnect(self, *_args: Any) -> None:
        if not self.run.closing:
            self.run.unexpected_disconnects += 1

    def _on_updated(self, payload: Any) -> None:
        now = time.perf_counter()
        round_ = (payload or {}).get("round") or {}
        card = round_.get("card_index")
        if round_.get("status") == "open" and card not in self.opened:
            self.opened.add(card)
            self.run.waiter("open", card).hit()
        if payload.get("reason") == "round_revealed" and card not in self.revealed:
            self.revealed[card] = (now, payload)
            self.run.waiter("reveal", card).hit()

    def _on_ack(self, card: int, ack: Any) -> None:
        self.acked[card] = (time.perf_counter(), ack)
        self.run.waiter("ack", card).hit()

    async def submit(self, card: int, value: Any) -> None:
        self.sent[card] = time.perf_counter()
        await self._emit(
            "submit_answer", {"card_index": card, "value": value}, lambda ack: self._on_ack(card, ack)
        )

    async def connect(self) -> None:
        raise NotImplementedError

    async def _emit(self, event: str, data: Any, on_ack: Any) -> None:
        raise NotImplementedError

    async def call(self, event: str, data: Any, timeout: float) -> Any:
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        await self._emit(event, data, lambda ack: done.done() or done.set_result(ack))
        return await asyncio.wait_for(done, timeout)

    async def close(self) -> None:
        raise NotImplementedError


class SioSock(Sock):
    """python-socketio's AsyncClient (all of them share one aiohttp session).

    It connects through aiohttp's ``ws_connect`` and passes ``websocket_extra_options`` on,
    so it offers compression exactly as the raw client does.
    """

    def __init__(
        self, run: Load, table: TableInfo, role: str, seat: SeatInfo | None, url: str | None = None
    ) -> None:
        import socketio

        super().__init__(run, table, role, seat, url)
        # engine.io moves a Cookie passed to connect() into the (shared) session's cookie jar;
        # extra websocket headers go on the handshake as they are.
        extra: dict[str, Any] = {"headers": {"Cookie": self.cookie}} if self.cookie else {}
        if self.compress:
            extra["compress"] = BROWSER_DEFLATE
        self.sio = socketio.AsyncClient(
            reconnection=False, http_session=run.http, websocket_extra_options=extra
        )
        self.sio.on("table_joined", self._on_joined, namespace=NS)
        self.sio.on("table_updated", self._on_updated, namespace=NS)
        self.sio.on("answer_count_changed", self._on_count, namespace=NS)
        self.sio.on("disconnect", self._on_disconnect, namespace=NS)

    async def connect(self) -> None:
        await self.sio.connect(
            self.url, namespaces=[NS], transports=["websocket"], auth=self.auth, wait_timeout=60
        )
        ws = getattr(self.sio.eio, "ws", None)
        response = getattr(ws, "_response", None)
        if response is not None:
            self.extensions = response.headers.get("Sec-WebSocket-Extensions")

    async def _emit(self, event: str, data: Any, on_ack: Any) -> None:
        await self.sio.emit(
            event, data, namespace=NS, callback=lambda *args: on_ack(args[0] if args else None)
        )

    async def close(self) -> None:
        await self.sio.disconnect()


class RawSock(Sock):
    """A minimal Engine.IO 4 / Socket.IO 5 client over one aiohttp WebSocket: the lighter generator.

    Only what the benchmark needs: the open packet, pings, namespace connect, events and
    acks, all as text frames. ``answer_count_changed`` is counted without parsing its JSON.
    """

    CONNECT, EVENT, ACK, ERROR = f"40{NS},", f"42{NS},", f"43{NS},", f"44{NS},"

    def __init__(
        self, run: Load, table: TableInfo, role: str, seat: SeatInfo | None, url: str | None = None
    ) -> None:
        super().__init__(run, table, role, seat, url)
        self.ws: Any = None
        self.reader: asyncio.Task[None] | None = None
        self.next_id = 0
        self.callbacks: dict[int, Any] = {}
        self.connected: asyncio.Future[Any] | None = None

    async def connect(self) -> None:
        url = self.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.ws = await self.run.http.ws_connect(
            url,
            headers=headers,
            autoping=True,
            max_msg_size=0,
            compress=BROWSER_DEFLATE if self.compress else 0,
        )
        self.extensions = self.ws._response.headers.get("Sec-WebSocket-Extensions")
        opening = await self.ws.receive_str(timeout=60)
        if not opening.startswith("0"):
            raise RuntimeError(f"no engine.io open packet: {opening[:80]!r}")
        self.connected = asyncio.get_running_loop().create_future()
        self.reader = asyncio.create_task(self._read())
        await self.ws.send_str(self.CONNECT + json.dumps(self.auth))
        await asyncio.wait_for(self.connected, 60)

    async def _read(self) -> None:
        import aiohttp

        ws = self.ws
        try:
            async for msg in ws:
                if msg.type != aiohttp.WSMsgType.TEXT:
                    break
                text: str = msg.data
                if text == "2":
                    await ws.send_str("3")
                elif text.startswith(self.EVENT):
                    body = text[len(self.EVENT) :]
                    if body.startswith('["answer_count_changed"'):
                        self._on_count()
                        continue
                    name, *args = json.loads(body)
                    if name == "table_updated":
                        self._on_updated(args[0])
                    elif name == "table_joined":
                        self._on_joined(args[0])
                elif text.startswith(self.ACK):
                    body = text[len(self.ACK) :]
                    cut = body.index("[")
                    callback = self.callbacks.pop(int(body[:cut]), None)
                    if callback:
                        args = json.loads(body[cut:])
                        callback(args[0] if args else None)
                elif text.startswith(self.CONNECT):
                    if self.connected and not self.connected.done():
                        self.connected.set_result(True)
                elif text.startswith(self.ERROR):
                    if self.connected and not self.connected.done():
                        self.connected.set_exception(RuntimeError(f"connect_error {text[len(self.ERROR) :]}"))
                elif text.startswith("1") or text.startswith(f"41{NS}"):
                    break
        finally:
            self._on_disconnect()

    async def _emit(self, event: str, data: Any, on_ack: Any) -> None:
        self.next_id += 1
        self.callbacks[self.next_id] = on_ack
        await self.ws.send_str(f"{self.EVENT}{self.next_id}{json.dumps([event, data])}")

    async def close(self) -> None:
        if self.ws is not None and not self.ws.closed:
            try:
                await self.ws.send_str(f"41{NS},")
            finally:
                await self.ws.close()
        if self.reader:
            self.reader.cancel()


class Load:
    """All sockets of one run, spread over the server processes, and the rounds played over them.

    ``urls``: one per process; seat j of a table (and its screen, as seat P) connects to
    ``urls[j % N]``, so the players of every table are split across the processes.
    ``compress``: offer permessage-deflate as browsers do. ``sock_class``: the client
    (default: ``RawSock`` for ``--client raw``, else ``SioSock``).
    """

    def __init__(
        self,
        urls: str | list[str],
        tables: list[TableInfo],
        args: argparse.Namespace,
        *,
        compress: bool = False,
        sock_class: type[Sock] | None = None,
    ) -> None:
        self.urls = [urls] if isinstance(urls, str) else list(urls)
        self.url = self.urls[0]
        self.tables = tables
        self.args = args
        self.compress = compress
        self.sock_class = sock_class or (RawSock if args.client == "raw" else SioSock)
        self.http: Any = None
        self.socks: list[Sock] = []
        self.by_table: dict[str, list[Sock]] = {}
        self.waiters: dict[tuple[str, int], Waiter] = {}
        self.closing = False
        self.unexpected_disconnects = 0

    def waiter(self, kind: str, card: int) -> Waiter:
        key = (kind, card)
        if key not in self.waiters:
            target = len(self.socks) if kind in ("open", "reveal") else self.players
            self.waiters[key] = Waiter(target)
        return self.waiters[key]

    @property
    def players(self) -> int:
        return sum(1 for s in self.socks if s.seat is not None)

    async def wait(self, kind: str, card: int, timeout: float) -> bool:
        waiter = self.waiter(kind, card)
        try:
            await asyncio.wait_for(waiter.event.wait(), timeout)
            return True
        except TimeoutError:
            return False

    def make_socks(self) -> None:
        import aiohttp

        connector = aiohttp.TCPConnector(limit=0)
        self.http = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())
        n = len(self.urls)
        for table in self.tables:
            kind = self.sock_class
            socks: list[Sock] = [
                kind(self, table, "seat", seat, self.urls[seat.index % n]) for seat in table.seats
            ]
            if table.screen_key:
                socks.append(kind(self, table, "screen", None, self.urls[len(table.seats) % n]))
            self.by_table[table.table_id] = socks
            self.socks.extend(socks)

    async def connect_all(self, concurrency: int) -> float:
        self.make_socks()
        gate = asyncio.Semaphore(concurrency)

        async def one(sock: Sock) -> None:
            async with gate:
                await sock.connect()

        started = time.perf_counter()
        await asyncio.gather(*(one(s) for s in self.socks))
        deadline = time.monotonic() + 30
        while not all(s.joined for s in self.socks) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        missing = sum(1 for s in self.socks if not s.joined)
        if missing:
            raise RuntimeError(f"{missing} sockets got no table_joined")
        return time.perf_counter() - started

    def negotiated(self) -> dict[str, int]:
        """How many sockets got which Sec-WebSocket-Extensions answer ("none": the header was absent)."""
        return dict(Counter(s.extensions or "none" for s in self.socks))

    def hosts(self) -> list[Sock]:
        return [socks[0] for socks in self.by_table.values()]

    async def host_all(self, event: str, card: int) -> None:
        acks = await asyncio.gather(*(h.call(event, {}, timeout=60) for h in self.hosts()))
        bad = [a for a in acks if not (isinstance(a, dict) and a.get("ok"))]
        if bad:
            raise RuntimeError(f"{event}: {len(bad)} refused, e.g. {bad[0]}")
        if not await self.wait("open", card, 60):
            raise RuntimeError(f"{event}: not every socket saw card {card} open")

    async def wait_quiet(self, meter: Meter) -> float:
        """Wait (bounded) until nothing else on the machine uses more than 5 % of a core: other
        sessions' test runs share these 2 cores and would disturb the burst. Returns the wait."""
        started = time.monotonic()

        def own() -> float:
            usage = resource.getrusage(resource.RUSAGE_SELF)
            return meter.server_cpu_s() + (meter.infra_cpu_s() or 0.0) + usage.ru_utime + usage.ru_stime

        while time.monotonic() - started < self.args.quiet_timeout:
            busy0, own0 = machine_busy_s(), own()
            await asyncio.sleep(2.0)
            busy1, own1 = machine_busy_s(), own()
            if (busy1 - busy0) - (own1 - own0) < 0.1:
                break
        return time.monotonic() - started

    async def burst(self, card: int, window: float, rng: random.Random, meter: Meter) -> dict[str, Any]:
        seats = [s for s in self.socks if s.seat is not None]
        values = CARD_VALUES[card]
        plan = [(s, rng.uniform(0, window), values(rng, i)) for i, s in enumerate(seats)]
        self.waiter("ack", card)
        self.waiter("reveal", card)
        busy0, cpu0, infra0 = machine_busy_s(), meter.server_cpu_s(), meter.infra_cpu_s()
        usage0 = resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter() + 0.05

        async def one(sock: Sock, offset: float, value: Any) -> None:
            await asyncio.sleep(max(0.0, start + offset - time.perf_counter()))
            await sock.submit(card, value)

        await asyncio.gather(*(one(*item) for item in plan))
        budget = window + self.args.round_timeout
        acks_ok = await self.wait("ack", card, budget)
        reveals_ok = await self.wait("reveal", card, budget)
        wall = time.perf_counter() - start
        busy1, cpu1, infra1 = machine_busy_s(), meter.server_cpu_s(), meter.infra_cpu_s()
        usage1 = resource.getrusage(resource.RUSAGE_SELF)
        result = self._score(card, wall, cpu1 - cpu0, usage0, usage1, acks_ok and reveals_ok)
        infra = infra1 - infra0 if infra0 is not None and infra1 is not None else None
        result["infra_cpu_s"] = infra
        # Anything else running on the machine during the burst competes for the 2 cores.
        ours = result["server_cpu_s"] + result["client_cpu_s"] + (infra or 0.0)
        result["other_cpu_s"] = max(0.0, (busy1 - busy0) - ours)
        # Throughput: answers over the time from the first possible send to the last ack and reveal.
        result["answers_per_s"] = result["answers"] / wall if wall > 0 else float("nan")
        result["cpu_ms_per_answer"] = 1000 * result["server_cpu_s"] / max(1, result["answers"])
        result["infra_ms_per_answer"] = None if infra is None else 1000 * infra / max(1, result["answers"])
        return result

    def _score(self, card: int, wall: float, server_cpu: float, u0: Any, u1: Any, complete: bool) -> dict:
        p = self.args.players
        ack_lat, reveal_lat, table_worst = [], [], []
        errors: list[str] = []
        not_ok = missing_acks = missing_reveals = wrong_n = early = 0
        for table_id, socks in self.by_table.items():
            seats = [s for s in socks if s.seat is not None]
            for s in seats:
                if card not in s.acked:
                    missing_acks += 1
                    continue
                at, ack = s.acked[card]
                ack_lat.append(at - s.sent[card])
                if not (isinstance(ack, dict) and ack.get("ok") and ack.get("card_index") == card):
                    not_ok += 1
                    if len(errors) < 5:
                        errors.append(f"ack {ack!r}")
            last_sent = max(s.sent[card] for s in seats)
            worst = 0.0
            for s in socks:
                if card not in s.revealed:
                    missing_reveals += 1
                    continue
                at, payload = s.revealed[card]
                result = ((payload.get("round") or {}).get("result")) or {}
                if result.get("n") != p:
                    wrong_n += 1
                    if len(errors) < 5:
                        errors.append(f"reveal n={result.get('n')} on {table_id}")
                if at < last_sent:
                    early += 1
                reveal_lat.append(at - last_sent)
                worst = max(worst, at - last_sent)
            table_worst.append(worst)
        client_cpu = (u1.ru_utime + u1.ru_stime) - (u0.ru_utime + u0.ru_stime)
        correct = complete and not (not_ok or missing_acks or missing_reveals or wrong_n or early)
        return {
            "card": card,
            "answers": sum(len([s for s in socks if s.seat is not None]) for socks in self.by_table.values()),
            "acked_ok": len(ack_lat) - not_ok,
            "ack": summary(ack_lat),
            "reveal": summary(reveal_lat),
            "reveal_table_worst": summary(table_worst),
            "missing_acks": missing_acks,
            "not_ok_acks": not_ok,
            "missing_reveals": missing_reveals,
            "wrong_n": wrong_n,
            "reveal_before_last_send": early,
            "correct": correct,
            "errors": errors,
            "wall_s": wall,
            "server_cpu_s": server_cpu,
            "client_cpu_s": client_cpu,
        }

    async def close(self) -> None:
        self.closing = True
        gate = asyncio.Semaphore(200)

        async def one(sock: Sock) -> None:
            async with gate:
                with contextlib.suppress(Exception):  # the server may already be gone
                    await asyncio.wait_for(sock.close(), 10)

        await asyncio.gather(*(one(s) for s in self.socks))
        if self.http is not None:
            await self.http.close()


# -- running against a snapshot of the code ---------------------------------------------------


def git(*cmd: str) -> str:
    done = subprocess.run(["git", "-C", str(ROOT), *cmd], capture_output=True, text=True)
    return done.stdout.strip()


def add_run_options(parser: argparse.ArgumentParser, *, max_seconds: float = 1200.0) -> None:
    """The options every benchmark shares: where it runs, how long it may wait, what it keeps."""
    parser.add_argument(
        "--instance-root",
        default=tempfile.gettempdir(),
        help="where the fresh instance folder (and SQLite file) is made",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--settle", type=float, default=1.0, help="pause before each burst or answering phase"
    )
    parser.add_argument("--round-timeout", type=float, default=60.0, help="bound on every wait in a round")
    parser.add_argument(
        "--quiet-timeout",
        type=float,
        default=600.0,
        help="before each burst, wait up to this long for other processes to go idle (0: don't)",
    )
    parser.add_argument("--connect-concurrency", type=int, default=50)
    parser.add_argument("--setup-workers", type=int, default=16)
    parser.add_argument("--max-seconds", type=float, default=max_seconds, help="hard limit on the whole run")
    parser.add_argument("--app-root", default=str(ROOT), help="the KoersKaart source tree to serve")
    parser.add_argument("--git-ref", help="serve `git archive REF` of this repository instead (e.g. HEAD)")
    parser.add_argument("--json", help="write all figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep instance folders (server logs)")


@contextlib.contextmanager
def app_source(args: argparse.Namespace) -> Any:
    """Set ``args.app_root`` (from ``--git-ref``: a ``git archive`` of that commit) and ``args.source``."""
    snapshot = None
    if getattr(args, "git_ref", None):
        # Measure committed code, not a working tree that may be mid-edit.
        snapshot = Path(tempfile.mkdtemp(prefix="kk-bench-src-"))
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.git_ref], check=True, capture_output=True
        )
        subprocess.run(["tar", "-x", "-C", str(snapshot)], input=archive.stdout, check=True)
        args.app_root = snapshot
    args.app_root = Path(args.app_root).resolve()
    if snapshot:
        args.source = f"git archive of {args.git_ref} = {git('rev-parse', '--short', args.git_ref)}"
    elif args.app_root != ROOT.resolve():
        args.source = str(args.app_root)
    else:
        dirty = (
            " + uncommitted changes" if git("status", "--porcelain", "--", "koerskaart", "migrations") else ""
        )
        args.source = f"working tree at {git('rev-parse', '--short', 'HEAD')}{dirty}"
    try:
        yield args
    finally:
        if snapshot:
            shutil.rmtree(snapshot, ignore_errors=True)
