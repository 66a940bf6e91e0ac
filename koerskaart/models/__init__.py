"""SQLAlchemy models; importing this module registers them all."""

from .accounts import ACCOUNT_ROLES, Invite, Organisation, User
from .conference import (
    CardFeedback,
    Conference,
    ConferenceStatus,
    Pacing,
    PlenaryRelease,
    PlenaryTally,
)
from .decks import DeckVersion, StudioDeck, VersionStatus, Visibility
from .review import ReviewComment, ReviewInvitation
from .sharing import ShareLink
from .table import Answer, PendingAnswer, RoundRow, Seat, Table, TeamActionRow
from .usage import ApiToken, DeckRequest, EventFact, OrgUnit, UsageCard, UsageFact

__all__ = [
    "ACCOUNT_ROLES",
    "Answer",
    "ApiToken",
    "CardFeedback",
    "Conference",
    "ConferenceStatus",
    "DeckRequest",
    "DeckVersion",
    "EventFact",
    "Invite",
    "OrgUnit",
    "Organisation",
    "Pacing",
    "PendingAnswer",
    "PlenaryRelease",
    "PlenaryTally",
    "ReviewComment",
    "ReviewInvitation",
    "RoundRow",
    "Seat",
    "ShareLink",
    "StudioDeck",
    "Table",
    "TeamActionRow",
    "UsageCard",
    "UsageFact",
    "User",
    "VersionStatus",
    "Visibility",
]
