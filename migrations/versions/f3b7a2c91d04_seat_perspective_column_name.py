"""seat perspective: the column says what it holds (it was "role", like an account's role)

Revision ID: f3b7a2c91d04
Revises: e6a1c0d4b9f2
Create Date: 2026-11-30 16:45:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f3b7a2c91d04'
down_revision = 'e6a1c0d4b9f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('seats', schema=None) as batch_op:
        batch_op.alter_column('role', new_column_name='perspective')


def downgrade():
    with op.batch_alter_table('seats', schema=None) as batch_op:
        batch_op.alter_column('perspective', new_column_name='role')
