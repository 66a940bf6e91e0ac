"""Conference benchmark: T tables x P phones, a facilitator's dashboard and the big screen, paced together.

    python benchmarks/conference.py                      # 60 tables x 6, 4 rounds (make bench-conference)
    python benchmarks/conference.py --tables 6 --rounds 2
    python benchmarks/conference.py --git-ref HEAD --json conference.json
    python benchmarks/conference.py --processes 2 --postgres     # needs benchmarks/common.py

What it does (one server process started here as benchmarks/burst.py starts it; with
``--processes N``, N of them sharing PostgreSQL and a Redis queue, through common.Cluster):

1. Set-up over HTTP, not timed. A facilitator account (``flask users create`` on the
   server's database, as an operator does), a login with its CSRF token, an event with
   synchronised pacing ("Samen"), T named tables of P and harvest moments (``--harvest``)
   through the same forms as the browser; the event code from the printed QR sheet and the
   big screen's key from the dashboard's link. Then T x P participants join at ``/e`` with
   the code, each in its own cookie jar, and are seated by the server (the join rate limit is
   raised through the environment).
2. Sockets, all in this asyncio process (benchmarks/conference_client.py, a raw Socket.IO
   client on aiohttp that offers permessage-deflate as Chromium does, ``--no-compress`` to
   not): the dashboard on /conference with the facilitator's session cookie, the big screen
   by its key, every phone on /play with its seat cookie. With N processes the dashboard
   is on the first, the big screen on the last, and a table's phones alternate between them.
   Server VmRSS (summed over the processes) before and after the phones connect gives memory
   per connection; after the rounds a second socket per phone, offering compression the
   other way, gives the same figure without it (``--no-memory-both`` skips that).
3. Rounds, one per card (the test deck's answerable cards 0-3):
   - open: the dashboard sends ``show_card``; measured from sending it to each phone's
     ``table_updated`` with that card's round open, and to each table's dashboard row;
     the dashboard then puts the card on the big screen (``show_on_screen``, not timed);
   - answer: every phone answers at a random moment within ``--window`` seconds. Measured:
     the ack of each ``submit_answer``; the reveal at every phone of a table from the table's
     last answer being sent; the dashboard, from the j-th answer sent at a table to the first
     dashboard message that shows j answers (a ``dashboard_count``, or the table's row; the
     revealed row for the last); on cards that are no harvest moment, the automatic release
     to the big screen, from the j-th table's last answer sent (tables in that order) to the
     screen's ``plenary_updated`` covering j tables;
   - release (harvest cards): the dashboard sends ``release_harvest``; measured from sending
     it to the big screen's ``plenary_updated`` (and the dashboard's ``plenary_released``).
   Checked: every answer acknowledged ok, every reveal with n = P at every phone, every
   table's row open and revealed on the dashboard, the big screen's last figure for the card
   covering all T tables and T x P answers, no socket dropped.
   Server CPU per answer is the servers' CPU time during the answer phase over its answers
   (and, apart, that of the PostgreSQL and Redis this benchmark started).

Every wait is bounded (``--round-timeout``, ``--max-seconds``); the servers are always stopped.
Benchmarks are never tests: on a shared machine, a round during which other processes used
the CPU is flagged and left out of the pooled figures (unless every round was).
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
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # also when imported from elsewhere

from burst import (
    CARD_VALUES,
    fmt,
    machine_busy_s,
    start_profiler,
    stop_profiler,
    summary,
)
from common import Cluster, Postgres, Redis, add_run_options, app_source
from conference_client import RawClient

ROOT = Path(__file__).resolve().parents[1]
PLAY, CONFERENCE = "/play", "/conference"
EMAIL = "facilitator@bench.example"
PASSWORD = "bench-conference-password"  # at least 12 characters; a throw-away database
TARGETS_MS = {"open": 300.0, "reveal": 100.0, "dashboard": 1000.0, "harvest": 300.0}
TARGET_KIB_PER_CONNECTION = 100.0
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


# -- the server processes ------------------------------------------------------------------------


def make_cluster(args: argparse.Namespace, instance: Path, postgres: Any, redis: Any) -> Any:
    """The run's server processes (one, or N on PostgreSQL and Redis)."""
    database_url = postgres.new_database(f"kk_conference_{os.getpid()}") if postgres else None
    queue = redis if args.processes > 1 else None
    infra = [x for x in (postgres, queue) if x is not None]
    return Cluster(
        "app",
        args,
        instance,
        args.processes,
        database_url=database_url,
        redis_url=queue.url if queue else None,
        infra=infra,
    )


# -- set-up over HTTP (not timed) ------------------------------------------------------------


@dataclass
class Seat:
    index: int
    table_id: str
    cookie: str  # every cookie of the participant's jar, as a browser sends them


@dataclass
class Event:
    event_id: str
    code: str
    screen_key: str
    facilitator_cookie: str
    seats: list[Seat] = field(default_factory=list)

    @property
    def tables(self) -> dict[str, list[Seat]]:
        out: dict[str, list[Seat]] = {}
        for seat in self.seats:
            out.setdefault(seat.table_id, []).append(seat)
        return out


