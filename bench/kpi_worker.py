"""The KPI benchmark's child process (bench.common.child_main): ``populate`` fills a store, ``measure`` times it.

``measure``, in one fresh process so its peak RSS is the measuring's alone:
1. the currency rates into ``currency_rate`` (what a refresh does first), so amounts in EUR and GBP convert;
2. ``compute`` compiled from the store's rows (``materialised=False``) for the chosen KPIs at each grain, ``repeat``
   times each (once when a call takes over SLOW_S; a KPI's finer grains not at all once a call takes over the cap);
3. a full ``refresh`` of the chosen KPIs (every computed one by default) at the grains, timed; then ``ANALYZE
   kpi_value`` (not timed), as autovacuum would after a bulk write (this machine's PostgreSQL has autovacuum off);
4. ``compute`` as a dashboard calls it (kpi_value where it answers exactly, else compiled) for the refreshed KPIs at
   each grain, as in 2, noting which source answered.
Every request is the whole range of the data at the grain, as the refresh computes it.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from sqlalchemy import Engine, text

import store
from analytics.kpi.catalog import Catalog
from analytics.kpi.currency import refresh_rates
from analytics.kpi.definition import DEFINITIONS_DIR, read_definition
from analytics.kpi.errors import KpiRequestError
from analytics.kpi.grain import Grain
from analytics.kpi.query import compute
from analytics.kpi.refresh import refresh
from analytics.kpi.schema import KpiFile
from bench.common import child_main
from bench.kpi_data import populate
from config.models.kpi import KpiRate, KpiSettings

SETTINGS = KpiSettings(rates=[KpiRate(iso_code="EUR", start_date=date(2022, 1, 1), rate=0.92),
                              KpiRate(iso_code="GBP", start_date=date(2022, 1, 1), rate=0.79)])


def computed() -> list[KpiFile]:
    kpis = (read_definition(path) for path in sorted(DEFINITIONS_DIR.glob("*.yaml")))
    return [k for k in kpis if k.status == "computed"]


SLOW_S = 5.0  # a call slower than this is not repeated: its one time is the figure


def _timings(engine: Engine, kpis: list[KpiFile], grains: list[Grain], repeat: int, *, materialised: bool,
             catalog: Catalog, cap_s: float) -> list[dict[str, Any]]:
    """Each KPI at each grain (coarsest first), ``repeat`` calls; once a call of a KPI takes over ``cap_s``, its
    finer grains are not run (marked ``over_cap``)."""
    rows: list[dict[str, Any]] = []
    for kpi in kpis:
        capped = False
        for grain in grains:
            row: dict[str, Any] = {"code": kpi.code, "grain": str(grain), "seconds": [], "sources": []}
            rows.append(row)
            if capped:
                row["over_cap"] = True
                continue
            for _ in range(repeat):
                started = time.perf_counter()
                try:
                    result = compute(engine, kpi, grain.request(kpi), catalog=catalog, settings=SETTINGS,
                                     materialised=materialised)
                except KpiRequestError as exc:  # this KPI cannot be cut at this grain: not a latency
                    row["skipped"] = str(exc)
                    break
                except Exception as exc:  # reported in the table, where a person sees it
                    row["error"] = f"{type(exc).__name__}: {exc}"
                    break
                seconds = time.perf_counter() - started
                row["seconds"].append(seconds)
                row["sources"].append(result.source)
                capped = seconds > cap_s
                if seconds > SLOW_S:
                    break
    return rows


def measure(engine: Engine, codes: list[str], refreshed: list[str], grains: list[Grain], repeat: int,
            cap_s: float) -> dict[str, Any]:
    """See the module docstring; ``codes`` / ``refreshed``: the KPIs timed compiled / refreshed and served (empty:
    every computed KPI)."""
    catalog, everything = Catalog.load(), computed()

    def pick(wanted: list[str]) -> list[KpiFile]:
        return [k for k in everything if k.code in wanted] if wanted else everything

    refresh_rates(engine, SETTINGS)
    compiled = _timings(engine, pick(codes), grains, repeat, materialised=False, catalog=catalog, cap_s=cap_s)
    kpis = pick(refreshed)
    report = refresh(engine, kpis, catalog=catalog, settings=SETTINGS, grains=grains, full=True)
    with engine.begin() as conn:  # what autovacuum does after a bulk write; this machine's PostgreSQL has it off
        conn.execute(text("ANALYZE kpi_value"))
    stored = _timings(engine, kpis, grains, repeat, materialised=True, catalog=catalog, cap_s=cap_s)
    known = {k.code for k in everything}
    return {"compiled": compiled, "stored": stored, "kpis": len(kpis), "computed_kpis": len(everything),
            "missing": sorted((set(codes) | set(refreshed)) - known),
            "refresh": {"seconds": report.seconds, "computed": len(report.computed), "rows": report.rows,
                        "failed": report.failed, "skipped": sum(len(v) for v in report.skipped.values())}}


def work(job: dict[str, Any]) -> dict[str, Any]:
    engine = store.make_engine(job["url"])
    try:
        if job["cmd"] == "populate":
            started = time.perf_counter()
            counts = populate(engine, float(job["scale"]), say=lambda line: None)
            return {"rows": counts, "seconds": time.perf_counter() - started}
        grains = [Grain.parse(g) for g in job["grains"]]
        return measure(engine, list(job["codes"]), list(job["refreshed"]), grains, int(job["repeat"]),
                       float(job["cap_s"]))
    finally:
        engine.dispose()


if __name__ == "__main__":
    child_main(work, warm_up=lambda: None)
