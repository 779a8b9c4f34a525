"""Materialise KPIs into ``kpi_value``: every computed KPI at the default grains (grain.py), so a dashboard reads in
milliseconds; incremental by default.

A refresh first rebuilds ``currency_rate`` (currency.py). It then recomputes the KPIs whose inputs changed since the
last refresh that succeeded (refresh_inputs.py): a KPI reading an entity a sync run changed since, a KPI whose
definition changed (``definition_hash``, as the registry's store load computes it) or that failed last time. A
refresh starting anew (the first one, or new ``kpi`` settings or grains) computes every KPI whose measures read an
entity some sync run has fed; ``full`` computes every KPI. A KPI left out is not wrong, only slower: a request
compiles it (materialised.py reads kpi_value only for KPIs the last refresh materialised).

The KPIs are computed grain by grain from shared scans of their measures (refresh_batch.py), each grain's rows
replaced in one transaction; a KPI that fails keeps no row. One ``kpi_refresh`` row records the refresh: its
``inputs`` hold, per entity, the latest sync run that changed it ({entity: sync_run id}), the settings' digest,
the grains, the materialised KPIs' definition hashes, the KPIs that failed and the warnings of each (rows left
out).
A KPI that cannot be cut at a grain (a case KPI by company when cases have no account) is skipped there.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, update

from analytics.kpi.asof_hook import StageHistory
from analytics.kpi.catalog import Catalog
from analytics.kpi.conversion import DatedRates
from analytics.kpi.currency import RatesReport, refresh_rates
from analytics.kpi.errors import KpiDefinitionError
from analytics.kpi.grain import DEFAULT_GRAINS, Grain
from analytics.kpi.refresh_batch import recompute
from analytics.kpi.refresh_inputs import changed_since, kpi_entities, last_inputs, settings_hash, snapshot
from analytics.kpi.registry import KpiRegistry
from analytics.kpi.schema import KpiFile
from analytics.kpi.store_load import definition_hash
from analytics.kpi.zone import to_local
from config.models.kpi import KpiSettings
from store.tables import kpi_refresh, kpi_value

# Told after each grain recomputed: (KPI x grain steps done, steps to do, the grain); a progress bar's feed.
Progress = Callable[[int, int, str], None]


@dataclass(slots=True)
class RefreshReport:
    refresh_id: int
    full: bool
    changed: list[str]  # the entities whose changes triggered it (all of them on a full refresh)
    computed: list[str] = field(default_factory=list)  # KPI codes recomputed
    unchanged: int = 0  # KPIs left as they were
    rows: int = 0
    skipped: dict[str, list[str]] = field(default_factory=dict)  # KPI -> grains it cannot be cut at
    failed: dict[str, str] = field(default_factory=dict)  # KPI -> why
    warnings: dict[str, list[str]] = field(default_factory=dict)  # KPI -> rows left out, and why
    rates: RatesReport | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"refresh_id": self.refresh_id, "full": self.full, "changed": self.changed,
                "computed": self.computed, "unchanged": self.unchanged, "rows": self.rows, "skipped": self.skipped,
                "failed": self.failed, "warnings": self.warnings,
                "rates": self.rates.as_dict() if self.rates else None, "seconds": round(self.seconds, 3)}


def computed_kpis(registry_or_kpis: KpiRegistry | Iterable[KpiFile]) -> list[KpiFile]:
    kpis = registry_or_kpis.kpis.values() if isinstance(registry_or_kpis, KpiRegistry) else registry_or_kpis
    return sorted((k for k in kpis if k.status == "computed"), key=lambda k: k.code)


def grain_dimensions(grains: Sequence[Grain]) -> set[str]:
    return {g.dimension for g in grains if g.dimensions}


def refresh(engine: Engine, registry_or_kpis: KpiRegistry | Iterable[KpiFile], *, catalog: Catalog,
            settings: KpiSettings, grains: Sequence[Grain] = DEFAULT_GRAINS, changed_entities: set[str] | None = None,
            full: bool = False, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
            progress: Progress | None = None) -> RefreshReport:
    """Recompute the KPIs whose inputs changed (every one with ``full``) into kpi_value; see the module docstring.
    ``changed_entities``: the entities to treat as changed (None: worked out from the sync runs). ``progress`` is
    told after each grain."""
    started = time.perf_counter()
    kpis, hashes, broken = _hashed(computed_kpis(registry_or_kpis), catalog)
    with engine.begin() as conn:
        refresh_id = int(conn.execute(insert(kpi_refresh).values(
            started_at=clock(), status="running", inputs={"grains": [str(g) for g in grains]})
            .returning(kpi_refresh.c.id)).scalar_one())
    try:
        rates = refresh_rates(engine, settings, clock=clock)
        with engine.connect() as conn:
            seen, last = snapshot(conn, clock()), last_inputs(conn) or {}
            since = set() if not last else changed_since(conn, last)
        digest = settings_hash(settings)
        anew = full or not last or last.get("settings") != digest or last.get("grains") != [str(g) for g in grains]
        changed = sorted(seen.entities) if anew and changed_entities is None else sorted(
            changed_entities if changed_entities is not None else since)
        before: dict[str, str] = {} if anew else dict(last.get("kpis", {}))
        todo = _stale(kpis, hashes, catalog, grains, full=full, anew=anew, changed=set(changed),
                      fed=set(seen.entities), before=before, retry=set() if anew else set(last.get("failed", [])))
        full = anew
        report = RefreshReport(refresh_id, full, changed, unchanged=len(kpis) - len(todo), rates=rates,
                               failed=dict(broken))
        hooks = _hooks(engine, settings)
        done = recompute(engine, todo, hashes, grains, catalog=catalog, settings=settings, hooks=hooks, now=clock(),
                         progress=progress)
        report.computed, report.rows, report.skipped = done.computed, done.rows, done.skipped
        report.failed.update(done.failed)
        report.warnings = done.warnings
        # a KPI that failed has no rows left (refresh_batch.py): it compiles until a refresh succeeds at it
        kept = {code: h for code, h in before.items() if hashes.get(code) == h and code not in report.failed}
        kept.update({code: hashes[code] for code in report.computed})
        if full:
            _drop_others(engine, set(hashes))
        skipped = {code: [why.split(": ", 1)[0] for why in found] for code, found in report.skipped.items()}
        today = to_local(clock(), settings.time_zone).date().isoformat()  # as-of states end with today's
        inputs = {**seen.as_inputs(), "today": today, "settings": digest, "grains": [str(g) for g in grains],
                  "kpis": kept,
                  "failed": sorted(report.failed),
                  # what a read must know of each materialised KPI: rows left out, grains it cannot be cut at
                  "warnings": _carried(last.get("warnings", {}), report.warnings, kept, report.computed),
                  "skipped": _carried(last.get("skipped", {}), skipped, kept, report.computed)}
        _finish(engine, refresh_id, "succeeded", clock(), kpis=len(report.computed), rows=report.rows, inputs=inputs)
    except Exception as exc:  # recorded as failed (not left "running"), then raised as it was
        _finish(engine, refresh_id, "failed", clock(), error=f"{type(exc).__name__}: {exc}")
        raise
    report.seconds = time.perf_counter() - started
    return report


def _hashed(kpis: list[KpiFile], catalog: Catalog) -> tuple[list[KpiFile], dict[str, str], dict[str, str]]:
    """The KPIs whose definitions resolve, their hashes, and why each other one does not (it fails)."""
    hashes: dict[str, str] = {}
    broken: dict[str, str] = {}
    for kpi in kpis:
        try:
            hashes[kpi.code] = definition_hash(kpi, catalog)
        except KpiDefinitionError as exc:
            broken[kpi.code] = f"{type(exc).__name__}: {exc}"
    return [k for k in kpis if k.code in hashes], hashes, broken


def _carried(before: dict[str, Any], now: dict[str, Any], kept: dict[str, str], computed: list[str]
             ) -> dict[str, Any]:
    """Per KPI still materialised: this refresh's entry where it recomputed the KPI, else the last one's."""
    recomputed = set(computed)
    return {code: v for code, v in {**before, **now}.items()
            if code in kept and (code not in recomputed or code in now)}


def _stale(kpis: list[KpiFile], hashes: dict[str, str], catalog: Catalog, grains: Sequence[Grain], *, full: bool,
           anew: bool, changed: set[str], fed: set[str], before: dict[str, str], retry: set[str]) -> list[KpiFile]:
    """The KPIs to recompute. ``full``: all. A refresh starting anew (the first, or new settings or grains): those
    whose measures read an entity some sync run has fed (``fed``); a KPI over entities no run ever changed is left
    to compile on request, until a run feeds it. Otherwise: those reading a changed entity (their dimensions'
    included), those whose definition changed and that are fed, and those that failed last time."""
    dims = grain_dimensions(grains)

    def reads(kpi: KpiFile, dimensions: set[str], entities: set[str]) -> bool:
        try:
            return bool(kpi_entities(kpi, catalog, dimensions) & entities)
        except KpiDefinitionError:  # recomputed, so it fails there with its message
            return True

    if full:
        return list(kpis)
    if anew:
        return [k for k in kpis if reads(k, set(), fed)]
    return [k for k in kpis if k.code in retry or reads(k, dims, changed)
            or (before.get(k.code) != hashes[k.code] and reads(k, set(), fed))]


def _hooks(engine: Engine, settings: KpiSettings) -> tuple[DatedRates, StageHistory]:
    with engine.connect() as conn:
        currency = DatedRates.load(conn, settings.currency)
    return currency, StageHistory(engine, settings.time_zone, settings.fiscal_year_start_month)


def _drop_others(engine: Engine, codes: set[str]) -> None:
    """A full refresh leaves no row of a KPI that is no longer computed."""
    with engine.begin() as conn:
        stale = delete(kpi_value)
        conn.execute(stale.where(kpi_value.c.kpi_code.not_in(sorted(codes))) if codes else stale)


def _finish(engine: Engine, refresh_id: int, status: str, at: datetime, **values: Any) -> None:
    with engine.begin() as conn:
        conn.execute(update(kpi_refresh).where(kpi_refresh.c.id == refresh_id)
                     .values(status=status, finished_at=at, **values))
