"""play-tests: a table may play a studio draft's text as it was when the play-test started

Revision ID: d9f1b2c3e4a5
Revises: c4e8a1f2b3d5
Create Date: 2026-12-01 04:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd9f1b2c3e4a5'
down_revision = 'c4e8a1f2b3d5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tables', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deck_text', sa.Text(), nullable=True))
    with op.batch_alter_table('card_feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('playtest', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('card_feedback', schema=None) as batch_op:
        batch_op.drop_column('playtest')
    with op.batch_alter_table('tables', schema=None) as batch_op:
        batch_op.drop_column('deck_text')
