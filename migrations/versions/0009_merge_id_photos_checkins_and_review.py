"""Join the branches built in parallel from 0004: ID-photo reads (0005), check-ins (0006), and quarantine
decisions, device revocation and the objection flood guard (0007 → 0008).

Revision ID: 0009
Revises: 0005, 0006, 0008
"""

revision = "0009"
down_revision = ("0005", "0006", "0008")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
