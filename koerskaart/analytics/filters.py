"""The filters every view takes: a date range, a period, a deck and a unit; parsed, bounded, typed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..clock import utcnow

Period = Literal["week", "month", "quarter"]
PERIODS: tuple[Period, ...] = ("week", "month", "quarter")
MAX_DAYS = 366 * 5  # five years: enough for any report, bounded for every query
SLUG_MAX = 60
PUBLIC_ID_MAX = 32


class FilterError(ValueError):
    """A filter a client sent that cannot be read: a 400 with this message."""


class Filters(BaseModel):
    """What a view is asked for. ``start`` and ``end`` are inclusive days of release (cohort_on)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: date
    end: date
    period: Period = "month"
    deck: str | None = Field(default=None, max_length=SLUG_MAX, pattern=r"^[a-z0-9-]+$")
    unit: str | None = Field(default=None, max_length=PUBLIC_ID_MAX, pattern=r"^[A-Za-z0-9_-]+$")

    @model_validator(mode="after")
    def _bounded(self) -> Filters:
        if self.end < self.start:
            raise ValueError("end before start")
        if (self.end - self.start).days > MAX_DAYS:
            raise ValueError("range longer than five years")
        return self


def last_quarter(today: date | None = None) -> tuple[date, date]:
    """The last whole calendar quarter before ``today``: the dashboard's default range."""
    today = today or utcnow().date()
    first_of_this = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first_of_this - timedelta(days=1)
    start = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    return start, end


def ranges(today: date | None = None) -> list[tuple[str, date, date]]:
    """The ranges a reader picks most, by name: this quarter so far, the last quarter, a year."""
    today = today or utcnow().date()
    this_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last_start, last_end = last_quarter(today)
    year_ago = today - timedelta(days=364)
    return [
        ("this-quarter", this_start, today),
        ("last-quarter", last_start, last_end),
        ("year", year_ago, today),
    ]


def parse(args: Mapping[str, str], today: date | None = None) -> Filters:
    """Filters from query arguments (unknown arguments ignored, empty ones default); FilterError."""
    start, end = last_quarter(today)
    raw: dict[str, object] = {"start": start, "end": end}
    for name in ("start", "end", "period", "deck", "unit"):
        value = args.get(name)
        if value is not None and len(value) > 64:
            raise FilterError(f"{name} is too long")
        if value:
            raw[name] = value
    try:
        return Filters.model_validate(raw)
    except ValidationError as exc:
        raise FilterError(
            "; ".join(f"{'.'.join(map(str, e['loc'])) or 'filters'}: {e['msg']}" for e in exc.errors())
        ) from exc
