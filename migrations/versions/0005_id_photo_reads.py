"""ID-card photos read by OCR: one row per stored photo, the job's state and its result.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('id_photo_reads',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.String(length=40), nullable=True),
    sa.Column('engine', sa.String(length=20), nullable=True),
    sa.Column('side', sa.String(length=10), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('id_number', sa.Text(), nullable=True),
    sa.Column('normalised_key', sa.String(length=200), nullable=True),
    sa.Column('thumbnail_key', sa.String(length=200), nullable=True),
    sa.Column('ocr_seconds', sa.Float(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['sha256'], ['stored_files.sha256'], name=op.f('fk_id_photo_reads_sha256_stored_files')),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_id_photo_reads'))
    )
    with op.batch_alter_table('id_photo_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_id_photo_reads_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('id_photo_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_id_photo_reads_status'))
    op.drop_table('id_photo_reads')
