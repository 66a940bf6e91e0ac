"""Issue 11: a table's counts, coalesced per room (live/counts.py), and what clients then see."""

from __future__ import annotations

from typing import Any

from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from koerskaart.live.counts import Coalescer, counts
from koerskaart.live.drops import DroppingRedisManager
from tests.helpers.players import counts_sent, full_table

WINDOW = 0.03


class Clock:
    """The coalescer's background tasks, run when the test says the window has passed."""

    def __init__(self) -> None:
        self.tasks: list[tuple[Any, tuple[Any, ...]]] = []

    def spawn(self, target: Any, *args: Any) -> None:
        self.tasks.append((target, args))

    def window_passes(self) -> None:
        tasks, self.tasks = self.tasks, []
        for target, args in tasks:
            target(*args)


def coalescer() -> tuple[Coalescer, Clock, list[tuple[str, object, str]]]:
    clock, sent = Clock(), []
    queue = Coalescer(
        lambda event, payload, room, _ns: sent.append((room, event, payload["answered"])),
        spawn=clock.spawn,
        sleep=lambda _seconds: None,
    )
    return queue, clock, sent


def count(queue: Coalescer, room: str, answered: int) -> None:
    queue.count("answer_count_changed", {"answered": answered}, room, "/play", WINDOW)


def test_counts_within_a_window_go_out_as_the_latest_one() -> None:
    queue, clock, sent = coalescer()
    for answered in (1, 2, 3):
        count(queue, "table:a", answered)
    assert sent == [] and not queue.idle()
    clock.window_passes()
    assert sent == [("table:a", "answer_count_changed", 3)]
    assert queue.idle()


def test_each_room_waits_on_its_own_and_a_new_window_starts_after_a_flush() -> None:
    queue, clock, sent = coalescer()
    count(queue, "table:a", 1)
    count(queue, "table:b", 1)
    count(queue, "table:a", 2)
    clock.window_passes()
    count(queue, "table:a", 3)
    clock.window_passes()
    assert sent == [
        ("table:a", "answer_count_changed", 2),
        ("table:b", "answer_count_changed", 1),
        ("table:a", "answer_count_changed", 3),
    ]


def test_another_message_to_the_room_drops_its_waiting_count() -> None:
    queue, clock, sent = coalescer()
    count(queue, "table:a", 5)
    count(queue, "table:b", 2)
    queue.superseded("table:a", "/play")  # the reveal's snapshot, which carries the count
    clock.window_passes()
    assert sent == [("table:b", "answer_count_changed", 2)]
    assert queue.idle()


def test_another_processs_count_does_not_drop_this_ones() -> None:
    queue, clock, sent = coalescer()
    count(queue, "table:a", 4)
    queue.superseded("table:a", "/play", "answer_count_changed")  # a count from elsewhere
    queue.superseded("table:a", "/conference")  # the same room name in another namespace
    clock.window_passes()
    assert sent == [("table:a", "answer_count_changed", 4)]


def test_a_count_that_fails_to_send_is_logged_and_the_next_one_goes() -> None:
    clock, sent = Clock(), []

    def send(event: str, payload: dict[str, object], room: str, namespace: str) -> None:
        if payload["answered"] == 1:
            raise ConnectionError("the message queue is down")
        sent.append(payload["answered"])

    queue = Coalescer(send, spawn=clock.spawn, sleep=lambda _seconds: None)
    count(queue, "table:a", 1)
    clock.window_passes()
    assert queue.idle()
    count(queue, "table:a", 2)
    clock.window_passes()
    assert sent == [2]


# What a room is sent: ("count", n) coalesced; ("snapshot", n) at once; ("wait",) a window passes.
steps = st.lists(
    st.one_of(
        st.tuples(
            st.sampled_from(["count", "snapshot"]), st.sampled_from(["table:a", "table:b"]), st.integers(0, 9)
        ),
        st.just(("wait", "", 0)),
    ),
    max_size=40,
)


