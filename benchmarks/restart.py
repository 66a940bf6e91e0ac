"""Recovery benchmark: kill -9 mid-round, restart, and time until every phone is back on its card.

    python benchmarks/restart.py --tables 60 --players 6          # kill -9 recovery (≤ 10 s)
    python benchmarks/restart.py --tables 334 --players 6 --in-flight 0 --compare-bare  # 2,000 phones

What it does (one server process, SQLite unless ``--postgres`` or ``--database-url``):

1. Starts the app as ``burst.py`` does and sets up T tables x P players + one table screen
   each over HTTP; connects every socket with the raw client, offering permessage-deflate as
   Chromium does.
2. The hosts start the game (card 0). The first ``--answered`` players of each table answer
   and get their acks (stored: the ack follows the commit); the next ``--in-flight`` players
   send their answers and the server is killed ``--kill-after`` (10 ms) later, so some of
   those are stored and some are not, as when a phone taps "send" during a crash.
3. ``kill -9`` the server and start it again at once on the same port (as a supervisor with
   ``Restart=always`` would). Every socket then reconnects as socket.io-client 4 does in the
   browser (``koerskaart/static/js/lib/transport.js`` keeps its defaults, and
   docs/socket-protocol.md says "connect again, with back-off"): after the transport closes,
   attempt n waits reconnectionDelay 1 s x 2^n, capped at 5 s, ±50 % jitter; each attempt
   opens a new WebSocket (same cookie or screen key) and connects the namespace; a refused
   namespace (``connect_error``) stops that socket, as the page does.
4. Measured from the kill: when the new server answers HTTP, and when each socket receives
   ``table_joined`` showing the right card (``table.card_index`` and an open round) and, for
   the players whose answer was acknowledged, that answer as ``you.my_answer``. A player
   whose in-flight answer is not in ``my_answer`` sends it again (as ``table.js`` does on
   ``table_joined``). Also: server CPU from start to all back, and per reconnect (the CPU
   from the moment the server answers HTTP until all are back, per socket; with
   ``--in-flight`` above 0 it includes the answers sent again, hence ``--in-flight 0`` for
   the storm).
5. Then the remaining players answer: every answer must be acknowledged and every socket
   must get the reveal with ``n == P``: nothing acknowledged was lost, nothing doubled.

``--compare-bare`` does the same kill and restart with ``bare_server.py`` (no state survives:
only the reconnect storm is compared, the time until every socket has ``table_joined``
again and the server CPU per reconnect). Every wait is bounded; the servers are always stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import (
    CARD_VALUES,
    Load,
    Postgres,
    RawSock,
    SeatInfo,
    Server,
    TableInfo,
    add_run_options,
    app_source,
    fmt,
    machine_busy_s,
    raise_fd_limit,
    setup_app,
    setup_bare,
    summary,
)

# Every socket comes from 127.0.0.1: the per-address limits are for a conference's Wi-Fi.
LOAD_GENERATOR_LIMITS = {
    "KOERSKAART_SOCKETS_PER_ADDRESS": "1000000",
    "KOERSKAART_SOCKET_CONNECT_RATE_LIMIT": "1000000 per minute",
}
# socket.io-client 4 defaults (the vendored koerskaart/static/js/socket.io.min.js).
RECONNECTION_DELAY = 1.0
RECONNECTION_DELAY_MAX = 5.0
RANDOMIZATION_FACTOR = 0.5
CONNECT_TIMEOUT = 20.0


def backoff_s(attempt: int, rng: random.Random) -> float:
    """socket.io-client's Backoff.duration(): ms x 2^attempt, ± jitter, capped."""
    t = RECONNECTION_DELAY * 2**attempt
    r = rng.random()
    deviation = math.floor(r * RANDOMIZATION_FACTOR * t * 1000) / 1000
    t = t + deviation if math.floor(r * 10) & 1 else t - deviation
    return min(t, RECONNECTION_DELAY_MAX)


