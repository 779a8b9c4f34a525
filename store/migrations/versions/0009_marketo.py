"""Marketo: a lead's company (``lead.account_id``), and lead-link indexes for cascading a lead's deletion.

Revision ID: 0009
Revises: 0004
Create Date: 2026-11-21

Written out by hand (not imported from store.tables) so this revision stays what it was when tables.py moves on.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lead") as batch:  # batch mode: SQLite cannot ALTER every table shape in place
        batch.add_column(sa.Column("account_id", sa.String(length=255), nullable=True))
    op.create_index("ix_activity_lead_id", "activity", ["lead_id"])
    op.create_index("ix_campaign_member_lead_id", "campaign_member", ["lead_id"])


def downgrade() -> None:
    op.drop_index("ix_campaign_member_lead_id", table_name="campaign_member")
    op.drop_index("ix_activity_lead_id", table_name="activity")
    with op.batch_alter_table("lead") as batch:
        batch.drop_column("account_id")
