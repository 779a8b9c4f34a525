"""The KPI registry (modules, KPI definitions, object models and their many-to-many links), materialised KPI values,
their refreshes, and exchange rates for currency conversion at a record's date.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

Written out by hand (not imported from store.tables) so this revision stays what it was when tables.py moves on.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def _at(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "kpi_module",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("metadata_", _json(), nullable=False),
        _at("loaded_at"),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_kpi_module")),
    )
    op.create_table(
        "kpi_definition",
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kpi_type", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("definition_hash", sa.String(length=64), nullable=False),
        sa.Column("metadata_", _json(), nullable=False),
        _at("loaded_at"),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_kpi_definition")),
    )
    op.create_index("ix_kpi_definition_status", "kpi_definition", ["status"], unique=False)
    op.create_table(
        "object_model_definition",
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("held_as", sa.String(length=20), nullable=False),
        sa.Column("metadata_", _json(), nullable=False),
        _at("loaded_at"),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_object_model_definition")),
    )
    op.create_table(
        "kpi_module_member",
        sa.Column("module_code", sa.String(length=64), nullable=False),
        sa.Column("kpi_code", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("module_code", "kpi_code", name=op.f("pk_kpi_module_member")),
    )
    op.create_index("ix_kpi_module_member_kpi_code", "kpi_module_member", ["kpi_code"], unique=False)
    op.create_table(
        "module_object_model",
        sa.Column("module_code", sa.String(length=64), nullable=False),
        sa.Column("model_code", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("module_code", "model_code", name=op.f("pk_module_object_model")),
    )
    op.create_index("ix_module_object_model_model_code", "module_object_model", ["model_code"], unique=False)
    op.create_table(
        "kpi_value",
        sa.Column("kpi_code", sa.String(length=100), nullable=False),
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.Column("member", sa.String(length=255), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("definition_hash", sa.String(length=64), nullable=False),
        _at("computed_at"),
        sa.PrimaryKeyConstraint("kpi_code", "dimension", "member", "period", "period_start",
                                name=op.f("pk_kpi_value")),
    )
    op.create_index("ix_kpi_value_dimension_period", "kpi_value", ["dimension", "period", "period_start"],
                    unique=False)
    op.create_table(
        "kpi_refresh",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        _at("started_at"),
        _at("finished_at", nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("kpis", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("rows", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("inputs", _json(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_refresh")),
    )
    op.create_table(
        "currency_rate",
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("iso_code", sa.String(length=3), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("rate", sa.Float(), nullable=False),
        sa.Column("corporate", sa.String(length=3), nullable=False),
        _at("synced_at"),
        sa.PrimaryKeyConstraint("source", "iso_code", "start_date", name=op.f("pk_currency_rate")),
    )


def downgrade() -> None:
    op.drop_table("currency_rate")
    op.drop_table("kpi_refresh")
    op.drop_index("ix_kpi_value_dimension_period", table_name="kpi_value")
    op.drop_table("kpi_value")
    op.drop_index("ix_module_object_model_model_code", table_name="module_object_model")
    op.drop_table("module_object_model")
    op.drop_index("ix_kpi_module_member_kpi_code", table_name="kpi_module_member")
    op.drop_table("kpi_module_member")
    op.drop_table("object_model_definition")
    op.drop_index("ix_kpi_definition_status", table_name="kpi_definition")
    op.drop_table("kpi_definition")
    op.drop_table("kpi_module")
