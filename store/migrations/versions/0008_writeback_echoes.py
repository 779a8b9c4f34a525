"""Write-back echoes: a run count of our own writes read back, and the instant a person edited a field we wrote.

Revision ID: 0008
Revises: 0004
Create Date: 2026-11-21

Written out by hand (not imported from store.tables) so this revision stays what it was when tables.py moves on.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sync_run") as batch:
        batch.add_column(sa.Column("echoes", sa.Integer(), server_default=sa.text("0"), nullable=False))
    with op.batch_alter_table("writeback_ledger") as batch:
        batch.add_column(sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("writeback_ledger") as batch:
        batch.drop_column("edited_at")
    with op.batch_alter_table("sync_run") as batch:
        batch.drop_column("echoes")