class PhoneSock(RawSock):
    """The raw client, reconnecting after the transport closes as the browser's client does."""

    def __init__(
        self, run: Load, table: TableInfo, role: str, seat: SeatInfo | None, url: str | None = None
    ) -> None:
        super().__init__(run, table, role, seat, url)
        self.rng = random.Random(f"{table.table_id}/{role}/{seat.index if seat else '-'}")
        self.reconnecting: asyncio.Task[None] | None = None
        self.attempts = 0
        self.refused: str | None = None
        self.answer: Any = None  # the value this player sent for the open card, if any
        self.acked_before_kill = False
        self.in_flight = False  # sent just before the kill: stored or not
        self.joins: list[tuple[float, Any]] = []

    @property
    def phones(self) -> PhoneLoad:
        assert isinstance(self.run, PhoneLoad)
        return self.run

    def _on_joined(self, payload: Any = None) -> None:
        super()._on_joined(payload)
        now = time.perf_counter()
        self.joins.append((now, payload))
        self.phones.joined_again(self, payload, now)

    def _on_disconnect(self, *_args: Any) -> None:
        if self.run.closing or self.reconnecting is not None or self.refused:
            return
        self.reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        attempt = 0
        try:
            while not self.run.closing:
                await asyncio.sleep(backoff_s(attempt, self.rng))
                attempt += 1
                self.attempts += 1
                try:
                    await asyncio.wait_for(self.connect(), CONNECT_TIMEOUT)
                except Exception as exc:  # refused, reset, timed out: try again, as the browser does
                    await self._abandon()
                    if str(exc).startswith("connect_error"):
                        self.refused = str(exc)  # the page stops (transport.js: refused)
                        return
                    continue
                self.reconnecting = None  # before any await: the next drop starts a new task
                return
        finally:
            if self.reconnecting is asyncio.current_task():
                self.reconnecting = None

    async def _abandon(self) -> None:
        reader, ws = self.reader, self.ws
        self.reader = None
        if reader is not None:
            reader.cancel()
        if ws is not None and not ws.closed:
            with contextlib.suppress(Exception):  # already broken
                await asyncio.wait_for(ws.close(), 5)


