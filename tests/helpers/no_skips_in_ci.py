"""A pytest plugin: with CI=true, a skipped test is a failed test.

``require()`` already fails in CI where a real component is missing; this catches every other
way a test can skip (a ``pytest.skip`` in a test, a ``skipif`` marker, ``importorskip``), so a
missing browser, Redis or PostgreSQL can never turn a CI run green by skipping.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest

from .infra import IN_CI


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI (CI=true), which counts as a failure: {reason}"