@given(steps)
def test_a_room_never_hears_a_count_older_than_what_it_heard_last_and_ends_current(
    script: list[tuple[str, str, int]],
) -> None:
    queue, clock, sent = coalescer()
    offered: dict[str, list[tuple[str, int]]] = {"table:a": [], "table:b": []}
    for kind, room, n in script:
        if kind == "wait":
            clock.window_passes()
            continue
        offered[room].append((kind, n))
        if kind == "count":
            count(queue, room, n)
        else:
            queue.superseded(room, "/play")
            sent.append((room, "snapshot", n))
    clock.window_passes()
    assert queue.idle()
    for room, stream in offered.items():
        heard = [(event, n) for r, event, n in sent if r == room]
        # In the order offered, each message at most once: nothing overtakes a later message.
        positions = []
        for event, n in heard:
            kind = "count" if event == "answer_count_changed" else "snapshot"
            later = [
                i
                for i, item in enumerate(stream)
                if item == (kind, n) and i > (positions[-1] if positions else -1)
            ]
            assert later, (room, heard, stream)
            positions.append(later[0])
        # Every snapshot goes out, and the room ends with the last thing offered to it.
        assert [m for m in heard if m[0] == "snapshot"] == [
            ("snapshot", n) for k, n in stream if k == "snapshot"
        ]
        if stream:
            kind, n = stream[-1]
            assert heard[-1] == ("answer_count_changed" if kind == "count" else "snapshot", n)


def test_answers_close_together_at_a_table_share_a_count_and_the_reveal_drops_the_last(app: Flask) -> None:
    app.config["COUNT_COALESCE_MS"] = 1000  # "close together", however slow the machine
    players = full_table(app, 4)
    host = players[0]
    assert host.send("start_game")["ok"]
    for player in players:
        player.events()
    for player, value in zip(players[:3], (1, 2, 3), strict=True):
        assert player.answer(0, value)["ok"]
    counts_sent(timeout=5)
    # Three answers within the window: the table hears one count, the latest.
    assert [c["answered"] for c in host.events("answer_count_changed")] == [3]
    assert players[3].answer(0, 4)["ok"]  # the last answer reveals: a snapshot, no count
    counts_sent(timeout=5)
    assert host.events("answer_count_changed") == []
    assert host.last_state()["round"]["status"] == "revealed"


def test_a_count_waiting_when_the_round_is_revealed_is_never_sent(app: Flask) -> None:
    app.config["COUNT_COALESCE_MS"] = 1000
    players = full_table(app, 4)
    host = players[0]
    assert host.send("start_game")["ok"]
    for player in players:
        player.events()
    for player, value in zip(players[:3], (1, 2, 3), strict=True):
        assert player.answer(0, value)["ok"]  # a count waits ...
    assert host.send("close_round")["ok"]  # ... and the host reveals before it goes
    counts_sent(timeout=5)
    heard = [name for name, _payload in host.events()]
    assert heard == ["table_updated"], heard


def test_without_a_window_every_count_goes_at_once(app: Flask) -> None:
    app.config["COUNT_COALESCE_MS"] = 0
    players = full_table(app, 4)
    assert players[0].send("start_game")["ok"]
    for player in players:
        player.events()
    for player, value in zip(players[:3], (1, 2, 3), strict=True):
        assert player.answer(0, value)["ok"]
    assert [c["answered"] for c in players[0].events("answer_count_changed")] == [1, 2, 3]


def test_a_snapshot_from_another_process_drops_the_count_waiting_here(app: Flask) -> None:
    """With Redis, the reveal may be committed and sent by another process."""
    manager = DroppingRedisManager("redis://127.0.0.1:9/0")  # never connects: nothing is published here
    room = "table:elders"

    def remote(event: str) -> dict[str, object]:
        return {
            "method": "emit",
            "event": event,
            "data": [{}],
            "namespace": "/play",
            "room": room,
            "host_id": "b",
        }

    counts.count("answer_count_changed", {"answered": 2}, room, "/play", 60.0)
    try:
        manager._handle_emit(remote("answer_count_changed"))  # another process's count: both go
        assert not counts.idle()
        manager._handle_emit(remote("table_updated"))
        assert counts.idle()
    finally:
        counts.superseded(room, "/play")  # never left waiting for the next test
