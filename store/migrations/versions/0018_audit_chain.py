"""A tamper-evident audit trail: audit_event rows chained by SHA-256 (seq, prev_hash, hash), people named only by
pseudonym (audit_subject), the chain's head row and HMAC-signed checkpoints.

Rows written before this revision are chained here, in id order, exactly as access/audit_canon.py chains new ones:
their actor and target names become pseudonyms, as do personal values in before/after. So the first
`crmhub audit verify` after the upgrade passes with no repair step.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07

Written out by hand (not imported from store.tables or access) so this revision stays what it was when they move on.
"""

import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
PERSONAL_KEYS = frozenset({"username", "display_name", "email", "phone", "full_name"})


def _at(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    op.create_table(
        "audit_subject",
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        _at("created_at"),
        sa.PrimaryKeyConstraint("ref", name=op.f("pk_audit_subject")),
    )
    op.create_index("ix_audit_subject_name", "audit_subject", ["name"], unique=True)
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("anchor_seq", sa.Integer(), nullable=False),
        sa.Column("anchor_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        _at("at"),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoint")),
    )
    op.create_index("ix_audit_checkpoint_seq", "audit_checkpoint", ["seq"], unique=False)
    with op.batch_alter_table("audit_event") as batch:
        for name, length in (("actor_ref", 32), ("target_ref", 32), ("prev_hash", 64), ("hash", 64)):
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=True))
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
    seq, last = _chain_existing(op.get_bind())
    with op.batch_alter_table("audit_event") as batch:
        for name, length in (("actor_ref", 32), ("target_ref", 32), ("prev_hash", 64), ("hash", 64)):
            batch.alter_column(name, existing_type=sa.String(length=length), nullable=False)
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("actor")
        batch.drop_column("target")
        batch.create_index("ix_audit_event_seq", ["seq"], unique=True)
    op.get_bind().execute(sa.text("INSERT INTO audit_head (id, seq, hash, anchor_seq, anchor_hash) "
                                  "VALUES (1, :seq, :hash, 0, :genesis)"),
                          {"seq": seq, "hash": last, "genesis": GENESIS})


def _chain_existing(conn: sa.Connection) -> tuple[int, str]:
    events = sa.table("audit_event", sa.column("id", sa.Integer()), sa.column("at", sa.DateTime(timezone=True)),
                      sa.column("actor_id", sa.Integer()), sa.column("actor", sa.String()),
                      sa.column("action", sa.String()), sa.column("target", sa.String()),
                      sa.column("before", _json()), sa.column("after", _json()), sa.column("seq", sa.Integer()),
                      sa.column("actor_ref", sa.String()), sa.column("target_ref", sa.String()),
                      sa.column("prev_hash", sa.String()), sa.column("hash", sa.String()))
    subjects = sa.table("audit_subject", sa.column("ref", sa.String()), sa.column("name", sa.String()),
                        sa.column("created_at", sa.DateTime(timezone=True)))
    refs: dict[str, str] = {}

    def ref(name: str) -> str:
        if name not in refs:
            refs[name] = secrets.token_hex(16)
            conn.execute(subjects.insert().values(ref=refs[name], name=name, created_at=datetime.now(UTC)))
        return refs[name]

    def personal(doc: Mapping[str, Any] | None) -> dict[str, Any] | None:
        if doc is None:
            return None
        return {k: personal(v) if isinstance(v, Mapping) else ref(v) if k in PERSONAL_KEYS and isinstance(v, str)
                else v for k, v in doc.items()}

    seq, prev = 0, GENESIS
    for row in conn.execute(sa.select(events).order_by(events.c.id)).mappings().all():
        seq += 1
        at = row["at"] if row["at"].tzinfo else row["at"].replace(tzinfo=UTC)  # SQLite hands back naive UTC
        doc = {"seq": seq, "at": at.astimezone(UTC).isoformat(timespec="microseconds"), "actor_id": row["actor_id"],
               "actor_ref": ref(row["actor"]), "action": row["action"], "target_ref": ref(row["target"]),
               "before": personal(row["before"]), "after": personal(row["after"])}
        digest = hashlib.sha256((prev + json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                                                   allow_nan=False)).encode()).hexdigest()
        conn.execute(events.update().where(events.c.id == row["id"]).values(
            seq=seq, actor_ref=doc["actor_ref"], target_ref=doc["target_ref"], before=doc["before"],
            after=doc["after"], prev_hash=prev, hash=digest))
        seq, prev = seq, digest
    return seq, prev


def downgrade() -> None:
    # The names come back from the pseudonyms still known; an erased person's events keep "[erased]".
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("actor", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("target", sa.String(length=255), nullable=True))
    for column in ("actor", "target"):
        op.execute(f"UPDATE audit_event SET {column} = COALESCE((SELECT name FROM audit_subject "
                   f"WHERE audit_subject.ref = audit_event.{column}_ref), '[erased]')")
    with op.batch_alter_table("audit_event") as batch:
        batch.alter_column("actor", existing_type=sa.String(length=100), nullable=False)
        batch.alter_column("target", existing_type=sa.String(length=255), nullable=False)
        batch.drop_index("ix_audit_event_seq")
        for name in ("seq", "actor_ref", "target_ref", "prev_hash", "hash"):
            batch.drop_column(name)
    op.drop_index("ix_audit_checkpoint_seq", table_name="audit_checkpoint")
    op.drop_table("audit_checkpoint")
    op.drop_table("audit_head")
    op.drop_index("ix_audit_subject_name", table_name="audit_subject")
    op.drop_table("audit_subject")
