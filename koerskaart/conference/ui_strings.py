"""Every string the dashboard and big-screen scripts show, translated on the server."""

from __future__ import annotations


def dashboard_strings() -> dict[str, str]:
    return {}
