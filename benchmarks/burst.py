"""Burst benchmark: T tables x P players all answer a card within one second, against a real server.

    python benchmarks/burst.py --tables 50 --players 6
    python benchmarks/burst.py --tables 334 --players 6 --compare-bare --compare-shm

What it does, per run (one run = one server process):

1. Starts ``python -m koerskaart serve`` on a free loopback port with a fresh instance
   folder (SQLite unless ``--database-url``), ``KOERSKAART_DECK_DIRS=tests/data`` (the
   5-card deck ``proefdeck``) and a join rate limit high enough for the set-up.
2. Set-up, not timed: over HTTP each host starts a table and each player joins it with
   its code (``requests``, a few threads). The table-screen key is read from the host's
   signed Flask session cookie (we pass the server its SECRET_KEY).
3. Connects every player and one table screen per table over WebSocket with
   ``socketio.AsyncClient``s, all in this one asyncio process (sharing one aiohttp session).
   Server RSS (``/proc/<pid>/status`` VmRSS) before and after gives memory per connection.
4. The hosts start their games; then, for each round: every player of every table submits
   an answer at a random moment within ``--window`` seconds. Recorded:
   - ack latency of every ``submit_answer`` (send → ack; the ack follows the commit);
   - reveal latency: for each table, from its LAST submission being sent to each of its
     sockets (players and screen) receiving ``table_updated`` with reason ``round_revealed``.
   Checked: every answer acknowledged ``ok``; every socket got the reveal with ``n == P``.
   Then the hosts go to the next card (``next_card``) and the next round starts.

``--compare-bare`` runs the same workload against ``benchmarks/bare_server.py`` (the floor:
python-socketio alone); ``--compare-shm`` runs the app again with its instance folder (and
so its SQLite file) on /dev/shm. Every wait is bounded; the servers are always stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NS = "/play"
DECK = "proefdeck"
# proefdeck: 0 statement (1-5), 1 choice (3 options), 2 open (≤120 chars), 3 frequency
# (sensitive: banded counts), 4 action (no answers). So at most 4 answerable rounds.
CARD_VALUES = {
    0: lambda rng, i: rng.randint(1, 5),
    1: lambda rng, i: rng.randint(0, 2),
    2: lambda rng, i: f"antwoord {i}",
    3: lambda rng, i: rng.randint(1, 5),
}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
CLK_TCK = os.sysconf("SC_CLK_TCK")
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


# -- server processes ----------------------------------------------------------------------


class Server:
    """One server process (the app or the bare floor) on a free port; always stopped."""

    def __init__(self, kind: str, args: argparse.Namespace, instance: Path) -> None:
        self.kind = kind
        self.args = args
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.instance = instance
        self.log_path = instance / "server.log"
        self.secret_key = secrets.token_urlsafe(32)
        self.process: subprocess.Popen[bytes] | None = None
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
        }
        if args.database_url and kind == "app":
            self.env["DATABASE_URL"] = args.database_url
        else:
            self.env.pop("DATABASE_URL", None)
        self.env.pop("REDIS_URL", None)  # one process: no message queue

    def start(self, timeout: float = 60.0) -> None:
        log = self.log_path.open("ab")
        cwd = self.args.app_root if self.kind == "app" else ROOT
        self.process = subprocess.Popen(
            self.command, cwd=cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} server exited early:\n{self.output()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.kind} server did not answer within {timeout} s:\n{self.output()[-3000:]}")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def cpu_s(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime

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


def _screen_key(server: Server, http: Any, table_id: str) -> str | None:
    """The key from the screen link on the host's table page, as the host's browser finds it."""
    page = http.get(f"{server.url}/t/{table_id}", timeout=30).text
    found = re.search(rf"/t/{re.escape(table_id)}/screen#([\w-]+)", page)
    return found.group(1) if found else None


def _host_table(server: Server, index: int, screens: bool) -> TableInfo:
    import requests
    import socketio

    http = requests.Session()
    data = {"csrf_token": _csrf(http, server.url + "/"), "deck": DECK, "nickname": f"Host{index}"}
    response = http.post(server.url + "/tables", data=data, allow_redirects=False, timeout=30)
    if response.status_code != 302:
        raise RuntimeError(f"POST /tables: {response.status_code} {response.text[:300]}")
    table_id = response.headers["Location"].rsplit("/", 1)[-1]
    token = http.cookies.get(f"kk_seat_{table_id}")
    info = TableInfo(table_id)
    info.seats.append(SeatInfo(table_id, 0, cookie=f"kk_seat_{table_id}={token}"))
    if screens:
        info.screen_key = _screen_key(server, http, table_id)
    # The join code only travels in table_joined: ask once with a short-lived socket.
    got: dict[str, Any] = {}
    client = socketio.Client(reconnection=False)
    client.on("table_joined", lambda payload: got.setdefault("joined", payload), namespace=NS)
    client.connect(
        server.url,
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


def _join(server: Server, table: TableInfo, index: int) -> SeatInfo:
    import requests

    http = requests.Session()
    data = {"csrf_token": _csrf(http, server.url + "/join"), "code": table.code, "nickname": f"P{index}"}
    response = http.post(server.url + "/join", data=data, allow_redirects=False, timeout=30)
    if response.status_code != 302:
        raise RuntimeError(f"POST /join: {response.status_code} {response.text[:300]}")
    token = http.cookies.get(f"kk_seat_{table.table_id}")
    return SeatInfo(table.table_id, index, cookie=f"kk_seat_{table.table_id}={token}")


def setup_app(server: Server, tables: int, players: int, screens: bool, workers: int) -> list[TableInfo]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        infos = list(pool.map(lambda i: _host_table(server, i, screens), range(tables)))
        jobs = [(info, j) for info in infos for j in range(1, players)]
        seats = list(pool.map(lambda job: _join(server, *job), jobs))
    for (info, _j), seat in zip(jobs, seats, strict=True):
        info.seats.append(seat)
    return infos


def setup_bare(tables: int, players: int, screens: bool) -> list[TableInfo]:
    infos = []
    for i in range(tables):
        info = TableInfo(f"bare{i}", screen_key="-" if screens else None)
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

    def __init__(self, run: Load, table: TableInfo, role: str, seat: SeatInfo | None) -> None:
        self.run = run
        self.table = table
        self.role = role
        self.seat = seat
        self.opened: set[int] = set()
        self.revealed: dict[int, tuple[float, Any]] = {}
        self.sent: dict[int, float] = {}
        self.acked: dict[int, tuple[float, Any]] = {}
        self.counts_seen = 0
        self.joined = False

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
    """python-socketio's AsyncClient (all of them share one aiohttp session)."""

    def __init__(self, run: Load, table: TableInfo, role: str, seat: SeatInfo | None) -> None:
        import socketio

        super().__init__(run, table, role, seat)
        # engine.io moves a Cookie passed to connect() into the (shared) session's cookie jar;
        # extra websocket headers go on the handshake as they are.
        extra = {"headers": {"Cookie": self.cookie}} if self.cookie else {}
        self.sio = socketio.AsyncClient(
            reconnection=False, http_session=run.http, websocket_extra_options=extra
        )
        self.sio.on("table_joined", self._on_joined, namespace=NS)
        self.sio.on("table_updated", self._on_updated, namespace=NS)
        self.sio.on("answer_count_changed", self._on_count, namespace=NS)
        self.sio.on("disconnect", self._on_disconnect, namespace=NS)

    async def connect(self) -> None:
        await self.sio.connect(
            self.run.url, namespaces=[NS], transports=["websocket"], auth=self.auth, wait_timeout=60
        )

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

    def __init__(self, run: Load, table: TableInfo, role: str, seat: SeatInfo | None) -> None:
        super().__init__(run, table, role, seat)
        self.ws: Any = None
        self.reader: asyncio.Task[None] | None = None
        self.next_id = 0
        self.callbacks: dict[int, Any] = {}
        self.connected: asyncio.Future[Any] | None = None

    async def connect(self) -> None:
        url = self.run.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.ws = await self.run.http.ws_connect(url, headers=headers, autoping=True, max_msg_size=0)
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
    """All sockets of one run, and the rounds played over them."""

    def __init__(self, url: str, tables: list[TableInfo], args: argparse.Namespace) -> None:
        self.url = url
        self.tables = tables
        self.args = args
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

    async def connect_all(self, concurrency: int) -> float:
        import aiohttp

        connector = aiohttp.TCPConnector(limit=0)
        self.http = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())
        for table in self.tables:
            kind = RawSock if self.args.client == "raw" else SioSock
            socks: list[Sock] = [kind(self, table, "seat", seat) for seat in table.seats]
            if table.screen_key:
                socks.append(kind(self, table, "screen", None))
            self.by_table[table.table_id] = socks
            self.socks.extend(socks)
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

    def hosts(self) -> list[Sock]:
        return [socks[0] for socks in self.by_table.values()]

    async def host_all(self, event: str, card: int) -> None:
        acks = await asyncio.gather(*(h.call(event, {}, timeout=60) for h in self.hosts()))
        bad = [a for a in acks if not (isinstance(a, dict) and a.get("ok"))]
        if bad:
            raise RuntimeError(f"{event}: {len(bad)} refused, e.g. {bad[0]}")
        if not await self.wait("open", card, 60):
            raise RuntimeError(f"{event}: not every socket saw card {card} open")

    async def wait_quiet(self, server: Server) -> float:
        """Wait (bounded) until nothing else on the machine uses more than 5 % of a core: other
        sessions' test runs share these 2 cores and would disturb the burst. Returns the wait."""
        started = time.monotonic()
        while time.monotonic() - started < self.args.quiet_timeout:
            busy0, cpu0, u0 = machine_busy_s(), server.cpu_s(), resource.getrusage(resource.RUSAGE_SELF)
            await asyncio.sleep(2.0)
            busy1, cpu1, u1 = machine_busy_s(), server.cpu_s(), resource.getrusage(resource.RUSAGE_SELF)
            own = (cpu1 - cpu0) + (u1.ru_utime + u1.ru_stime) - (u0.ru_utime + u0.ru_stime)
            if (busy1 - busy0) - own < 0.1:
                break
        return time.monotonic() - started

    async def burst(self, card: int, window: float, rng: random.Random, server: Server) -> dict[str, Any]:
        seats = [s for s in self.socks if s.seat is not None]
        values = CARD_VALUES[card]
        plan = [(s, rng.uniform(0, window), values(rng, i)) for i, s in enumerate(seats)]
        self.waiter("ack", card)
        self.waiter("reveal", card)
        busy0, cpu0, usage0 = machine_busy_s(), server.cpu_s(), resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter() + 0.05

        async def one(sock: Sock, offset: float, value: Any) -> None:
            await asyncio.sleep(max(0.0, start + offset - time.perf_counter()))
            await sock.submit(card, value)

        await asyncio.gather(*(one(*item) for item in plan))
        budget = window + self.args.round_timeout
        acks_ok = await self.wait("ack", card, budget)
        reveals_ok = await self.wait("reveal", card, budget)
        wall = time.perf_counter() - start
        busy1, cpu1, usage1 = machine_busy_s(), server.cpu_s(), resource.getrusage(resource.RUSAGE_SELF)
        result = self._score(card, wall, cpu1 - cpu0, usage0, usage1, acks_ok and reveals_ok)
        # Anything else running on the machine during the burst competes for the 2 cores.
        result["other_cpu_s"] = max(0.0, (busy1 - busy0) - result["server_cpu_s"] - result["client_cpu_s"])
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


