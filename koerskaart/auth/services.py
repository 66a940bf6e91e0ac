"""Account services: passwords, logins, invites and the table history; each write is one transaction."""

from __future__ import annotations

import functools
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select, update

from ..clock import utcnow
from ..engine import TableStatus
from ..extensions import db
from ..live import decks
from ..models import ACCOUNT_ROLES, Invite, Organisation, Seat, Table, User
from ..models.accounts import new_session_token
from ..security import new_token, token_hash

_hasher = PasswordHasher()  # argon2id with the library's (RFC 9106 low-memory) defaults


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so a miss costs as long as a wrong password.

    Made on first use, not at import: hashing takes ~330 ms, a third of a restart's CPU
    before the server can take its phones back (docs/performance.md).
    """
    return _hasher.hash(secrets.token_urlsafe(16))


MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256


def N_(message: str) -> str:
    """Marks a msgid for extraction; the page translates it when it shows the error."""
    return message


class AccountError(ValueError):
    """A request the caller can show as-is (the message is an English msgid)."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None: unknown, wrong and disabled look the same."""
    user = db.session.scalars(select(User).where(User.email == normalise_email(email))).first()
    if user is None:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the id carries the session token, so a rotated token ends the session."""
    raw_id, _, session_token = user_id.partition(":")
    if not raw_id.isdigit() or not session_token:
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(user.session_token.encode(), session_token.encode()):
        return None
    return user


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(N_("Use at least 12 characters."))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(N_("Use at most 256 characters."))


def create_user(email: str, password: str, organisation_name: str, role: str) -> User:
    """For the CLI: a new account, in an organisation that is created when it does not exist yet."""
    email = normalise_email(email)
    if role not in ACCOUNT_ROLES:
        raise AccountError(N_("Unknown role."))
    if "@" not in email:
        raise AccountError(N_("Enter a valid email address."))
    check_password_rules(password)
    if _email_taken(email):
        raise AccountError(N_("This email address already has an account."))
    name = organisation_name.strip()
    if not name:
        raise AccountError(N_("Enter the organisation's name."))
    organisation = db.session.scalars(select(Organisation).where(Organisation.name == name)).first()
    if organisation is None:
        organisation = Organisation(name=name)
        db.session.add(organisation)
    user = User(email=email, password_hash=hash_password(password), organisation=organisation, role=role)
    db.session.add(user)
    db.session.commit()
    return user


def _email_taken(email: str) -> bool:
    return db.session.scalar(select(func.count()).where(User.email == email)) != 0


def create_invite(admin: User, email: str, role: str) -> tuple[Invite, str]:
    """A single-use invite into the admin's organisation; returns it with its token (shown once)."""
    email = normalise_email(email)
    if role not in ACCOUNT_ROLES:
        raise AccountError(N_("Unknown role."))
    if _email_taken(email):
        raise AccountError(N_("This email address already has an account."))
    token = new_token()
    invite = Invite(
        token_hash=token_hash(token),
        email=email,
        role=role,
        organisation_id=admin.organisation_id,
        invited_by_id=admin.id,
        expires_at=utcnow() + timedelta(days=current_app.config["INVITE_MAX_AGE_DAYS"]),
    )
    db.session.add(invite)
    db.session.commit()
    return invite, token


def find_invite(token: str) -> Invite | None:
    """The unused, unexpired invite for this token, or None."""
    if not token or len(token) > 128:
        return None
    invite = db.session.scalars(select(Invite).where(Invite.token_hash == token_hash(token))).first()
    return invite if invite is not None and invite.is_usable else None


def accept_invite(invite: Invite, password: str) -> User:
    """Spend the invite (once, even under a race) and create the account it promised."""
    check_password_rules(password)
    now = utcnow()
    spent = db.session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None), Invite.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False),  # the commit below expires the loaded row
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise AccountError(N_("This invitation has already been used or has expired."))
    if _email_taken(invite.email):
        db.session.rollback()
        raise AccountError(N_("This email address already has an account."))
    user = User(
        email=invite.email,
        password_hash=hash_password(password),
        organisation_id=invite.organisation_id,
        role=invite.role,
        last_login_at=now,
    )
    db.session.add(user)
    db.session.commit()
    return user


def pending_invites(organisation_id: int) -> list[Invite]:
    now = utcnow()
    query = (
        select(Invite)
        .where(Invite.organisation_id == organisation_id, Invite.used_at.is_(None), Invite.expires_at > now)
        .order_by(Invite.created_at.desc(), Invite.id.desc())
    )
    return list(db.session.scalars(query))


def revoke_invite(invite: Invite) -> None:
    db.session.delete(invite)
    db.session.commit()


def organisation_users(organisation_id: int) -> list[User]:
    query = select(User).where(User.organisation_id == organisation_id).order_by(User.email)
    return list(db.session.scalars(query))


def invite_in_organisation(invite_id: int, organisation_id: int) -> Invite | None:
    """Another organisation's invites do not exist, as far as the caller can tell."""
    invite = db.session.get(Invite, invite_id)
    return invite if invite is not None and invite.organisation_id == organisation_id else None


def user_in_organisation(user_id: int, organisation_id: int) -> User | None:
    """Another organisation's users do not exist, as far as the caller can tell."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.organisation_id == organisation_id else None


def end_sessions(user: User) -> None:
    """Every login cookie (and remember-me cookie) of this user stops working."""
    user.session_token = new_session_token()
    db.session.commit()


def disable(user: User, by: User) -> None:
    """The account can no longer log in, and every session it has ends; nobody disables themselves."""
    if user.id == by.id:
        raise AccountError(N_("You cannot disable your own account."))
    _set_active(user, False)


def enable(user: User) -> None:
    _set_active(user, True)


def _set_active(user: User, active: bool) -> None:
    user.active = active
    user.session_token = new_session_token()
    db.session.commit()


@dataclass
class TableEntry:
    public_id: str
    deck_title: str  # in the reader's language; the slug if the deck is no longer installed
    created_at: datetime
    status: TableStatus
    players: int
    team_label: str | None  # what tells one team's table from another's started the same day

    @property
    def ended(self) -> bool:
        return self.status is TableStatus.ENDED


def owned_tables(user: User, language: str) -> list[TableEntry]:
    """The tables this user started while logged in, newest first."""
    players = select(Seat.table_id, func.count(Seat.id).label("players")).group_by(Seat.table_id).subquery()
    query = (
        select(
            Table.public_id,
            Table.deck_slug,
            Table.created_at,
            Table.status,
            players.c.players,
            Table.team_label,
        )
        .outerjoin(players, players.c.table_id == Table.id)
        .where(Table.owner_id == user.id)
        .order_by(Table.created_at.desc(), Table.id.desc())
    )
    return [
        TableEntry(
            row.public_id,
            _deck_title(row.deck_slug, language),
            row.created_at,
            TableStatus(row.status),
            row.players or 0,
            row.team_label,
        )
        for row in db.session.execute(query)
    ]


def _deck_title(slug: str, language: str) -> str:
    deck = decks.get(slug)
    return deck.title.get(language) if deck is not None else slug
