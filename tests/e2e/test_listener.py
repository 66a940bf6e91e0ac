"""The listening socket `python -m koerskaart serve` builds for gevent and eventlet."""

from __future__ import annotations

import socket

from koerskaart.__main__ import LISTEN_BACKLOG, _listener


def test_accepted_sockets_inherit_tcp_nodelay() -> None:
    """Without TCP_NODELAY a count followed by an ack waits ~40 ms for a delayed ACK."""
    listener = _listener("127.0.0.1", 0)
    try:
        assert LISTEN_BACKLOG >= 2048  # a restart's reconnect storm fits in the queue
        with socket.create_connection(listener.getsockname()[:2], timeout=5):
            accepted, _address = listener.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        listener.close()
