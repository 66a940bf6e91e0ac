"""Personal access tokens for the organisation's own reporting: issue, list, revoke, authenticate.

A token is ``kk_`` and eight letters or digits (its *prefix*, kept to tell tokens apart in a
list), an underscore and 256 random bits. Only its SHA-256 is stored (``security.token_hash``),
so the database alone opens nothing; the full token is shown once, on the page that made it.

A token reads one organisation's uptake, and only while the account that made it may: an
expired or revoked token, or one whose maker was disabled, left the organisation or is no
longer an admin or analyst, authenticates nothing.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update

from ..clock import aware, utcnow
from ..extensions import db
from ..models import ApiToken, Organisation, User
from ..models.usage import TOKEN_NAME_MAX
from ..security import TOKEN_MAX_LENGTH, new_token, token_hash
from .access import READER_ROLES

SCHEME = "kk_"
PREFIX_CHARS = 8
EXPIRY_DAYS = (30, 90, 180, 365)  # never longer than a year
MAX_ACTIVE = 20  # per organisation: enough for every report, few enough to review
_ALPHABET = string.ascii_letters + string.digits


class TokenError(ValueError):
    """A token that cannot be made; the message is a lazy string for the page."""


@dataclass(frozen=True)
class Issued:
    row: ApiToken
    token: str  # the full token: shown once, never stored


@dataclass(frozen=True)
class Listed:
    public_id: str
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    last_used_on: date | None
    status: str  # active, expired, revoked, inactive (its maker may no longer read uptake)
    creator: str | None  # the maker's email, for an admin's list
    mine: bool


def _now() -> datetime:
    return utcnow()


def active_count(organisation_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count()).where(
                ApiToken.organisation_id == organisation_id,
                ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > _now(),
            )
        )
        or 0
    )


def issue(creator: User, name: str, days: int) -> Issued:
    """A new token for ``creator``'s organisation; TokenError for a bad name, term or too many."""
    name = " ".join(name.split())
    if not 1 <= len(name) <= TOKEN_NAME_MAX:
        raise TokenError(_l("Give the token a name of 1 to 60 characters."))
    if days not in EXPIRY_DAYS:
        raise TokenError(_l("Choose how long the token works."))
    if creator.role not in READER_ROLES or not creator.active:
        raise TokenError(_l("Only admins and analysts can make tokens."))
    organisation_id = int(creator.organisation_id)
    # Holds the organisation's row on PostgreSQL, so two makers cannot both take the twentieth.
    db.session.execute(select(Organisation.id).where(Organisation.id == organisation_id).with_for_update())
    if active_count(organisation_id) >= MAX_ACTIVE:
        db.session.rollback()
        raise TokenError(_l("Your organisation has %(num)d active tokens. Revoke one first.", num=MAX_ACTIVE))
    prefix = SCHEME + "".join(secrets.choice(_ALPHABET) for _ in range(PREFIX_CHARS))
    token = f"{prefix}_{new_token()}"
    now = _now()
    row = ApiToken(
        public_id=secrets.token_urlsafe(12),
        organisation_id=organisation_id,
        created_by_id=creator.id,
        name=name,
        prefix=prefix,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(row)
    db.session.commit()
    return Issued(row, token)


def status(row: ApiToken, creator: User | None, now: datetime | None = None) -> str:
    now = now or _now()
    if row.revoked_at is not None:
        return "revoked"
    if aware(row.expires_at) <= now:
        return "expired"
    if not _may_read(creator, row.organisation_id):
        return "inactive"
    return "active"


def _may_read(creator: User | None, organisation_id: int) -> bool:
    return (
        creator is not None
        and bool(creator.active)
        and creator.role in READER_ROLES
        and creator.organisation_id == organisation_id
    )


def visible(reader: User) -> list[Listed]:
    """The tokens ``reader`` may see: an admin every one of the organisation's, an analyst their own."""
    query = (
        select(ApiToken, User)
        .outerjoin(User, User.id == ApiToken.created_by_id)
        .where(ApiToken.organisation_id == reader.organisation_id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    if reader.role != "admin":
        query = query.where(ApiToken.created_by_id == reader.id)
    now = _now()
    return [
        Listed(
            public_id=row.public_id,
            name=row.name,
            prefix=row.prefix,
            created_at=aware(row.created_at),
            expires_at=aware(row.expires_at),
            last_used_on=row.last_used_on,
            status=status(row, creator, now),
            creator=creator.email if creator is not None else None,
            mine=row.created_by_id == reader.id,
        )
        for row, creator in db.session.execute(query).all()
    ]


def revocable(reader: User, public_id: str) -> ApiToken | None:
    """The token ``reader`` may revoke: an admin any of the organisation's, an analyst their own."""
    if len(public_id) > 32:
        return None
    row: ApiToken | None = db.session.scalar(
        select(ApiToken).where(
            ApiToken.public_id == public_id, ApiToken.organisation_id == reader.organisation_id
        )
    )
    if row is None or (reader.role != "admin" and row.created_by_id != reader.id):
        return None
    return row


def revoke(row: ApiToken) -> None:
    if row.revoked_at is None:
        row.revoked_at = _now()
    db.session.commit()


def authenticate(token: str) -> ApiToken | None:
    """The live token this string is, or None: unknown, expired, revoked, or its maker may not read.

    Looked up by its hash (the index on ``token_hash``), so no stored secret is compared.
    """
    if not token.startswith(SCHEME) or len(token) > TOKEN_MAX_LENGTH:
        return None
    found = db.session.execute(
        select(ApiToken, User)
        .outerjoin(User, User.id == ApiToken.created_by_id)
        .where(ApiToken.token_hash == token_hash(token))
    ).first()
    if found is None:
        return None
    row: ApiToken = found[0]
    return row if status(row, found[1]) == "active" else None


def touch(row: ApiToken) -> None:
    """Note the day a token was used, at most once a day (one guarded UPDATE, no time of day)."""
    today = _now().date()
    if row.last_used_on == today:
        return
    db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == row.id,
            or_(ApiToken.last_used_on.is_(None), ApiToken.last_used_on < today),
        )
        .values(last_used_on=today)
    )
    db.session.commit()
