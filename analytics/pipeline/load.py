"""Read a ``DealHistory`` from the canonical store: opportunities with their account's tier as segment, the stage
history, the pipelines' stage order, deal activities, contact roles with titles, and revenue quotas."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, select

from analytics.pipeline.history import (
    ACTIVITY_COLUMNS,
    DEAL_COLUMNS,
    LOST,
    MOVE_COLUMNS,
    OPEN,
    QUOTA_COLUMNS,
    ROLE_COLUMNS,
    STAGE_COLUMNS,
    WON,
    DealHistory,
    frame,
    lookup,
    utc,
)
from store.tables import (
    account,
    activity,
    contact,
    opportunity,
    opportunity_contact_role,
    opportunity_stage,
    pipeline_stage,
    quota,
)

UNKNOWN = "(none)"  # a deal without pipeline, owner or segment is still counted, under this key
# What the buyer did (rather than the rep): the signal "ghosted" watches.
INBOUND_TYPES = ("meeting", "form_fill")


def load_history(engine: Engine, as_of: datetime) -> DealHistory:
    with engine.connect() as conn:
        stages = _stages(conn)
        moves = _moves(conn)
        deals = _deals(conn, stages, moves)
        return DealHistory(deals=deals, moves=moves, stages=stages, activities=_activities(conn),
                           roles=_roles(conn), quotas=_quotas(conn), as_of=as_of).at(as_of)


def _stages(conn: Connection) -> pd.DataFrame:
    s = pipeline_stage.c
    rows = conn.execute(select(s.pipeline, s.stage, s.display_order, s.is_closed, s.is_won)
                        .where(s.deleted_at.is_(None))).all()
    out = frame(rows, STAGE_COLUMNS)
    out["pipeline"] = out["pipeline"].fillna(UNKNOWN)
    out["order"] = pd.to_numeric(out["order"], errors="coerce").fillna(0)
    out["is_closed"] = out["is_closed"].fillna(False).astype(bool)
    out["is_won"] = out["is_won"].fillna(False).astype(bool)
    return out


def _moves(conn: Connection) -> pd.DataFrame:
    s = opportunity_stage.c
    rows = conn.execute(select(s.opportunity_id, s.stage, s.changed_at, s.close_date, s.amount)
                        .where(s.deleted_at.is_(None), s.changed_at.is_not(None))).all()
    out = frame(rows, MOVE_COLUMNS)
    out["changed_at"] = utc(out["changed_at"])
    out["close_date"] = utc(out["close_date"])
    return out.sort_values(["opportunity_id", "changed_at"], kind="stable").reset_index(drop=True)


def _deals(conn: Connection, stages: pd.DataFrame, moves: pd.DataFrame) -> pd.DataFrame:
    o = opportunity.c
    rows = conn.execute(
        select(o.id, o.pipeline, o.owner_id, account.c.tier, o.amount, o.created_at, o.is_closed, o.is_won,
               o.stage, o.close_date, o.source_connection, o.source_object, o.source_id)
        .select_from(opportunity.outerjoin(account, account.c.id == o.account_id))
        .where(o.deleted_at.is_(None))).all()
    raw = pd.DataFrame(rows, columns=["id", "pipeline", "owner_id", "segment", "amount", "created_at", "is_closed",
                                      "is_won", "stage", "close_date", "source_connection", "source_object",
                                      "source_id"])
    for name in ("pipeline", "owner_id", "segment"):
        raw[name] = raw[name].fillna(UNKNOWN)
    raw["amount"] = pd.to_numeric(raw["amount"], errors="coerce").fillna(0.0).astype(float)
    raw["created_at"] = utc(raw["created_at"])
    raw["close_date"] = utc(raw["close_date"])
    closed = raw["is_closed"].fillna(False).astype(bool)
    raw["outcome"] = np.where(~closed, OPEN, np.where(raw["is_won"].fillna(False).astype(bool), WON, LOST))
    raw["closed_at"] = _closed_at(raw, stages, moves).where(closed)
    # A deal whose history starts before its creation stamp (an import) began with its first move.
    first = utc(lookup(raw["id"], moves.groupby("opportunity_id")["changed_at"].min()))
    raw["created_at"] = raw["created_at"].where(first.isna() | (raw["created_at"] <= first), first)
    return frame(raw, DEAL_COLUMNS).reset_index(drop=True)


def _closed_at(raw: pd.DataFrame, stages: pd.DataFrame, moves: pd.DataFrame) -> pd.Series:
    """When each deal closed: its first move into a closed stage, else its close date (a close without history)."""
    closing = stages.loc[stages["is_closed"], "stage"]
    first_close = moves[moves["stage"].isin(closing)].groupby("opportunity_id")["changed_at"].min()
    return utc(lookup(raw["id"], first_close)).fillna(raw["close_date"])


def _activities(conn: Connection) -> pd.DataFrame:
    a = activity.c
    rows = conn.execute(select(a.opportunity_id, a.occurred_at, a.direction, a.type)
                        .where(a.opportunity_id.is_not(None), a.occurred_at.is_not(None),
                               a.deleted_at.is_(None))).all()
    raw = pd.DataFrame(rows, columns=["opportunity_id", "occurred_at", "direction", "type"])
    raw["occurred_at"] = utc(raw["occurred_at"])
    raw["inbound"] = (raw["direction"] == "inbound") | raw["type"].isin(INBOUND_TYPES)
    return frame(raw, ACTIVITY_COLUMNS).sort_values(["opportunity_id", "occurred_at"]).reset_index(drop=True)


def _roles(conn: Connection) -> pd.DataFrame:
    r = opportunity_contact_role.c
    rows = conn.execute(select(r.opportunity_id, r.contact_id, r.role, contact.c.title)
                        .select_from(opportunity_contact_role.outerjoin(contact, contact.c.id == r.contact_id))
                        .where(r.deleted_at.is_(None))).all()
    return frame(rows, ROLE_COLUMNS)


def _quotas(conn: Connection) -> pd.DataFrame:
    q = quota.c
    rows = conn.execute(select(q.owner_id, q.period_start, q.period_end, q.amount)
                        .where(q.deleted_at.is_(None), q.owner_id.is_not(None),
                               (q.quota_type == "revenue") | q.quota_type.is_(None))).all()
    out = frame(rows, QUOTA_COLUMNS)
    out["period_start"] = utc(out["period_start"])
    out["period_end"] = utc(out["period_end"])
    out["amount"] = pd.to_numeric(out["amount"], errors="coerce").fillna(0.0)
    return out