# -- one run ---------------------------------------------------------------------------------


def start_profiler(server: Server, out: str) -> subprocess.Popen[bytes] | None:
    exe = shutil.which(
        "py-spy", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    )
    if not exe:
        print("  (py-spy not found: no profile)")
        return None
    command = [exe, "record", "--pid", str(server.pid), "--rate", "200", "--format", "raw", "-o", out]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_profiler(proc: subprocess.Popen[bytes] | None) -> None:
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


async def play(server: Server, tables: list[TableInfo], args: argparse.Namespace, label: str) -> dict:
    load = Load(server.url, tables, args)
    result: dict[str, Any] = {"label": label, "rounds": []}
    time.sleep(0.5)
    result["rss_before_kib"] = rss0 = server.rss_kib()
    try:
        result["connect_s"] = await load.connect_all(args.connect_concurrency)
        await asyncio.sleep(1.0)
        result["rss_connected_kib"] = rss1 = server.rss_kib()
        result["connections"] = len(load.socks)
        result["kib_per_connection"] = (rss1 - rss0) / len(load.socks)
        print(
            f"  {len(load.socks)} sockets connected in {result['connect_s']:.1f} s; "
            f"RSS {rss0 / 1024:.1f} → {rss1 / 1024:.1f} MiB = "
            f"{result['kib_per_connection']:.1f} KiB/connection"
        )
        await load.host_all("start_game", 0)
        await asyncio.sleep(args.settle)
        rng = random.Random(args.seed)
        profiler = None
        if args.py_spy:
            profiler = start_profiler(server, f"{args.py_spy}-{label}.txt")
            await asyncio.sleep(1.0)
        try:
            for card in range(args.rounds):
                if card:
                    await load.host_all("next_card", card)
                    await asyncio.sleep(args.settle)
                if args.quiet_timeout:
                    waited = await load.wait_quiet(server)
                    if waited > 3:
                        print(f"  (waited {waited:.0f} s for other processes to leave the CPU)")
                r = await load.burst(card, args.window, rng, server)
                r["disturbed"] = r["other_cpu_s"] > 0.1 * r["wall_s"]
                result["rounds"].append(r)
                print(
                    f"  round {card + 1} (card {card}): {r['answers']} answers, {r['acked_ok']} acked ok, "
                    f"{'CORRECT' if r['correct'] else 'NOT CORRECT'}; server CPU {r['server_cpu_s']:.2f} s, "
                    f"load generator CPU {r['client_cpu_s']:.2f} s, "
                    f"other processes {r['other_cpu_s']:.2f} s, "
                    f"over {r['wall_s']:.2f} s"
                )
                if r["disturbed"]:
                    print(
                        "    WARNING: other processes used the CPU during this burst; figures are disturbed"
                    )
                print(f"    ack     {fmt(r['ack'])}")
                print(f"    reveal  {fmt(r['reveal'])}")
                if not r["correct"]:
                    print(
                        f"    missing acks {r['missing_acks']}, refused {r['not_ok_acks']}, missing reveals "
                        f"{r['missing_reveals']}, wrong n {r['wrong_n']}, "
                        f"early {r['reveal_before_last_send']}; "
                        f"{r['errors']}"
                    )
        finally:
            stop_profiler(profiler)
        result["rss_after_kib"] = server.rss_kib()
        result["unexpected_disconnects"] = load.unexpected_disconnects
    finally:
        await load.close()
    # Pool the rounds nothing else disturbed (all of them if every round was disturbed).
    clean = [r for r in result["rounds"] if not r["disturbed"]] or result["rounds"]
    result["pooled_rounds"] = [r["card"] + 1 for r in clean]
    result["disturbed_rounds"] = sum(1 for r in result["rounds"] if r["disturbed"])
    all_ack = [v for r in clean for v in _raw(load, "ack", r["card"])]
    all_rev = [v for r in clean for v in _raw(load, "reveal", r["card"])]
    result["ack_all"] = summary(all_ack)
    result["reveal_all"] = summary(all_rev)
    result["correct"] = bool(result["rounds"]) and all(r["correct"] for r in result["rounds"])
    result["correct"] = result["correct"] and not result["unexpected_disconnects"]
    return result