def _csrf(http: Any, url: str) -> str:
    page = http.get(url, timeout=30).text
    match = CSRF.search(page)
    if not match:
        raise RuntimeError(f"no csrf_token on {url}")
    return match.group(1) or match.group(2)


def _cookies(http: Any) -> str:
    return "; ".join(f"{name}={value}" for name, value in http.cookies.items())


def _expect_redirect(response: Any, what: str) -> str:
    if response.status_code != 302:
        raise RuntimeError(f"{what}: {response.status_code} {response.text[:300]}")
    return str(response.headers["Location"])


def create_account(env: dict[str, str], app_root: Path) -> None:
    """`flask users create` against the server's own database, as an operator would run it."""
    command = [sys.executable, "-m", "flask", "--app", "koerskaart", "users", "create", "--email", EMAIL]
    command += ["--organisation", "Benchmark", "--role", "facilitator", "--password-stdin"]
    done = subprocess.run(
        command,
        cwd=app_root,
        env=env,
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask users create failed:\n{done.stdout}{done.stderr}")


def create_event(url: str, tables: int, players: int, harvest: list[int]) -> Event:
    """Log in, create a synchronised event with named tables, mark its harvest cards."""
    import requests

    http = requests.Session()
    data = {"csrf_token": _csrf(http, url + "/login"), "email": EMAIL, "password": PASSWORD}
    _expect_redirect(http.post(url + "/login", data=data, allow_redirects=False, timeout=30), "login")
    data = {
        "csrf_token": _csrf(http, url + "/events/new"),
        "name": "Benchmarkdag",
        "held_on": time.strftime("%Y-%m-%d"),
        "deck": "proefdeck",
        "target_size": str(players),
        "pacing": "synchronised",
        "tables": "\n".join(f"Tafel {i + 1}" for i in range(tables)),
    }
    response = http.post(url + "/events/new", data=data, allow_redirects=False, timeout=60)
    event_id = _expect_redirect(response, "POST /events/new").split("/events/", 1)[1].split("/", 1)[0]
    prepare = f"{url}/events/{event_id}/prepare"
    form = [("csrf_token", _csrf(http, prepare))] + [("cards", str(card)) for card in harvest]
    _expect_redirect(http.post(prepare, data=form, allow_redirects=False, timeout=60), "harvest moments")
    # The big screen's key from the dashboard's link, the code from the printed QR sheet.
    page = http.get(f"{url}/events/{event_id}", timeout=60).text
    key = re.search(rf'href="/events/{re.escape(event_id)}/screen#([\w-]+)"', page)
    sheet = http.get(f"{url}/events/{event_id}/qr", timeout=120).text
    code = re.search(r'data-testid="qr-code">\s*([0-9A-Z-]+)\s*<', sheet)
    if not key or not code:
        raise RuntimeError("no big-screen link on the dashboard or no code on the QR sheet")
    return Event(event_id, code.group(1), key.group(1), _cookies(http))


def join_event(base: str, code: str, index: int) -> Seat:
    """A participant at /e: the code, a nickname, no perspective; seated by the server."""
    import requests

    http = requests.Session()
    url = base + "/e"
    data = {
        "csrf_token": _csrf(http, url),
        "code": code,
        "nickname": f"Speler {index + 1}",
        "perspective": "",
    }
    location = _expect_redirect(http.post(url, data=data, allow_redirects=False, timeout=60), "POST /e")
    return Seat(index, location.rstrip("/").rsplit("/", 1)[-1], _cookies(http))


def setup(cluster: Any, args: argparse.Namespace) -> Event:
    """Everything over HTTP, on the first process."""
    url = cluster.urls[0]
    create_account(cluster.servers[0].env, args.app_root)
    event = create_event(url, args.tables, args.players, args.harvest)
    with ThreadPoolExecutor(max_workers=args.setup_workers) as pool:
        event.seats = list(
            pool.map(lambda i: join_event(url, event.code, i), range(args.tables * args.players))
        )
    sizes = sorted(len(seats) for seats in event.tables.values())
    if sizes != [args.players] * args.tables:
        raise RuntimeError(f"seated unevenly: {len(sizes)} tables of {sorted(set(sizes))}")
    return event


# -- the sockets -------------------------------------------------------------------------------


class Counters:
    """Arrivals per key; a bounded wait until a key reaches a target."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, int], int] = defaultdict(int)
        self.waiting: dict[tuple[str, int], tuple[int, asyncio.Event]] = {}

    def hit(self, kind: str, card: int) -> None:
        key = (kind, card)
        self.counts[key] += 1
        waiting = self.waiting.get(key)
        if waiting is not None and self.counts[key] >= waiting[0]:
            waiting[1].set()

    async def wait(self, kind: str, card: int, target: int, deadline: float) -> bool:
        key = (kind, card)
        if self.counts[key] >= target:
            return True
        event = asyncio.Event()
        self.waiting[key] = (target, event)
        try:
            await asyncio.wait_for(event.wait(), max(0.0, deadline - time.perf_counter()))
        except TimeoutError:
            pass
        finally:
            self.waiting.pop(key, None)
        return self.counts[key] >= target


class Phone:
    """A participant's phone on /play: when each card opened and revealed, its answers and acks."""

    def __init__(self, run: Run, seat: Seat, url: str, compress: bool, counted: bool = True) -> None:
        self.run = run
        self.seat = seat
        self.counted = counted  # False: a second socket for the memory figure, which only listens
        self.joined = False
        self.opened: dict[int, float] = {}
        self.revealed: dict[int, tuple[float, Any]] = {}
        self.sent: dict[int, float] = {}
        self.acked: dict[int, tuple[float, Any]] = {}
        self.client = RawClient(
            run.http,
            url,
            PLAY,
            {"table": seat.table_id, "as": "seat"},
            seat.cookie,
            self.on_event,
            run.on_close,
            compress=compress,
        )

    def on_event(self, name: str, payload: Any, now: float) -> None:
        if not self.counted:
            self.joined = self.joined or name == "table_joined"
        elif name == "table_updated":
            current = payload.get("round") or {}
            card, status = current.get("card_index"), current.get("status")
            if card is None:
                return
            if status == "open" and card not in self.opened:
                self.opened[card] = now
                self.run.counters.hit("open", card)
            elif status == "revealed" and card not in self.revealed:
                self.revealed[card] = (now, (current.get("result") or {}).get("n"))
                self.run.counters.hit("reveal", card)
        elif name == "table_joined":
            self.joined = True
        elif name in ("seat_moved", "seat_removed"):
            self.run.surprises.append(name)

    def on_ack(self, card: int, ack: Any) -> None:
        self.acked[card] = (time.perf_counter(), ack)
        self.run.counters.hit("ack", card)

    async def answer(self, card: int, value: Any) -> None:
        self.sent[card] = time.perf_counter()
        payload = {"card_index": card, "value": value}
        await self.client.emit("submit_answer", payload, lambda ack: self.on_ack(card, ack))


class Dashboard:
    """The facilitator's dashboard on /conference: when each table's row showed what."""

    def __init__(self, run: Run, event: Event) -> None:
        self.run = run
        self.joined: dict[str, Any] | None = None
        self.card_of: dict[str, int | None] = {}  # each table's card, from its latest row
        self.open_at: dict[tuple[str, int], float] = {}
        self.revealed_at: dict[tuple[str, int], float] = {}
        self.count_at: dict[tuple[str, int], dict[int, float]] = defaultdict(dict)  # j -> first seen
        self.released: dict[int, tuple[float, Any]] = {}
        self.client = RawClient(
            run.http,
            run.urls[0],
            CONFERENCE,
            {"event": event.event_id, "as": "dashboard"},
            event.facilitator_cookie,
            self.on_event,
            run.on_close,
            compress=run.args.compress,
        )

    def on_event(self, name: str, payload: Any, now: float) -> None:
        if name == "dashboard_count":
            card = self.card_of.get(payload["id"])
            if card is not None:
                self._count(payload["id"], card, payload["answered"], now)
        elif name == "dashboard_table":
            self._row(payload, now)
        elif name == "dashboard_tables":
            for row in payload["tables"]:
                self._row(row, now)
        elif name == "plenary_released":
            card = payload["card_index"]
            if card not in self.released:
                self.released[card] = (now, payload)
                self.run.counters.hit("dash_release", card)
        elif name == "event_joined":
            self.joined = payload
            for row in payload["tables"]:
                self._row(row, now)

    def _row(self, row: dict[str, Any], now: float) -> None:
        table, card = row["id"], row.get("card_index")
        self.card_of[table] = card
        if card is None:
            return
        key = (table, card)
        if row.get("round") == "open":
            if key not in self.open_at:
                self.open_at[key] = now
                self.run.counters.hit("dash_open", card)
            if row.get("answered") is not None:
                self._count(table, card, row["answered"], now)
        elif row.get("round") == "revealed":
            if key not in self.revealed_at:
                self.revealed_at[key] = now
                self.run.counters.hit("dash_reveal", card)
            self._count(table, card, self.run.args.players, now)  # it revealed: everyone answered

    def _count(self, table: str, card: int, answered: int, now: float) -> None:
        seen = self.count_at[(table, card)]
        for j in range(1, answered + 1):
            seen.setdefault(j, now)


class BigScreen:
    """The plenary screen on /conference, by its key: every figure it was shown, when."""

    def __init__(self, run: Run, event: Event) -> None:
        self.run = run
        self.joined: dict[str, Any] | None = None
        self.shown: dict[int, list[tuple[float, dict[str, Any]]]] = defaultdict(list)
        self.client = RawClient(
            run.http,
            run.urls[-1],  # with several processes, not the dashboard's
            CONFERENCE,
            {"event": event.event_id, "as": "screen", "key": event.screen_key},
            None,
            self.on_event,
            run.on_close,
            compress=run.args.compress,
        )

    def on_event(self, name: str, payload: Any, now: float) -> None:
        if name == "plenary_updated" and payload.get("result") is not None:
            card, result = payload["card_index"], payload["result"]
            shown = self.shown[card]
            # event_updated repeats the card's latest release to the screen: count each once.
            if not shown or shown[-1][1] != result:
                shown.append((now, result))
                self.run.counters.hit("plenary", card)
                if result.get("tables") == self.run.args.tables and result.get("n") == self.run.total:
                    self.run.counters.hit("plenary_total", card)
        elif name == "event_joined":
            self.joined = payload


# -- CPU accounting ------------------------------------------------------------------------------


class Meter:
    """CPU over one phase: the server processes, the PostgreSQL and Redis this benchmark started
    (if any), this load generator, and everything else on the machine."""

    def __init__(self, cluster: Any) -> None:
        self.cluster = cluster
        self.wall0 = time.perf_counter()
        self.busy0 = machine_busy_s()
        self.server0 = cluster.server_cpu_s()
        self.infra0 = cluster.infra_cpu_s()
        self.own0 = _own_cpu_s()

    def stop(self) -> dict[str, Any]:
        server = self.cluster.server_cpu_s() - self.server0
        infra1 = self.cluster.infra_cpu_s()
        infra = infra1 - self.infra0 if infra1 is not None and self.infra0 is not None else None
        own = _own_cpu_s() - self.own0
        busy = machine_busy_s() - self.busy0
        wall = time.perf_counter() - self.wall0
        return {
            "wall_s": wall,
            "server_cpu_s": server,
            "infra_cpu_s": infra,
            "client_cpu_s": own,
            "other_cpu_s": max(0.0, busy - server - own - (infra or 0.0)),
        }


def _own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def wait_quiet(cluster: Any, timeout: float) -> float:
    """Wait (bounded) until nothing else on the machine uses more than 5 % of a core: other
    sessions share these cores and would disturb the round. Returns the wait. (As burst.py's
    Load.wait_quiet, which is a method of burst's own load.)"""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        meter = Meter(cluster)
        await asyncio.sleep(2.0)
        if meter.stop()["other_cpu_s"] < 0.1:
            break
    return time.monotonic() - started


# -- one run -------------------------------------------------------------------------------------


class Run:
    """Every socket of the run, and the rounds played over them."""

    def __init__(self, cluster: Any, event: Event, args: argparse.Namespace) -> None:
        self.cluster = cluster
        self.urls: list[str] = cluster.urls
        self.event = event
        self.args = args
        self.total = args.tables * args.players
        self.counters = Counters()
        self.closing = False
        self.unexpected_disconnects = 0
        self.surprises: list[str] = []
        self.http: Any = None
        self.phones: list[Phone] = []
        self.extra: list[Phone] = []  # the second sockets of memory_other_way
        self.by_table: dict[str, list[Phone]] = {}
        self.dashboard: Dashboard | None = None
        self.screen: BigScreen | None = None

    def on_close(self) -> None:
        if not self.closing:
            self.unexpected_disconnects += 1

    async def connect(self) -> dict[str, Any]:
        import aiohttp

        self.http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0), cookie_jar=aiohttp.DummyCookieJar()
        )
        dashboard = self.dashboard = Dashboard(self, self.event)
        screen = self.screen = BigScreen(self, self.event)
        await dashboard.client.connect()
        await screen.client.connect()
        if not await _until(lambda: dashboard.joined is not None and screen.joined is not None, 30):
            raise RuntimeError("the dashboard or the big screen got no event_joined")
        await asyncio.sleep(0.5)
        out: dict[str, Any] = {"rss_before_kib": self.cluster.rss_kib()}
        for seat in self.event.seats:
            phone = Phone(self, seat, self._url_of(seat), self.args.compress)
            self.phones.append(phone)
            self.by_table.setdefault(seat.table_id, []).append(phone)
        out["connect_s"] = await self._connect_phones(self.phones)
        await asyncio.sleep(1.0)
        out["rss_connected_kib"] = self.cluster.rss_kib()
        out["phones"] = len(self.phones)
        out["kib_per_connection"] = (out["rss_connected_kib"] - out["rss_before_kib"]) / len(self.phones)
        clients = [p.client for p in self.phones] + [self.dashboard.client, self.screen.client]
        out["sockets"] = len(clients)
        out["compression_offered"] = self.args.compress
        out["compression_accepted"] = sum(1 for c in clients if c.negotiated)
        return out

    def _url_of(self, seat: Seat) -> str:
        """With several processes, a table's phones alternate between them."""
        place = sum(1 for other in self.event.tables[seat.table_id] if other.index < seat.index)
        return self.urls[place % len(self.urls)]

    async def _connect_phones(self, phones: list[Phone]) -> float:
        gate = asyncio.Semaphore(self.args.connect_concurrency)

        async def one(phone: Phone) -> None:
            async with gate:
                await phone.client.connect()

        started = time.perf_counter()
        await asyncio.gather(*(one(p) for p in phones))
        if not await _until(lambda: all(p.joined for p in phones), 30):
            raise RuntimeError(f"{sum(not p.joined for p in phones)} phones got no table_joined")
        return time.perf_counter() - started

    async def memory_other_way(self) -> dict[str, Any]:
        """Memory per connection the other way (compression not offered if it was, and the
        reverse): after the rounds, a second socket per phone (a second tab), which only listens."""
        await asyncio.sleep(1.0)
        before = self.cluster.rss_kib()
        self.extra = [
            Phone(self, seat, self._url_of(seat), not self.args.compress, counted=False)
            for seat in self.event.seats
        ]
        await self._connect_phones(self.extra)
        await asyncio.sleep(1.0)
        after = self.cluster.rss_kib()
        return {
            "compression_offered": not self.args.compress,
            "compression_accepted": sum(1 for p in self.extra if p.client.negotiated),
            "sockets": len(self.extra),
            "rss_before_kib": before,
            "rss_connected_kib": after,
            "kib_per_connection": (after - before) / len(self.extra),
        }

    async def steer(self, event: str, payload: dict[str, Any]) -> tuple[float, Any]:
        """The dashboard sends an event; returns when it was sent and the (bounded) ack."""
        assert self.dashboard is not None
        sent = time.perf_counter()
        ack = await self.dashboard.client.call(event, payload, self.args.round_timeout)
        if not (isinstance(ack, dict) and ack.get("ok")):
            raise RuntimeError(f"{event} {payload}: refused {ack}")
        return sent, ack

    async def round(self, card: int, rng: random.Random) -> dict[str, Any]:
        args, tables, phones = self.args, len(self.by_table), len(self.phones)
        harvest = card in args.harvest
        result: dict[str, Any] = {"card": card, "harvest": harvest, "timeouts": []}

        def waited(ok: bool, what: str) -> None:
            if not ok:
                result["timeouts"].append(what)

        # open: the facilitator opens the card at every table at once.
        meter = Meter(self.cluster)
        shown_at, _ack = await self.steer("show_card", {"card_index": card})
        deadline = time.perf_counter() + args.round_timeout
        waited(await self.counters.wait("open", card, phones, deadline), "open at every phone")
        waited(await self.counters.wait("dash_open", card, tables, deadline), "open on the dashboard")
        result["open_cpu"] = meter.stop()
        await self.steer("show_on_screen", {"card_index": card})
        await asyncio.sleep(args.settle)

        # answer: everyone within the window.
        values = CARD_VALUES[card]
        plan = [(p, rng.uniform(0, args.window), values(rng, i)) for i, p in enumerate(self.phones)]
        meter = Meter(self.cluster)
        start = time.perf_counter() + 0.05

        async def one(phone: Phone, offset: float, value: Any) -> None:
            await asyncio.sleep(max(0.0, start + offset - time.perf_counter()))
            await phone.answer(card, value)

        await asyncio.gather(*(one(*item) for item in plan))
        deadline = time.perf_counter() + args.round_timeout
        waited(await self.counters.wait("ack", card, phones, deadline), "acks")
        waited(await self.counters.wait("reveal", card, phones, deadline), "reveal at every phone")
        waited(await self.counters.wait("dash_reveal", card, tables, deadline), "reveal on the dashboard")
        if not harvest:
            waited(await self.counters.wait("plenary_total", card, 1, deadline), "automatic release")
        result["answer_cpu"] = meter.stop()

        # release: the harvest's result to the room.
        released_at = None
        if harvest:
            meter = Meter(self.cluster)
            released_at, _ack = await self.steer("release_harvest", {"card_index": card})
            deadline = time.perf_counter() + args.round_timeout
            waited(await self.counters.wait("plenary", card, 1, deadline), "release on the big screen")
            waited(await self.counters.wait("dash_release", card, 1, deadline), "release on the dashboard")
            result["release_cpu"] = meter.stop()
        result.update(self.score(card, shown_at, released_at))
        result["correct"] = result["correct"] and not result["timeouts"]
        return result

    def score(self, card: int, shown_at: float, released_at: float | None) -> dict[str, Any]:
        assert self.dashboard is not None and self.screen is not None
        p = self.args.players
        lat: dict[str, list[float]] = defaultdict(list)
        problems: dict[str, int] = defaultdict(int)
        last_sent: dict[str, float] = {}
        for table, phones in self.by_table.items():
            sends = sorted(ph.sent[card] for ph in phones if card in ph.sent)
            if len(sends) != len(phones):
                problems["not_sent"] += len(phones) - len(sends)
                continue
            last_sent[table] = sends[-1]
            for ph in phones:
                if card in ph.opened:
                    lat["open"].append(ph.opened[card] - shown_at)
                else:
                    problems["not_opened"] += 1
                if card in ph.acked:
                    at, ack = ph.acked[card]
                    lat["ack"].append(at - ph.sent[card])
                    if not (isinstance(ack, dict) and ack.get("ok") and ack.get("card_index") == card):
                        problems["ack_not_ok"] += 1
                else:
                    problems["no_ack"] += 1
                if card in ph.revealed:
                    at, n = ph.revealed[card]
                    lat["reveal"].append(at - sends[-1])
                    problems["reveal_n_wrong"] += n != p
                    problems["reveal_before_last_answer"] += at < sends[-1]
                else:
                    problems["no_reveal"] += 1
            key = (table, card)
            if key in self.dashboard.open_at:
                lat["dash_open"].append(self.dashboard.open_at[key] - shown_at)
            else:
                problems["dashboard_not_opened"] += 1
            seen = self.dashboard.count_at.get(key, {})
            for j, sent in enumerate(sends, start=1):
                if j in seen:
                    lat["dash_answer"].append(seen[j] - sent)
                else:
                    problems["dashboard_count_missing"] += 1
            problems["dashboard_not_revealed"] += key not in self.dashboard.revealed_at
        lat["dashboard"] = lat["dash_open"] + lat["dash_answer"]
        shown = self.screen.shown.get(card, [])
        final = shown[-1][1] if shown else {}
        if final.get("tables") != self.args.tables or final.get("n") != self.total:
            problems["plenary_total_wrong"] += 1
        if released_at is not None:
            if shown:
                lat["harvest"].append(shown[0][0] - released_at)
            if card in self.dashboard.released:
                lat["harvest_dashboard"].append(self.dashboard.released[card][0] - released_at)
            problems["harvest_shown_more_than_once"] += len(shown) > 1
        else:
            # Automatic releases, one per table from the third on: the release that covers j
            # tables against the j-th table (in the order of their last answers) to finish.
            order = sorted(last_sent.values())
            for at, release in shown:
                covered = release.get("tables")
                if isinstance(covered, int) and 1 <= covered <= len(order):
                    lat["auto_release"].append(at - order[covered - 1])
        problems = {name: count for name, count in problems.items() if count}
        return {
            "latency": {name: summary(values) for name, values in lat.items()},
            "raw_s": dict(lat),
            "problems": problems,
            "plenary_final": final,
            "correct": not problems,
        }

    async def close(self) -> None:
        self.closing = True
        gate = asyncio.Semaphore(200)
        clients = [p.client for p in self.phones + self.extra]
        clients += [c.client for c in (self.dashboard, self.screen) if c is not None]

        async def one(client: RawClient) -> None:
            async with gate:
                with contextlib.suppress(Exception):  # the server may already be gone
                    await asyncio.wait_for(client.close(), 10)

        await asyncio.gather(*(one(c) for c in clients))
        if self.http is not None:
            await self.http.close()


