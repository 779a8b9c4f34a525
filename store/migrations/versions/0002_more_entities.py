"""Team, campaign, campaign membership and opportunity stage history; activity campaign and URL.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

Written out by hand (not imported from store.tables) so this revision stays what it was when tables.py moves on.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_TABLES = ("team", "campaign", "campaign_member", "opportunity_stage")


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def _s(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.String(length=255), nullable=True)


def _canonical(name: str, *typed: sa.Column[Any]) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("source_connection", sa.String(length=100), nullable=False),
        sa.Column("source_object", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        *typed,
        sa.Column("custom", _json(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
    )
    op.create_index(f"ix_{name}_source", name, ["source_connection", "source_object", "source_id"], unique=False)


def upgrade() -> None:
    with op.batch_alter_table("activity") as batch:
        batch.add_column(_s("campaign_id"))
        batch.add_column(sa.Column("url", sa.Text(), nullable=True))
    _canonical("team", _s("name"), _s("owner_id"), _s("business_unit"))
    _canonical(
        "campaign", _s("name"), _s("type"), _s("status"),
        sa.Column("start_date", sa.Date(), nullable=True), sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("budget", sa.Float(), nullable=True), sa.Column("actual_cost", sa.Float(), nullable=True),
        sa.Column("expected_revenue", sa.Float(), nullable=True), _s("owner_id"), _s("parent_id"),
        sa.Column("active", sa.Boolean(), nullable=True),
    )
    _canonical(
        "campaign_member", _s("campaign_id"), _s("contact_id"), _s("lead_id"), _s("status"),
        sa.Column("responded", sa.Boolean(), nullable=True), sa.Column("first_responded_at", sa.Date(), nullable=True),
    )
    _canonical(
        "opportunity_stage", _s("opportunity_id"), _s("stage"), sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("probability", sa.Float(), nullable=True), sa.Column("close_date", sa.Date(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True), _s("changed_by_id"),
    )


def downgrade() -> None:
    for name in reversed(NEW_TABLES):
        op.drop_index(f"ix_{name}_source", table_name=name)
        op.drop_table(name)
    with op.batch_alter_table("activity") as batch:
        batch.drop_column("url")
        batch.drop_column("campaign_id")
