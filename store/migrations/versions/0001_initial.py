"""Initial schema: canonical entities, source links, cursors, runs and quarantine.

Revision ID: 0001
Revises:
Create Date: 2025-11-20

Written out by hand (not imported from store.tables) so this revision stays what it was when tables.py moves on.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("source_connection", sa.String(length=100), nullable=False),
        sa.Column("source_object", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("domain", sa.String(length=255), nullable=True),
        sa.Column("industry", sa.String(length=255), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("annual_revenue", sa.Float(), nullable=True),
        sa.Column("country", sa.String(length=255), nullable=True),
        sa.Column("city", sa.String(length=255), nullable=True),
        sa.Column("phone", sa.String(length=255), nullable=True),
        sa.Column("owner_id", sa.String(length=255), nullable=True),
        sa.Column("website", sa.String(length=255), nullable=True),
        sa.Column("custom", _json(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_account"),
    )
    op.create_index(
        "ix_account_source", "account", ["source_connection", "source_object", "source_id"], unique=False
    )

    op.create_table(
        "activity",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("source_connection", sa.String(length=100), nullable=False),
        sa.Column("source_object", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=255), nullable=True),
        sa.Column("subject", sa.String(length=255), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=255), nullable=True),
        sa.Column("direction", sa.String(length=255), nullable=True),
        sa.Column("contact_id", sa.String(length=255), nullable=True),
        sa.Column("lead_id", sa.String(length=255), nullable=True),
        sa.Column("account_id", sa.String(length=255), nullable=True),
        sa.Column("opportunity_id", sa.String(length=255), nullable=True),
        sa.Column("owner_id", sa.String(length=255), nullable=True),
        sa.Column("custom", _json(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_activity"),
    )
    op.create_index(
        "ix_activity_source", "activity", ["source_connection", "source_object", "source_id"], unique=False
    )

    op.create_table(
        "contact",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("source_connection", sa.String(length=100), nullable=False),
        sa.Column("source_object", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        sa.Column("first_name", sa.String(length=255), nullable=True),
        sa.Column("last_name", sa.String(length=255), nullable=True),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("phone", sa.String(length=255), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=True),
        sa.Column("account_id", sa.String(length=255), nullable=True),
        sa.Column("owner_id", sa.String(length=255), nullable=True),
        sa.Column("country", sa.String(length=255), nullable=True),
        sa.Column("city", sa.String(length=255), nullable=True),
        sa.Column("lifecycle_stage", sa.String(length=255), nullable=True),
        sa.Column("lead_source", sa.String(length=255), nullable=True),
        sa.Column("custom", _json(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_contact"),
    )
    op.create_index(
        "ix_contact_source", "contact", ["source_connection", "source_object", "source_id"], unique=False
    )

    op.create_table(
        "crm_user",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("source_connection", sa.String(length=100), nullable=False),
        sa.Column("source_object", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("first_name", sa.String(length=255), nullable=True),
        sa.Column("last_name", sa.String(length=255), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=True),
        sa.Column("team", sa.String(length=255), nullable=True),
        sa.Column("custom", _json(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_crm_user"),
    )
    op.create_index(
        "ix_crm_user_source", "crm_user", ["source_connection", "source_object", "source_id"], unique=False
    )

    op.create_table(
        "lead",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("source_connection", sa.String(length=100), nullable=False),
        sa.Column("source_object", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        sa.Column("first_name", sa.String(length=255), nullable=True),
        sa.Column("last_name", sa.String(length=255), nullable=True),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("phone", sa.String(length=255), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=True),
        sa.Column("company", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=255), nullable=True),
        sa.Column("lead_source", sa.String(length=255), nullable=True),
        sa.Column("country", sa.String(length=255), nullable=True),
        sa.Column("city", sa.String(length=255), nullable=True),
        sa.Column("owner_id", sa.String(length=255), nullable=True),
        sa.Column("industry", sa.String(length=255), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("converted", sa.Boolean(), nullable=True),
        sa.Column("converted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("converted_contact_id", sa.String(length=255), nullable=True),
        sa.Column("converted_account_id", sa.String(length=255), nullable=True),
        sa.Column("converted_opportunity_id", sa.String(length=255), nullable=True),
        sa.Column("custom", _json(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lead"),
    )
    op.create_index(
        "ix_lead_source", "lead", ["source_connection", "source_object", "source_id"], unique=False
    )

    op.create_table(
        "opportunity",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("source_connection", sa.String(length=100), nullable=False),
        sa.Column("source_object", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("account_id", sa.String(length=255), nullable=True),
        sa.Column("contact_id", sa.String(length=255), nullable=True),
        sa.Column("owner_id", sa.String(length=255), nullable=True),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("stage", sa.String(length=255), nullable=True),
        sa.Column("pipeline", sa.String(length=255), nullable=True),
        sa.Column("probability", sa.Float(), nullable=True),
        sa.Column("close_date", sa.Date(), nullable=True),
        sa.Column("is_closed", sa.Boolean(), nullable=True),
        sa.Column("is_won", sa.Boolean(), nullable=True),
        sa.Column("custom", _json(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_opportunity"),
    )
    op.create_index(
        "ix_opportunity_source",
        "opportunity",
        ["source_connection", "source_object", "source_id"],
        unique=False,
    )

    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("connection", sa.String(length=100), nullable=False),
        sa.Column("object", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        sa.Column("entity", sa.String(length=50), nullable=False),
        sa.Column("payload", _json(), nullable=False),
        sa.Column("reasons", _json(), nullable=False),
        sa.Column("status", sa.String(length=20), server_default=sa.text("'open'"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_quarantine"),
    )
    op.create_index(
        "ix_quarantine_connection_object_status",
        "quarantine",
        ["connection", "object", "status"],
        unique=False,
    )

    op.create_table(
        "source_link",
        sa.Column("connection", sa.String(length=100), nullable=False),
        sa.Column("object", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        sa.Column("entity", sa.String(length=50), nullable=False),
        sa.Column("canonical_id", sa.String(length=36), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("merged_into", sa.String(length=255), nullable=True),
        sa.Column("first_run_id", sa.Integer(), nullable=True),
        sa.Column("last_run_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("connection", "object", "source_id", name="pk_source_link"),
    )
    op.create_index(
        "ix_source_link_entity_canonical", "source_link", ["entity", "canonical_id"], unique=False
    )

    op.create_table(
        "sync_cursor",
        sa.Column("connection", sa.String(length=100), nullable=False),
        sa.Column("object", sa.String(length=100), nullable=False),
        sa.Column("watermark", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", _json(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("connection", "object", name="pk_sync_cursor"),
    )

    op.create_table(
        "sync_run",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("connection", sa.String(length=100), nullable=False),
        sa.Column("object", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("full_refresh", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("upserted", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("unchanged", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("quarantined", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("failed", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("deleted", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("api_calls", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("errors", _json(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sync_run"),
    )


def downgrade() -> None:
    op.drop_table("sync_run")
    op.drop_table("sync_cursor")
    op.drop_index("ix_source_link_entity_canonical", table_name="source_link")
    op.drop_table("source_link")
    op.drop_index("ix_quarantine_connection_object_status", table_name="quarantine")
    op.drop_table("quarantine")
    op.drop_index("ix_opportunity_source", table_name="opportunity")
    op.drop_table("opportunity")
    op.drop_index("ix_lead_source", table_name="lead")
    op.drop_table("lead")
    op.drop_index("ix_crm_user_source", table_name="crm_user")
    op.drop_table("crm_user")
    op.drop_index("ix_contact_source", table_name="contact")
    op.drop_table("contact")
    op.drop_index("ix_activity_source", table_name="activity")
    op.drop_table("activity")
    op.drop_index("ix_account_source", table_name="account")
    op.drop_table("account")