class PhoneLoad(Load):
    """The sockets of one recovery run and what they saw after the kill."""

    def __init__(self, urls: str | list[str], tables: list[TableInfo], args: argparse.Namespace, app: bool):
        super().__init__(urls, tables, args, compress=args.compression == "on", sock_class=PhoneSock)
        self.app = app
        self.killed_at: float | None = None
        self.back: dict[int, float] = {}  # id(sock) -> seconds after the kill
        self.wrong: list[str] = []
        self.all_back = asyncio.Event()
        self.resends: list[asyncio.Task[Any]] = []
        self.in_flight_stored = 0
        self.in_flight_resent = 0

    def joined_again(self, sock: PhoneSock, payload: Any, at: float) -> None:
        if self.killed_at is None or id(sock) in self.back:
            return
        self.back[id(sock)] = at - self.killed_at
        if self.app:
            self._check(sock, payload)
        if len(self.back) == len(self.socks):
            self.all_back.set()

    def _check(self, sock: PhoneSock, payload: Any) -> None:
        table = (payload or {}).get("table") or {}
        round_ = table.get("round") or {}
        if table.get("card_index") != 0 or round_.get("status") != "open":
            self.wrong.append(
                f"card {table.get('card_index')} round {round_.get('status')} on {sock.table.table_id}"
            )
            return
        if sock.seat is None or sock.answer is None:
            return
        mine = ((payload or {}).get("you") or {}).get("my_answer")
        if sock.acked_before_kill:
            if mine != sock.answer:
                self.wrong.append(f"acknowledged answer lost on {sock.table.table_id} (my_answer {mine!r})")
        elif not sock.in_flight:
            return
        elif mine == sock.answer:
            self.in_flight_stored += 1
        else:  # table.js sends a queued answer again when table_joined does not show it
            self.in_flight_resent += 1
            self.resends.append(asyncio.get_running_loop().create_task(self._send(sock)))

    async def _send(self, sock: PhoneSock) -> Any:
        return await sock.call("submit_answer", {"card_index": 0, "value": sock.answer}, timeout=30)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def recover(server: Server, tables: list[TableInfo], args: argparse.Namespace, label: str) -> dict:
    app = server.kind == "app"
    load = PhoneLoad(server.url, tables, args, app)
    result: dict[str, Any] = {"label": label, "kind": server.kind, "database": server.database}
    rng = random.Random(args.seed)
    try:
        result["connect_s"] = await load.connect_all(args.connect_concurrency)
        result["connections"] = n = len(load.socks)
        print(f"  {n} sockets connected in {result['connect_s']:.1f} s; negotiated {load.negotiated()}")
        answered: list[PhoneSock] = []
        in_flight: list[PhoneSock] = []
        later: list[PhoneSock] = []
        if app:
            await load.host_all("start_game", 0)
            await asyncio.sleep(args.settle)
            for socks in load.by_table.values():
                seats = [s for s in socks if isinstance(s, PhoneSock) and s.seat is not None]
                answered += seats[: args.answered]
                in_flight += seats[args.answered : args.answered + args.in_flight]
                later += seats[args.answered + args.in_flight :]
            for i, sock in enumerate(answered + in_flight + later):
                sock.answer = CARD_VALUES[0](rng, i)
            acks = await asyncio.gather(
                *(s.call("submit_answer", {"card_index": 0, "value": s.answer}, timeout=60) for s in answered)
            )
            refused = [a for a in acks if not (isinstance(a, dict) and a.get("ok"))]
            if refused:
                raise RuntimeError(f"{len(refused)} answers refused before the kill, e.g. {refused[0]}")
            for sock in answered:
                sock.acked_before_kill = True
            for sock in in_flight:
                sock.in_flight = True
        if args.quiet_timeout:
            waited = await load.wait_quiet(server)
            if waited > 3:
                print(f"  (waited {waited:.0f} s for other processes to leave the CPU)")
        # Mid-round: these answers are on the wire when the server dies.
        await asyncio.gather(
            *(
                s._emit("submit_answer", {"card_index": 0, "value": s.answer}, lambda _ack: None)
                for s in in_flight
            )
        )
        await asyncio.sleep(args.kill_after)
        busy0, client0 = machine_busy_s(), _cpu()
        load.killed_at = killed = time.perf_counter()
        server.kill()
        server.spawn()
        await asyncio.to_thread(server.wait_ready, args.recovery_timeout)  # bounded; the clients go on
        result["ready_s"] = time.perf_counter() - killed
        result["startup_cpu_s"] = cpu_ready = server.cpu_s()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(load.all_back.wait(), args.recovery_timeout)
        result["all_back_s"] = time.perf_counter() - killed if load.all_back.is_set() else None
        cpu_back = server.cpu_s()
        busy1, client1 = machine_busy_s(), _cpu()
        result["server_cpu_to_all_back_s"] = cpu_back
        result["reconnect_cpu_s"] = cpu_back - cpu_ready
        result["reconnect_cpu_ms_per_socket"] = 1000 * (cpu_back - cpu_ready) / n
        result["client_cpu_s"] = client1 - client0
        result["other_cpu_s"] = max(0.0, (busy1 - busy0) - cpu_back - (client1 - client0))
        result["back"] = summary(list(load.back.values()))
        result["missing"] = n - len(load.back)
        attempts = [s.attempts for s in load.socks if isinstance(s, PhoneSock)]
        result["attempts_mean"] = sum(attempts) / n
        result["attempts_max"] = max(attempts)
        result["refused"] = sum(1 for s in load.socks if isinstance(s, PhoneSock) and s.refused)
        result["wrong"] = len(load.wrong)
        result["wrong_examples"] = load.wrong[:5]
        result["answered_before_kill"] = len(answered)
        result["in_flight"] = len(in_flight)
        result["in_flight_stored"] = load.in_flight_stored
        result["in_flight_resent"] = load.in_flight_resent
        correct = result["all_back_s"] is not None and not result["wrong"] and not result["refused"]
        if app and correct:
            correct = await finish_round(load, later, args, result)
        result["correct"] = correct
    finally:
        await load.close()
    return result


