"""Share links: an unguessable, expiring, revocable link to one table's summary.

The token (256 bits from ``secrets``) is shown once, when the link is made; the
database keeps only its SHA-256. A wrong, expired or revoked token finds nothing,
and the caller answers 404 for all three.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from ..clock import utcnow
from ..extensions import db
from ..models import ShareLink, Table, User
from ..security import new_token, token_hash


def create_link(table: Table, user: User | None, now: datetime | None = None) -> tuple[ShareLink, str]:
    """A new link to ``table``'s summary; returns it with its token (shown once, never stored)."""
    now = now or utcnow()
    token = new_token()
    link = ShareLink(
        token_hash=token_hash(token),
        table_id=table.id,
        created_by_id=user.id if user is not None else None,
        created_at=now,
        expires_at=now + timedelta(days=current_app.config["SHARE_LINK_DAYS"]),
    )
    db.session.add(link)
    db.session.commit()
    return link, token


def active_links(table: Table, now: datetime | None = None) -> list[ShareLink]:
    """The table's links that still work, newest first."""
    rows = db.session.scalars(
        select(ShareLink)
        .where(ShareLink.table_id == table.id, ShareLink.revoked_at.is_(None))
        .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
    )
    return [row for row in rows if row.is_usable(now)]


def find_link(table: Table, link_id: int) -> ShareLink | None:
    link = db.session.get(ShareLink, link_id)
    return link if link is not None and link.table_id == table.id else None


def revoke(link: ShareLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        db.session.commit()


def table_for_token(token: str, now: datetime | None = None) -> Table | None:
    """The table a working link opens, or None (wrong, expired and revoked look the same)."""
    if not token or len(token) > 128:
        return None
    link = db.session.scalars(select(ShareLink).where(ShareLink.token_hash == token_hash(token))).first()
    if link is None or not link.is_usable(now):
        return None
    return link.table
