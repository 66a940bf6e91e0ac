"""Review with the expert group: invitations, single-use reviewer links, comments and their resolution.

Who may read a deck's review page:

- its editors (authors and admins of the deck's organisation, ``services.may_edit``);
- an account of the same organisation with an active invitation to this deck;
- the one browser that claimed an active reviewer link for this deck (a cookie holding a secret
  whose SHA-256 is the invitation's ``session_hash``).

Nobody else learns the deck exists. Only editors invite, revoke and resolve. Comment bodies and
reviewer names are never logged.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, func, select, update

from ..clock import utcnow
from ..content import Deck
from ..extensions import db
from ..models import DeckVersion, Organisation, ReviewComment, ReviewInvitation, StudioDeck, User
from ..models.review import COMMENT_MAX, LABEL_MAX
from ..security import TOKEN_MAX_LENGTH, new_token, token_hash
from . import services

# A reviewer writes a few dozen comments on a deck; these bounds stop a script, not a reviewer.
COMMENTS_PER_INVITATION = 300
COMMENTS_PER_DECK = 5000
# What a comment can be about: "general" is the card (or deck) as a whole.
CARD_FIELDS = ("general", "prompt", "body", "options", "follow_up", "source", "facilitator", "conference")
DECK_FIELDS = ("general", "title", "description", "facilitator", "phases", "routes", "colophon")


class ReviewError(ValueError):
    """A refusal the page shows as it is."""


class Show(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    ALL = "all"


@dataclass(frozen=True)
class Reviewer:
    """Who is reading a deck's review page: an editor (no invitation) or an invited reviewer."""

    user: User | None
    invitation: ReviewInvitation | None

    @property
    def editor(self) -> bool:
        return self.invitation is None


@dataclass(frozen=True)
class Shown:
    """The version the review page shows: the draft when it loads, else the newest published one."""

    version: DeckVersion | None
    deck: Deck | None
    draft_skipped: bool  # there is a draft, but it does not load: reviewers read the published one


def deck_by_public_id(public_id: str) -> StudioDeck | None:
    if len(public_id) > 32:
        return None
    found: StudioDeck | None = db.session.scalar(select(StudioDeck).where(StudioDeck.public_id == public_id))
    return found


def deck_by_id(deck_id: int) -> StudioDeck:
    """An invitation's or comment's deck (their rows cascade with it, so it exists)."""
    deck = db.session.get(StudioDeck, deck_id)
    assert deck is not None
    return deck


def organisation_name(deck: StudioDeck) -> str:
    organisation = db.session.get(Organisation, deck.organisation_id)
    return organisation.name if organisation is not None else ""


# ── Invitations ─────────────────────────────────────────────────────────────


def invitations(deck: StudioDeck) -> list[ReviewInvitation]:
    """The deck's invitations that still work, newest first."""
    query = (
        select(ReviewInvitation)
        .where(ReviewInvitation.deck_id == deck.id, ReviewInvitation.revoked_at.is_(None))
        .order_by(ReviewInvitation.created_at.desc(), ReviewInvitation.id.desc())
    )
    return list(db.session.scalars(query))


def invitable_users(author: User, deck: StudioDeck) -> list[User]:
    """Active accounts of the deck's organisation without an active invitation, the author excepted."""
    invited = {invitation.user_id for invitation in invitations(deck) if invitation.user_id is not None}
    query = select(User).where(User.organisation_id == deck.organisation_id, User.active.is_(True))
    return [
        user
        for user in db.session.scalars(query.order_by(User.email))
        if user.id != author.id and user.id not in invited
    ]


