"""With CI=true nothing skips: a skip of any kind fails the run (tests/helpers/no_skips_in_ci.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIPPING = """
import pytest

def test_skips_in_the_body():
    pytest.skip("no browser here")

@pytest.mark.skipif(True, reason="no Redis here")
def test_skips_by_marker():
    pass

def test_runs():
    assert True
"""


def _run(tmp_path: Path, ci: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_skipping.py").write_text(SKIPPING)
    env = {**os.environ, "CI": ci, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.helpers.no_skips_in_ci",
         "--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip


def test_a_skip_fails_the_run_in_ci(tmp_path: Path) -> None:
    result = _run(tmp_path, "true")
    assert result.returncode == 1, result.stdout
    # A skip in the body fails the test; a skipif marker fails its setup (an error): both fail the run.
    assert "1 failed, 1 passed, 1 error" in result.stdout
    assert "skipped in CI" in result.stdout
    assert "no browser here" in result.stdout and "no Redis here" in result.stdout


def test_a_skip_is_a_skip_on_a_developer_machine(tmp_path: Path) -> None:
    result = _run(tmp_path, "false")
    assert result.returncode == 0, result.stdout
    assert "1 passed, 2 skipped" in result.stdout
