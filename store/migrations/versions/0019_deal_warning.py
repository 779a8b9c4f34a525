"""Deal warnings from the pipeline engine (analytics/pipeline/): one row per open deal and kind, with the deal's
source record for the write-back.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07

Written out by hand (not imported from store.tables) so this revision stays what it was when tables.py moves on.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deal_warning",
        sa.Column("opportunity_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("source_connection", sa.String(length=100), nullable=True),
        sa.Column("source_object", sa.String(length=100), nullable=True),
        sa.Column("source_id", sa.String(length=255), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("opportunity_id", "kind", name=op.f("pk_deal_warning")),
    )


def downgrade() -> None:
    op.drop_table("deal_warning")
