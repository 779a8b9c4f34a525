"""Score persistence: bulk upserts as executemany of plain tuples in one transaction (1,000,000 rows in seconds).

The ORM and even Core's per-row processing cost more than the scoring itself at this volume, so rows go straight to
the DBAPI cursor with the dialect's placeholder; timestamps are shared by a whole run and converted once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table

from store.rawsql import execute_batches, insert_sql
from store.tables import deal_score, lead_score


def bulk_upsert(conn: Connection, table: Table, columns: Sequence[str], key: Sequence[str],
                rows: Iterable[tuple[Any, ...]]) -> int:
    """Upsert tuples (in ``columns`` order) on the caller's transaction; never commits."""
    return execute_batches(conn, insert_sql(conn, table, columns, upsert_key=key), rows)


LEAD_SCORE_COLUMNS = ("entity", "record_id", "score", "grade", "engagement", "intent", "fit", "probability",
                      "reasons", "contributions", "model_version", "scored_at", "valid_until")
DEAL_SCORE_COLUMNS = ("opportunity_id", "probability", "reasons", "contributions", "model_version", "scored_at",
                      "valid_until")


def save_lead_scores(conn: Connection, rows: Iterable[tuple[Any, ...]]) -> int:
    return bulk_upsert(conn, lead_score, LEAD_SCORE_COLUMNS, ("entity", "record_id"), rows)


def save_deal_scores(conn: Connection, rows: Iterable[tuple[Any, ...]]) -> int:
    return bulk_upsert(conn, deal_score, DEAL_SCORE_COLUMNS, ("opportunity_id",), rows)
