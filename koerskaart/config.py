"""Configuration from the environment; every setting has a default that works for `make run`."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASYNC_MODES = ("gevent", "eventlet", "threading")


def _instance_dir() -> Path:
    path = Path(os.environ.get("KOERSKAART_INSTANCE", ROOT / "instance"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = _instance_dir() / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def database_url(raw: str | None = None) -> str:
    """DATABASE_URL as SQLAlchemy wants it (psycopg 3 for PostgreSQL)."""
    url = raw or os.environ.get("DATABASE_URL") or f"sqlite:///{_instance_dir() / 'koerskaart.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def async_mode() -> str:
    mode = os.environ.get("KOERSKAART_ASYNC_MODE", "gevent")
    if mode not in ASYNC_MODES:
        raise ValueError(f"KOERSKAART_ASYNC_MODE must be one of {', '.join(ASYNC_MODES)}, not {mode!r}")
    return mode


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    SECRET_KEY = _secret_key()
    SQLALCHEMY_DATABASE_URI = database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None  # Socket.IO message queue for several processes
    ASYNC_MODE = async_mode()
    # `serve` upgrades the schema at start; 0 where a release step runs `flask db upgrade` once.
    MIGRATE_AT_START = os.environ.get("KOERSKAART_MIGRATE", "1") != "0"
    HEALTH_CACHE_SECONDS = 1.0  # /readyz checks afresh at most this often (koerskaart/health.py)

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"  # times on pages (Je tafels) in the users' own time
    # Absolute: Flask-Babel resolves a relative path against the package, not the project.
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    LANGUAGES = ("nl", "en")

    # Extra deck folders (os.pathsep-separated), loaded beside the bundled decks.
    DECK_DIRS = [p for p in os.environ.get("KOERSKAART_DECK_DIRS", "").split(os.pathsep) if p]
    KOERSKAART_K = _int("KOERSKAART_K", 3)
    KOERSKAART_K_TEXT = _int("KOERSKAART_K_TEXT", 4)
    TABLE_CAPACITY = _int("KOERSKAART_TABLE_CAPACITY", 12)
    # Days after a table ends before `flask retention purge` deletes raw answers and kept open text.
    RETENTION_DAYS = _int("KOERSKAART_RETENTION_DAYS", 365)
    SHARE_LINK_DAYS = _int("KOERSKAART_SHARE_LINK_DAYS", 30)  # how long a summary's share link works
    SEAT_COOKIE_MAX_AGE = 12 * 3600  # a long conference day
    # One socket event's payload as JSON, in characters (not UTF-8 bytes, not \u-escaped): the
    # cards limit text in characters (500 at most), so every answer a card allows fits.
    MAX_PAYLOAD_CHARACTERS = 4096
    MAX_TRANSPORT_BYTES = 64 * 1024  # engine.io drops larger messages and closes the connection
    # Transport limits (live/guard.py; docs/socket-protocol.md, "Limits"). Per socket they are
    # tight: a phone sends a few events a minute. Per address they are loose: a conference venue
    # puts hundreds of phones behind one Wi-Fi address, and all of them reconnect after a restart.
    SOCKET_RATE_LIMIT = os.environ.get("KOERSKAART_SOCKET_RATE_LIMIT", "20 per second")
    # Refusals (rate, shape) a socket may collect before it is disconnected.
    SOCKET_REFUSAL_LIMIT = os.environ.get("KOERSKAART_SOCKET_REFUSAL_LIMIT", "40 per 10 seconds")
    SOCKETS_PER_ADDRESS = _int("KOERSKAART_SOCKETS_PER_ADDRESS", 2500)  # open at once, per process
    SOCKET_CONNECT_RATE_LIMIT = os.environ.get("KOERSKAART_SOCKET_CONNECT_RATE_LIMIT", "3000 per minute")
    # How long a table's "x of N answered" count may wait for the next one (live/counts.py);
    # 0 sends every count at once.
    COUNT_COALESCE_MS = _int("KOERSKAART_COUNT_COALESCE_MS", 30)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("KOERSKAART_SECURE_COOKIES", "0") == "1"
    PREFERRED_URL_SCHEME = "https" if SESSION_COOKIE_SECURE else "http"
    WTF_CSRF_TIME_LIMIT = None  # a join form left open on a phone all morning still works

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    JOIN_RATE_LIMIT = os.environ.get("KOERSKAART_JOIN_RATE_LIMIT", "20 per minute")
    # Table starts: per address (a venue's wifi is one address for every facilitator there),
    # and per browser session. A facilitator starting a handful of tables meets neither.
    TABLE_START_RATE_LIMIT = os.environ.get(
        "KOERSKAART_TABLE_START_RATE_LIMIT", "30 per minute; 200 per hour"
    )
    TABLE_START_SESSION_RATE_LIMIT = os.environ.get(
        "KOERSKAART_TABLE_START_SESSION_RATE_LIMIT", "10 per minute; 40 per hour"
    )
    # The JSON API (/api/v1): per token (its hash), and per address for every call, a wrong
    # token's too; a report script makes a few calls a minute. Making tokens: per address.
    API_RATE_LIMIT = os.environ.get("KOERSKAART_API_RATE_LIMIT", "120 per minute")
    API_ADDRESS_RATE_LIMIT = os.environ.get("KOERSKAART_API_ADDRESS_RATE_LIMIT", "600 per minute")
    API_TOKEN_CREATE_RATE_LIMIT = os.environ.get("KOERSKAART_API_TOKEN_CREATE_RATE_LIMIT", "20 per hour")
    # Deck requests (issue 14): the public form per address, and a cap per organisation and day
    # against floods from many addresses; a ready link's table starts per link.
    REQUEST_RATE_LIMIT = os.environ.get("KOERSKAART_REQUEST_RATE_LIMIT", "10 per hour")
    REQUEST_DAILY_CAP = _int("KOERSKAART_REQUEST_DAILY_CAP", 500)
    REQUEST_READY_RATE_LIMIT = os.environ.get("KOERSKAART_REQUEST_READY_RATE_LIMIT", "5 per hour; 20 per day")

    # Who may show the table screen in a frame (CSP frame-ancestors sources, space-separated,
    # e.g. "https://intranet.example.org"); empty: no one. Every other page is never framed.
    SCREEN_FRAME_ANCESTORS = os.environ.get("KOERSKAART_SCREEN_FRAME_ANCESTORS", "").split()


class TestingConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    ASYNC_MODE = "threading"
    REDIS_URL = None
