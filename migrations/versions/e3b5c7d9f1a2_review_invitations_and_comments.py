"""review with the expert group: invitations (an account or a single-use link) and comments per card and field

Revision ID: e3b5c7d9f1a2
Revises: f4c6d8e0a2b3
Create Date: 2026-12-01 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3b5c7d9f1a2'
down_revision = 'f4c6d8e0a2b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'review_invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=32), nullable=False),
        sa.Column('deck_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('token_hash', sa.String(length=64), nullable=True),
        sa.Column('label', sa.String(length=80), nullable=True),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('session_hash', sa.String(length=64), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['deck_id'], ['studio_decks.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('session_hash'),
        sa.UniqueConstraint('token_hash'),
    )
    with op.batch_alter_table('review_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_invitations_deck_id'), ['deck_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_invitations_public_id'), ['public_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_review_invitations_user_id'), ['user_id'], unique=False)

    op.create_table(
        'review_comments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=32), nullable=False),
        sa.Column('deck_id', sa.Integer(), nullable=False),
        sa.Column('version_number', sa.Integer(), nullable=False),
        sa.Column('card_id', sa.String(length=40), nullable=True),
        sa.Column('field', sa.String(length=32), nullable=False),
        sa.Column('body', sa.String(length=2000), nullable=False),
        sa.Column('invitation_id', sa.Integer(), nullable=True),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resolved_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['deck_id'], ['studio_decks.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['invitation_id'], ['review_invitations.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('review_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_comments_deck_id'), ['deck_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_comments_invitation_id'), ['invitation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_comments_public_id'), ['public_id'], unique=True)


def downgrade():
    with op.batch_alter_table('review_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_comments_public_id'))
        batch_op.drop_index(batch_op.f('ix_review_comments_invitation_id'))
        batch_op.drop_index(batch_op.f('ix_review_comments_deck_id'))
    op.drop_table('review_comments')
    with op.batch_alter_table('review_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_invitations_user_id'))
        batch_op.drop_index(batch_op.f('ix_review_invitations_public_id'))
        batch_op.drop_index(batch_op.f('ix_review_invitations_deck_id'))
    op.drop_table('review_invitations')
