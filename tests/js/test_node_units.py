"""The browser code's unit tests (tests/js/*.test.mjs, Node's built-in test runner), run from
pytest so that `make test` runs them too. They test koerskaart/static/js/lib/client-state.js and
the other pure modules, which the browser loads as ES modules without a build step."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from tests.helpers.infra import require

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def test_the_javascript_unit_tests_pass_in_node() -> None:
    node = shutil.which("node")
    require(node is not None, "Node.js (`node`) for the JavaScript unit tests in tests/js")
    assert node is not None
    files = sorted(str(path.relative_to(ROOT)) for path in HERE.glob("*.test.mjs"))
    assert files, f"no *.test.mjs files in {HERE}"
    # Files by name rather than the folder: `node --test <folder>` differs between Node versions.
    done = subprocess.run(
        [node, "--test", "--test-reporter=tap", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = f"$ node --test {' '.join(files)}\n{done.stdout}\n{done.stderr}"
    assert done.returncode == 0, output
    passed = re.search(r"^# pass (\d+)$", done.stdout, re.MULTILINE)
    assert passed and int(passed.group(1)) > 0, output
