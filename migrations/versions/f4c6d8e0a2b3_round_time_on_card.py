"""round timing: how long a table stayed on each card (table-level, never per seat or answer)

Revision ID: f4c6d8e0a2b3
Revises: d9f1b2c3e4a5
Create Date: 2026-12-02 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f4c6d8e0a2b3'
down_revision = 'd9f1b2c3e4a5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entered_at', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('seconds_on_card', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('seconds_on_card')
        batch_op.drop_column('entered_at')
