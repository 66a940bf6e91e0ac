"""studio decks: an organisation's decks and their versions (drafts and immutable published ones)

Revision ID: c4e8a1f2b3d5
Revises: b7d2e4f6a8c1
Create Date: 2026-12-01 04:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e8a1f2b3d5'
down_revision = 'b7d2e4f6a8c1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'studio_decks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=32), nullable=False),
        sa.Column('slug', sa.String(length=60), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('visibility', sa.String(length=16), nullable=False),
        sa.Column('source_slug', sa.String(length=60), nullable=True),
        sa.Column('source_version', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('slug'),
    )
    with op.batch_alter_table('studio_decks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_studio_decks_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_studio_decks_public_id'), ['public_id'], unique=True)

    op.create_table(
        'deck_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('deck_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('change_note', sa.String(length=500), nullable=True),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['deck_id'], ['studio_decks.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('deck_id', 'number'),
    )
    with op.batch_alter_table('deck_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deck_versions_deck_id'), ['deck_id'], unique=False)


def downgrade():
    with op.batch_alter_table('deck_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deck_versions_deck_id'))
    op.drop_table('deck_versions')
    with op.batch_alter_table('studio_decks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_studio_decks_public_id'))
        batch_op.drop_index(batch_op.f('ix_studio_decks_organisation_id'))
    op.drop_table('studio_decks')
