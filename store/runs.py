"""Run history: one ``sync_run`` row per run of a stream, with its reconciliation counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from store.tables import RUN_COUNT_FIELDS, RUN_STATUSES, sync_run

FINAL_RUN_STATUSES: tuple[str, ...] = tuple(s for s in RUN_STATUSES if s != "running")


def start_run(conn: Connection, *, connection: str, object: str, full_refresh: bool) -> int:
    """Record a run as started and return its id."""
    result = conn.execute(
        insert(sync_run).values(
            connection=connection,
            object=object,
            status="running",
            full_refresh=full_refresh,
            started_at=datetime.now(UTC),
            errors=[],
        )
    )
    run_id = result.inserted_primary_key
    if run_id is None:
        raise RuntimeError("the database returned no id for the new sync_run row")
    return int(run_id[0])


def close_abandoned_runs(conn: Connection, *, connection: str, object: str, current_run_id: int) -> int:
    """Close runs of the stream left ``running`` by a process that died (SIGKILL, power loss).

    Only the holder of the stream's lock calls this, so no other run of the stream can really be in progress; what
    those runs landed stays (each unit committed with its cursor) and their counts stay true partial totals.
    """
    result = conn.execute(
        update(sync_run)
        .where(sync_run.c.connection == connection, sync_run.c.object == object,
               sync_run.c.status == "running", sync_run.c.id != current_run_id)
        .values(status="failed", finished_at=datetime.now(UTC),
                error="abandoned: the process running it stopped without closing it (killed or crashed); "
                      "the units it committed are kept and the next run went on from their cursor")
    )
    return int(result.rowcount or 0)


def add_run_counts(conn: Connection, *, run_id: int, counts: Mapping[str, int], api_calls: int = 0) -> None:
    """Add a batch's counts to the run, in the batch's own transaction, so a crash leaves true partial totals."""
    _check_counts(counts)
    increments: dict[str, Any] = {name: sync_run.c[name] + value for name, value in counts.items()}
    if api_calls:
        increments["api_calls"] = sync_run.c.api_calls + api_calls
    if increments:
        _update_run(conn, run_id, increments)


def finish_run(
    conn: Connection,
    *,
    run_id: int,
    status: str,
    counts: Mapping[str, int],
    api_calls: int,
    error: str | None = None,
    errors: Sequence[Mapping[str, Any]] = (),
) -> None:
    """Close the run. ``counts`` and ``api_calls`` are the run's final totals: they replace what
    ``add_run_counts`` accumulated (counts not named keep their accumulated value)."""
    if status not in FINAL_RUN_STATUSES:
        raise ValueError(f"finish_run status must be one of {FINAL_RUN_STATUSES}, got {status!r}")
    _check_counts(counts)
    _update_run(
        conn,
        run_id,
        {
            **counts,
            "status": status,
            "finished_at": datetime.now(UTC),
            "api_calls": api_calls,
            "error": error,
            "errors": [dict(e) for e in errors],
        },
    )


def list_runs(conn: Connection, *, limit: int = 50, connection: str | None = None) -> list[dict[str, Any]]:
    """The most recent runs first, optionally of one connection only."""
    query = select(sync_run).order_by(sync_run.c.id.desc()).limit(limit)
    if connection is not None:
        query = query.where(sync_run.c.connection == connection)
    return [dict(row) for row in conn.execute(query).mappings()]


def _check_counts(counts: Mapping[str, int]) -> None:
    unknown = set(counts) - set(RUN_COUNT_FIELDS)
    if unknown:
        raise ValueError(f"unknown run count names {sorted(unknown)}; expected some of {RUN_COUNT_FIELDS}")


def _update_run(conn: Connection, run_id: int, values: Mapping[str, Any]) -> None:
    result = conn.execute(update(sync_run).where(sync_run.c.id == run_id).values(dict(values)))
    if result.rowcount != 1:
        raise LookupError(f"sync_run {run_id} does not exist")


def last_complete_read(conn: Connection, *, connection: str, object: str) -> datetime | None:
    """When the stream last finished reading everything: its newest succeeded full refresh, else its first
    succeeded run (the initial load read from the start too). None: the stream has never succeeded."""
    stream = (sync_run.c.connection == connection, sync_run.c.object == object, sync_run.c.status == "succeeded")
    newest_full = select(func.max(sync_run.c.finished_at)).where(*stream, sync_run.c.full_refresh)
    refreshed: datetime | None = conn.execute(newest_full).scalar()
    if refreshed is not None:
        return refreshed
    first: datetime | None = conn.execute(select(func.min(sync_run.c.finished_at)).where(*stream)).scalar()
    return first