async def finish_round(
    load: PhoneLoad, later: list[PhoneSock], args: argparse.Namespace, result: dict
) -> bool:
    """The rest answer; every ack ok and every socket revealed with n == P: nothing lost, nothing doubled."""
    calls = [load._send(s) for s in later]
    acks = await asyncio.gather(*calls, *load.resends, return_exceptions=True)
    bad = [a for a in acks if not (isinstance(a, dict) and a.get("ok"))]
    revealed = await load.wait("reveal", 0, args.round_timeout)
    wrong_n = 0
    for sock in load.socks:
        payload = sock.revealed.get(0, (0.0, {}))[1]
        if ((payload.get("round") or {}).get("result") or {}).get("n") != args.players:
            wrong_n += 1
    result["after"] = {"answers": len(acks), "refused": len(bad), "revealed": revealed, "wrong_n": wrong_n}
    if bad:
        result["after"]["example"] = repr(bad[0])[:200]
    return not bad and revealed and not wrong_n


def run_one(kind: str, args: argparse.Namespace, postgres: Postgres | None, label: str) -> dict:
    instance = Path(tempfile.mkdtemp(prefix=f"kk-bench-{label}-", dir=args.instance_root))
    database_url = (
        postgres.new_database("kk_" + label.replace("-", "_")) if postgres and kind == "app" else None
    )
    server = Server(
        kind,
        args,
        instance,
        database_url=database_url,
        extra_env=LOAD_GENERATOR_LIMITS if kind == "app" else None,
    )
    print(f"\n== {label}: {kind} server, mode {args.mode}, database {server.database}, instance {instance}")
    try:
        server.start()
        started = time.perf_counter()
        screens = not args.no_screens
        if kind == "app":
            tables = setup_app(server, args.tables, args.players, screens, args.setup_workers)
        else:
            tables = setup_bare(args.tables, args.players, screens)
        print(
            f"  set-up: {args.tables} tables x {args.players} players "
            f"in {time.perf_counter() - started:.1f} s"
        )
        result = asyncio.run(asyncio.wait_for(recover(server, tables, args, label), args.max_seconds))
        print_result(result, args)
        return result
    finally:
        server.stop()
        if server.error_lines():
            print(f"  server log has {len(server.error_lines())} error line(s); see {server.log_path}")
        if not args.keep:
            shutil.rmtree(instance, ignore_errors=True)


