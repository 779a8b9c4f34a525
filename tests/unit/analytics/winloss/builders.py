"""Canonical rows for the win/loss tests, inserted straight into a migrated store."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, insert

from store import tables

SYNCED = datetime(2026, 1, 1, tzinfo=UTC)
MARCH = date(2025, 3, 1)


def rows(table: str, items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows with provenance, every row carrying the same keys (an executemany binds one set of columns)."""
    out = [{"source_connection": "test", "source_object": table, "source_id": str(item["id"]),
            "synced_at": SYNCED, **item} for item in items]
    keys = {k for row in out for k in row}
    return [{k: row.get(k) for k in keys} for row in out]


def put(engine: Engine, **by_table: Iterable[Mapping[str, Any]]) -> None:
    """Insert each keyword's rows into the table of that name (empty lists are skipped)."""
    with engine.begin() as conn:
        for name, items in by_table.items():
            batch = rows(name, items)
            if batch:
                conn.execute(insert(getattr(tables, name)), batch)


def _deal(i: int, won: bool | None, account: str | None, owner: str, day: date = MARCH, *,
          closed: bool = True) -> dict[str, object]:
    return {"id": f"o{i}", "is_closed": closed, "is_won": won, "account_id": account, "owner_id": owner,
            "close_date": day, "amount": 1000.0 * i}


def golden_store(engine: Engine) -> None:
    """The ten closed deals of test_golden.py (its docstring has the table and the hand-worked figures)."""
    put(engine,
        account=[{"id": "a1", "tier": "ent", "industry": "x", "country": "DE"},
                 {"id": "a2", "tier": None, "industry": "retail", "country": "FR"}],
        crm_user=[{"id": "u1", "last_name": "Ames", "team": "T1"}, {"id": "u2", "last_name": "Bell", "team": "T2"}],
        territory=[{"id": "t1", "name": "North"}, {"id": "t2", "name": "South"}],
        territory_assignment=[
            {"id": "ta1", "territory_id": "t1", "account_id": "a1", "effective_from": date(2025, 1, 1),
             "effective_to": date(2025, 6, 30)},
            {"id": "ta2", "territory_id": "t2", "account_id": "a1", "effective_from": date(2025, 7, 1)},
            {"id": "ta3", "territory_id": "t2", "user_id": "u2"}],
        competitor=[{"id": "cx", "name": "X"}, {"id": "cy", "name": "Y"}],
        opportunity=[_deal(1, True, "a1", "u1"), _deal(2, False, "a1", "u1", date(2025, 8, 1)),
                     _deal(3, False, "a2", "u2"), _deal(4, False, "a2", "u1"), _deal(5, True, "a2", "u2"),
                     _deal(6, True, "a1", "u2"), _deal(7, True, "a2", "u1"), _deal(8, False, "a2", "u2"),
                     _deal(9, True, "a1", "u1", date(2025, 9, 1)), _deal(10, None, None, "u2"),
                     _deal(11, None, "a1", "u1", date(2025, 12, 1), closed=False),
                     {**_deal(12, True, "a2", "u2"), "deleted_at": datetime(2025, 4, 1, tzinfo=UTC)}],
        opportunity_competitor=[
            *({"id": f"x{i}", "opportunity_id": f"o{i}", "competitor_id": "cx"} for i in (1, 2, 3, 4, 6, 11)),
            *({"id": f"y{i}", "opportunity_id": f"o{i}", "competitor_id": "cy"} for i in (5, 7, 8, 12)),
            # by name only, no competitor record: still Y (o6 faces both)
            {"id": "y6", "opportunity_id": "o6", "competitor_name": "Y"}])
