"""Garbage-collector settings for a long-running server process (docs/performance.md).

Under gevent or eventlet every table shares one thread, so a collection pauses them all.
"""

from __future__ import annotations

import gc

# A larger youngest generation lets the short-lived objects of each answer die before they
# are promoted, so full collections (190-310 ms over the ~370,000 objects of 2,000 sockets)
# become rare: none in a 2,000-player benchmark run, 13 before. Generation 1 is kept to at
# most 5 x 20,000 objects so its passes stay under ~100 ms.
# Re-measured once a Socket.IO event left 8 objects of cyclic garbage instead of 54 (2,004
# sockets, 4,008 answers, collector CPU time): 7 young and 1 generation-1 collections, 219 ms
# in all, longest 58 ms (before: 14, 746 ms, longest 92 ms). (5,000, 10, 10) gave shorter
# pauses (longest 29 ms) but more collector time (280 ms) and a 137 ms full collection while
# the sockets connected: these stay.
THRESHOLDS = (20_000, 5, 10)


def settle() -> None:
    """Call once the app is loaded, before serving.

    The loaded app (modules, SQLAlchemy metadata, decks, templates: ~150,000 objects) lives
    as long as the process; a full collection of it alone took ~100 ms. Collect once, move
    those objects out of the collector's way, then set the thresholds.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
