"""Join codes: short, typed on a phone, read aloud across a table, unguessable enough."""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/I/L or U/V: nothing to confuse when read from a projector or said aloud.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
LENGTH = 8  # 29^8 ≈ 5·10^11 ≈ 38.9 bits; the issue asks for at least 30
_NOT_CODE = re.compile(r"[^0-9A-Z]")


def new_join_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(raw: str) -> str | None:
    """What a person typed (any case, spaces, dashes) as a stored code, or None if it cannot be one."""
    code = _NOT_CODE.sub("", (raw or "")[:64].upper())
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def format_code(code: str) -> str:
    """K7XMQ4TZ -> K7XM-Q4TZ, for reading."""
    return f"{code[:4]}-{code[4:]}"
