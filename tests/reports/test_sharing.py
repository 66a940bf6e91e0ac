"""Share links: a facilitator hands a summary to someone without an account, and can take it back."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from koerskaart.clock import aware, utcnow
from koerskaart.extensions import db
from koerskaart.models import ShareLink
from koerskaart.reports import sharing
from tests.helpers.summaries import played_table
from tests.helpers.users import log_in, make_user

SHARED_FORMATS = ("", "/summary.pdf", "/summary.csv", "/summary.md")


@pytest.fixture
def accounts(app: Flask) -> None:
    make_user("admin@oost.example", role="admin")
    make_user("fac@oost.example", role="facilitator")
    make_user("collega@oost.example", role="facilitator")
    make_user("admin@west.example", organisation="Provincie West", role="admin")


@pytest.fixture
def fac(app: Flask, accounts: None) -> FlaskClient:
    return log_in(app, "fac@oost.example")


@pytest.fixture
def table_id(app: Flask, fac: FlaskClient) -> str:
    return played_table(app, fac)


def _create(client: FlaskClient, table_id: str) -> str:
    """Make a link through the page and return its path (/s/<token>)."""
    response = client.post(f"/tables/{table_id}/share-links")
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    found = re.search(r'value="http://[^/"]+(/s/[^"]+)" data-testid="share-link"', html)
    assert found, "no share link on the page"
    return found.group(1)


def test_a_share_link_opens_the_summary_and_every_download_without_an_account(
    app: Flask, fac: FlaskClient, table_id: str
) -> None:
    path = _create(fac, table_id)
    token = path.rsplit("/", 1)[-1]
    assert len(token) >= 43  # 32 random bytes, base64url: 256 bits
    stranger = app.test_client()
    page = stranger.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Terugblik plannen" in html and 'data-testid="summary-count-1-0">2<' in html
    assert page.headers["Cache-Control"] == "private, no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    # The meta tag would override the header; it must say the same.
    assert '<meta name="referrer" content="no-referrer">' in html
    # No management on the shared page, and the downloads stay inside the link.
    assert "share-links" not in html and "create-share-link" not in html and "revoke" not in html.lower()
    assert f"/tables/{table_id}/" not in html
    for fmt in ("pdf", "csv", "md"):
        assert f'href="{path}/summary.{fmt}"' in html
    pdf = stranger.get(f"{path}/summary.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    csv = stranger.get(f"{path}/summary.csv")
    assert csv.status_code == 200 and csv.data.startswith(b"\xef\xbb\xbf")
    markdown = stranger.get(f"{path}/summary.md")
    assert markdown.status_code == 200 and "| Sam | Terugblik plannen | 1 maart |" in markdown.get_data(
        as_text=True
    )
    for response in (pdf, csv, markdown):
        assert "attachment" in response.headers["Content-Disposition"]
        assert response.headers["Cache-Control"] == "private, no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_only_the_token_hash_is_stored_and_the_link_is_shown_once(
    app: Flask, fac: FlaskClient, table_id: str
) -> None:
    path = _create(fac, table_id)
    token = path.rsplit("/", 1)[-1]
    link = db.session.scalars(db.select(ShareLink)).one()
    assert link.token_hash == sharing.token_hash(token) and token not in link.token_hash
    again = fac.get(f"/tables/{table_id}/summary").get_data(as_text=True)
    assert token not in again  # listed (with its expiry), never shown again
    assert 'data-testid="share-link-row"' in again


def test_the_page_says_how_long_a_link_works(app: Flask, fac: FlaskClient, table_id: str) -> None:
    html = fac.get(f"/tables/{table_id}/summary").get_data(as_text=True)
    assert "30 dagen" in html and 'data-testid="create-share-link"' in html
    app.config["SHARE_LINK_DAYS"] = 7
    _create(fac, table_id)
    link = db.session.scalars(db.select(ShareLink)).one()
    assert abs((aware(link.expires_at) - utcnow()) - timedelta(days=7)) < timedelta(minutes=1)


def test_an_expired_link_is_a_404(app: Flask, fac: FlaskClient, table_id: str) -> None:
    path = _create(fac, table_id)
    link = db.session.scalars(db.select(ShareLink)).one()
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    stranger = app.test_client()
    for fmt in SHARED_FORMATS:
        response = stranger.get(path + fmt)
        assert response.status_code == 404, fmt
        assert response.headers["Referrer-Policy"] == "no-referrer"
    assert 'data-testid="share-link-row"' not in fac.get(f"/tables/{table_id}/summary").get_data(as_text=True)


def test_a_revoked_link_is_a_404(app: Flask, fac: FlaskClient, table_id: str) -> None:
    path = _create(fac, table_id)
    stranger = app.test_client()
    assert stranger.get(path).status_code == 200
    link = db.session.scalars(db.select(ShareLink)).one()
    response = fac.post(f"/tables/{table_id}/share-links/{link.id}/revoke")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/tables/{table_id}/summary#share"
    )
    for fmt in SHARED_FORMATS:
        assert stranger.get(path + fmt).status_code == 404, fmt
    page = fac.get(f"/tables/{table_id}/summary").get_data(as_text=True)
    assert 'data-testid="share-link-row"' not in page


def test_a_wrong_token_is_the_same_404_as_a_missing_page(app: Flask, fac: FlaskClient, table_id: str) -> None:
    path = _create(fac, table_id)
    stranger = app.test_client()
    wrong = path[:-2] + ("AA" if not path.endswith("AA") else "BB")
    for candidate in (wrong, "/s/x", "/s/" + "a" * 300):
        for fmt in SHARED_FORMATS:
            response = stranger.get(candidate + fmt)
            assert response.status_code == 404, (candidate, fmt)
            assert 'data-testid="error-404"' in response.get_data(as_text=True)


def test_the_own_admin_can_share_and_revoke_too(app: Flask, fac: FlaskClient, table_id: str) -> None:
    admin = log_in(app, "admin@oost.example")
    path = _create(admin, table_id)
    link = db.session.scalars(db.select(ShareLink)).one()
    assert fac.post(f"/tables/{table_id}/share-links/{link.id}/revoke").status_code == 302
    assert app.test_client().get(path).status_code == 404


def test_outsiders_can_neither_create_nor_revoke(app: Flask, fac: FlaskClient, table_id: str) -> None:
    path = _create(fac, table_id)
    link = db.session.scalars(db.select(ShareLink)).one()
    for outsider in (
        log_in(app, "admin@west.example"),
        log_in(app, "collega@oost.example"),
        app.test_client(),
    ):
        assert outsider.post(f"/tables/{table_id}/share-links").status_code == 404
        assert outsider.post(f"/tables/{table_id}/share-links/{link.id}/revoke").status_code == 404
        for fmt in ("summary", "summary.pdf", "summary.csv", "summary.md"):
            assert outsider.get(f"/tables/{table_id}/{fmt}").status_code == 404, fmt
    assert db.session.scalar(db.select(db.func.count()).select_from(ShareLink)) == 1
    db.session.refresh(link)
    assert link.revoked_at is None
    assert app.test_client().get(path).status_code == 200


def test_a_link_cannot_be_revoked_through_another_table(app: Flask, fac: FlaskClient, table_id: str) -> None:
    _create(fac, table_id)
    link = db.session.scalars(db.select(ShareLink)).one()
    west = log_in(app, "admin@west.example")
    other_table = played_table(app, west)
    assert west.post(f"/tables/{other_table}/share-links/{link.id}/revoke").status_code == 404
    db.session.refresh(link)
    assert link.revoked_at is None


def test_creating_a_link_needs_the_csrf_token(app: Flask, fac: FlaskClient, table_id: str) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert fac.post(f"/tables/{table_id}/share-links").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert db.session.scalar(db.select(db.func.count()).select_from(ShareLink)) == 0
