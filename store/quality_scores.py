"""Data-quality scores: per record (latest check wins) and per run and stream (the mean, to follow over time)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, case, func, insert, select, update

from store.chunking import IN_LIST_CHUNK, chunked
from store.tables import canonical_tables, quality_score, record_quality
from store.upsert import upsert


def save_scores(conn: Connection, *, run_id: int | None, connection: str, object: str, entity: str,
                scores: Sequence[tuple[str, float, list[str]]], unchanged: AbstractSet[str] = frozenset()) -> None:
    """Keep each record's score and fold this batch into the run's mean for the stream (one row per run).

    ``unchanged``: ids of records whose content is the same as when last landed. Such a record whose row already
    holds the same score and rules broken keeps that row as it is — its ``run_id`` and ``scored_at`` stay those of
    the check that gave the score, as its canonical row keeps its ``synced_at`` — instead of a rewrite on every run.
    """
    if not scores:
        return
    now = datetime.now(UTC)
    latest = {rid: (score, failed) for rid, score, failed in scores}
    kept = _scored_alike(conn, entity=entity, scores={rid: latest[rid] for rid in unchanged if rid in latest})
    upsert(conn, record_quality, [{"entity": entity, "record_id": rid, "score": s, "failed": f, "run_id": run_id,
                                   "scored_at": now} for rid, (s, f) in latest.items() if rid not in kept],
           key=["entity", "record_id"])
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


def _scored_alike(conn: Connection, *, entity: str, scores: Mapping[str, tuple[float, list[str]]]) -> set[str]:
    """The ids among ``scores`` whose stored row already holds that score and those rules broken, in that order."""
    c = record_quality.c
    alike: set[str] = set()
    for chunk in chunked(list(scores), IN_LIST_CHUNK):
        rows = conn.execute(select(c.record_id, c.score, c.failed).where(c.entity == entity,
                                                                         c.record_id.in_(chunk)))
        alike.update(r.record_id for r in rows if (r.score, r.failed) == scores[r.record_id])
    return alike


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
