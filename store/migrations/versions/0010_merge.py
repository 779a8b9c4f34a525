"""Join the branches that identity (0005), drift and quality scores (0006), the token cache (0007), write-back echoes
(0008) and Marketo companies (0009) grew side by side from 0004; they touch different tables, so order is free.

Revision ID: 0010
Revises: 0005, 0006, 0007, 0008, 0009
Create Date: 2026-11-21
"""

from collections.abc import Sequence

revision: str = "0010"
down_revision: str | Sequence[str] | None = ("0005", "0006", "0007", "0008", "0009")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
