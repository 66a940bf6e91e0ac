"""Share links: a facilitator hands a summary to someone without an account.

Only the SHA-256 of a link's token is stored, like invites and rejoin tokens: the
database alone cannot open a summary.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import aware, utcnow
from ..extensions import db
from .table import Table


class ShareLink(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "share_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the token
    table_id: Mapped[int] = mapped_column(
        ForeignKey("tables.id", ondelete="CASCADE", name="fk_share_links_table_id_tables"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", name="fk_share_links_created_by_id_users")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    table: Mapped[Table] = relationship()

    def is_usable(self, now: datetime | None = None) -> bool:
        return self.revoked_at is None and aware(self.expires_at) > (now or utcnow())
