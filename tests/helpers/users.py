"""Accounts: a user in an organisation, and a test client logged in as them."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from koerskaart.auth import services
from koerskaart.models import User

PASSWORD = "correct horse battery staple"


def make_user(email: str, organisation: str = "Gemeente Oost", role: str = "facilitator") -> User:
    return services.create_user(email, PASSWORD, organisation, role)


def log_in(
    app: Flask, email: str, password: str = PASSWORD, client: FlaskClient | None = None
) -> FlaskClient:
    client = client or app.test_client()
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def invite_link(html: str) -> str:
    found = re.search(r'value="(http[^"]+/invite/[^"]+)" data-testid="invite-link"', html)
    assert found, "no invitation link on the page"
    return found.group(1)