def _new_invitation(author: User, deck: StudioDeck, **values: object) -> ReviewInvitation:
    if not services.may_edit(author, deck):
        raise ReviewError("not your deck")
    invitation = ReviewInvitation(
        public_id=secrets.token_urlsafe(12), deck_id=deck.id, created_by_id=author.id, **values
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation


def invite_account(author: User, deck: StudioDeck, email: str) -> ReviewInvitation:
    """Invite an account of the deck's organisation (any role) to review the deck."""
    address = email.strip().lower()
    user = next((u for u in invitable_users(author, deck) if u.email == address), None)
    if user is None:
        raise ReviewError("no such colleague to invite")
    return _new_invitation(author, deck, user_id=user.id)


def create_link(author: User, deck: StudioDeck, label: str) -> tuple[ReviewInvitation, str]:
    """A single-use reviewer link for an outside expert; returns it with its token (shown once)."""
    name = " ".join(label.split())[:LABEL_MAX]
    if not name:
        raise ReviewError("a link needs a name")
    token = new_token()
    return _new_invitation(author, deck, label=name, token_hash=token_hash(token)), token


def find_invitation(deck: StudioDeck, public_id: str) -> ReviewInvitation | None:
    found: ReviewInvitation | None = db.session.scalar(
        select(ReviewInvitation).where(
            ReviewInvitation.public_id == public_id, ReviewInvitation.deck_id == deck.id
        )
    )
    return found


def revoke(author: User, invitation: ReviewInvitation) -> None:
    """The invitation stops working at once: the account or the claimed browser no longer gets in."""
    if not services.may_edit(author, deck_by_id(invitation.deck_id)):
        raise ReviewError("not your deck")
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.commit()


def link_invitation(token: str) -> ReviewInvitation | None:
    """The link's invitation in any state (unclaimed, claimed, revoked), or None for no link of ours."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    found: ReviewInvitation | None = db.session.scalar(
        select(ReviewInvitation).where(ReviewInvitation.token_hash == token_hash(token))
    )
    return found


def claim(token: str) -> tuple[ReviewInvitation, str] | None:
    """Claim a link for this browser: its invitation and a new session secret for the cookie.

    None when the link is unknown, revoked or claimed already. Claiming is one conditional
    UPDATE, so of two browsers opening the link at once exactly one wins.
    """
    invitation = link_invitation(token)
    if invitation is None:
        return None
    secret = new_token()
    claimed = db.session.execute(
        update(ReviewInvitation)
        .where(
            ReviewInvitation.id == invitation.id,
            ReviewInvitation.claimed_at.is_(None),
            ReviewInvitation.revoked_at.is_(None),
        )
        .values(claimed_at=utcnow(), session_hash=token_hash(secret))
    )
    db.session.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]  # a CursorResult for an UPDATE
        return None
    db.session.refresh(invitation)
    return invitation, secret


def reviewer_for(deck: StudioDeck, user: User | None, secret: str | None) -> Reviewer | None:
    """Who may read ``deck``'s review page: an editor, an invited account or a claimed link; else None."""
    if user is not None and services.may_edit(user, deck):
        return Reviewer(user, None)
    if user is not None and user.organisation_id == deck.organisation_id:
        invitation = db.session.scalar(
            select(ReviewInvitation).where(
                ReviewInvitation.deck_id == deck.id,
                ReviewInvitation.user_id == user.id,
                ReviewInvitation.revoked_at.is_(None),
            )
        )
        if invitation is not None:
            return Reviewer(user, invitation)
    if secret and len(secret) <= TOKEN_MAX_LENGTH:
        invitation = db.session.scalar(
            select(ReviewInvitation).where(
                ReviewInvitation.deck_id == deck.id,
                ReviewInvitation.session_hash == token_hash(secret),
                ReviewInvitation.revoked_at.is_(None),
            )
        )
        if invitation is not None:
            return Reviewer(None, invitation)
    return None


def invited_decks(user: User) -> list[StudioDeck]:
    """The decks of the user's organisation they are invited to review."""
    query = (
        select(StudioDeck)
        .join(ReviewInvitation, ReviewInvitation.deck_id == StudioDeck.id)
        .where(
            ReviewInvitation.user_id == user.id,
            ReviewInvitation.revoked_at.is_(None),
            StudioDeck.organisation_id == user.organisation_id,
        )
        .order_by(StudioDeck.slug)
        .distinct()
    )
    return list(db.session.scalars(query))


# ── What is reviewed ────────────────────────────────────────────────────────


def shown_version(deck: StudioDeck) -> Shown:
    draft = services.draft_of(deck)
    if draft is not None:
        loaded = services.check(draft.text, deck.slug).deck
        if loaded is not None:
            return Shown(draft, loaded, False)
    for version in reversed(services.published(deck)):
        loaded = services.check(version.text, deck.slug).deck
        if loaded is not None:
            return Shown(version, loaded, draft is not None)
    return Shown(None, None, draft is not None)


def card_fields(card_id: str | None) -> tuple[str, ...]:
    return DECK_FIELDS if card_id is None else CARD_FIELDS


# ── Comments ────────────────────────────────────────────────────────────────


def _count(*conditions: ColumnElement[bool]) -> int:
    return int(db.session.scalar(select(func.count()).select_from(ReviewComment).where(*conditions)) or 0)


def add_comment(
    reviewer: Reviewer, deck: StudioDeck, version_number: int, card_id: str | None, field: str, body: str
) -> ReviewComment:
    """A comment on one field of a card (``card_id``) or of the deck (None), in one version."""
    text = body.strip()
    if not text:
        raise ReviewError("empty")
    if len(text) > COMMENT_MAX:
        raise ReviewError("too long")
    if field not in card_fields(card_id):
        raise ReviewError("unknown field")
    version = next((v for v in deck.versions if v.number == version_number), None)
    loaded = services.check(version.text, deck.slug).deck if version is not None else None
    if loaded is None or (card_id is not None and card_id not in {card.id for card in loaded.cards}):
        raise ReviewError("unknown card")
    if reviewer.invitation is not None and (
        _count(ReviewComment.invitation_id == reviewer.invitation.id) >= COMMENTS_PER_INVITATION
    ):
        raise ReviewError("invitation full")
    if _count(ReviewComment.deck_id == deck.id) >= COMMENTS_PER_DECK:
        raise ReviewError("deck full")
    comment = ReviewComment(
        public_id=secrets.token_urlsafe(12),
        deck_id=deck.id,
        version_number=version_number,
        card_id=card_id,
        field=field,
        body=text,
        invitation_id=reviewer.invitation.id if reviewer.invitation is not None else None,
        author_id=reviewer.user.id if reviewer.user is not None else None,
    )
    db.session.add(comment)
    db.session.commit()
    return comment


def comments(deck: StudioDeck, show: Show = Show.ALL) -> list[ReviewComment]:
    """The deck's comments, oldest first, open or resolved ones only when asked."""
    query = select(ReviewComment).where(ReviewComment.deck_id == deck.id)
    if show is Show.OPEN:
        query = query.where(ReviewComment.resolved_at.is_(None))
    elif show is Show.RESOLVED:
        query = query.where(ReviewComment.resolved_at.is_not(None))
    return list(db.session.scalars(query.order_by(ReviewComment.created_at, ReviewComment.id)))


def counts(deck: StudioDeck) -> dict[Show, int]:
    total = _count(ReviewComment.deck_id == deck.id)
    resolved = _count(ReviewComment.deck_id == deck.id, ReviewComment.resolved_at.is_not(None))
    return {Show.OPEN: total - resolved, Show.RESOLVED: resolved, Show.ALL: total}


def find_comment(deck: StudioDeck, public_id: str) -> ReviewComment | None:
    found: ReviewComment | None = db.session.scalar(
        select(ReviewComment).where(ReviewComment.public_id == public_id, ReviewComment.deck_id == deck.id)
    )
    return found


def set_resolved(user: User, comment: ReviewComment, resolved: bool) -> None:
    """Resolve a comment (or reopen it): the deck's editors only."""
    if not services.may_edit(user, deck_by_id(comment.deck_id)):
        raise ReviewError("not your deck")
    comment.resolved_at = utcnow() if resolved else None
    comment.resolved_by_id = user.id if resolved else None
    db.session.commit()
