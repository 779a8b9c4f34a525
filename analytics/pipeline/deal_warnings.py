"""All deal warnings of one run, and storing them: the run's set replaces the previous one in one transaction, so a
reader (the console, the write-back) never sees half of one run and half of another."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, delete, insert, select

from analytics.pipeline.history import DealHistory
from analytics.pipeline.rules import WarningRules
from analytics.pipeline.signals import close_dates, contacts, ghosted
from analytics.pipeline.stalled import WARNING_COLUMNS, stalled
from store.tables import deal_warning

KINDS = ("stalled", "ghosted", "overdue", "pushed", "few_contacts", "no_senior_contact")


def compute(history: DealHistory, rules: WarningRules) -> pd.DataFrame:
    """Every warning for the open deals of ``history`` at its ``as_of``, in (deal, kind) order."""
    parts = [part for part in (stalled(history, rules), ghosted(history, rules), close_dates(history, rules),
                               contacts(history, rules)) if not part.empty]
    if not parts:
        return pd.DataFrame(columns=WARNING_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    order = {kind: i for i, kind in enumerate(KINDS)}
    return out.sort_values(["opportunity_id", "kind"], key=lambda c: c.map(order) if c.name == "kind" else c,
                           kind="stable").reset_index(drop=True)


def save(engine: Engine, history: DealHistory, warnings: pd.DataFrame, computed_at: datetime) -> int:
    """Replace every stored warning by ``warnings``; returns how many were stored."""
    source = history.deals.set_index("id")[["source_connection", "source_object", "source_id"]]
    rows: list[dict[str, Any]] = []
    for row in warnings.itertuples(index=False):
        link = source.loc[row.opportunity_id]
        rows.append({"opportunity_id": row.opportunity_id, "kind": row.kind, "reason": row.reason,
                     "value": _number(row.value), "threshold": _number(row.threshold),
                     "source_connection": link["source_connection"], "source_object": link["source_object"],
                     "source_id": link["source_id"], "computed_at": computed_at})
    with engine.begin() as conn:
        conn.execute(delete(deal_warning))
        if rows:
            conn.execute(insert(deal_warning), rows)
    return len(rows)


def stored(engine: Engine) -> list[dict[str, Any]]:
    """The stored warnings, in (deal, kind) order."""
    c = deal_warning.c
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(deal_warning).order_by(c.opportunity_id, c.kind)).mappings()]


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
