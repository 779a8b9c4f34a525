"""Hardening the web sign-in: server-side sessions (only the SHA-256 of each session id), failed sign-ins counted per
username across processes, and room in web_account.totp_secret for the Fernet-encrypted seed.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

Written out by hand (not imported from store.tables) so this revision stays what it was when tables.py moves on.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "web_session",
        sa.Column("id_sha256", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        _at("created_at"),
        _at("last_seen_at"),
        _at("ended_at", nullable=True),
        sa.PrimaryKeyConstraint("id_sha256", name=op.f("pk_web_session")),
    )
    op.create_index("ix_web_session_account_id", "web_session", ["account_id"], unique=False)
    op.create_table(
        "sign_in_throttle",
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        _at("window_start"),
        _at("locked_until", nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_sign_in_throttle")),
    )
    # A Fernet token of a 32-character base32 seed is 140 characters; the plain seeds of 0016 no longer sign in
    # (access/totp_secrets.py says to enrol again).
    with op.batch_alter_table("web_account") as batch:  # batch mode: SQLite cannot ALTER a column in place
        batch.alter_column("totp_secret", existing_type=sa.String(length=64), type_=sa.String(length=255),
                           existing_nullable=True)


def downgrade() -> None:
    # 0016 reads the seed as plain base32: an encrypted one would never match, and does not fit in 64 characters.
    op.execute("UPDATE web_account SET totp_secret = NULL, totp_last_step = NULL")
    with op.batch_alter_table("web_account") as batch:
        batch.alter_column("totp_secret", existing_type=sa.String(length=255), type_=sa.String(length=64),
                           existing_nullable=True)
    op.drop_table("sign_in_throttle")
    op.drop_index("ix_web_session_account_id", table_name="web_session")
    op.drop_table("web_session")
