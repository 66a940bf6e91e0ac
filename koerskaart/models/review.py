"""Review with the expert group (issue 13): who was invited to read a studio deck, and what they said.

An invitation is either for an account of the deck's organisation (``user_id``) or a single-use
link for an outside expert (``token_hash``): the first browser that claims the link gets a
session secret in a cookie, and only that secret's hash (``session_hash``) opens the deck after.
Like every other token here, only SHA-256 hashes are stored.

A comment is about one version of the deck, one card (or the deck itself) and one field of it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from .accounts import User

COMMENT_MAX = 2000
LABEL_MAX = 80


class ReviewInvitation(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "review_invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("studio_decks.id", ondelete="CASCADE"), index=True)
    # An account of the deck's organisation, or None for a link.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # A link: the hash of its token (shown once), what the author calls the expert, and once
    # claimed, when and the hash of the claiming browser's cookie secret.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(LABEL_MAX))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    session_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    @property
    def is_link(self) -> bool:
        return self.user_id is None

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ReviewComment(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "review_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("studio_decks.id", ondelete="CASCADE"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)  # the version the reviewer read
    card_id: Mapped[str | None] = mapped_column(String(40))  # None: the deck itself
    field: Mapped[str] = mapped_column(String(32))  # e.g. prompt, options, general
    body: Mapped[str] = mapped_column(String(COMMENT_MAX))
    # Who wrote it: an invitation (a reviewer), and the account when there is one (an author too).
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_invitations.id", ondelete="SET NULL"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    invitation: Mapped[ReviewInvitation | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
