"""Reviewers decide quarantined field ops (apply as corrected, or dismiss); lost phones can be revoked.

Revision ID: 0007
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sync_quarantine_decisions",
        sa.Column("op_id", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("applied_op_id", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["op_id"], ["sync_ops.op_id"], name=op.f("fk_sync_quarantine_decisions_op_id_sync_ops")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_users.id"], name=op.f("fk_sync_quarantine_decisions_staff_id_staff_users")
        ),
        sa.PrimaryKeyConstraint("op_id", name=op.f("pk_sync_quarantine_decisions")),
    )
    with op.batch_alter_table("sync_devices") as batch:
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_by_staff_id", sa.String(length=36), nullable=True))
        batch.create_foreign_key(
            op.f("fk_sync_devices_revoked_by_staff_id_staff_users"), "staff_users", ["revoked_by_staff_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("sync_devices") as batch:
        batch.drop_constraint(op.f("fk_sync_devices_revoked_by_staff_id_staff_users"), type_="foreignkey")
        batch.drop_column("revoked_by_staff_id")
        batch.drop_column("revoked_at")
    op.drop_table("sync_quarantine_decisions")
