"""table version: raised with every change to a table's seats, rounds, answers or actions

Revision ID: 9a4e7c2b5d31
Revises: f1e318614d28
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9a4e7c2b5d31'
down_revision = 'f1e318614d28'
branch_labels = None
depends_on = None


def upgrade():
    # Existing tables start at 0: no process has cached them yet.
    with op.batch_alter_table('tables', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('tables', schema=None) as batch_op:
        batch_op.drop_column('version')
