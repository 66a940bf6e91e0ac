"""The fixed set of uptake views: one registry read by the dashboard, its CSV and the JSON API.

What a view is and how it runs (``Column``, ``View``, ``Result``, ``run``, suppression) lives in
registry.py; the views themselves in figures.py, registered when this module is imported, so a
reader of ``VIEWS`` always sees the whole set. ``run`` is the only way to a view's figures.
"""

from __future__ import annotations

from . import figures as _figures  # noqa: F401  (registers the views)
from .registry import (
    VIEWS,
    Column,
    Result,
    Row,
    View,
    facts,
    k_value,
    organisation_views,
    per_period,
    period_label,
    period_start,
    periods,
    platform_views,
    register,
    released,
    run,
)

__all__ = [
    "VIEWS",
    "Column",
    "Result",
    "Row",
    "View",
    "facts",
    "k_value",
    "organisation_views",
    "per_period",
    "period_label",
    "period_start",
    "periods",
    "platform_views",
    "register",
    "released",
    "run",
]
