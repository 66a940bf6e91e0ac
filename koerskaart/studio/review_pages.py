"""Review pages: authors invite reviewers (a colleague's account or a single-use link), reviewers
read the deck card by card and comment per card and field, authors resolve the comments.

A reviewer reaches only the review page of a deck they were invited to: every other studio page
answers 403 or 404 for them, as for anyone else who is not an editor of the deck.
"""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from ..deckprint import type_labels
from ..extensions import limiter
from ..forms import ActionForm
from ..i18n import lang
from ..models import ReviewComment, ReviewInvitation, StudioDeck, User
from ..security import login_required, token_hash
from . import access, review_services
from .diff_pages import deck_field_label, field_label
from .review_forms import CommentForm, InvitationForm, InviteAccountForm, ResolveForm, ReviewLinkForm
from .review_services import Reviewer, ReviewError, Show

bp = Blueprint("studio_review", __name__, url_prefix="/studio")

COOKIE_PREFIX = "kk_review_"  # + the deck's public id: one claimed link per deck and browser
COOKIE_MAX_AGE = 90 * 24 * 3600  # a review round takes weeks, not months
COMMENT_RATE_LIMIT = "20 per minute; 200 per hour"  # per reviewer; REVIEW_COMMENT_RATE_LIMIT overrides


def cookie_name(deck: StudioDeck) -> str:
    return COOKIE_PREFIX + deck.public_id


def _user() -> User | None:
    if not current_user.is_authenticated:
        return None
    user: User = current_user._get_current_object()
    return user


def _deck_and_reviewer(public_id: str) -> tuple[StudioDeck, Reviewer]:
    """The deck and who reads it; 404 for everyone the deck's review is not for."""
    deck = review_services.deck_by_public_id(public_id)
    reviewer = (
        review_services.reviewer_for(deck, _user(), request.cookies.get(cookie_name(deck)))
        if deck is not None
        else None
    )
    if reviewer is None and not current_user.is_authenticated:
        # Perhaps an invited colleague who is logged out: to the login page, for any id alike.
        abort(current_app.login_manager.unauthorized())  # type: ignore[attr-defined]
    if deck is None or reviewer is None:
        abort(404)
    return deck, reviewer


def _editor_deck(public_id: str) -> tuple[StudioDeck, User]:
    """An editor's deck: 403 for non-authors, 404 for another organisation's deck (shared or not)."""
    return access.editable_deck(public_id, refusal=404)


def _show() -> Show:
    try:
        return Show(request.args.get("show", Show.OPEN.value))
    except ValueError:
        return Show.OPEN


def _field_label(card_id: str | None, name: str) -> str:
    if name == "general":
        return str(_("The deck as a whole") if card_id is None else _("The card as a whole"))
    return deck_field_label(name) if card_id is None else field_label(name)


def writer(comment: ReviewComment) -> str:
    """Who wrote a comment, as the page names them: the link's name, or the account's address."""
    if comment.invitation is not None and comment.invitation.label:
        return comment.invitation.label
    if comment.author is not None:
        return comment.author.email
    return str(_("A reviewer"))


# ── The review page ─────────────────────────────────────────────────────────


def _review_page(
    deck: StudioDeck, reviewer: Reviewer, failed: tuple[str, CommentForm] | None = None, status: int = 200
) -> tuple[str, int]:
    shown = review_services.shown_version(deck)
    show = _show()
    by_card: dict[str | None, list[ReviewComment]] = defaultdict(list)
    for comment in review_services.comments(deck, show):
        by_card[comment.card_id].append(comment)
    card_ids = {card.id for card in shown.deck.cards} if shown.deck is not None else set()
    other = [
        c
        for card_id, found in by_card.items()
        if card_id is not None and card_id not in card_ids
        for c in found
    ]
    current = lang()
    page = render_template(
        "studio/review.html",
        deck=deck,
        shown=shown,
        title=shown.deck.title.get(current) if shown.deck is not None else deck.slug,
        reviewer=reviewer,
        show=show.value,
        counts={key.value: value for key, value in review_services.counts(deck).items()},
        by_card=by_card,
        other=other,
        comment_form_empty=CommentForm(formdata=None),
        action_form=ActionForm(formdata=None),
        failed=failed,
        fields=lambda card_id: [
            (name, _field_label(card_id, name)) for name in review_services.card_fields(card_id)
        ],
        field_label=_field_label,
        writer=writer,
        type_labels=type_labels(),
        lang=current,
    )
    return page, status


