"""Pipeline rows for the pipeline engine's tests: land canonical rows in a store, and a tiny hand-made pipeline whose
conversion, spells, cycle times and warnings were worked out by hand (tests/unit/analytics/pipeline/)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine

import store

AS_OF = datetime(2026, 3, 1, tzinfo=UTC)
STAGES = ("D", "Q", "P", "Won", "Lost")


def land(engine: Engine, rows: dict[str, list[dict[str, Any]]], *, synced_at: datetime = AS_OF) -> None:
    """Upsert canonical rows per table, provenance filled in, in one transaction."""
    with engine.begin() as conn:
        for table, batch in rows.items():
            if batch:
                full = [{"source_connection": "test", "source_object": table, "source_id": r["id"],
                         "synced_at": synced_at, **r} for r in batch]
                store.upsert(conn, store.canonical_tables[table], full, key=["id"])


def _t(month: int, day: int) -> datetime:
    return datetime(2026, month, day, tzinfo=UTC)


def _deal(deal_id: str, moves: list[tuple[str, datetime, date | None]], *, outcome: str | None,
          rows: dict[str, list[dict[str, Any]]]) -> None:
    for k, (stage, at, close) in enumerate(moves):
        rows["opportunity_stage"].append({"id": f"{deal_id}-{k}", "opportunity_id": deal_id, "stage": stage,
                                          "changed_at": at, "close_date": close})
    rows["opportunity"].append({"id": deal_id, "account_id": "acct", "owner_id": "rep-1", "pipeline": "p",
                                "amount": 1000.0, "stage": moves[-1][0], "created_at": moves[0][1],
                                "close_date": moves[-1][2] or moves[-1][1].date(),
                                "is_closed": outcome is not None, "is_won": outcome == "Won"})


def golden() -> dict[str, list[dict[str, Any]]]:
    """Deals A-F of the hand computation (docstrings of the tests that use it spell the answers out)."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in (
        "pipeline_stage", "account", "opportunity", "opportunity_stage", "activity", "contact",
        "opportunity_contact_role")}
    for order, stage in enumerate(STAGES, start=1):
        rows["pipeline_stage"].append({"id": f"s{order}", "pipeline": "p", "stage": stage, "display_order": order,
                                       "is_closed": order > 3, "is_won": stage == "Won"})
    rows["account"].append({"id": "acct", "name": "Acme", "tier": "SMB"})
    # A re-enters Q after moving back, then wins; B skips Q and is lost in P; C sits in D (open); D is lost in Q.
    _deal("A", [("D", _t(1, 1), None), ("Q", _t(1, 5), None), ("D", _t(1, 8), None), ("Q", _t(1, 10), None),
                ("P", _t(1, 20), None), ("Won", _t(1, 30), None)], outcome="Won", rows=rows)
    _deal("B", [("D", _t(1, 2), None), ("P", _t(1, 12), None), ("Lost", _t(1, 22), None)], outcome="Lost",
          rows=rows)
    _deal("C", [("D", _t(1, 3), date(2026, 2, 1)), ("D", _t(1, 20), date(2026, 2, 10)),
                ("D", _t(2, 1), date(2026, 2, 15))], outcome=None, rows=rows)
    _deal("D", [("D", _t(2, 1), None), ("Q", _t(2, 11), None), ("Lost", _t(2, 15), None)], outcome="Lost", rows=rows)
    _deal("E", [("D", _t(2, 20), date(2026, 3, 30)), ("Q", _t(2, 25), date(2026, 3, 30))], outcome=None, rows=rows)
    _deal("F", [("D", _t(2, 21), date(2026, 4, 1)), ("Q", _t(2, 26), date(2026, 4, 1))], outcome=None, rows=rows)
    for k, day in enumerate((5, 10, 15)):
        rows["activity"].append({"id": f"C-in-{k}", "opportunity_id": "C", "occurred_at": _t(1, day),
                                 "direction": "inbound", "type": "call"})
    rows["activity"].append({"id": "E-out", "opportunity_id": "E", "occurred_at": _t(2, 27),
                             "direction": "outbound", "type": "email_sent"})
    for contact_id, title, deal, role in (("c1", "Analyst", "E", "Influencer"), ("c2", "VP Sales", "F", "User"),
                                          ("c3", "Engineer", "F", "Technical Evaluator")):
        rows["contact"].append({"id": contact_id, "first_name": contact_id, "title": title})
        rows["opportunity_contact_role"].append({"id": f"{deal}-{contact_id}", "opportunity_id": deal,
                                                 "contact_id": contact_id, "role": role})
    return rows
