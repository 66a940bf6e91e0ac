"""Uptake at scale: every view of the organisation's dashboard and API with 100,000 tables of history.

    python benchmarks/uptake.py                          # SQLite and PostgreSQL, 100,000 tables
    python benchmarks/uptake.py --databases sqlite --tables 10000 --runs 3
    python benchmarks/uptake.py --explain 3              # SQL time and query plans of the 3 slowest
    python benchmarks/uptake.py --profile                # and cProfile of the slowest, per database

For each database (an SQLite file, and a throwaway PostgreSQL cluster as benchmarks/common.py
starts one, or ``--database-url``): the schema from the migrations (``schema.upgrade_once``),
then ``flask analytics seed`` in process (analytics/seed.py: 3 organisations, 40 units each,
two years). Then every view in ``analytics.views.VIEWS``, whatever the registry holds when the
benchmark runs, under these filters:

- ``quarter``: the dashboard's default (the last whole quarter, by month);
- ``2y/week``, ``2y/month``, ``2y/quarter``: the two seeded years, by each period;
- ``2y/unit``: two years by month for the busiest directorate (and its departments);
- ``2y/deck``: two years by month for the most played deck;

each timed ``--runs`` times (the first run counted too), for the biggest organisation (its
admin) and, where a view is offered across organisations, for the platform (a platform admin;
never by unit there), through every path the app has:

- ``run``: ``views.run`` in a fresh request context (as a request has one);
- ``page`` and ``csv``: ``GET /organisation/uptake/<view>`` (``/platform/uptake/<view>``) and its
  ``.csv`` through the Flask test client, logged in;
- ``api``: ``GET /api/v1/views/<view>`` with a Bearer token (an ``ApiToken`` row made here).

A path whose route the app does not have (yet) is reported and skipped; a case that fails is
reported in the table. The rate limits are off: this measures answering, not the limiter.

The output ends with one Markdown table (median and max per case and database, ⚠ over 1 s)
to paste into docs/performance.md, "Uptake at 100,000 tables".
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import platform
import pstats
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))  # also when imported from elsewhere

from common import Postgres

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The app's Config reads these when it is imported: a throwaway instance folder, no secrets kept.
os.environ.setdefault("KOERSKAART_INSTANCE", tempfile.mkdtemp(prefix="kk-uptake-instance-"))
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(32))

from flask import Flask  # noqa: E402
from sqlalchemy import event, func, select, text  # noqa: E402
from werkzeug.exceptions import MethodNotAllowed, NotFound  # noqa: E402

from koerskaart import create_app, schema  # noqa: E402
from koerskaart.analytics import filters as filter_module  # noqa: E402
from koerskaart.analytics import seed as seeding  # noqa: E402
from koerskaart.analytics import views  # noqa: E402
from koerskaart.analytics.scope import organisation_scope, platform_scope  # noqa: E402
from koerskaart.auth import services as accounts  # noqa: E402
from koerskaart.clock import utcnow  # noqa: E402
from koerskaart.extensions import db  # noqa: E402
from koerskaart.models import ApiToken, UsageFact, User  # noqa: E402
from koerskaart.security import token_hash  # noqa: E402

LIMIT_MS = 1000.0
ADMIN = "beheerder@uptake-bench.example"
PLATFORM_ADMIN = "platform@uptake-bench.example"
PASSWORD = "uptake-benchmark-password"  # a throwaway database
PAGE = "/organisation/uptake/{name}"
PLATFORM_PAGE = "/platform/uptake/{name}"
API = "/api/v1/views/{name}"
DATABASES = ("sqlite", "postgresql")
LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass
class Case:
    view: str
    scope: str  # "organisation" or "platform"
    filters: str  # a label from ``filter_sets``
    path: str  # "run", "page" or "api"
    times_ms: list[float] = field(default_factory=list)
    status: str = "ok"  # or what went wrong: "HTTP 500", "no route", …

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.view, self.scope, self.filters, self.path)

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms) if self.times_ms else float("nan")

    @property
    def worst(self) -> float:
        return max(self.times_ms) if self.times_ms else float("nan")


@dataclass
class DatabaseRun:
    database: str
    version: str = ""
    upgrade_s: float = 0.0
    seed_s: float = 0.0
    analyze_s: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    cases: list[Case] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# -- the database ---------------------------------------------------------------------------------


@contextlib.contextmanager
def database_url(kind: str, args: argparse.Namespace, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'uptake.sqlite3'}"
        return
    server = Postgres(args.database_url)
    server.start()
    try:
        yield server.new_database(f"uptake_{secrets.token_hex(4)}")
    finally:
        server.stop()


def make_app(url: str) -> Flask:
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1),
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "TESTING": True,
        }
    )


def prepare(app: Flask, run: DatabaseRun, args: argparse.Namespace) -> None:
    """Schema from the migrations, the seed, and (PostgreSQL) the statistics autovacuum would gather."""
    with app.app_context():
        run.version = db.session.scalar(
            text("SELECT sqlite_version()" if run.database == "sqlite" else "SHOW server_version")
        )
        began = time.perf_counter()
        with contextlib.redirect_stderr(io.StringIO()):  # alembic logs a line per migration
            schema.upgrade_once()
        run.upgrade_s = time.perf_counter() - began
        seeding.guard(confirmed=True)
        began = time.perf_counter()
        done = seeding.seed(
            seeding.Plan(tables=args.tables, events=args.events, organisations=3, units=40, seed=args.seed)
        )
        run.seed_s = time.perf_counter() - began
        run.rows = {
            "tables": done.facts,
            "released": done.released_facts,
            "usage_cards": done.cards,
            "events": done.events,
            "requests": done.requests,
            "units": done.units,
        }
        if run.database == "postgresql":
            # On a live server autovacuum vacuums and analyses tables that grew; right after a bulk
            # load it has not run yet: the planner would guess and no index-only scan would pay.
            began = time.perf_counter()
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
            run.analyze_s = time.perf_counter() - began
        accounts.create_user(ADMIN, PASSWORD, "Benchmark 1", "admin")
        accounts.create_user(PLATFORM_ADMIN, PASSWORD, "Benchmark platform", "admin").platform_admin = True
        db.session.commit()


# -- what is asked --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    organisation_id: int
    unit: str  # public id of the busiest directorate
    deck: str  # the most played deck
    token: str


def target(app: Flask) -> Target:
    with app.app_context():
        org_id = db.session.scalar(
            select(UsageFact.organisation_id)
            .group_by(UsageFact.organisation_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        assert org_id is not None, "the seed wrote nothing"
        deck = db.session.scalar(
            select(UsageFact.deck_slug)
            .where(UsageFact.organisation_id == org_id)
            .group_by(UsageFact.deck_slug)
            .order_by(func.count().desc())
            .limit(1)
        )
        scope = organisation_scope(org_id)
        counts = dict(
            db.session.execute(
                select(UsageFact.unit_id, func.count())
                .where(UsageFact.organisation_id == org_id)
                .group_by(UsageFact.unit_id)
            ).all()
        )
        directorates = [u for u in scope.units.values() if u.parent_id is None]
        busiest = max(directorates, key=lambda u: sum(counts.get(i, 0) for i in scope.within(u.id)))
        admin = accounts.normalise_email(ADMIN)
        user_id = db.session.scalar(select(User.id).where(User.email == admin))
        # The API's token form: "kk_", eight letters or digits (the prefix), "_", the secret.
        prefix = "kk_" + secrets.token_hex(4)
        token = f"{prefix}_{secrets.token_urlsafe(32)}"
        db.session.add(
            ApiToken(
                public_id=secrets.token_urlsafe(12),
                organisation_id=org_id,
                created_by_id=user_id,
                name="uptake benchmark",
                prefix=prefix,
                token_hash=token_hash(token),
                expires_at=utcnow() + timedelta(days=1),
            )
        )
        db.session.commit()
        assert deck is not None
        return Target(org_id, busiest.public_id, deck, token)


def filter_sets(goal: Target, days: int) -> dict[str, dict[str, str]]:
    """Query arguments per label, as the dashboard and the API take them."""
    today = utcnow().date()
    whole = {"start": (today - timedelta(days=days)).isoformat(), "end": today.isoformat()}
    return {
        "quarter": {},
        "2y/week": {**whole, "period": "week"},
        "2y/month": {**whole, "period": "month"},
        "2y/quarter": {**whole, "period": "quarter"},
        "2y/unit": {**whole, "period": "month", "unit": goal.unit},
        "2y/deck": {**whole, "period": "month", "deck": goal.deck},
    }


def has_route(app: Flask, path: str) -> bool:
    try:
        app.url_map.bind("localhost").match(path, method="GET")
    except NotFound:
        return False
    except MethodNotAllowed:
        return False
    return True


# -- timing ---------------------------------------------------------------------------------------


def timed(case: Case, runs: int, call: Callable[[], str | None]) -> None:
    for _ in range(runs):
        began = time.perf_counter()
        try:
            problem = call()
        except Exception as exc:  # reported in the table; the other cases go on
            problem = f"{type(exc).__name__}: {str(exc)[:80]}"
        case.times_ms.append((time.perf_counter() - began) * 1000)
        if problem:
            case.status = problem
            return


def viewer(app: Flask, name: str, organisation_id: int | None, filters: Any) -> Callable[[], str | None]:
    """``views.run`` in a fresh request context, as a request has one (the scope's units read there too;
    a view may translate labels, which needs the request's language)."""

    def call() -> str | None:
        with app.test_request_context():
            views.run(
                name,
                platform_scope() if organisation_id is None else organisation_scope(organisation_id),
                filters,
            )
        return None

    return call


def logged_in(app: Flask, email: str, run: DatabaseRun) -> Any:
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    if response.status_code != 302:
        run.notes.append(f"log-in as {email} answered {response.status_code}: its pages are skipped")
        return None
    return client


def measure(
    app: Flask, run: DatabaseRun, args: argparse.Namespace, goal: Target, sets: dict[str, dict[str, str]]
) -> None:
    admin, platform_admin = logged_in(app, ADMIN, run), logged_in(app, PLATFORM_ADMIN, run)
    bearer = {"Authorization": f"Bearer {goal.token}"}
    # (path, scope, URL, client, headers): each timed when the app has the route.
    http = [
        ("page", "organisation", PAGE, admin, {}),
        ("csv", "organisation", PAGE + ".csv", admin, {}),
        ("api", "organisation", API, app.test_client(), bearer),
        ("page", "platform", PLATFORM_PAGE, platform_admin, {}),
        ("csv", "platform", PLATFORM_PAGE + ".csv", platform_admin, {}),
    ]
    for path, scope, template, client, _headers in list(http):
        if client is None or not has_route(app, template.format(name="x")):
            run.notes.append(f"{template.format(name='<view>')}: no such route in this app yet, not timed")
            http.remove((path, scope, template, client, _headers))

    for name, view in views.VIEWS.items():
        if args.views and name not in args.views.split(","):
            continue
        scopes = {
            "organisation": getattr(view, "organisation", True),  # False: a platform-only view
            "platform": view.platform,
        }
        for label, query in sets.items():
            filters = filter_module.parse(query)
            for scope, offered in scopes.items():
                if not offered or (scope == "platform" and "unit" in query):
                    continue  # the platform is never asked by unit
                case = Case(name, scope, label, "run")
                organisation_id = goal.organisation_id if scope == "organisation" else None
                timed(case, args.runs, viewer(app, name, organisation_id, filters))
                run.cases.append(case)
                for path, where, template, client, headers in http:
                    if where != scope:
                        continue
                    url = template.format(name=name) + (f"?{urlencode(query)}" if query else "")

                    def get(
                        url: str = url, headers: dict[str, str] = headers, client: Any = client
                    ) -> str | None:
                        response = client.get(url, headers=headers)
                        response.get_data()
                        return None if response.status_code == 200 else f"HTTP {response.status_code}"

                    case = Case(name, scope, label, path)
                    timed(case, args.runs, get)
                    run.cases.append(case)
            done = [c for c in run.cases if c.view == name and c.filters == label]
            print(
                f"  {LABELS[run.database]:<10} {name:<24} {label:<10} "
                + "  ".join(f"{c.path}{'*' if c.scope == 'platform' else ''} {c.median:6.0f}" for c in done),
                flush=True,
            )


# -- where the time went --------------------------------------------------------------------------


@contextlib.contextmanager
def statements(app: Flask) -> Iterator[list[tuple[str, Any, float]]]:
    """Every SQL statement run inside, with its parameters and its time in the database driver."""
    found: list[tuple[str, Any, float]] = []
    started: list[float] = []

    def before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        started.append(time.perf_counter())

    def after(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        found.append((statement, parameters, time.perf_counter() - started.pop()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def explain(
    app: Flask, run: DatabaseRun, args: argparse.Namespace, goal: Target, sets: dict[str, dict[str, str]]
) -> None:
    """SQL time against the rest for the slowest cases of ``views.run``, with each statement's plan."""
    runs = sorted(
        (c for c in run.cases if c.path == "run" and c.status == "ok"), key=lambda c: c.median, reverse=True
    )
    for case in runs[: args.explain]:
        filters = filter_module.parse(sets[case.filters])
        scope_id = None if case.scope == "platform" else goal.organisation_id
        with statements(app) as found:
            began = time.perf_counter()
            with app.test_request_context():
                views.run(
                    case.view, platform_scope() if scope_id is None else organisation_scope(scope_id), filters
                )
            total = time.perf_counter() - began
        sql = sum(seconds for _s, _p, seconds in found)
        print(
            f"\n## {LABELS[run.database]}: {case.view} ({case.scope}, {case.filters}): "
            f"{total * 1000:.1f} ms, of which SQL {sql * 1000:.1f} ms in {len(found)} statements"
        )
        for statement, parameters, seconds in sorted(found, key=lambda s: -s[2])[:4]:
            print(f"\n{seconds * 1000:.1f} ms: {' '.join(statement.split())}")
            print(f"parameters: {parameters}")
            with app.app_context(), db.engine.connect() as conn:
                prefix = "EXPLAIN QUERY PLAN " if run.database == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
                for row in conn.exec_driver_sql(prefix + statement, parameters):
                    print("    " + " | ".join(str(v) for v in row))
        if args.profile and case is runs[0]:
            profile = cProfile.Profile()
            with app.test_request_context():
                scope = platform_scope() if scope_id is None else organisation_scope(scope_id)
                profile.enable()
                views.run(case.view, scope, filters)
                profile.disable()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(20)
            print(out.getvalue())


# -- the report -----------------------------------------------------------------------------------


def machine() -> str:
    memory_kib = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kib = int(line.split()[1])
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs ({platform.machine()}), {memory_kib / 1024 / 1024:.1f} GiB, "
        f"Python {platform.python_version()}, sqlite3 module on SQLite {sqlite3.sqlite_version}; "
        f"load average now {load}"
    )


def cell(case: Case | None) -> tuple[str, str]:
    if case is None:
        return ("", "")
    if case.status != "ok":
        return (case.status, "")
    flag = " ⚠" if case.worst > LIMIT_MS else ""
    return (f"{case.median:.0f}", f"{case.worst:.0f}{flag}")


def summary(done: list[DatabaseRun]) -> None:
    """Per view and scope, the slowest of its filters and paths: the table for docs/performance.md."""
    print("\n### Per view: the slowest filter and path (median and max of its runs, ms)\n")
    header = ["view", "scope"]
    for run in done:
        header += [f"{LABELS[run.database]} median", f"{LABELS[run.database]} max", "slowest case"]
    print("| " + " | ".join(header) + " |")
    print("|---|---|" + "---:|---:|---|" * len(done))
    groups: list[tuple[str, str]] = []
    for run in done:
        for c in run.cases:
            if (c.view, c.scope) not in groups:
                groups.append((c.view, c.scope))
    for view, scope in groups:
        row = [view, scope]
        for run in done:
            mine = [c for c in run.cases if (c.view, c.scope) == (view, scope)]
            ok = [c for c in mine if c.status == "ok"]
            failed = len(mine) - len(ok)
            if not ok:
                row += ["", "", f"{failed} failed" if failed else ""]
                continue
            slowest = max(ok, key=lambda c: c.median)
            worst = max(c.worst for c in ok)
            note = f"{slowest.filters} {slowest.path}" + (f"; {failed} failed" if failed else "")
            row += [f"{slowest.median:.0f}", f"{worst:.0f}" + (" ⚠" if worst > LIMIT_MS else ""), note]
        print("| " + " | ".join(row) + " |")


def load(path: Path) -> tuple[list[DatabaseRun], dict[str, Any]]:
    """Runs written by ``--json``, to print their report again (``--report``)."""
    data = json.loads(path.read_text())
    found = []
    for raw in data["runs"]:
        cases = [Case(**c) for c in raw.pop("cases")]
        found.append(DatabaseRun(**raw, cases=cases))
    return found, data["args"]


def report(done: list[DatabaseRun], args: argparse.Namespace, measured_on: str | None = None) -> None:
    print(f"\n# Uptake at {args.tables:,} tables, {args.events:,} events ({args.runs} runs per case)\n")
    print(f"- machine: {measured_on or machine()}")
    for run in done:
        counts = ", ".join(f"{v:,} {k}" for k, v in run.rows.items())
        extra = f", VACUUM ANALYZE {run.analyze_s:.1f} s" if run.analyze_s else ""
        print(
            f"- {LABELS[run.database]} {run.version}: migrations {run.upgrade_s:.1f} s, "
            f"seed {run.seed_s:.1f} s{extra} ({counts})"
        )
        for note in run.notes:
            print(f"  - {note}")
    summary(done)
    print(f"\n### Every case ({args.runs} runs each; ms)")
    keys: list[tuple[str, str, str, str]] = []
    by_db: dict[str, dict[tuple[str, str, str, str], Case]] = {}
    for run in done:
        by_db[run.database] = {c.key: c for c in run.cases}
        keys += [c.key for c in run.cases if c.key not in keys]
    header = ["view", "scope", "filters", "path"]
    for run in done:
        header += [f"{LABELS[run.database]} median ms", f"{LABELS[run.database]} max ms"]
    print("\n| " + " | ".join(header) + " |")
    print("|" + "---|" * 4 + "---:|" * (2 * len(done)))
    for key in keys:
        row = list(key)
        for run in done:
            row += cell(by_db[run.database].get(key))
        print("| " + " | ".join(row) + " |")
    print()
    for run in done:
        slow = [c for c in run.cases if c.status == "ok" and c.worst > LIMIT_MS]
        failed = [c for c in run.cases if c.status != "ok"]
        worst = max((c for c in run.cases if c.status == "ok"), key=lambda c: c.worst, default=None)
        print(
            f"{LABELS[run.database]}: {len(run.cases)} cases, {len(slow)} over {LIMIT_MS / 1000:.0f} s, "
            f"{len(failed)} failed"
            + (
                f"; slowest {worst.view} ({worst.scope}, {worst.filters}, {worst.path}) {worst.worst:.0f} ms"
                if worst
                else ""
            )
        )
        for case in slow:
            print(f"  ⚠ {case.view} ({case.scope}, {case.filters}, {case.path}): max {case.worst:.0f} ms")
        for case in failed:
            print(f"  ✗ {case.view} ({case.scope}, {case.filters}, {case.path}): {case.status}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tables", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=int, default=730, help="the range of the 2y filters")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case (the first counts too)")
    parser.add_argument(
        "--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql (default both)"
    )
    parser.add_argument(
        "--database-url",
        help="an existing, empty PostgreSQL database, e.g. postgresql://... (default: a throwaway server)",
    )
    parser.add_argument("--views", help="comma-separated view names (default: every registered view)")
    parser.add_argument("--explain", type=int, default=2, metavar="N", help="SQL and plans of the N slowest")
    parser.add_argument("--profile", action="store_true", help="cProfile of the slowest views.run")
    parser.add_argument("--json", type=Path, help="also write every timing here")
    parser.add_argument("--report", type=Path, metavar="JSON", help="print the report of a --json file again")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file (its path is printed)")
    args = parser.parse_args(argv)
    if args.report:
        loaded, kept = load(args.report)
        args.tables, args.events, args.runs = kept["tables"], kept["events"], kept["runs"]
        report(loaded, args, kept["machine"])
        return 0
    kinds = [k.strip() for k in args.databases.split(",") if k.strip()]
    if not kinds or any(k not in DATABASES for k in kinds):
        parser.error("--databases takes sqlite, postgresql or both")
    if not 1 <= args.runs <= 100:
        parser.error("--runs must be 1..100")
    if not 30 <= args.tables <= seeding.MAX_TABLES:
        parser.error(f"--tables must be 30..{seeding.MAX_TABLES}")

    print(f"machine: {machine()}")
    print(f"views: {', '.join(views.VIEWS)}")
    done: list[DatabaseRun] = []
    for kind in kinds:
        folder = Path(tempfile.mkdtemp(prefix=f"kk-uptake-{kind}-"))
        run = DatabaseRun(kind)
        try:
            with database_url(kind, args, folder) as url:
                app = make_app(url)
                print(f"\n{LABELS[kind]}: migrations and seed …", flush=True)
                prepare(app, run, args)
                print(f"  seeded in {run.seed_s:.1f} s: {run.rows}", flush=True)
                goal = target(app)
                sets = filter_sets(goal, args.days)
                measure(app, run, args, goal, sets)
                if args.explain:
                    explain(app, run, args, goal, sets)
                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()
        finally:
            if kind == "sqlite" and args.keep:
                print(f"  kept {folder / 'uptake.sqlite3'}")
            else:
                shutil.rmtree(folder, ignore_errors=True)
        done.append(run)
    report(done, args)
    if args.json:
        kept = {"tables": args.tables, "events": args.events, "runs": args.runs, "machine": machine()}
        args.json.write_text(json.dumps({"args": kept, "runs": [asdict(r) for r in done]}, indent=1))
    return 1 if any(c.status == "ok" and c.worst > LIMIT_MS for r in done for c in r.cases) else 0


if __name__ == "__main__":
    sys.exit(main())
