"""Organisation units (issue 14): the admin's tree at /organisation/units, its bounds and its readers,
and the unit a facilitator's table or event carries (live/units.py)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from koerskaart.analytics import unit_services
from koerskaart.analytics.unit_services import UnitError
from koerskaart.extensions import db
from koerskaart.live import units
from koerskaart.models import Conference, OrgUnit, Table
from tests.helpers.org_units import detached_units  # noqa: F401  # an autouse fixture
from tests.helpers.users import log_in, make_user

ADMIN = "beheer@oost.example"


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    make_user(ADMIN, role="admin")
    return log_in(app, ADMIN)


def _admin_org() -> int:
    from koerskaart.models import User

    return int(db.session.scalar(select(User.organisation_id).where(User.email == ADMIN)))


def unit_named(name: str) -> OrgUnit:
    db.session.expire_all()
    found = db.session.scalar(select(OrgUnit).where(OrgUnit.name == name))
    assert found is not None, name
    return found


def add(client: FlaskClient, name: str, parent: str = "") -> int:
    parent_id = unit_named(parent).public_id if parent else ""
    return client.post("/organisation/units", data={"name": name, "parent": parent_id}).status_code


def move(client: FlaskClient, unit: OrgUnit, parent: str) -> int:
    return client.post(f"/organisation/units/{unit.public_id}/move", data={"parent": parent}).status_code


def paths() -> list[str]:
    db.session.expire_all()
    return [path for _id, path in units.unit_choices(_admin_org())]


def test_an_admin_builds_a_tree_that_forms_offer_as_paths(app: Flask, admin: FlaskClient) -> None:
    empty = admin.get("/organisation/units").get_data(as_text=True)
    assert 'data-testid="units-empty"' in empty and "<h1>" in empty
    assert add(admin, "  Directie   Noord ") == 302
    assert add(admin, "Sociaal domein", "Directie Noord") == 302
    assert add(admin, "Afdeling Jeugd", "Sociaal domein") == 302
    assert add(admin, "Bedrijfsvoering") == 302
    assert paths() == [
        "Directie Noord",
        "Directie Noord / Sociaal domein",
        "Directie Noord / Sociaal domein / Afdeling Jeugd",
        "Bedrijfsvoering",
    ]
    page = admin.get("/organisation/units").get_data(as_text=True)
    # A nested list: the child sits in a list inside its parent's item.
    assert re.search(
        r"Directie Noord</a>.*?<ul class=\"action-list unit-tree__children\">.*?Sociaal domein", page, re.S
    )


def test_rename_move_reorder_and_sort(app: Flask, admin: FlaskClient) -> None:
    for name in ("Zuid", "Noord", "Midden"):
        add(admin, name)
    add(admin, "Team A", "Noord")
    assert paths() == ["Zuid", "Noord", "Noord / Team A", "Midden"]
    midden = unit_named("Midden").public_id
    assert admin.post(f"/organisation/units/{midden}/up").status_code == 302
    assert paths() == ["Zuid", "Midden", "Noord", "Noord / Team A"]
    assert admin.post("/organisation/units/sort").status_code == 302
    assert paths() == ["Midden", "Noord", "Noord / Team A", "Zuid"]
    team = unit_named("Team A").public_id
    assert admin.post(f"/organisation/units/{team}/rename", data={"name": "Team B"}).status_code == 302
    zuid = unit_named("Zuid").public_id
    assert admin.post(f"/organisation/units/{team}/move", data={"parent": zuid}).status_code == 302
    assert paths() == ["Midden", "Noord", "Zuid", "Zuid / Team B"]
    assert admin.post(f"/organisation/units/{team}/move", data={"parent": ""}).status_code == 302
    assert paths()[-1] == "Team B"


def test_moves_that_would_make_a_cycle_are_refused(app: Flask, admin: FlaskClient) -> None:
    add(admin, "A")
    add(admin, "B", "A")
    add(admin, "C", "B")
    a, c = unit_named("A"), unit_named("C")
    # Under its own grandchild: not offered in the form, and refused by the service too.
    assert (
        admin.post(f"/organisation/units/{a.public_id}/move", data={"parent": c.public_id}).status_code == 400
    )
    assert (
        admin.post(f"/organisation/units/{a.public_id}/move", data={"parent": a.public_id}).status_code == 400
    )
    with pytest.raises(UnitError):
        unit_services.move(a, c)
    with pytest.raises(UnitError):
        unit_services.move(a, a)
    assert paths() == ["A", "A / B", "A / B / C"]


def test_bounds_names_depth_siblings_and_count(app: Flask, admin: FlaskClient) -> None:
    assert add(admin, "") == 400
    assert add(admin, "   ") == 400
    assert add(admin, "x" * 81) == 400
    assert add(admin, "x" * 10_000) == 400
    assert add(admin, "Team\x00Nul") == 400
    assert add(admin, "y" * 80) == 302
    add(admin, "Eén")
    assert add(admin, "eén") == 400  # sibling names are unique, case aside
    add(admin, "Twee", "Eén")
    assert add(admin, "Eén", "Twee") == 302  # the same name elsewhere in the tree is fine
    add(admin, "Drie", "Eén")
    add(admin, "Vier", "Drie")
    add(admin, "Vijf", "Vier")
    assert add(admin, "Zes", "Vijf") == 400  # a fifth level
    # Drie with the two levels below it does not fit under Twee (a second-level unit): five levels.
    drie, twee = unit_named("Drie"), unit_named("Twee")
    with pytest.raises(UnitError):
        unit_services.move(drie, twee)
    assert (
        admin.post(f"/organisation/units/{drie.public_id}/move", data={"parent": twee.public_id}).status_code
        == 400
    )
    deep = [p.unit for p in units.placed(_admin_org()) if p.unit.name == "Eén" and p.depth == 3]
    with pytest.raises(UnitError):
        unit_services.move(twee, deep[0])  # under a unit below it: a cycle
    # A unknown or hostile parent is a form error, never a 500.
    assert admin.post("/organisation/units", data={"name": "X", "parent": "nope"}).status_code == 400
    assert admin.post("/organisation/units", data={"name": "X", "parent": "\x00" * 50}).status_code == 400


def test_at_most_500_units(app: Flask, admin: FlaskClient) -> None:
    organisation = _admin_org()
    db.session.add_all(
        OrgUnit(public_id=f"u{n}", organisation_id=organisation, name=f"Unit {n}", position=n)
        for n in range(unit_services.MAX_UNITS)
    )
    db.session.commit()
    assert add(admin, "One too many") == 400
    with pytest.raises(UnitError):
        unit_services.add(organisation, "One too many", None)


def test_an_archived_unit_is_no_longer_offered_and_delete_only_when_unused(
    app: Flask, admin: FlaskClient
) -> None:
    add(admin, "Oud")
    add(admin, "Onder oud", "Oud")
    add(admin, "Nieuw")
    oud, onder = unit_named("Oud"), unit_named("Onder oud")
    assert admin.post(f"/organisation/units/{oud.public_id}/archive").status_code == 302
    assert paths() == ["Nieuw"]  # the unit and everything under it
    organisation = _admin_org()
    assert units.unit_id(organisation, onder.public_id) is None
    page = admin.get("/organisation/units").get_data(as_text=True)
    assert 'data-testid="unit-archived"' in page and "Onder oud" in page
    assert add(admin, "Nog eentje", "Oud") == 400  # not offered as a parent
    # In use (a unit below it), so it cannot be deleted; its child can.
    assert admin.post(f"/organisation/units/{oud.public_id}/delete").status_code == 400
    assert admin.post(f"/organisation/units/{onder.public_id}/delete").status_code == 302
    # A table that played for a unit keeps it from being deleted.
    nieuw = unit_named("Nieuw")
    owner = make_user("spelleider@oost.example")
    client = log_in(app, "spelleider@oost.example")
    assert client.post("/tables", data={"deck": "proefdeck", "unit": nieuw.public_id}).status_code == 302
    assert admin.post(f"/organisation/units/{nieuw.public_id}/delete").status_code == 400
    assert owner.organisation_id == organisation
    assert admin.post(f"/organisation/units/{oud.public_id}/unarchive").status_code == 302
    assert paths() == ["Oud", "Nieuw"]
    assert admin.post(f"/organisation/units/{oud.public_id}/delete").status_code == 302
    assert paths() == ["Nieuw"]


def test_roles_anonymous_and_another_organisation(app: Flask, admin: FlaskClient) -> None:
    add(admin, "Eigen")
    ours = unit_named("Eigen").public_id
    make_user("analist@oost.example", role="analyst")
    analyst = log_in(app, "analist@oost.example")
    page = analyst.get("/organisation/units")
    assert page.status_code == 200  # read-only: the tree, no forms
    html = page.get_data(as_text=True)
    assert "Eigen" in html and "unit-add" not in html and "/organisation/units/" + ours not in html
    assert analyst.post("/organisation/units", data={"name": "X"}).status_code == 403
    assert analyst.get(f"/organisation/units/{ours}").status_code == 403
    assert analyst.post(f"/organisation/units/{ours}/archive").status_code == 403
    for role in ("facilitator", "author"):
        make_user(f"{role}@oost.example", role=role)
        other = log_in(app, f"{role}@oost.example")
        assert other.get("/organisation/units").status_code == 403
        assert other.post("/organisation/units", data={"name": "X"}).status_code == 403
    anonymous = app.test_client()
    response = anonymous.get("/organisation/units")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert anonymous.post(f"/organisation/units/{ours}/delete").status_code == 302
    make_user("beheer@west.example", organisation="Gemeente West", role="admin")
    west = log_in(app, "beheer@west.example")
    assert west.get(f"/organisation/units/{ours}").status_code == 404
    for action in ("rename", "move", "up", "down", "archive", "unarchive", "delete"):
        assert (
            west.post(f"/organisation/units/{ours}/{action}", data={"name": "Overgenomen"}).status_code == 404
        )
    assert west.get("/organisation/units/" + "x" * 500).status_code == 404
    assert west.get("/organisation/units/%00").status_code == 404
    assert admin.post("/organisation/units/a%00b/rename", data={"name": "X"}).status_code == 404
    assert paths() == ["Eigen"]


def test_a_facilitators_table_and_event_carry_the_chosen_unit(app: Flask, admin: FlaskClient) -> None:
    add(admin, "Jeugd")
    jeugd = unit_named("Jeugd")
    make_user("spelleider@oost.example")
    client = log_in(app, "spelleider@oost.example")
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="start-unit"' in home and "Jeugd" in home
    assert client.post("/tables", data={"deck": "proefdeck", "unit": jeugd.public_id}).status_code == 302
    assert client.post("/tables", data={"deck": "proefdeck"}).status_code == 302
    db.session.expire_all()
    assert [t.unit_id for t in db.session.scalars(select(Table).order_by(Table.id))] == [jeugd.id, None]
    event = client.post(
        "/events/new",
        data={
            "name": "Jeugddag",
            "held_on": date.today().isoformat(),
            "deck": "proefdeck",
            "target_size": 6,
            "pacing": "free",
            "unit": jeugd.public_id,
            "tables": "Tafel 1",
        },
    )
    assert event.status_code == 302
    conference = db.session.scalar(select(Conference))
    assert conference is not None and conference.unit_id == jeugd.id
    tables = db.session.scalars(select(Table).where(Table.conference_id == conference.id)).all()
    assert tables and all(t.unit_id == jeugd.id for t in tables)


def test_another_organisations_or_an_archived_unit_is_refused_by_the_forms(
    app: Flask, admin: FlaskClient
) -> None:
    add(admin, "Oost-eenheid")
    make_user("beheer@west.example", organisation="Gemeente West", role="admin")
    west = log_in(app, "beheer@west.example")
    assert add(west, "West-eenheid") == 302
    theirs = unit_named("West-eenheid").public_id
    make_user("spelleider@oost.example")
    client = log_in(app, "spelleider@oost.example")
    assert client.post("/tables", data={"deck": "proefdeck", "unit": theirs}).status_code == 400
    assert client.post("/tables", data={"deck": "proefdeck", "unit": "x" * 5000}).status_code == 400
    event = {"name": "Dag", "held_on": date.today().isoformat(), "deck": "proefdeck", "target_size": 6}
    assert client.post("/events/new", data={**event, "pacing": "free", "unit": theirs}).status_code == 400
    ours = unit_named("Oost-eenheid")
    unit_services.set_archived(ours, True)
    assert client.post("/tables", data={"deck": "proefdeck", "unit": ours.public_id}).status_code == 400
    assert 'data-testid="start-unit"' not in client.get("/").get_data(as_text=True)  # none left to offer
    anonymous = app.test_client()
    assert anonymous.post("/tables", data={"deck": "proefdeck", "unit": theirs}).status_code == 400
    assert db.session.scalar(select(Table)) is None
    assert units.unit_id(None, theirs) is None
