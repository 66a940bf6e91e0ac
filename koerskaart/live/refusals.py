"""Every error code a client can receive in an acknowledgement, in one place.

The engine's ``Code`` says why a rule refused an action; ``Transport`` says why a message
never reached the rules (its shape, size, rate or sender). Clients switch on the code,
never on text; ``docs/socket-protocol.md`` lists them all, and a test holds the two equal.
"""

from __future__ import annotations

from enum import StrEnum

from ..engine import Code


class Transport(StrEnum):
    INVALID_PAYLOAD = "invalid_payload"  # not the documented shape (or extra arguments)
    PAYLOAD_TOO_LARGE = "payload_too_large"
    NOT_AUTHENTICATED = "not_authenticated"  # no seat (screens only listen), or a refused connection
    RATE_LIMITED = "rate_limited"
    UNKNOWN_EVENT = "unknown_event"  # no such event (lifecycle names included: those are the server's)
    SERVER_ERROR = "server_error"  # nothing was stored; the client may retry


def error_codes() -> tuple[str, ...]:
    """All codes a client may be sent: transport refusals first, then the engine's."""
    return tuple(code.value for code in Transport) + tuple(code.value for code in Code)
