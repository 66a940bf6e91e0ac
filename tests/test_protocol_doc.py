"""docs/socket-protocol.md and the code name the same events, reasons and error codes.

Another client is written from that page alone, so a name the code sends or accepts
and the page does not list (or the reverse) is a defect either way.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from koerskaart.engine import events as ev
from koerskaart.live.refusals import error_codes
from koerskaart.play.sockets import PlayNamespace

DOC = (Path(__file__).resolve().parents[1] / "docs" / "socket-protocol.md").read_text(encoding="utf-8")
LIFECYCLE = {"connect", "disconnect"}


def _section(title: str) -> str:
    """The text under a `## title` heading, up to the next `## `."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", DOC, re.M | re.S)
    assert match, f"docs/socket-protocol.md has no section '## {title}'"
    return match.group(1)


def _event_classes() -> list[type[ev.Event]]:
    return [
        cls
        for _name, cls in inspect.getmembers(ev, inspect.isclass)
        if issubclass(cls, ev.Event) and cls is not ev.Event
    ]


def client_events_in_code() -> set[str]:
    handlers = inspect.getmembers(PlayNamespace, inspect.isfunction)
    return {name[3:] for name, _ in handlers if name.startswith("on_")} - LIFECYCLE


def server_events_in_code() -> set[str]:
    """What the server can emit: the two views, and each engine event that travels on its own."""
    alone = {
        cls.name
        for cls in _event_classes()
        if cls.audience is ev.Audience.SEAT or (cls.audience is ev.Audience.TABLE and not cls.changes_state)
    }
    return {"table_joined", "table_updated"} | alone


def reasons_in_code() -> set[str]:
    changes = {
        cls.name for cls in _event_classes() if cls.audience is ev.Audience.TABLE and cls.changes_state
    }
    return changes | {"state"}


def test_every_client_event_is_documented_and_every_documented_one_exists() -> None:
    table = _section("Client → server")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", table, re.M))
    assert documented == client_events_in_code()


def test_every_server_event_is_documented_and_every_documented_one_is_sent() -> None:
    documented = set(re.findall(r"^### `([a-z_]+)`", _section("Server → client"), re.M))
    assert documented == server_events_in_code()


def test_every_snapshot_reason_is_documented() -> None:
    match = re.search(r"`reason` names what changed: (.*?)\.\n", DOC, re.S)
    assert match, "the reasons of table_updated are listed in one sentence"
    documented = set(re.findall(r"`([a-z_]+)`", match.group(1)))
    assert documented == reasons_in_code()


def test_every_error_code_is_documented_and_every_documented_one_exists() -> None:
    rows = re.findall(r"^\| ([^|]+) \|", _section("Error codes"), re.M)
    documented = {code for row in rows for code in re.findall(r"`([a-z_]+)`", row)}
    assert documented == set(error_codes())


def test_every_error_code_has_a_message_for_people() -> None:
    from koerskaart import create_app
    from koerskaart.config import TestingConfig
    from koerskaart.play.ui_strings import error_strings

    with create_app(TestingConfig).test_request_context():
        messages = error_strings()
    assert {f"error_{code}" for code in error_codes()} <= set(messages)
