"""Placeholder: filled in by issue 14's work on this part."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("analytics_requests", __name__)