def print_result(r: dict, args: argparse.Namespace) -> None:
    if r["kind"] == "app":
        print(
            f"  before the kill: {r['answered_before_kill']} answers acknowledged, {r['in_flight']} in flight"
        )
    print(f"  kill -9 → server answers HTTP: {r['ready_s']:.2f} s (start-up CPU {r['startup_cpu_s']:.2f} s)")
    back = r["all_back_s"]
    print(
        f"  every socket back {'on its card' if r['kind'] == 'app' else '(table_joined)'}: "
        + (f"{back:.2f} s after the kill" if back is not None else f"NOT within {args.recovery_timeout} s")
        + f" ({r['missing']} missing, {r['refused']} refused, {r['wrong']} wrong)"
    )
    print(f"    per socket  {fmt(r['back'])}")
    print(f"    reconnect attempts per socket: mean {r['attempts_mean']:.2f}, max {r['attempts_max']}")
    print(
        f"  server CPU from start to all back {r['server_cpu_to_all_back_s']:.2f} s, after it answered "
        f"{r['reconnect_cpu_s']:.2f} s = {r['reconnect_cpu_ms_per_socket']:.2f} ms per reconnect; "
        f"load generator {r['client_cpu_s']:.2f} s, other processes {r['other_cpu_s']:.2f} s"
    )
    if r["kind"] == "app":
        print(
            f"  in flight at the kill: {r['in_flight_stored']} were stored, "
            f"{r['in_flight_resent']} sent again after table_joined"
        )
        if "after" in r:
            a = r["after"]
            print(
                f"  after recovery: {a['answers']} answers, {a['refused']} refused; reveal at every socket "
                f"{a['revealed']}, wrong n {a['wrong_n']}"
            )
    for example in r.get("wrong_examples", []):
        print(f"    {example}")
    print(f"  correct: {r['correct']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tables", type=int, default=60)
    parser.add_argument("--players", type=int, default=6, help="players per table, host included")
    parser.add_argument(
        "--answered", type=int, default=2, help="players per table acknowledged before the kill"
    )
    parser.add_argument(
        "--in-flight", type=int, default=2, help="players per table sending as the server dies"
    )
    parser.add_argument(
        "--kill-after",
        type=float,
        default=0.01,
        help="seconds between sending the in-flight answers and the kill (some are stored, some not)",
    )
    parser.add_argument("--compression", default="on", choices=("on", "off"), help="offer permessage-deflate")
    parser.add_argument("--mode", default="gevent", choices=("gevent", "eventlet"))
    parser.add_argument("--ws", default="simple", choices=("simple", "installed"))
    parser.add_argument(
        "--database-url", help="an existing PostgreSQL (default: SQLite in the instance folder)"
    )
    parser.add_argument("--postgres", action="store_true", help="start a throwaway PostgreSQL server")
    parser.add_argument(
        "--compare-bare", action="store_true", help="also the reconnect storm against bare_server.py"
    )
    parser.add_argument("--skip-app", action="store_true")
    parser.add_argument("--no-screens", action="store_true")
    parser.add_argument("--target", type=float, default=10.0, help="seconds: the recovery target")
    parser.add_argument("--recovery-timeout", type=float, default=90.0)
    add_run_options(parser)
    args = parser.parse_args(argv)
    if args.players < 3 or args.answered + args.in_flight >= args.players:
        parser.error("--players must be at least 3 and more than --answered + --in-flight")
    if args.postgres and args.database_url:
        parser.error("--postgres starts its own server: leave out --database-url")
    args.client, args.tcp_nodelay = "raw", False  # what Server and Load read
    raise_fd_limit()
    with app_source(args):
        return _main(args)


def _main(args: argparse.Namespace) -> int:
    sockets = args.tables * (args.players + (0 if args.no_screens else 1))
    print(
        f"restart: {args.tables} tables x {args.players} players"
        f"{'' if args.no_screens else ' + 1 screen per table'} = {sockets} sockets, compression "
        f"{args.compression}; kill -9 mid-round; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}"
    )
    print(f"app source: {args.source}")
    postgres = Postgres(args.database_url) if (args.postgres or args.database_url) else None
    results = []
    try:
        if postgres:
            postgres.start()
        if not args.skip_app:
            results.append(run_one("app", args, postgres, "app"))
        if args.compare_bare:
            results.append(run_one("bare", args, None, "bare"))
    finally:
        if postgres:
            postgres.stop()
    print(
        "\n== summary (seconds after the kill; target: every phone back on its card "
        f"within {args.target:g} s)"
    )
    print(
        f"{'run':6} {'db':>10} {'sockets':>7} {'ready':>6} {'all back':>8} {'p50':>6} {'p95':>6} "
        f"{'CPU ms/reconnect':>16} {'start-up CPU s':>14}  correct  target"
    )
    for r in results:
        back = r["all_back_s"]
        met = back is not None and back <= args.target and r["correct"]
        print(
            f"{r['label']:6} {r['database']:>10} {r['connections']:7d} {r['ready_s']:6.2f} "
            f"{back if back is not None else float('nan'):8.2f} {r['back']['p50'] / 1000:6.2f} "
            f"{r['back']['p95'] / 1000:6.2f} {r['reconnect_cpu_ms_per_socket']:16.2f} "
            f"{r['startup_cpu_s']:14.2f}  {r['correct']!s:7}  {'met' if met else 'NOT met'}"
        )
    by = {r["label"]: r for r in results}
    if "app" in by and "bare" in by and by["bare"]["reconnect_cpu_ms_per_socket"] > 0:
        ratio = by["app"]["reconnect_cpu_ms_per_socket"] / by["bare"]["reconnect_cpu_ms_per_socket"]
        print(f"app / bare python-socketio, server CPU per reconnect: {ratio:.1f}x")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"args": vars(args), "results": results}, indent=2, default=str)
        )
    return 0 if results and all(r["correct"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