@bp.get("/<public_id>/review")
def review(public_id: str) -> tuple[str, int]:
    return _review_page(*_deck_and_reviewer(public_id))


def _limit_key() -> str:
    """Comments are limited per reviewer: an account, a claimed browser, or else an address."""
    user = _user()
    if user is not None:
        return f"review-user:{user.id}"
    for name, value in request.cookies.items():
        if name.startswith(COOKIE_PREFIX):
            return f"review-link:{token_hash(value)[:16]}"
    return f"review-addr:{request.remote_addr}"


@bp.post("/<public_id>/review/comments")
@limiter.limit(
    lambda: str(current_app.config.get("REVIEW_COMMENT_RATE_LIMIT", COMMENT_RATE_LIMIT)), key_func=_limit_key
)
def comment(public_id: str) -> BaseResponse | tuple[str, int]:
    deck, reviewer = _deck_and_reviewer(public_id)
    form = CommentForm()
    card_id = form.card.data or None
    key = card_id or ""
    if not form.validate_on_submit() or not (form.version.data or "").isdigit():
        return _review_page(deck, reviewer, (key, form), 400)
    try:
        review_services.add_comment(
            reviewer, deck, int(form.version.data or 0), card_id, form.field.data or "", form.body.data or ""
        )
    except ReviewError as exc:
        reason = str(exc)
        if reason == "unknown card":
            message = _(
                "This card is no longer in the deck: the author changed it meanwhile. Reload the page."
            )
        elif reason in ("invitation full", "deck full"):
            message = _("No more comments can be added to this deck. Ask the author to resolve some first.")
        else:
            message = _(
                "This comment could not be saved. Choose what it is about and write at most 2000 characters."
            )
        form.body.errors = [message]
        if reason == "unknown card":
            flash(message, "error")  # the card's form is no longer on the page to show it
        return _review_page(deck, reviewer, (key, form), 400)
    flash(_("Comment saved."), "success")
    anchor = f"card-{card_id}" if card_id else "deck-comments"
    return redirect(url_for("studio_review.review", public_id=deck.public_id, _anchor=anchor))


def _set_resolved(public_id: str, resolved: bool) -> BaseResponse:
    deck, reviewer = _deck_and_reviewer(public_id)
    if not reviewer.editor or reviewer.user is None:
        abort(403)  # reviewers comment; only the deck's authors resolve
    form = ResolveForm()
    if not form.validate_on_submit():
        abort(400)
    found = review_services.find_comment(deck, form.comment.data or "")
    if found is None:
        abort(404)
    review_services.set_resolved(reviewer.user, found, resolved)
    flash(_("Comment resolved.") if resolved else _("Comment reopened."), "success")
    anchor = f"card-{found.card_id}" if found.card_id else "deck-comments"
    return redirect(
        url_for("studio_review.review", public_id=deck.public_id, show=_show().value, _anchor=anchor)
    )


@bp.post("/<public_id>/review/resolve")
def resolve(public_id: str) -> BaseResponse:
    return _set_resolved(public_id, True)


@bp.post("/<public_id>/review/reopen")
def reopen(public_id: str) -> BaseResponse:
    return _set_resolved(public_id, False)


# ── The author's reviewers ──────────────────────────────────────────────────


