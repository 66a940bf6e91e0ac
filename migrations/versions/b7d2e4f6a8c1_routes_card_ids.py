"""routes: a table and an event store the route chosen and the ids of the cards they play

Revision ID: b7d2e4f6a8c1
Revises: 9a4e7c2b5d31
Create Date: 2026-12-01 03:00:00.000000

Tables and events from before routes played the whole deck at version 1. Their card ids are
written here, so rounds keep meaning the card they were about after the bundled decks'
version 2 rewrote, added and retired cards (retired cards stay in the deck file for them).
Rows of other decks keep NULL: the whole deck as installed, as before.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d2e4f6a8c1'
down_revision = '9a4e7c2b5d31'
branch_labels = None
depends_on = None

VERSION_1_CARDS = {
    'kompas-publiek-leiderschap': [
        'kp-tt-01', 'kp-tt-02', 'kp-tt-03', 'kp-vs-01', 'kp-vs-02', 'kp-vs-03', 'kp-co-01',
        'kp-co-02', 'kp-co-03', 'kp-pa-01', 'kp-pa-02', 'kp-pa-03', 'kp-pp-01', 'kp-pp-02',
        'kp-pp-03', 'kp-pp-04', 'kp-vt-01', 'kp-vt-02', 'kp-vt-03', 'kp-vt-04', 'kp-vt-05',
    ],
    'sociale-veiligheid': [f'sv-{n:02d}' for n in range(1, 17)],
    'tegenspraak': [f'tg-{n:02d}' for n in range(1, 17)],
}


def upgrade():
    for name in ('tables', 'conferences'):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(sa.Column('route', sa.String(length=40), nullable=True))
            batch_op.add_column(sa.Column('card_ids', sa.JSON(), nullable=True))
            batch_op.add_column(
                sa.Column('mixed_wording', sa.Boolean(), server_default=sa.false(), nullable=False)
            )
        rows = sa.table(
            name,
            sa.column('deck_slug', sa.String),
            sa.column('deck_version', sa.Integer),
            sa.column('card_ids', sa.JSON),
        )
        for slug, card_ids in VERSION_1_CARDS.items():
            op.execute(
                rows.update()
                .where(rows.c.deck_slug == slug, rows.c.deck_version == 1)
                .values(card_ids=card_ids)
            )


def downgrade():
    for name in ('tables', 'conferences'):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_column('mixed_wording')
            batch_op.drop_column('card_ids')
            batch_op.drop_column('route')
