"""Data-quality scores: per record (latest check wins) and per run and stream (the mean, to follow over time)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, case, func, insert, select, update

from store.chunking import IN_LIST_CHUNK, chunked
from store.tables import canonical_tables, quality_score, record_quality
from store.upsert import upsert


def save_scores(conn: Connection, *, run_id: int | None, connection: str, object: str, entity: str,
                scores: Sequence[tuple[str, float, list[str]]]) -> None:
    """Keep each record's score and fold this batch into the run's mean for the stream (one row per run)."""
    if not scores:
        return
    now = datetime.now(UTC)
    latest = {rid: (score, failed) for rid, score, failed in scores}
    upsert(conn, record_quality, [{"entity": entity, "record_id": rid, "score": s, "failed": f, "run_id": run_id,
                                   "scored_at": now} for rid, (s, f) in latest.items()], key=["entity", "record_id"])
    total = sum(s for _, s, _ in scores)
    where = (quality_score.c.run_id == run_id, quality_score.c.connection == connection,
             quality_score.c.object == object)
    row = conn.execute(select(quality_score.c.id, quality_score.c.records, quality_score.c.score)
                       .where(*where)).first() if run_id is not None else None
    if row is None:
        conn.execute(insert(quality_score).values(run_id=run_id, connection=connection, object=object, entity=entity,
                                                  records=len(scores), score=total / len(scores), computed_at=now))
        return
    records = row.records + len(scores)
    conn.execute(update(quality_score).where(quality_score.c.id == row.id)
                 .values(records=records, score=(row.score * row.records + total) / records, computed_at=now))


def score_history(conn: Connection, *, connection: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Per run and stream, newest first: {run_id, connection, object, entity, records, score, computed_at}."""
    query = select(quality_score).order_by(quality_score.c.id.desc()).limit(limit)
    if connection is not None:
        query = query.where(quality_score.c.connection == connection)
    return [dict(r) for r in conn.execute(query).mappings()]


def record_score_summary(conn: Connection) -> list[dict[str, Any]]:
    """Per entity: records scored, their mean score, and how many are below 1 (broke at least one rule)."""
    query = (select(record_quality.c.entity, func.count().label("records"), func.avg(record_quality.c.score)
                    .label("mean_score"), func.sum(case((record_quality.c.score < 1, 1), else_=0)).label("imperfect"))
             .group_by(record_quality.c.entity).order_by(record_quality.c.entity))
    return [dict(r) for r in conn.execute(query).mappings()]


def live_ids(conn: Connection, *, table: str, ids: Sequence[str]) -> set[str]:
    """The canonical ids among ``ids`` that are live (not tombstoned) in ``table``: reference rules ask this."""
    t = canonical_tables[table]
    found: set[str] = set()
    for chunk in chunked(list(ids), IN_LIST_CHUNK):
        found |= set(conn.execute(select(t.c.id).where(t.c.id.in_(chunk), t.c.deleted_at.is_(None))).scalars())
    return found