def _reviewers_page(
    deck: StudioDeck,
    user: User,
    invite_form: InviteAccountForm | None = None,
    link_form: ReviewLinkForm | None = None,
    new_link: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    invite_form = invite_form or InviteAccountForm(formdata=None)
    invite_form.email.choices = _colleagues(user, deck)
    shown = review_services.shown_version(deck)
    page = render_template(
        "studio/reviewers.html",
        deck=deck,
        title=shown.deck.title.get(lang()) if shown.deck is not None else deck.slug,
        invitations=review_services.invitations(deck),
        invite_form=invite_form,
        link_form=link_form or ReviewLinkForm(formdata=None),
        revoke_form=InvitationForm(formdata=None),
        new_link=new_link,
        counts={key.value: value for key, value in review_services.counts(deck).items()},
    )
    return page, status


def _colleagues(user: User, deck: StudioDeck) -> list[tuple[str, str]]:
    return [(colleague.email, colleague.email) for colleague in review_services.invitable_users(user, deck)]


@bp.get("/<public_id>/reviewers")
@login_required
def reviewers(public_id: str) -> tuple[str, int]:
    return _reviewers_page(*_editor_deck(public_id))


@bp.post("/<public_id>/reviewers/invite")
@login_required
def invite(public_id: str) -> BaseResponse | tuple[str, int]:
    deck, user = _editor_deck(public_id)
    form = InviteAccountForm()
    form.email.choices = _colleagues(user, deck)
    if not form.validate_on_submit():
        return _reviewers_page(deck, user, invite_form=form, status=400)
    try:
        review_services.invite_account(user, deck, form.email.data or "")
    except ReviewError:
        abort(400)  # the choices were checked above: only a race ends here
    flash(_("Invited: your colleague finds the deck under Review requests on their account page."), "success")
    return redirect(url_for("studio_review.reviewers", public_id=deck.public_id))


@bp.post("/<public_id>/reviewers/link")
@login_required
def new_link(public_id: str) -> tuple[str, int]:
    deck, user = _editor_deck(public_id)
    form = ReviewLinkForm()
    if not form.validate_on_submit():
        return _reviewers_page(deck, user, link_form=form, status=400)
    _invitation, token = review_services.create_link(user, deck, form.label.data or "")
    # Shown once, on this response only: the database keeps just the token's hash.
    link = url_for("studio_review.link", token=token, _external=True)
    return _reviewers_page(deck, user, new_link=link)


@bp.post("/<public_id>/reviewers/revoke")
@login_required
def revoke(public_id: str) -> BaseResponse:
    deck, user = _editor_deck(public_id)
    form = InvitationForm()
    if not form.validate_on_submit():
        abort(400)
    found = review_services.find_invitation(deck, form.invitation.data or "")
    if found is None:
        abort(404)
    review_services.revoke(user, found)
    flash(_("The invitation no longer works."), "success")
    return redirect(url_for("studio_review.reviewers", public_id=deck.public_id))


# ── The outside expert's link ───────────────────────────────────────────────


def _link_page(invitation: ReviewInvitation, form: ActionForm) -> tuple[str, int]:
    deck = review_services.deck_by_id(invitation.deck_id)
    if invitation.revoked_at is not None:
        state = "revoked"
    elif invitation.claimed_at is not None:
        state = "used"
    else:
        state = "open"
    shown = review_services.shown_version(deck)
    page = render_template(
        "studio/review_link.html",
        state=state,
        invitation=invitation,
        organisation=review_services.organisation_name(deck),
        title=shown.deck.title.get(lang()) if shown.deck is not None else deck.slug,
        form=form,
    )
    return page, 200 if state == "open" else 410


@bp.get("/review-link/<token>")
def link(token: str) -> BaseResponse | tuple[str, int]:
    """What the link opens: an invitation to start reviewing (claimed by the button, not by opening,
    so that a mail scanner following the link does not use it up)."""
    invitation = review_services.link_invitation(token)
    if invitation is None:
        abort(404)
    deck = review_services.deck_by_id(invitation.deck_id)
    reviewer = review_services.reviewer_for(deck, None, request.cookies.get(cookie_name(deck)))
    if reviewer is not None and reviewer.invitation is not None and reviewer.invitation.id == invitation.id:
        return redirect(url_for("studio_review.review", public_id=deck.public_id))  # this browser has it
    return _link_page(invitation, ActionForm(formdata=None))


@bp.post("/review-link/<token>")
def claim(token: str) -> BaseResponse | tuple[str, int]:
    invitation = review_services.link_invitation(token)
    if invitation is None:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    claimed = review_services.claim(token)
    if claimed is None:
        return _link_page(invitation, form)  # used by another browser, or revoked
    found, secret = claimed
    deck = review_services.deck_by_id(found.deck_id)
    response = redirect(url_for("studio_review.review", public_id=deck.public_id))
    response.set_cookie(
        cookie_name(deck),
        secret,
        max_age=COOKIE_MAX_AGE,
        path="/studio/",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        samesite="Lax",
    )
    return response


# ── An account's review requests ────────────────────────────────────────────


@bp.get("/reviews")
@login_required
def mine() -> str:
    user = _user()
    assert user is not None  # login_required
    return render_template("studio/reviews.html", decks=_titled(review_services.invited_decks(user)))


def _titled(decks: list[StudioDeck]) -> list[tuple[StudioDeck, str]]:
    found = []
    for deck in decks:
        shown = review_services.shown_version(deck)
        found.append((deck, shown.deck.title.get(lang()) if shown.deck is not None else deck.slug))
    return found


@bp.app_context_processor
def _review_requests() -> dict[str, object]:
    """``review_requests()``: how many decks the logged-in account is invited to review (the account nav)."""

    def count() -> int:
        user = _user()
        return len(review_services.invited_decks(user)) if user is not None else 0

    return {"review_requests": count}
