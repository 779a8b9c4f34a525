"""Lead routing: every decision with the inputs it was made from and the rule that fired (analytics/routing/).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07

Written out by hand (not imported from store.tables) so this revision stays what it was when tables.py moves on.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    op.create_table(
        "routing_decision",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pool", sa.String(length=100), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("strategy", sa.String(length=20), nullable=False),
        sa.Column("lead_id", sa.String(length=36), nullable=False),
        sa.Column("rep_id", sa.String(length=36), nullable=True),
        sa.Column("fired", sa.String(length=255), nullable=False),
        sa.Column("expected_value", sa.Float(), nullable=True),
        sa.Column("inputs", _json(), nullable=False),
        sa.Column("state_after", _json(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_decision")),
    )
    op.create_index("ix_routing_decision_lead_id", "routing_decision", ["lead_id"], unique=False)
    op.create_index("ix_routing_decision_pool_id", "routing_decision", ["pool", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_routing_decision_pool_id", table_name="routing_decision")
    op.drop_index("ix_routing_decision_lead_id", table_name="routing_decision")
    op.drop_table("routing_decision")
