"""Schema drift snapshots, pending type changes of mapped fields, and data-quality scores per record and per run.

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-21

Written out by hand (not imported from store.tables) so this revision stays what it was when tables.py moves on.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def _time(name: str, nullable: bool) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "schema_snapshot",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("connection", sa.String(length=100), nullable=False),
        sa.Column("object", sa.String(length=100), nullable=False),
        sa.Column("schema_hash", sa.String(length=64), nullable=False),
        sa.Column("fields", _json(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        _time("taken_at", False),
        sa.PrimaryKeyConstraint("id", name="pk_schema_snapshot"),
    )
    op.create_index("ix_schema_snapshot_connection_object", "schema_snapshot", ["connection", "object", "id"])
    op.create_table(
        "schema_type_change",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("connection", sa.String(length=100), nullable=False),
        sa.Column("object", sa.String(length=100), nullable=False),
        sa.Column("field", sa.String(length=255), nullable=False),
        sa.Column("old_type", sa.String(length=100), nullable=False),
        sa.Column("new_type", sa.String(length=100), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        _time("detected_at", False),
        _time("accepted_at", True),
        sa.PrimaryKeyConstraint("id", name="pk_schema_type_change"),
    )
    op.create_index("ix_schema_type_change_connection_object", "schema_type_change",
                    ["connection", "object", "accepted_at"])
    op.create_table(
        "record_quality",
        sa.Column("entity", sa.String(length=50), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("failed", _json(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        _time("scored_at", False),
        sa.PrimaryKeyConstraint("entity", "record_id", name="pk_record_quality"),
    )
    op.create_table(
        "quality_score",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("connection", sa.String(length=100), nullable=False),
        sa.Column("object", sa.String(length=100), nullable=False),
        sa.Column("entity", sa.String(length=50), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        _time("computed_at", False),
        sa.PrimaryKeyConstraint("id", name="pk_quality_score"),
    )
    op.create_index("ix_quality_score_connection_object", "quality_score", ["connection", "object", "computed_at"])


def downgrade() -> None:
    op.drop_index("ix_quality_score_connection_object", table_name="quality_score")
    op.drop_table("quality_score")
    op.drop_table("record_quality")
    op.drop_index("ix_schema_type_change_connection_object", table_name="schema_type_change")
    op.drop_table("schema_type_change")
    op.drop_index("ix_schema_snapshot_connection_object", table_name="schema_snapshot")
    op.drop_table("schema_snapshot")
