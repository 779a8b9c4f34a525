"""The KPI refresh after syncs: kpi_value recomputed for what the runs changed (analytics/kpi/refresh.py).

``crmhub sync``, the scheduler's stream jobs (and so Celery workers), the demo and ``crmhub kpi refresh`` call this
one service. A refresh runs when ``kpi.refresh_after_sync`` is on and a run upserted or deleted records; one refresh
at a time (a lock per store, as streams have). A refresh finding another one running leaves the changes to it: the
holder looks again for runs that landed while it worked and refreshes again (up to ROUNDS times), so changes landed
during a refresh wait at most for the next one. A refresh that fails never fails the sync: the outcome carries the
error, and the next refresh recomputes what it did not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from analytics.kpi.catalog import Catalog
from analytics.kpi.loader import shipped_kpi_registry
from analytics.kpi.refresh import Progress, RefreshReport, refresh
from analytics.kpi.refresh_inputs import changed_since, last_inputs
from analytics.kpi.registry import KpiRegistry
from analytics.kpi.schema import KpiFile
from config import CrmhubConfig
from errors import CrmhubError
from sync.locks import stream_lock
from sync.stream import RunSummary

LOCK = ("crmhub", "kpi_refresh")  # the (connection, object) pair of the refresh's lock
ROUNDS = 3


@dataclass(frozen=True, slots=True)
class RefreshOutcome:
    status: str  # refreshed | not_needed | disabled | locked | failed
    report: RefreshReport | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "report": self.report.as_dict() if self.report else None,
                "error": self.error}

    def brief(self) -> dict[str, Any]:
        """What a job's result keeps: the status, how many KPIs were recomputed, rows written, failures."""
        report = self.report
        return {"status": self.status, "error": self.error,
                **({"kpis": len(report.computed), "rows": report.rows, "failed": sorted(report.failed),
                    "seconds": round(report.seconds, 3)} if report else {})}

    def line(self) -> str:
        """One line for a person."""
        if self.report is None:
            return f"KPI refresh: {self.status}" + (f" ({self.error})" if self.error else "")
        r = self.report
        failed = f", {len(r.failed)} failed ({', '.join(sorted(r.failed)[:5])})" if r.failed else ""
        return (f"KPI refresh: {len(r.computed)} KPI(s) recomputed ({r.unchanged} unchanged), {r.rows:,} rows, "
                f"{r.seconds:.1f} s{failed}")


def changed_records(summaries: Sequence[RunSummary]) -> bool:
    return any(s.counts.upserted or s.counts.deleted for s in summaries)


def refresh_kpis(engine: Engine, cfg: CrmhubConfig, *, full: bool = False,
                 kpis: KpiRegistry | Sequence[KpiFile] | None = None, progress: Progress | None = None
                 ) -> RefreshOutcome:
    """One refresh under the refresh lock, of ``kpis`` (default: the shipped registry's); ``progress`` is told
    after each KPI of each round."""
    with stream_lock(engine, *LOCK) as lock:
        if not lock:
            return RefreshOutcome("locked", error="another process is refreshing the KPIs; it looks for these "
                                                  "changes when it ends")
        registry, catalog = kpis if kpis is not None else shipped_kpi_registry(), Catalog.load()
        report = refresh(engine, registry, catalog=catalog, settings=cfg.kpi, full=full, progress=progress)
        for _ in range(ROUNDS - 1):
            if not _landed_since(engine):
                break
            later = refresh(engine, registry, catalog=catalog, settings=cfg.kpi, progress=progress)
            later.computed = sorted({*report.computed, *later.computed})
            later.rows += report.rows
            report = later
    return RefreshOutcome("refreshed", report)


def _landed_since(engine: Engine) -> bool:
    """Whether a sync run changed an entity after the refresh captured the runs (while it worked)."""
    with engine.connect() as conn:
        seen = last_inputs(conn)
        return seen is not None and bool(changed_since(conn, seen))


def refresh_after_sync(engine: Engine, cfg: CrmhubConfig, summaries: Sequence[RunSummary], *,
                       kpis: KpiRegistry | Sequence[KpiFile] | None = None, progress: Progress | None = None
                       ) -> RefreshOutcome:
    """The refresh after ``summaries``' runs, when they changed records; its failure is reported, not raised."""
    if not cfg.kpi.refresh_after_sync:
        return RefreshOutcome("disabled")
    if not changed_records(summaries):
        return RefreshOutcome("not_needed")
    try:
        return refresh_kpis(engine, cfg, kpis=kpis, progress=progress)
    except (CrmhubError, SQLAlchemyError) as exc:
        return RefreshOutcome("failed", error=f"the KPI refresh failed ({type(exc).__name__}: {exc}); the sync's "
                                              "data is landed, `crmhub kpi refresh` retries")
