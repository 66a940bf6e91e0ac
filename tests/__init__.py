"""The test suite. Fixtures live in conftest.py files; plain helpers in tests/helpers/
and tests/engine/helpers.py."""

import pytest

# pytest rewrites the asserts of test modules and conftest files for its failure messages;
# the helpers assert too, so rewrite them as well (before anything imports them).
pytest.register_assert_rewrite("tests.helpers", "tests.engine.helpers")
