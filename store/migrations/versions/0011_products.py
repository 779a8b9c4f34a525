"""Products and opportunities' line items (Salesforce Product2/OpportunityLineItem, HubSpot products/line_items,
Dynamics products/opportunityproducts).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-21

Written out by hand (not imported from store.tables) so this revision stays what it was when tables.py moves on.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def _s(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.String(length=255), nullable=True)


def _f(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.Float(), nullable=True)


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
    _canonical(
        "product", _s("name"), _s("product_code"), _s("sku"), _s("family"),
        sa.Column("description", sa.Text(), nullable=True), sa.Column("active", sa.Boolean(), nullable=True),
        _f("unit_price"), sa.Column("currency", sa.String(length=3), nullable=True),
    )
    _canonical(
        "line_item", _s("opportunity_id"), _s("product_id"), _s("name"), _f("quantity"), _f("unit_price"),
        _f("list_price"), _f("discount_percent"), _f("discount_amount"), _f("total_price"),
        sa.Column("currency", sa.String(length=3), nullable=True),
    )
    op.create_index("ix_line_item_opportunity_id", "line_item", ["opportunity_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_line_item_opportunity_id", table_name="line_item")
    for name in ("line_item", "product"):
        op.drop_index(f"ix_{name}_source", table_name=name)
        op.drop_table(name)