def _raw(load: Load, kind: str, card: int) -> list[float]:
    out = []
    for socks in load.by_table.values():
        seats = [s for s in socks if s.seat is not None]
        if kind == "ack":
            out += [s.acked[card][0] - s.sent[card] for s in seats if card in s.acked and card in s.sent]
        else:
            if not all(card in s.sent for s in seats):
                continue
            last = max(s.sent[card] for s in seats)
            out += [s.revealed[card][0] - last for s in socks if card in s.revealed]
    return out


def run_one(kind: str, args: argparse.Namespace, instance_root: Path, label: str) -> dict:
    instance = Path(tempfile.mkdtemp(prefix=f"kk-bench-{label}-", dir=instance_root))
    server = Server(kind, args, instance)
    print(
        f"\n== {label}: {kind} server, mode {args.mode}, ws {args.ws}"
        f"{', TCP_NODELAY' if args.tcp_nodelay else ''}, instance {instance}"
        + (", DATABASE_URL set" if kind == "app" and args.database_url else "")
    )
    try:
        server.start()
        started = time.perf_counter()
        if kind == "app":
            tables = setup_app(server, args.tables, args.players, not args.no_screens, args.setup_workers)
        else:
            tables = setup_bare(args.tables, args.players, not args.no_screens)
        print(
            f"  set-up: {args.tables} tables x {args.players} players "
            f"in {time.perf_counter() - started:.1f} s"
        )
        result = asyncio.run(asyncio.wait_for(play(server, tables, args, label), args.max_seconds))
        result.update(
            kind=kind,
            mode=args.mode,
            ws=args.ws,
            client=args.client,
            tcp_nodelay=args.tcp_nodelay,
            instance=str(instance),
            database="postgresql"
            if (kind == "app" and args.database_url)
            else ("sqlite" if kind == "app" else "none"),
        )
        print(f"  rounds {result['pooled_rounds']} pooled ({result['disturbed_rounds']} disturbed):")
        print(f"              ack {fmt(result['ack_all'])}")
        print(f"              reveal {fmt(result['reveal_all'])}")
        print(f"  correct: {result['correct']}  (unexpected disconnects: {result['unexpected_disconnects']})")
        return result
    finally:
        server.stop()
        errors = [line for line in server.output().splitlines() if "Traceback" in line or "ERROR" in line]
        if errors:
            print(f"  server log has {len(errors)} error line(s); see {server.log_path}")
        if not args.keep:
            shutil.rmtree(instance, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=50)
    parser.add_argument("--players", type=int, default=6, help="players per table, host included")
    parser.add_argument("--rounds", type=int, default=3, help="bursts, one per card (at most 4)")
    parser.add_argument("--window", type=float, default=1.0, help="seconds over which the answers are spread")
    parser.add_argument("--mode", default="gevent", choices=("gevent", "eventlet", "threading"))
    parser.add_argument(
        "--ws",
        default="simple",
        choices=("simple", "installed"),
        help="simple: make gevent-websocket unimportable in the server, as in an install "
        "from pyproject.toml; installed: whatever this venv has",
    )
    parser.add_argument(
        "--client",
        default="socketio",
        choices=("socketio", "raw"),
        help="socketio: python-socketio AsyncClients; raw: a minimal Socket.IO client on "
        "aiohttp WebSockets (several times less CPU per message, for large runs)",
    )
    parser.add_argument(
        "--tcp-nodelay",
        action="store_true",
        help="TCP_NODELAY on the bare server's listening socket (gevent only); the app sets it "
        "itself since the hot-path rework, so for the app this only matters for older code",
    )
    parser.add_argument(
        "--database-url", help="e.g. postgresql://... (default: SQLite in the instance folder)"
    )
    parser.add_argument(
        "--instance-root",
        default=tempfile.gettempdir(),
        help="where the fresh instance folder (and SQLite file) is made",
    )
    parser.add_argument("--compare-bare", action="store_true", help="also run bare_server.py (the floor)")
    parser.add_argument(
        "--compare-shm", action="store_true", help="also run the app with its SQLite on /dev/shm"
    )
    parser.add_argument("--skip-app", action="store_true", help="only the --compare-* runs")
    parser.add_argument("--no-screens", action="store_true", help="no table-screen socket per table")
    parser.add_argument(
        "--py-spy", metavar="PREFIX", help="profile the server during the rounds (raw stacks)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--settle", type=float, default=1.0, help="pause before each burst")
    parser.add_argument("--round-timeout", type=float, default=60.0)
    parser.add_argument(
        "--quiet-timeout",
        type=float,
        default=600.0,
        help="before each burst, wait up to this long for other processes to go idle (0: don't)",
    )
    parser.add_argument("--connect-concurrency", type=int, default=50)
    parser.add_argument("--setup-workers", type=int, default=16)
    parser.add_argument("--max-seconds", type=float, default=1200.0, help="hard limit per run")
    parser.add_argument("--app-root", default=str(ROOT), help="the KoersKaart source tree to serve")
    parser.add_argument("--git-ref", help="serve `git archive REF` of this repository instead (e.g. HEAD)")
    parser.add_argument("--json", help="write all figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep instance folders (server logs)")
    args = parser.parse_args(argv)
    snapshot = None
    if args.git_ref:
        # Measure committed code, not a working tree that may be mid-edit.
        snapshot = Path(tempfile.mkdtemp(prefix="kk-bench-src-"))
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.git_ref], check=True, capture_output=True
        )
        subprocess.run(["tar", "-x", "-C", str(snapshot)], input=archive.stdout, check=True)
        args.app_root = snapshot
    args.app_root = Path(args.app_root).resolve()
    try:
        return _main(parser, args)
    finally:
        if snapshot:
            shutil.rmtree(snapshot, ignore_errors=True)


