"""Scoring: model registry, lead and deal scores, forecasts and manual adjustments; activity lookup indexes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21

Written out by hand (not imported from store.tables) so this revision stays what it was when tables.py moves on.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_TABLES = ("score_model", "lead_score", "deal_score", "forecast", "forecast_adjustment")
NEW_INDEXES = (
    ("ix_activity_lead_id_occurred_at", "activity", ["lead_id", "occurred_at"]),
    ("ix_activity_contact_id_occurred_at", "activity", ["contact_id", "occurred_at"]),
    ("ix_activity_opportunity_id", "activity", ["opportunity_id"]),
    ("ix_opportunity_stage_opportunity_id", "opportunity_stage", ["opportunity_id"]),
)


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def _ts(name: str, nullable: bool = True) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _f(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.Float(), nullable=nullable)


def _period_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("period_kind", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
    ]


def upgrade() -> None:
    for name, table, columns in NEW_INDEXES:
        op.create_index(name, table, columns, unique=False)
    op.create_table(
        "score_model",
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("algorithm", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("features", _json(), nullable=False),
        _ts("training_from"),
        _ts("training_to"),
        sa.Column("n_train", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("metrics", _json(), nullable=False),
        sa.Column("params", _json(), nullable=True),
        sa.Column("artifact", sa.LargeBinary(), nullable=True),
        _ts("created_at", nullable=False),
        sa.PrimaryKeyConstraint("version", name="pk_score_model"),
    )
    op.create_index("ix_score_model_kind_status", "score_model", ["kind", "status"], unique=False)
    op.create_table(
        "lead_score",
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        _f("score"),
        sa.Column("grade", sa.String(length=50), nullable=False),
        _f("engagement"),
        _f("intent"),
        _f("fit"),
        _f("probability", nullable=True),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("contributions", sa.Text(), nullable=False),
        sa.Column("model_version", sa.String(length=100), nullable=False),
        _ts("scored_at", nullable=False),
        _ts("valid_until", nullable=False),
        sa.PrimaryKeyConstraint("entity", "record_id", name="pk_lead_score"),
    )
    op.create_table(
        "deal_score",
        sa.Column("opportunity_id", sa.String(length=36), nullable=False),
        _f("probability"),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("contributions", sa.Text(), nullable=False),
        sa.Column("model_version", sa.String(length=100), nullable=False),
        _ts("scored_at", nullable=False),
        _ts("valid_until", nullable=False),
        sa.PrimaryKeyConstraint("opportunity_id", name="pk_deal_score"),
    )
    op.create_table(
        "forecast",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("model_version", sa.String(length=100), nullable=False),
        *_period_columns(),
        _f("expected"),
        _f("p10"),
        _f("p50"),
        _f("p90"),
        _f("pipeline"),
        _f("run_rate"),
        _ts("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_forecast"),
    )
    op.create_index("ix_forecast_period", "forecast", ["period_kind", "period_start", "level", "key"], unique=False)
    op.create_table(
        "forecast_adjustment",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_period_columns(),
        _f("previous_value", nullable=True),
        _f("value"),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=255), nullable=False),
        _ts("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_forecast_adjustment"),
    )
    op.create_index(
        "ix_forecast_adjustment_period", "forecast_adjustment", ["period_kind", "period_start", "level", "key"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_forecast_adjustment_period", table_name="forecast_adjustment")
    op.drop_index("ix_forecast_period", table_name="forecast")
    op.drop_index("ix_score_model_kind_status", table_name="score_model")
    for name in reversed(NEW_TABLES):
        op.drop_table(name)
    for name, table, _columns in reversed(NEW_INDEXES):
        op.drop_index(name, table_name=table)
