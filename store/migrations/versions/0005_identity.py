"""Identity resolution: canonical person/account clusters, their members, and the merge audit log (with undo).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21

Written out by hand (not imported from store.tables) so this revision stays what it was when tables.py moves on.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def _time(name: str, nullable: bool) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "identity_cluster",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("golden", _json(), nullable=False),
        sa.Column("sources", _json(), nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=False),
        _time("updated_at", False),
        sa.PrimaryKeyConstraint("id", name="pk_identity_cluster"),
    )
    op.create_index("ix_identity_cluster_kind", "identity_cluster", ["kind"], unique=False)
    op.create_table(
        "identity_member",
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("cluster_id", sa.String(length=36), nullable=False),
        sa.Column("connection", sa.String(length=100), nullable=False),
        sa.Column("object", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        sa.Column("rule", sa.String(length=50), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        _time("updated_at", False),
        sa.PrimaryKeyConstraint("entity", "record_id", name="pk_identity_member"),
    )
    op.create_index("ix_identity_member_cluster_id", "identity_member", ["cluster_id"], unique=False)
    op.create_table(
        "identity_merge",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("record_a", sa.String(length=36), nullable=False),
        sa.Column("record_b", sa.String(length=36), nullable=False),
        sa.Column("rule", sa.String(length=50), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("evidence", _json(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        _time("created_at", False),
        _time("undone_at", True),
        sa.Column("undone_by", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_identity_merge"),
    )
    op.create_index("ix_identity_merge_pair", "identity_merge", ["kind", "record_a", "record_b"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_identity_merge_pair", table_name="identity_merge")
    op.drop_table("identity_merge")
    op.drop_index("ix_identity_member_cluster_id", table_name="identity_member")
    op.drop_table("identity_member")
    op.drop_index("ix_identity_cluster_kind", table_name="identity_cluster")
    op.drop_table("identity_cluster")
