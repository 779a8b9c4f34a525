"""Typed raw tables: the registry of the tables that hold objects no canonical entity maps (one per connection and
object, created at run time by store/raw.py), and ``entity`` columns wide enough for their names (PostgreSQL's
63-character identifiers; they were 50).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08

Written out by hand (not imported from store.tables) so this revision stays what it was when tables.py moves on.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WIDENED = ("source_link", "quarantine", "quality_score", "record_quality")


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    op.create_table(
        "raw_table",
        sa.Column("connection", sa.String(length=100), nullable=False),
        sa.Column("object", sa.String(length=100), nullable=False),
        sa.Column("table_name", sa.String(length=63), nullable=False),
        sa.Column("columns", _json(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("connection", "object", name=op.f("pk_raw_table")),
    )
    op.create_index("ix_raw_table_table_name", "raw_table", ["table_name"], unique=True)
    for table in WIDENED:
        with op.batch_alter_table(table) as batch:
            batch.alter_column("entity", existing_type=sa.String(length=50), type_=sa.String(length=63),
                               existing_nullable=False)


def downgrade() -> None:
    for table in WIDENED:
        with op.batch_alter_table(table) as batch:
            batch.alter_column("entity", existing_type=sa.String(length=63), type_=sa.String(length=50),
                               existing_nullable=False)
    # The raw tables themselves go with their registry: nothing would know what they hold any more.
    names = op.get_bind().execute(sa.text("SELECT table_name FROM raw_table")).scalars().all()
    for name in names:
        op.drop_table(name)
    op.drop_index("ix_raw_table_table_name", table_name="raw_table")
    op.drop_table("raw_table")
