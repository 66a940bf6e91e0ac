"""Rule 8 for the exports: rendering a summary (PDF, CSV, Markdown) puts no answer in any log.

WeasyPrint logs every character no installed font has, one per line and in order, so an
answer in a script without a font was readable in the log; fontTools and Pillow log glyph
names and emoji image sizes. The answers below mix CJK, emoji, Greek, Cyrillic and scripts
that no font here covers (Egyptian hieroglyphs, cuneiform), so the test holds whatever
fonts the machine has.
"""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient

from koerskaart.pdf import RENDER_LOGGERS
from tests.helpers.hostile import played_with
from tests.helpers.users import log_in, make_user

FIRST = (
    ["日本語の答えです", "Koffie ☕ en 😀🎉", "kk-marker-7781 𓀀𓁐", "Ünïcödé ŉ ǅ Ḁ", "Ελληνικά και русский 𒀀"],
    (("山田 😀", "行動 kk-marker-act-1 𓂀", "𓆣 3 maart"),),
)
SECOND = (
    ["中文的回答吧", "Thee 🍵 en 😎🎈", "kk-marker-5529 𓃰𓅓", "Ærø Œuvre ȸ", "Ελευθερία и правда 𒀭"],
    (("鈴木 😺", "計画 kk-marker-act-2 𓇋", "𓈖 4 maart"),),
)


@pytest.fixture
def facilitator_client(app: Flask) -> FlaskClient:
    make_user("fac@oost.example", role="facilitator")
    return log_in(app, "fac@oost.example")


def _secrets(texts: list[str], actions: tuple[tuple[str, str, str], ...]) -> set[str]:
    """Each marker, each non-ASCII character, and the ways a library names a character."""
    typed = [*texts, *(field for action in actions for field in action)]
    found = {word for text in typed for word in text.split() if word.startswith("kk-marker")}
    for char in {char for text in typed for char in text if ord(char) > 127}:
        code = f"{ord(char):04X}"
        found |= {char, f"U+{code}", f"uni{code}", f"u{code}"}
    return found


def _render_all(client: FlaskClient, table_id: str) -> None:
    for fmt in ("pdf", "csv", "md"):
        response = client.get(f"/tables/{table_id}/summary.{fmt}")
        assert response.status_code == 200, fmt


def _logs_of_renders(app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the log says while each of the two tables' exports are rendered."""
    logs = []
    for texts, actions in (FIRST, SECOND):
        table_id = played_with(app, client, texts, actions)
        caplog.clear()
        _render_all(client, table_id)
        logs.append(caplog.text)
    return logs


def test_no_answer_reaches_the_log_when_rendering_any_export(
    app: Flask, facilitator_client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger, and so every logger without a level of its own
    for name in RENDER_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)  # and the render libraries at their loudest
    logs = _logs_of_renders(app, facilitator_client, caplog)
    for log, (texts, actions) in zip(logs, (FIRST, SECOND), strict=True):
        assert {secret for secret in _secrets(texts, actions) if secret in log} == set()


def test_the_log_of_a_render_does_not_depend_on_the_answers(
    app: Flask, facilitator_client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Not even their shape: no line per missing character, no glyph count or emoji size."""
    caplog.set_level(logging.DEBUG)
    first, second = _logs_of_renders(app, facilitator_client, caplog)
    assert first == second