async def _until(check: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


def _disturbed(r: dict[str, Any]) -> bool:
    phases = [r["open_cpu"], r["answer_cpu"]] + ([r["release_cpu"]] if "release_cpu" in r else [])
    return any(c["other_cpu_s"] > 0.1 * c["wall_s"] for c in phases)


def _print_round(r: dict[str, Any], args: argparse.Namespace) -> None:
    cpu = r["answer_cpu"]
    answers = args.tables * args.players
    print(
        f"  round {r['card'] + 1} (card {r['card']}{', harvest' if r['harvest'] else ''}): "
        f"{'CORRECT' if r['correct'] else 'NOT CORRECT'}; answer phase: "
        f"server CPU {cpu['server_cpu_s']:.2f} s ({1000 * cpu['server_cpu_s'] / answers:.2f} ms/answer), "
        + (f"PostgreSQL/Redis {cpu['infra_cpu_s']:.2f} s, " if cpu["infra_cpu_s"] is not None else "")
        + f"load generator {cpu['client_cpu_s']:.2f} s, "
        f"other processes {cpu['other_cpu_s']:.2f} s, over {cpu['wall_s']:.2f} s"
    )
    if r["disturbed"]:
        print("    WARNING: other processes used the CPU during this round; figures are disturbed")
    for name in ("open", "dash_open", "ack", "reveal", "dash_answer", "auto_release", "harvest"):
        if name in r["latency"]:
            print(f"    {name:13} {fmt(r['latency'][name])}")
    final = r["plenary_final"]
    print(f"    big screen: {final.get('tables')} tables, n={final.get('n')}")
    if not r["correct"]:
        print(f"    problems {r['problems']}; timed out waiting for {r['timeouts']}; {r.get('surprises')}")


async def play(cluster: Any, event: Event, args: argparse.Namespace) -> dict[str, Any]:
    run = Run(cluster, event, args)
    result: dict[str, Any] = {"rounds": []}
    try:
        result.update(await run.connect())
        print(
            f"  {result['sockets']} sockets ({result['phones']} phones, a dashboard, a big screen) "
            f"connected in {result['connect_s']:.1f} s; compression offered: {args.compress}, "
            f"accepted on {result['compression_accepted']}; RSS {result['rss_before_kib'] / 1024:.1f} → "
            f"{result['rss_connected_kib'] / 1024:.1f} MiB = {result['kib_per_connection']:.1f} KiB/phone"
        )
        rng = random.Random(args.seed)
        # py-spy on the first process (the one the dashboard talks to)
        first = cluster.servers[0]
        profiler = start_profiler(first, f"{args.py_spy}-conference.txt") if args.py_spy else None
        try:
            for card in range(args.rounds):
                if args.quiet_timeout:
                    waited = await wait_quiet(cluster, args.quiet_timeout)
                    if waited > 3:
                        print(f"  (waited {waited:.0f} s for other processes to leave the CPU)")
                r = await run.round(card, rng)
                r["disturbed"] = _disturbed(r)
                r["surprises"] = list(run.surprises)
                result["rounds"].append(r)
                _print_round(r, args)
        finally:
            stop_profiler(profiler)
        result["rss_after_kib"] = cluster.rss_kib()
        if args.memory_both:
            result["memory_other_way"] = await run.memory_other_way()
        result["unexpected_disconnects"] = run.unexpected_disconnects
    finally:
        await run.close()
    rounds = result["rounds"]
    clean = [r for r in rounds if not r["disturbed"]] or rounds
    result["pooled_rounds"] = [r["card"] + 1 for r in clean]
    result["disturbed_rounds"] = sum(1 for r in rounds if r["disturbed"])
    # Per figure: the undisturbed rounds that have it (harvest releases happen in harvest rounds
    # only); if every such round was disturbed, all of them, and the figure says so.
    result["pooled"], result["pooled_disturbed"] = {}, []
    for name in sorted({name for r in rounds for name in r["raw_s"]}):
        having = [r for r in rounds if r["raw_s"].get(name)]
        use = [r for r in having if not r["disturbed"]]
        if not use:
            use = having
            result["pooled_disturbed"].append(name)
        result["pooled"][name] = summary([v for r in use for v in r["raw_s"][name]])
    answers = args.tables * args.players
    per_answer = sorted(r["answer_cpu"]["server_cpu_s"] / answers for r in clean)
    result["server_cpu_ms_per_answer"] = 1000 * per_answer[len(per_answer) // 2] if per_answer else None
    infra = sorted(
        r["answer_cpu"]["infra_cpu_s"] / answers for r in clean if r["answer_cpu"]["infra_cpu_s"] is not None
    )
    result["infra_cpu_ms_per_answer"] = 1000 * infra[len(infra) // 2] if infra else None
    for r in rounds:
        del r["raw_s"]  # the JSON keeps the summaries
    result["correct"] = bool(rounds) and all(r["correct"] for r in rounds) and not run.unexpected_disconnects
    return result


def run_one(args: argparse.Namespace, postgres: Any, redis: Any) -> dict[str, Any]:
    instance = Path(tempfile.mkdtemp(prefix="kk-bench-conference-", dir=args.instance_root))
    cluster = make_cluster(args, instance, postgres, redis)
    print(
        f"\n== app server x {args.processes} process(es), mode {args.mode}, ws {args.ws}, "
        f"database {cluster.database}{', Redis queue' if args.processes > 1 else ''}, instance {instance}"
    )
    started_at = time.monotonic()
    try:
        cluster.start()
        started = time.perf_counter()
        event = setup(cluster, args)
        print(
            f"  set-up: an event of {args.tables} tables, {len(event.seats)} participants joined at /e "
            f"in {time.perf_counter() - started:.1f} s"
        )
        remaining = args.max_seconds - (time.monotonic() - started_at)
        result = asyncio.run(asyncio.wait_for(play(cluster, event, args), remaining))
        result.update(
            processes=args.processes,
            mode=args.mode,
            ws=args.ws,
            instance=str(instance),
            database=cluster.database,
        )
        return result
    finally:
        cluster.finish(instance, args.keep)


def report(result: dict[str, Any], args: argparse.Namespace) -> None:
    pooled = result["pooled"]
    print(
        f"\n== pooled over the undisturbed rounds ({result['disturbed_rounds']} of {len(result['rounds'])} "
        "disturbed), ms; targets are p99"
    )
    lines = [
        ("open", "show_card → every phone shows the card", "open"),
        ("dash_open", "show_card → the dashboard row", None),
        ("ack", "submit_answer → its ack", None),
        ("reveal", "a table's last answer → reveal at its phones", "reveal"),
        ("dash_answer", "an answer → the dashboard's count", None),
        ("dashboard", "a table changed → the dashboard (both above)", "dashboard"),
        ("auto_release", "a table's reveal → the big screen (automatic)", None),
        ("harvest", "release_harvest → the big screen", "harvest"),
        ("harvest_dashboard", "release_harvest → the dashboard", None),
    ]
    for name, text, target in lines:
        if name not in pooled:
            continue
        verdict = ""
        if target is not None:
            limit = TARGETS_MS[target]
            met = pooled[name]["p99"] <= limit
            verdict = f"  target ≤ {limit:.0f}: {'met' if met else 'MISSED'}"
        flag = "  (disturbed rounds only)" if name in result["pooled_disturbed"] else ""
        print(f"  {text:47} {fmt(pooled[name])}{verdict}{flag}")
    kib = result["kib_per_connection"]
    met = "met" if kib <= TARGET_KIB_PER_CONNECTION else "MISSED"
    print(
        f"  memory: {kib:.1f} KiB per phone connection (compression "
        f"{'offered' if args.compress else 'not offered'}, accepted on {result['compression_accepted']} "
        f"of {result['sockets']} sockets)  target ≤ {TARGET_KIB_PER_CONNECTION:.0f}: {met}"
    )
    if "memory_other_way" in result:
        other = result["memory_other_way"]
        print(
            f"  memory the other way: {other['kib_per_connection']:.1f} KiB per connection (compression "
            f"{'offered' if other['compression_offered'] else 'not offered'}, accepted on "
            f"{other['compression_accepted']} of {other['sockets']}; a second socket per phone, "
            "after the rounds)"
        )
    if result["server_cpu_ms_per_answer"] is not None:
        print(f"  server CPU per answer (median round): {result['server_cpu_ms_per_answer']:.2f} ms")
    if result["infra_cpu_ms_per_answer"] is not None:
        print(f"  PostgreSQL/Redis CPU per answer (median round): {result['infra_cpu_ms_per_answer']:.2f} ms")
    print(f"  correct: {result['correct']}  (unexpected disconnects: {result['unexpected_disconnects']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tables", type=int, default=60)
    parser.add_argument("--players", type=int, default=6, help="participants per table (4-8)")
    parser.add_argument("--rounds", type=int, default=4, help="cards played, one round each (1-4)")
    parser.add_argument(
        "--harvest",
        default="1,3",
        help="harvest cards (comma-separated indexes; the others release to the big screen "
        "automatically); default 1,3",
    )
    parser.add_argument("--window", type=float, default=1.0, help="seconds over which the answers are spread")
    parser.add_argument(
        "--no-compress",
        dest="compress",
        action="store_false",
        help="do not offer permessage-deflate (browsers do)",
    )
    parser.add_argument(
        "--no-memory-both",
        dest="memory_both",
        action="store_false",
        help="skip measuring memory per connection the other way (with/without compression)",
    )
    parser.add_argument("--mode", default="gevent", choices=("gevent", "eventlet", "threading"))
    parser.add_argument(
        "--ws",
        default="simple",
        choices=("simple", "installed"),
        help="simple: gevent-websocket unimportable in the server, as installed from pyproject.toml",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="server processes sharing PostgreSQL and a Redis message queue: a table's phones "
        "alternate between them, the big screen is on another than the dashboard's (needs "
        "benchmarks/common.py, and --postgres or --database-url)",
    )
    parser.add_argument(
        "--database-url",
        help="an existing PostgreSQL, e.g. postgresql://... (default: SQLite in the instance folder)",
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="start a throwaway PostgreSQL server (needs benchmarks/common.py)",
    )
    parser.add_argument(
        "--redis-url", help="an existing Redis for --processes > 1 (default: start redis-server)"
    )
    parser.add_argument(
        "--py-spy", metavar="PREFIX", help="profile the server during the rounds (raw stacks)"
    )
    add_run_options(parser, max_seconds=3600.0)
    args = parser.parse_args(argv)
    try:
        args.harvest = sorted({int(v) for v in args.harvest.split(",") if v.strip()})
    except ValueError:
        parser.error("--harvest takes card indexes, e.g. 1,3")
    if not 1 <= args.rounds <= len(CARD_VALUES):
        parser.error(f"--rounds must be 1..{len(CARD_VALUES)} (the test deck's answerable cards)")
    if not 3 <= args.tables <= 80:
        parser.error("--tables must be 3..80 (a release needs 3 tables; an event holds 80)")
    if not 4 <= args.players <= 8:
        parser.error("--players must be 4..8 (open and sensitive cards reveal from 4; a table seats 8)")
    if any(not 0 <= card < len(CARD_VALUES) for card in args.harvest):
        parser.error(f"--harvest cards must be answerable: 0..{len(CARD_VALUES) - 1}")
    if args.processes < 1:
        parser.error("--processes must be at least 1")
    if args.postgres and args.database_url:
        parser.error("--postgres starts its own server: leave out --database-url")
    if args.processes > 1 and not (args.postgres or args.database_url):
        parser.error("--processes > 1 needs PostgreSQL: --postgres or --database-url")
    # burst.Server reads these; this benchmark has no switch for them.
    args.tcp_nodelay = False
    with app_source(args):
        print(
            f"conference: {args.tables} tables x {args.players} phones + a dashboard + a big screen, "
            f"synchronised pacing, {args.rounds} rounds (harvest cards {args.harvest}), "
            f"window {args.window} s; "
            f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}\napp source: {args.source}"
        )
        postgres = Postgres(args.database_url) if (args.postgres or args.database_url) else None
        redis = Redis(args.redis_url) if args.processes > 1 else None
        try:
            for infra in (postgres, redis):
                if infra is not None:
                    infra.start()
            result = run_one(args, postgres, redis)
        finally:
            for infra in (redis, postgres):
                if infra is not None:
                    infra.stop()
        report(result, args)
        if args.json:
            Path(args.json).write_text(
                json.dumps({"args": vars(args), "result": result}, indent=2, default=str)
            )
        return 0 if result["correct"] else 1


if __name__ == "__main__":
    sys.exit(main())
