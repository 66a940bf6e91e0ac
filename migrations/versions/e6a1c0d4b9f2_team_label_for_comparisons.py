"""team label: a facilitator's name for the team, to compare with its previous table

Revision ID: e6a1c0d4b9f2
Revises: 3178fa700c6d
Create Date: 2026-11-22 10:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6a1c0d4b9f2'
down_revision = '3178fa700c6d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tables', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_label', sa.String(length=60), nullable=True))


def downgrade():
    with op.batch_alter_table('tables', schema=None) as batch_op:
        batch_op.drop_column('team_label')
