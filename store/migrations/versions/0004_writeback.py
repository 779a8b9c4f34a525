"""Write-back ledger and per-record results (the dead-letter list is the unresolved failures and conflicts).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21

Written out by hand (not imported from store.tables) so this revision stays what it was when tables.py moves on.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    op.create_table(
        "writeback_ledger",
        sa.Column("connection", sa.String(length=100), nullable=False),
        sa.Column("object", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        sa.Column("field_set", sa.String(length=100), nullable=False),
        sa.Column("values_hash", sa.String(length=64), nullable=False),
        sa.Column("values", _json(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("connection", "object", "source_id", "field_set", name="pk_writeback_ledger"),
    )
    op.create_table(
        "writeback_result",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("connection", sa.String(length=100), nullable=False),
        sa.Column("object", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        sa.Column("field_set", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("retryable", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("values", _json(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_writeback_result"),
    )
    op.create_index("ix_writeback_result_open", "writeback_result",
                    ["connection", "object", "status", "resolved_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_writeback_result_open", table_name="writeback_result")
    op.drop_table("writeback_result")
    op.drop_table("writeback_ledger")
