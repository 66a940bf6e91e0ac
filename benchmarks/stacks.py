"""Summarise a py-spy ``--format raw`` profile (as written by ``burst.py --py-spy``).

    python benchmarks/stacks.py /tmp/prof-app.txt [--top 40] [--under koerskaart/play/sockets.py]

Prints the share of samples in which each function is on the stack (inclusive), the
self time of the hottest leaves, and a few fixed buckets (ORM, SQLite, Socket.IO, ...).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^:()]+)(?::(?P<line>\d+))?\)$")
# Bucket: a substring of a frame's file path (first match from the leaf upwards wins).
BUCKETS = [
    ("sqlite3 C calls (execute/commit)", ("sqlalchemy/engine/default.py",)),
    ("SQLAlchemy ORM + Core (Python)", ("sqlalchemy/",)),
    ("pydantic", ("pydantic",)),
    (
        "engine.io / socket.io / websocket",
        ("engineio/", "socketio/", "simple_websocket", "wsproto", "geventwebsocket"),
    ),
    ("json", ("json/",)),
    ("Flask / Werkzeug / Jinja", ("flask/", "werkzeug/", "jinja2/", "flask_")),
    ("segno (QR)", ("segno/",)),
    ("KoersKaart code (self)", ("koerskaart/",)),
    ("gevent hub / sockets", ("gevent/",)),
]


def short(frame: str) -> str:
    match = FRAME.match(frame)
    if not match:
        return frame
    path = match["file"]
    for marker in ("site-packages/", "/work/main/", "lib/python3."):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{match['func']} ({path})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--under", help="only stacks that pass through a frame whose text contains this")
    args = parser.parse_args()

    inclusive: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    buckets: Counter[str] = Counter()
    total = 0
    for raw in args.profile.read_text().splitlines():
        stack, _, count = raw.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        if args.under and not any(args.under in f for f in frames):
            continue
        n = int(count)
        total += n
        for name in {short(f) for f in frames}:
            inclusive[name] += n
        leaves[short(frames[-1])] += n
        for label, needles in BUCKETS:
            if any(any(needle in f for needle in needles) for f in reversed(frames[-6:])):
                buckets[label] += n
                break
        else:
            buckets["other"] += n
    if not total:
        print("no samples")
        return
    print(f"{total} samples{f' through {args.under!r}' if args.under else ''}\n")
    print("inclusive (on the stack):")
    for name, n in inclusive.most_common(args.top):
        print(f"  {100 * n / total:5.1f} %  {name}")
    print("\nself (leaf):")
    for name, n in leaves.most_common(20):
        print(f"  {100 * n / total:5.1f} %  {name}")
    print("\nbuckets (by the nearest of the 6 innermost frames):")
    for name, n in buckets.most_common():
        print(f"  {100 * n / total:5.1f} %  {name}")


if __name__ == "__main__":
    main()
