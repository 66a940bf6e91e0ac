"""Burst benchmark: T tables x P players all answer a card within one second, against a real server.

    python benchmarks/burst.py --tables 50 --players 6
    python benchmarks/burst.py --tables 334 --players 6 --compare-bare --compare-shm
    python benchmarks/burst.py --processes 2 --postgres --compare-one --compare-bare --client raw

What it does, per run (one run = one server process, or N with ``--processes N``):

1. Starts ``python -m koerskaart serve`` on a free loopback port with a fresh instance
   folder (SQLite unless ``--database-url`` or ``--postgres``), ``KOERSKAART_DECK_DIRS=tests/data``
   (the 5-card deck ``proefdeck``) and a join rate limit high enough for the set-up. The
   per-address socket limits are raised too: every socket comes from this one address, and
   ``--compression both`` holds two sockets per phone for a moment.
   With ``--processes N`` it starts N such processes, one after the other (the first runs
   the migrations), sharing one PostgreSQL and one Redis message queue (``REDIS_URL``,
   docs/deployment.md "Several processes"); ``--postgres`` starts a throwaway PostgreSQL
   server (default settings, fsync on) and a throwaway ``redis-server`` is started unless
   ``--redis-url`` is given.
2. Set-up, not timed: over HTTP each host starts a table and each player joins it with
   its code (``requests``, a few threads), all on the first process. The table-screen key
   is read from the host's signed Flask session cookie (we pass the server its SECRET_KEY).
3. Connects every player and one table screen per table over WebSocket, all in this one
   asyncio process (sharing one aiohttp session): ``socketio.AsyncClient``s, or the raw
   client (``--client raw``). Seat j of a table connects to process j mod N (the screen as
   seat P), so every table's players are split across the processes.
   Every client offers permessage-deflate exactly as Chromium does
   (``Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits``) unless
   ``--compression off``; ``--compression both`` (the default) first connects every socket
   without it, then every socket again with it (both sets open at once), and reports memory
   per connection and connect cost for each: server RSS (``/proc/<pid>/status`` VmRSS, summed
   over the processes) before and after each set, and server CPU during the connect phase
   per socket. The set without compression is then closed, and the rounds run with
   compression on, as phones connect. What the server answered in that header is reported.
4. The hosts start their games; then, for each round: every player of every table submits
   an answer at a random moment within ``--window`` seconds. Recorded:
   - ack latency of every ``submit_answer`` (send → ack; the ack follows the commit);
   - reveal latency: for each table, from its LAST submission being sent to each of its
     sockets (players and screen) receiving ``table_updated`` with reason ``round_revealed``;
   - throughput: answers / (first possible send → last ack and reveal), and server CPU per
     answer (summed over the processes); with our own PostgreSQL and Redis, their CPU too.
   Checked: every answer acknowledged ``ok``; every socket got the reveal with ``n == P``.
   Then the hosts go to the next card (``next_card``) and the next round starts.

``--compare-bare`` runs the same workload against ``benchmarks/bare_server.py`` (the floor:
python-socketio alone; with N processes, N of them on the same Redis, keeping their tables
in Redis); ``--compare-one`` (with ``--processes 2``) also runs the app as one process on the
same kind of database; ``--compare-shm`` runs the app again with its instance folder (and so
its SQLite file) on /dev/shm. Every wait is bounded; the servers are always stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import (
    CARD_VALUES,
    DECK,
    NS,
    ROOT,
    Cluster,
    Load,
    Postgres,
    RawSock,
    Redis,
    SeatInfo,
    Server,
    SioSock,
    Sock,
    TableInfo,
    Waiter,
    add_run_options,
    app_source,
    fmt,
    free_port,
    machine_busy_s,
    pct,
    raise_fd_limit,
    setup_app,
    setup_bare,
    summary,
)

# Older scripts import these from here.
__all__ = [
    "CARD_VALUES", "DECK", "NS", "ROOT", "Load", "RawSock", "SeatInfo", "Server", "SioSock", "Sock",
    "TableInfo", "Waiter", "fmt", "free_port", "machine_busy_s", "pct", "setup_app", "setup_bare", "summary",
]  # fmt: skip

# Every socket comes from 127.0.0.1, and --compression both holds two per phone for a moment.
LOAD_GENERATOR_LIMITS = {
    "KOERSKAART_SOCKETS_PER_ADDRESS": "1000000",
    "KOERSKAART_SOCKET_CONNECT_RATE_LIMIT": "1000000 per minute",
}


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


def negotiated_text(counts: dict[str, int]) -> str:
    return "; ".join(f"{header!r} x{n}" for header, n in sorted(counts.items(), key=lambda kv: -kv[1]))


async def connect_set(load: Load, cluster: Cluster, args: argparse.Namespace) -> dict[str, Any]:
    """Connect every socket of ``load``: memory per connection and server CPU per connect."""
    rss0, cpu0 = cluster.rss_kib(), cluster.server_cpu_s()
    seconds = await load.connect_all(args.connect_concurrency)
    cpu1 = cluster.server_cpu_s()
    await asyncio.sleep(1.0)
    rss1 = cluster.rss_kib()
    n = len(load.socks)
    return {
        "compression": "on" if load.compress else "off",
        "connections": n,
        "connect_s": seconds,
        "rss_before_kib": rss0,
        "rss_connected_kib": rss1,
        "kib_per_connection": (rss1 - rss0) / n,
        "connect_cpu_s": cpu1 - cpu0,
        "connect_cpu_ms_per_socket": 1000 * (cpu1 - cpu0) / n,
        "negotiated": load.negotiated(),
    }


async def play(cluster: Cluster, tables: list[TableInfo], args: argparse.Namespace, label: str) -> dict:
    result: dict[str, Any] = {"label": label, "rounds": [], "memory": {}}
    variants = ["off", "on"] if args.compression == "both" else [args.compression]
    time.sleep(0.5)
    loads: list[Load] = []
    try:
        # Warm every process up first (one table's sockets, both ways): a process that has served
        # nothing yet would charge its first-use allocations to the measured connections.
        for compress in (False, True):
            warm = Load(cluster.urls, tables[:1], args, compress=compress)
            try:
                await warm.connect_all(args.connect_concurrency)
            finally:
                await warm.close()
        await asyncio.sleep(0.5)
        for variant in variants:
            load = Load(cluster.urls, tables, args, compress=variant == "on")
            loads.append(load)
            m = result["memory"][variant] = await connect_set(load, cluster, args)
            print(
                f"  compression {variant}: {m['connections']} sockets connected in {m['connect_s']:.1f} s; "
                f"RSS {m['rss_before_kib'] / 1024:.1f} → {m['rss_connected_kib'] / 1024:.1f} MiB = "
                f"{m['kib_per_connection']:.1f} KiB/connection; server CPU "
                f"{m['connect_cpu_ms_per_socket']:.2f} ms/connect; "
                f"negotiated {negotiated_text(m['negotiated'])}"
            )
        load = loads[-1]
        for other in loads[:-1]:  # the rounds run on the last set (compression on, unless off)
            await other.close()
        loads = [load]
        latency = result["memory"][variants[-1]]
        result.update(
            {
                key: latency[key]
                for key in ("connections", "connect_s", "rss_before_kib", "rss_connected_kib")
            },
            kib_per_connection=latency["kib_per_connection"],
            compression=variants[-1],
            negotiated=latency["negotiated"],
        )
        await asyncio.sleep(1.0)
        await load.host_all("start_game", 0)
        await asyncio.sleep(args.settle)
        rng = random.Random(args.seed)
        profilers: list[subprocess.Popen[bytes] | None] = []
        if args.py_spy:
            for i, server in enumerate(cluster.servers):
                suffix = "" if len(cluster.servers) == 1 else f"-p{i}"
                profilers.append(start_profiler(server, f"{args.py_spy}-{label}{suffix}.txt"))
            await asyncio.sleep(1.0)
        try:
            for card in range(args.rounds):
                if card:
                    await load.host_all("next_card", card)
                    await asyncio.sleep(args.settle)
                if args.quiet_timeout:
                    waited = await load.wait_quiet(cluster)
                    if waited > 3:
                        print(f"  (waited {waited:.0f} s for other processes to leave the CPU)")
                r = await load.burst(card, args.window, rng, cluster)
                r["disturbed"] = r["other_cpu_s"] > 0.1 * r["wall_s"]
                result["rounds"].append(r)
                infra = "" if r["infra_cpu_s"] is None else f"PostgreSQL+Redis CPU {r['infra_cpu_s']:.2f} s, "
                print(
                    f"  round {card + 1} (card {card}): {r['answers']} answers, {r['acked_ok']} acked ok, "
                    f"{'CORRECT' if r['correct'] else 'NOT CORRECT'}; server CPU {r['server_cpu_s']:.2f} s "
                    f"({r['cpu_ms_per_answer']:.2f} ms/answer), {infra}"
                    f"load generator CPU {r['client_cpu_s']:.2f} s, "
                    f"other processes {r['other_cpu_s']:.2f} s, "
                    f"over {r['wall_s']:.2f} s = {r['answers_per_s']:.0f} answers/s"
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
            for profiler in profilers:
                stop_profiler(profiler)
        result["rss_after_kib"] = cluster.rss_kib()
        result["unexpected_disconnects"] = load.unexpected_disconnects
    finally:
        for each in loads:
            await each.close()
    # Pool the rounds nothing else disturbed (all of them if every round was disturbed).
    clean = [r for r in result["rounds"] if not r["disturbed"]] or result["rounds"]
    result["pooled_rounds"] = [r["card"] + 1 for r in clean]
    result["disturbed_rounds"] = sum(1 for r in result["rounds"] if r["disturbed"])
    all_ack = [v for r in clean for v in _raw(load, "ack", r["card"])]
    all_rev = [v for r in clean for v in _raw(load, "reveal", r["card"])]
    result["ack_all"] = summary(all_ack)
    result["reveal_all"] = summary(all_rev)
    answers = sum(r["answers"] for r in clean)
    result["answers_per_s"] = answers / sum(r["wall_s"] for r in clean) if clean else float("nan")
    result["cpu_ms_per_answer"] = 1000 * sum(r["server_cpu_s"] for r in clean) / max(1, answers)
    infra = [r["infra_cpu_s"] for r in clean if r["infra_cpu_s"] is not None]
    known = bool(clean) and len(infra) == len(clean)
    result["infra_ms_per_answer"] = 1000 * sum(infra) / max(1, answers) if known else None
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


def run_one(
    kind: str,
    args: argparse.Namespace,
    instance_root: Path,
    label: str,
    processes: int,
    postgres: Postgres | None,
    redis: Redis | None,
) -> dict:
    instance = Path(tempfile.mkdtemp(prefix=f"kk-bench-{label}-", dir=instance_root))
    database_url = None
    if kind == "app" and postgres is not None:
        database_url = postgres.new_database("kk_" + label.replace("-", "_"))  # a fresh one per run
    queue = redis if processes > 1 else None
    infra: list[Postgres | Redis] = [x for x in (postgres if kind == "app" else None, queue) if x is not None]
    cluster = Cluster(
        kind, args, instance, processes,
        database_url=database_url, redis_url=queue.url if queue else None, infra=infra,
        extra_env=LOAD_GENERATOR_LIMITS if kind == "app" else None,
    )  # fmt: skip
    print(
        f"\n== {label}: {kind} server x {processes} process(es), mode {args.mode}, ws {args.ws}"
        f"{', TCP_NODELAY' if args.tcp_nodelay else ''}, database {cluster.database}"
        f"{', Redis queue' if queue else ''}, instance {instance}"
    )
    try:
        cluster.start()
        started = time.perf_counter()
        if kind == "app":
            tables = setup_app(
                cluster.urls[0], args.tables, args.players, not args.no_screens, args.setup_workers
            )
        else:
            tables = setup_bare(args.tables, args.players, not args.no_screens)
        print(
            f"  set-up: {args.tables} tables x {args.players} players "
            f"in {time.perf_counter() - started:.1f} s"
        )
        result = asyncio.run(asyncio.wait_for(play(cluster, tables, args, label), args.max_seconds))
        result.update(
            kind=kind,
            processes=processes,
            mode=args.mode,
            ws=args.ws,
            client=args.client,
            tcp_nodelay=args.tcp_nodelay,
            instance=str(instance),
            database=cluster.database,
        )
        print(f"  rounds {result['pooled_rounds']} pooled ({result['disturbed_rounds']} disturbed):")
        print(f"              ack {fmt(result['ack_all'])}")
        print(f"              reveal {fmt(result['reveal_all'])}")
        print(f"  correct: {result['correct']}  (unexpected disconnects: {result['unexpected_disconnects']})")
        return result
    finally:
        cluster.finish(instance, args.keep)


def parse(argv: list[str] | None = None) -> tuple[argparse.ArgumentParser, argparse.Namespace]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
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
        "aiohttp WebSockets (several times less CPU per message, for large runs). Both offer "
        "compression as browsers do",
    )
    parser.add_argument(
        "--compression",
        default="both",
        choices=("on", "off", "both"),
        help="offer permessage-deflate as Chromium does (on), not at all (off), or measure memory and "
        "connect cost both ways and run the rounds with it on (both, the default)",
    )
    parser.add_argument(
        "--tcp-nodelay",
        action="store_true",
        help="TCP_NODELAY on the bare server's listening socket (gevent only); the app sets it "
        "itself since the hot-path rework, so for the app this only matters for older code",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="server processes per run, sharing PostgreSQL and a Redis message queue (2: players of "
        "a table alternate between them); more than 1 needs --postgres or --database-url",
    )
    parser.add_argument(
        "--database-url",
        help="an existing PostgreSQL, e.g. postgresql://... (default: SQLite in the instance folder)",
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="start a throwaway PostgreSQL server (initdb/pg_ctl, default settings), "
        "with a fresh database per run",
    )
    parser.add_argument(
        "--redis-url", help="an existing Redis for --processes > 1 (default: start redis-server)"
    )
    parser.add_argument(
        "--compare-bare",
        action="store_true",
        help="also run bare_server.py (the floor), as many processes as the app (on the same Redis)",
    )
    parser.add_argument(
        "--compare-one", action="store_true", help="with --processes > 1: also run the app as one process"
    )
    parser.add_argument(
        "--compare-shm", action="store_true", help="also run the app with its SQLite on /dev/shm"
    )
    parser.add_argument("--skip-app", action="store_true", help="only the --compare-* runs")
    parser.add_argument("--no-screens", action="store_true", help="no table-screen socket per table")
    parser.add_argument(
        "--py-spy", metavar="PREFIX", help="profile the server(s) during the rounds (raw stacks)"
    )
    add_run_options(parser)
    return parser, parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    parser, args = parse(argv)
    if not 1 <= args.rounds <= len(CARD_VALUES):
        parser.error(f"--rounds must be 1..{len(CARD_VALUES)} (the test deck's answerable cards)")
    if args.players < 3:
        parser.error("--players must be at least 3 (k = 3: fewer never reveal)")
    if args.mode == "threading" and args.compare_bare:
        parser.error("the bare server runs gevent or eventlet only")
    if args.processes < 1:
        parser.error("--processes must be at least 1")
    if args.postgres and args.database_url:
        parser.error("--postgres starts its own server: leave out --database-url")
    if args.processes > 1 and not (args.postgres or args.database_url):
        parser.error("--processes > 1 needs PostgreSQL: --postgres or --database-url")
    if args.compare_shm and (args.postgres or args.database_url):
        parser.error("--compare-shm moves the SQLite file: not with PostgreSQL")
    if args.compare_one and args.processes == 1:
        parser.error("--compare-one compares with --processes 2 (or more)")
    raise_fd_limit()
    with app_source(args):
        return _main(args)


def _main(args: argparse.Namespace) -> int:
    print(
        f"burst: {args.tables} tables x {args.players} players"
        f"{'' if args.no_screens else ' + 1 screen per table'}, {args.rounds} rounds, "
        f"window {args.window} s; client {args.client}, compression {args.compression}; "
        f"{args.processes} process(es); {os.cpu_count()} CPUs; Python {sys.version.split()[0]}"
    )
    print(f"app source: {args.source}")
    postgres = Postgres(args.database_url) if (args.postgres or args.database_url) else None
    redis = Redis(args.redis_url) if args.processes > 1 else None
    results = []
    try:
        for infra in (postgres, redis):
            if infra is not None:
                infra.start()
        root = Path(args.instance_root)
        n = args.processes
        if not args.skip_app:
            results.append(run_one("app", args, root, "app", n, postgres, redis))
        if args.compare_one:
            results.append(run_one("app", args, root, "app-1p", 1, postgres, redis))
        if args.compare_shm:
            results.append(run_one("app", args, Path("/dev/shm"), "app-shm", 1, None, None))
        if args.compare_bare:
            results.append(run_one("bare", args, root, "bare", n, None, redis))
    finally:
        for infra in (redis, postgres):
            if infra is not None:
                infra.stop()
    report(results)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"args": vars(args), "results": results}, indent=2, default=str)
        )
    return 0 if all(r["correct"] for r in results) else 1


def _f(value: float | None, width: int, digits: int = 1) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:{width}.{digits}f}"


def report(results: list[dict]) -> None:
    print("\n== summary (ms; reveal = last submission sent → table_updated round_revealed at each socket)")
    print(
        f"{'run':8} {'procs':>5} {'db':>10} {'conns':>6} {'ack p50':>8} {'ack p99':>8} {'rev p50':>8} "
        f"{'rev p95':>8} {'rev p99':>8} {'rev max':>8} {'ans/s':>7} {'CPU ms/ans':>10} {'infra ms/ans':>12}"
        "  correct  disturbed"
    )
    for r in results:
        print(
            f"{r['label']:8} {r['processes']:5d} {r['database']:>10} {r['connections']:6d} "
            f"{r['ack_all']['p50']:8.1f} {r['ack_all']['p99']:8.1f} {r['reveal_all']['p50']:8.1f} "
            f"{r['reveal_all']['p95']:8.1f} {r['reveal_all']['p99']:8.1f} {r['reveal_all']['max']:8.1f} "
            f"{r['answers_per_s']:7.0f} {r['cpu_ms_per_answer']:10.2f} {_f(r['infra_ms_per_answer'], 12, 2)}"
            f"  {r['correct']!s:7}  {r['disturbed_rounds']}/{len(r['rounds'])}"
        )
    print(
        "\n== memory and connect cost per socket (server RSS and CPU summed over the processes; "
        "compression as Chromium offers it)"
    )
    print(
        f"{'run':8} {'KiB/conn off':>12} {'KiB/conn on':>12} {'connect CPU ms off':>18} "
        f"{'connect CPU ms on':>17}  server answered (compression on)"
    )
    for r in results:
        off, on = r["memory"].get("off"), r["memory"].get("on")
        print(
            f"{r['label']:8} {_f(off and off['kib_per_connection'], 12)} "
            f"{_f(on and on['kib_per_connection'], 12)} "
            f"{_f(off and off['connect_cpu_ms_per_socket'], 18, 2)} "
            f"{_f(on and on['connect_cpu_ms_per_socket'], 17, 2)}  "
            f"{negotiated_text(on['negotiated']) if on else '-'}"
        )
    by = {r["label"]: r for r in results}
    if "bare" in by and "app" in by:
        app, bare = by["app"], by["bare"]
        print(
            f"app / bare python-socketio ({app['processes']} process(es) each): "
            f"reveal p99 {app['reveal_all']['p99'] / bare['reveal_all']['p99']:.1f}x, "
            f"CPU per answer {app['cpu_ms_per_answer'] / bare['cpu_ms_per_answer']:.1f}x"
            + "".join(
                f", connect CPU ({v}) {app['memory'][v]['connect_cpu_ms_per_socket'] / b:.1f}x"
                for v in ("off", "on")
                if v in app["memory"]
                and v in bare["memory"]
                and (b := bare["memory"][v]["connect_cpu_ms_per_socket"]) > 0
            )
        )
    if "app-1p" in by and "app" in by:
        two, one = by["app"], by["app-1p"]
        print(
            f"app {two['processes']} processes / 1 process: answers/s "
            f"{two['answers_per_s'] / one['answers_per_s']:.2f}x, reveal p99 "
            f"{two['reveal_all']['p99'] / one['reveal_all']['p99']:.2f}x, CPU per answer "
            f"{two['cpu_ms_per_answer'] / one['cpu_ms_per_answer']:.2f}x"
        )
    if "app-shm" in by and "app" in by:
        shm = by["app-shm"]["reveal_all"]["p99"]
        print(f"SQLite on disk vs /dev/shm (reveal p99): {by['app']['reveal_all']['p99'] / shm:.2f}x")


if __name__ == "__main__":
    sys.exit(main())
