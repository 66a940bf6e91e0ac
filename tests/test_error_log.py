"""A server error is logged without the path (tokens, table ids) or the exception's message (answers)."""

from __future__ import annotations

import logging

import pytest
from flask import Flask

TOKEN = "tok-3f9a1c77e2b04d5e"
ANSWER = "answer-text-marker-5521"


def test_a_server_error_logs_where_it_failed_but_no_token_or_answer(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/test-only/<token>")
    def broken(token: str) -> str:
        raise ValueError(ANSWER)

    with caplog.at_level(logging.DEBUG):
        response = app.test_client().get(f"/test-only/{TOKEN}?code=K7XMQ4TZ")
    assert response.status_code == 500
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "ValueError" in logged and "broken" in logged  # the type, the endpoint and the frames
    assert TOKEN not in logged and ANSWER not in logged and "K7XMQ4TZ" not in logged
