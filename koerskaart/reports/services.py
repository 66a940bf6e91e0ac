"""Report services: who may see a table's summary, what it says, and the changes made from it.

Routes call these and render; every commit of the reports feature happens here or in
``sharing`` (share links) and ``retention`` (the purge).
"""

from __future__ import annotations

from ..extensions import db
from ..i18n import scale_labels
from ..live import decks, service
from ..models import Table, User
from ..models.table import normalise_team_label
from . import sharing
from .comparison import compare
from .summary import TeamSummary, build_summary


def may_see(table: Table, user: User | None) -> bool:
    """The facilitator who ran the table, or an admin of its organisation; nobody else."""
    if user is None or table.owner_id is None:
        return False
    if table.owner_id == user.id:
        return True
    return bool(user.is_admin and table.organisation_id == user.organisation_id)


def visible_table(public_id: str, user: User | None) -> Table | None:
    """The table if ``user`` may see it; None both for "no such table" and for "not yours"."""
    table = service.get_table(public_id)
    return table if table is not None and may_see(table, user) else None


def shared_table(token: str) -> Table | None:
    """The table a working share link opens; wrong, expired and revoked links find nothing."""
    return sharing.table_for_token(token)


def summary_of(table: Table, language: str) -> TeamSummary | None:
    """What the team said (frozen results only), beside its previous table where rule 6 allows."""
    playlist = decks.playlist(table.deck_slug, table.card_ids, table.deck_version, table.deck_text)
    if playlist is None:
        return None
    state = service.current_state(table)
    groups = {row.card_index: row.groups for row in table.rounds if row.groups}
    summary = build_summary(
        state,
        playlist,
        language,
        scale_labels(),
        table.created_at,
        table.ended_at,
        groups,
        mixed=table.mixed_wording,
    )
    summary.team_label = table.team_label
    summary.route_title = decks.route_title(playlist.deck, table.route, language)
    return compare(summary, table, playlist.cards)


def set_team_label(table: Table, label: str | None) -> str | None:
    """Name (or rename, or unname) the team, so its next table on this deck is compared with this one."""
    table.team_label = normalise_team_label(label)
    db.session.commit()
    return table.team_label


__all__ = ["may_see", "set_team_label", "shared_table", "summary_of", "visible_table"]
