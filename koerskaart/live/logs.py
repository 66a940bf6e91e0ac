"""Log lines that any client can cause: short, without tracebacks or addresses, and rate-limited.

Rule 8 (PRODUCT.md): no answer values, join codes, rejoin tokens or full IPs in logs. The
web servers and Socket.IO libraries write request lines (paths carry table ids; a mistyped
URL may carry a join code), client addresses and tracebacks (whose text may quote a
payload). Every logger a client can reach gets the ``Quiet`` filter: one line per record,
quoted text and paths cut, addresses coarsened to their network, tracebacks reduced to
the exception's type, and at most a few lines of the same kind a minute, so a flood of
bad input cannot fill a disk.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import threading
from collections import Counter

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

# Lines of one kind (logger and message template) let through, after which they are counted.
REPEATS = "10 per minute"
MAX_LINE = 300  # characters; a record never spans more than one line either

_QUOTED = re.compile(r"'[^']*'?|\"[^\"]*\"?")  # unterminated quotes run to the end of the line
_PATHS = re.compile(r"(?<![\w.])(?:/|[a-z][a-z0-9+.-]*://|\S*\?)\S*", re.IGNORECASE)
# An address, with a zone or a prefix length if it has one; coarse_address decides what is one.
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,3})?(?![\d.])")
_IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9a-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9a-f]{0,4})(?:%\w+)?(?:/\d{1,3})?(?![\w:.])",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")


def coarse_address(address: object) -> str:
    """An IP address as its network, never the host: a /24 for IPv4, a /48 for IPv6; else "-"."""
    try:
        ip = ipaddress.ip_address(str(address).split("%", 1)[0])
    except ValueError:
        return "-"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _coarse_match(match: re.Match[str]) -> str:
    text = match.group(0)
    coarse = coarse_address(text.split("/", 1)[0])
    return coarse if coarse != "-" else text  # a time like 17:00:44 is no address


def scrub(text: str) -> str:
    """One line, with quoted text, paths, URLs and query strings cut, and addresses coarsened."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    line = _QUOTED.sub("'…'", line)
    line = _PATHS.sub("…", line)
    line = _IPV6.sub(_coarse_match, line)  # first: an IPv6 address may end in an IPv4 one
    line = _IPV4.sub(_coarse_match, line)
    return line[:MAX_LINE]


class Quiet(logging.Filter):
    """One short line per record, no traceback, no full address; repeated lines are counted, not written."""

    def __init__(self, repeats: str = REPEATS) -> None:
        super().__init__()
        self._limit = parse(repeats)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._suppressed: Counter[str] = Counter()
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record must not take the server down
            message = str(record.msg)
        line = scrub(message)
        if record.exc_info and record.exc_info[0] is not None:
            line = f"{line} ({record.exc_info[0].__name__})"
        # Lines of one kind differ in numbers only (ports, counts, ids' digits).
        kind = f"{record.name}:{_DIGITS.sub('#', line)}"
        if not self._limiter.hit(self._limit, kind):
            with self._lock:
                self._suppressed[kind] += 1
            return False
        with self._lock:
            suppressed = self._suppressed.pop(kind, 0)
        if suppressed:
            line += f" ({suppressed} similar lines were left out)"
        record.msg, record.args = line, None
        record.exc_info = record.exc_text = record.stack_info = None
        return True


_QUIET = Quiet()


def quiet(*names: str) -> logging.Logger:
    """Put the ``Quiet`` filter on the named loggers (once each); returns the first of them."""
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        if _QUIET not in logger.filters:
            logger.addFilter(_QUIET)
    return loggers[0]
