"""The authorisation matrix of uptake: every analytics URL, read from the app's url map (so a new
page is covered the day it is added), every method, asked by every kind of visitor.

Visitors: nobody, a facilitator, an author, an analyst and an admin of the organisation, an
admin of another organisation, the platform's admin, a token of the organisation and one of
another organisation (both as ``Authorization: Bearer``), and every session on the API. Each
answer is checked against the expected status, and every body against markers planted in the
organisation's played tables: no nickname, open answer, action text, team label, join code or
contact address appears anywhere, and the organisation's unit names appear only to itself.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule

from koerskaart.analytics import token_services, unit_services, views
from koerskaart.engine import actions as act
from koerskaart.extensions import db
from koerskaart.live import service
from koerskaart.live.codes import format_code
from koerskaart.models import OrgUnit, User
from tests.helpers.proefdeck import ACTION, OPEN, STATEMENT
from tests.helpers.users import log_in, make_user

NICK = "Bijnaammerk"
ANSWER = "Antwoordmerk over de baas"
ACTION_TEXT = "Actiemerk voor maandag"
TEAM = "Teammerk Inkoop"
CONTACT = "contactmerk@oost.example"
UNIT_NAME = "Eenheidmerk Jeugd"
OWN = "Gemeente Oost"
OTHER = "Gemeente West"

SESSIONS = ("anonymous", "facilitator", "author", "analyst", "admin", "other_admin", "platform")
TOKENS = ("token", "other_token")
# Who may see the organisation's unit names.
OWN_EYES = {"analyst", "admin", "token"}


@dataclass
class World:
    app: Flask
    unit: OrgUnit
    key: str
    ready: str  # a ready link's path
    tokens: dict[str, str] = field(default_factory=dict)
    clients: dict[str, FlaskClient] = field(default_factory=dict)
    join_codes: list[str] = field(default_factory=list)
    analyst: User | None = None


def _play(owner: User, unit: OrgUnit, nick: str, end: bool = True) -> str:
    table, host, _token, _key = service.create_table(
        "proefdeck", nick, owner=owner, team_label=TEAM, unit_id=unit.id
    )
    code = table.join_code or ""
    seats = [host] + [service.join_table(code, f"{nick}{n}")[1] for n in range(1, 4)]
    service.perform(table.public_id, act.Start(by=host))
    for seat in seats:
        service.perform(table.public_id, act.Submit(seat, STATEMENT, 4))
    service.perform(table.public_id, act.Next(by=host))
    service.perform(table.public_id, act.Next(by=host))
    for seat in seats:
        service.perform(table.public_id, act.Submit(seat, OPEN, ANSWER))
    for _ in range(OPEN, ACTION):
        service.perform(table.public_id, act.Next(by=host))
    service.perform(table.public_id, act.AddAction(host, ACTION_TEXT, ACTION_TEXT, "maandag"))
    if end:
        service.perform(table.public_id, act.End(by=host, keep_open_text=True))
    return code


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    with app.test_request_context():
        admin = make_user("beheer@oost.example", OWN, "admin")
        facilitator = make_user("spelleider@oost.example", OWN, "facilitator")
        make_user("auteur@oost.example", OWN, "author")
        analyst = make_user("analist@oost.example", OWN, "analyst")
        other = make_user("beheer@west.example", OTHER, "admin")
        platform = make_user("platform@beheer.example", "KoersKaart", "facilitator")
        platform.platform_admin = True
        db.session.commit()
        unit = unit_services.add(admin.organisation_id, UNIT_NAME, None)
        unit_services.add(other.organisation_id, "West Eenheid", None)
        codes = [_play(facilitator, unit, f"{NICK}{n}") for n in range(3)]
        codes.append(_play(facilitator, unit, f"{NICK}Live", end=False))  # still playing: a live code
    clients = {"anonymous": app.test_client()}
    for name, email in (
        ("facilitator", "spelleider@oost.example"),
        ("author", "auteur@oost.example"),
        ("analyst", "analist@oost.example"),
        ("admin", "beheer@oost.example"),
        ("other_admin", "beheer@west.example"),
        ("platform", "platform@beheer.example"),
    ):
        clients[name] = log_in(app, email)
    assert clients["admin"].post("/organisation/requests/key").status_code == 302
    html = clients["admin"].get("/organisation/requests").get_data(as_text=True)
    key = re.search(r"/request/([A-Za-z0-9_-]{32})", html)
    assert key
    form = {
        "unit": unit.public_id,
        "deck": "proefdeck",
        "expected_on": (date.today() + timedelta(days=7)).isoformat(),
        "expected_size": 8,
        "contact_email": CONTACT,
    }
    page = app.test_client().post(f"/request/{key.group(1)}", data=form).get_data(as_text=True)
    ready = re.search(r"(/request/ready/[A-Za-z0-9_-]+)", page)
    assert ready, page[:2000]
    with app.test_request_context():
        own = token_services.issue(
            db.session.get(User, admin.id),
            "Rapport",
            90,  # type: ignore[arg-type]
        )
        theirs = token_services.issue(db.session.get(User, other.id), "West", 90)  # type: ignore[arg-type]
    found = World(app, unit, key.group(1), ready.group(1), clients=clients, analyst=analyst)
    found.tokens = {"token": own.token, "other_token": theirs.token}
    found.join_codes = [codes[-1], format_code(codes[-1])]
    yield found


# -- what each rule's parameters become -------------------------------------------------------


def _fresh_unit(world: World) -> str:
    admin = db.session.scalars(select(User).where(User.email == "beheer@oost.example")).one()
    return unit_services.add(admin.organisation_id, f"Nieuw {secrets.token_hex(3)}", world.unit).public_id


def _fresh_token(world: World) -> str:
    assert world.analyst is not None
    made = token_services.issue(db.session.get(User, world.analyst.id), "Analist", 30)  # type: ignore[arg-type]
    return made.row.public_id


def urls(rule: Rule, world: World) -> list[str]:
    """Every URL the rule stands for in the matrix (a view's name: each view it serves)."""
    values: list[dict[str, str]] = [{}]
    for name in rule.arguments:
        if name == "name":
            offered = views.platform_views() if rule.endpoint.startswith("analytics_platform.") else None
            names = [v.name for v in (offered or views.organisation_views())]
            values = [{**v, "name": n} for v in values for n in names]
        elif name == "public_id":
            maker = _fresh_token if rule.endpoint.startswith("analytics_tokens.") else _fresh_unit
            values = [{**v, "public_id": maker(world)} for v in values]
        elif name == "key":
            values = [{**v, "key": world.key} for v in values]
        elif name == "token":
            values = [{**v, "token": world.ready.rsplit("/", 1)[1]} for v in values]
        elif name == "rest":
            values = [{**v, "rest": "v1/nothing"} for v in values]
        else:
            pytest.fail(f"{rule.rule}: the matrix cannot fill <{name}>; add it to urls()")
    built = [rule.build(v, append_unknown=False) for v in values]
    return [b[1] for b in built if b is not None]


# -- what each visitor should get -------------------------------------------------------------

PUBLIC = {"analytics_requests.form", "analytics_requests.ready", "analytics_requests.start"}
READ = {"admin", "analyst", "other_admin"}  # an organisation's readers (the other one reads its own)
ACTS = {200, 302, 400}  # an allowed POST: done, or refused for its (empty) body


def expected(endpoint: str, who: str, method: str) -> set[int]:
    if endpoint.startswith("analytics_api."):
        if endpoint == "analytics_api.not_found":
            return {404}
        if endpoint == "analytics_api.openapi_document":
            return {200}
        return {200} if who in TOKENS else {401}
    if endpoint in PUBLIC:  # whoever holds the organisation's request address or a ready link
        if endpoint == "analytics_requests.start":
            return {302}
        return {200, 400} if method == "POST" else {200}  # an empty form: 400 with its problems
    if who in TOKENS or who == "anonymous":
        return {302}  # a bearer token opens no page: to the login page
    action = endpoint.split(".", 1)[1]
    feature = endpoint.split(".", 1)[0]
    if feature == "analytics_platform":
        return {200} if who == "platform" else {403}
    if feature == "analytics_dashboard":
        return {200} if who in READ else {403}
    if feature == "analytics_units":
        if action == "units" and method == "GET":
            return {200} if who in READ else {403}
        if action in ("add", "sort"):
            return ACTS if who in ("admin", "other_admin") else {403}
        if who == "admin":
            return {200} if method == "GET" else ACTS
        return {404} if who == "other_admin" else {403}
    if feature == "analytics_requests":  # the admin's page and its key
        if who in ("admin", "other_admin"):
            return {200} if method == "GET" else {302}
        return {403}
    if feature == "analytics_tokens":
        if action == "revoke":  # the organisation's analyst's token
            if who in ("admin", "analyst"):
                return ACTS
            return {404} if who == "other_admin" else {403}
        if who in READ:
            return {200} if method == "GET" else ACTS
        return {403}
    pytest.fail(f"{endpoint}: no expectation in the matrix; add one")


def _ask(world: World, who: str, method: str, url: str) -> tuple[int, str, str]:
    if who in TOKENS:
        client = world.app.test_client()
        response = client.open(url, method=method, headers={"Authorization": f"Bearer {world.tokens[who]}"})
    else:
        response = world.clients[who].open(url, method=method, data={})
    return response.status_code, response.get_data(as_text=True), response.headers.get("Location", "")


def _leaks(world: World, who: str, endpoint: str, body: str) -> list[str]:
    markers = [NICK, ANSWER, ACTION_TEXT, TEAM, CONTACT, *world.join_codes]
    # The request form offers the organisation's units to whoever holds its address.
    if who not in OWN_EYES and endpoint not in PUBLIC:
        markers.append(UNIT_NAME)
    return [marker for marker in markers if marker in body]


def _rules(app: Flask, keep: Callable[[str], bool]) -> list[tuple[Rule, str]]:
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if not rule.endpoint.startswith("analytics_"):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if keep(method):
                found.append((rule, method))
    return found


def test_every_analytics_url_for_every_visitor(world: World) -> None:
    app = world.app
    asked = 0
    problems: list[str] = []
    visitors = SESSIONS + TOKENS
    # Reads first, then writes (a write by an allowed visitor may change what a read shows);
    # the key's renewal last of all, since it ends the public request page's address.
    ordered = _rules(app, lambda m: m == "GET") + sorted(
        _rules(app, lambda m: m != "GET"), key=lambda rm: rm[0].endpoint == "analytics_requests.renew_key"
    )
    for rule, method in ordered:
        for who in visitors:
            with app.test_request_context():
                targets = urls(rule, world)
            for url in targets:
                status, body, location = _ask(world, who, method, url)
                asked += 1
                want = expected(rule.endpoint, who, method)
                if status not in want:
                    problems.append(f"{method} {url} as {who}: {status}, expected {sorted(want)}")
                login = status == 302 and want == {302} and rule.endpoint not in PUBLIC
                if login and who in ("anonymous", *TOKENS) and "/login" not in location:
                    problems.append(f"{method} {url} as {who}: redirected to {location}, not to log in")
                leaked = _leaks(world, who, rule.endpoint, body)
                if leaked:
                    problems.append(f"{method} {url} as {who}: shows {leaked}")
    assert not problems, "\n".join(problems[:40])
    print(f"authorisation matrix: {asked} requests")  # the size, for the closing note
    assert asked > 300


def test_the_matrix_knows_every_analytics_endpoint(app: Flask) -> None:
    for rule, method in _rules(app, lambda m: True):
        for who in SESSIONS + TOKENS:
            expected(rule.endpoint, who, method)  # fails for an endpoint it has no answer for


def test_another_organisations_unit_filter_is_refused_everywhere(world: World) -> None:
    """A unit of the organisation, given as a filter by another one or the platform: refused, never shown."""
    unit = world.unit.public_id
    asks = [("other_admin", f"/organisation/uptake/{v.name}?unit={unit}") for v in views.organisation_views()]
    asks += [
        ("other_admin", f"/organisation/uptake/{v.name}.csv?unit={unit}") for v in views.organisation_views()
    ]
    asks += [("platform", f"/platform/uptake/{v.name}?unit={unit}") for v in views.platform_views()]
    asks += [("other_token", f"/api/v1/views/{v.name}?unit={unit}") for v in views.organisation_views()]
    for who, url in asks:
        status, body, _location = _ask(world, who, "GET", url)
        assert status in (400, 404), (who, url, status)
        assert not _leaks(world, who, "", body), (who, url)
