"""Objections remember keyed hashes of the contact phone and the sender's address (flood guard).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("objections") as batch:
        batch.add_column(sa.Column("phone_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("source_hash", sa.String(length=64), nullable=True))
    op.create_index("ix_objections_source_hash_created_at", "objections", ["source_hash", "created_at"])
    op.create_index("ix_objections_phone_hash_notice_id", "objections", ["phone_hash", "notice_id"])


def downgrade():
    op.drop_index("ix_objections_phone_hash_notice_id", table_name="objections")
    op.drop_index("ix_objections_source_hash_created_at", table_name="objections")
    with op.batch_alter_table("objections") as batch:
        batch.drop_column("source_hash")
        batch.drop_column("phone_hash")
