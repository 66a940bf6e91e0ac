"""uptake: the cards view reads usage_cards through covering indexes in its GROUP BY order

Revision ID: b8d0f2a4c6e8
Revises: a7c9e1f3b5d7
Create Date: 2026-12-01 10:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b8d0f2a4c6e8'
down_revision = 'a7c9e1f3b5d7'
branch_labels = None
depends_on = None


def upgrade():
    # (organisation, cohort_on, deck, card) made the cards view sort every released row of the range;
    # these hold the same rows in (deck, card) order, per organisation and across organisations. Kept
    # beside them, SQLite (no statistics) still chose it for a deck filter; PostgreSQL scans in parallel.
    with op.batch_alter_table('usage_cards', schema=None) as batch_op:
        batch_op.drop_index('ix_usage_cards_release')
        batch_op.create_index(
            'ix_usage_cards_tally', ['organisation_id', 'deck_slug', 'card_id', 'cohort_on', 'unit_id'], unique=False
        )
        batch_op.create_index('ix_usage_cards_platform', ['deck_slug', 'card_id', 'cohort_on'], unique=False)


def downgrade():
    with op.batch_alter_table('usage_cards', schema=None) as batch_op:
        batch_op.drop_index('ix_usage_cards_platform')
        batch_op.drop_index('ix_usage_cards_tally')
        batch_op.create_index(
            'ix_usage_cards_release', ['organisation_id', 'cohort_on', 'deck_slug', 'card_id'], unique=False
        )