def _git(*cmd: str) -> str:
    done = subprocess.run(["git", "-C", str(ROOT), *cmd], capture_output=True, text=True)
    return done.stdout.strip()


def _describe(args: argparse.Namespace) -> str:
    if args.git_ref:
        return f"git archive of {args.git_ref} = {_git('rev-parse', '--short', args.git_ref)}"
    if args.app_root != ROOT.resolve():
        return str(args.app_root)
    dirty = (
        " + uncommitted changes" if _git("status", "--porcelain", "--", "koerskaart", "migrations") else ""
    )
    return f"working tree at {_git('rev-parse', '--short', 'HEAD')}{dirty}"


def _main(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if not 1 <= args.rounds <= len(CARD_VALUES):
        parser.error(f"--rounds must be 1..{len(CARD_VALUES)} (the test deck's answerable cards)")
    if args.players < 3:
        parser.error("--players must be at least 3 (k = 3: fewer never reveal)")
    if args.mode == "threading" and args.compare_bare:
        parser.error("the bare server runs gevent or eventlet only")

    print(
        f"burst: {args.tables} tables x {args.players} players"
        f"{'' if args.no_screens else ' + 1 screen per table'}, {args.rounds} rounds, "
        f"window {args.window} s; client {args.client}; {os.cpu_count()} CPUs; "
        f"Python {sys.version.split()[0]}"
    )
    args.source = _describe(args)
    print(f"app source: {args.source}")
    results = [] if args.skip_app else [run_one("app", args, Path(args.instance_root), "app")]
    if args.compare_shm:
        results.append(run_one("app", args, Path("/dev/shm"), "app-shm"))
    if args.compare_bare:
        results.append(run_one("bare", args, Path(args.instance_root), "bare"))

    print("\n== summary (ms; reveal = last submission sent → table_updated round_revealed at each socket)")
    print(
        f"{'run':10} {'conns':>6} {'KiB/conn':>9} {'ack p50':>8} {'ack p99':>8} {'rev p50':>8} "
        f"{'rev p95':>8} {'rev p99':>8} {'rev max':>8}  correct  disturbed"
    )
    for r in results:
        print(
            f"{r['label']:10} {r['connections']:6d} {r['kib_per_connection']:9.1f} "
            f"{r['ack_all']['p50']:8.1f} "
            f"{r['ack_all']['p99']:8.1f} {r['reveal_all']['p50']:8.1f} {r['reveal_all']['p95']:8.1f} "
            f"{r['reveal_all']['p99']:8.1f} {r['reveal_all']['max']:8.1f}  {r['correct']!s:7}  "
            f"{r['disturbed_rounds']}/{len(r['rounds'])}"
        )
    by = {r["label"]: r for r in results}
    if "bare" in by and "app" in by:
        floor = by["bare"]["reveal_all"]["p99"]
        print(f"overhead vs bare python-socketio (reveal p99): {by['app']['reveal_all']['p99'] / floor:.1f}x")
    if "app-shm" in by and "app" in by:
        shm = by["app-shm"]["reveal_all"]["p99"]
        print(f"SQLite on disk vs /dev/shm (reveal p99): {by['app']['reveal_all']['p99'] / shm:.2f}x")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"args": vars(args), "results": results}, indent=2, default=str)
        )
    return 0 if all(r["correct"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
