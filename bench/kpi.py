"""KPI engine at volume: ``python -m bench.kpi [--scale 1] [--stores sqlite,postgresql] [--kpis all] [--json]``.

A generated store (bench/kpi_data.py: at scale 1, 500,000 opportunities and 5,000,000 activities), on SQLite and
PostgreSQL, each filled in one child process and measured in another (bench/kpi_worker.py):

- **compiled**: ``compute`` from the store's rows, for REPRESENTATIVE (20 KPIs covering every type, the populated
  entities and the aggregations: sums, counts, distinct counts, a median, a min, as-of, cumulative, derived,
  conversions) or every computed KPI (``--kpis all``), at GRAINS;
- **refresh**: a full refresh at GRAINS into kpi_value of every computed KPI (``--refresh all``, the default) or some;
- **served**: ``compute`` as a dashboard calls it after the refresh (kpi_value where it answers exactly), for the
  refreshed KPIs at GRAINS.
Latencies are of each call, ``--repeat`` times (once when a call takes over 5 s); p50 / p95 / max per grain. A KPI
whose call takes over ``--cap`` seconds is not run at its finer grains ("over cap"). Every request is the whole
range of the data. Peak RSS is the measuring process's.
Targets (issue 18): p95 < 300 ms on PostgreSQL, < 1 s on SQLite (from kpi_value where it applies); refresh < 60 s;
peak RSS < 1 GB.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import STORES, markdown, run_child, save, store_url

GRAINS = ("all:all", "company:year", "team:quarter", "rep:month")  # coarsest first: the cap stops the finer
REPRESENTATIVE = ("WON_REVENUE", "WIN_RATE_CLOSED", "WIN_RATE_ALL", "AVERAGE_WON_DEAL_SIZE", "SALES_CYCLE_LENGTH_WON",
                  "MEDIAN_WON_DEAL_SIZE", "CUSTOMERS_WON", "REVENUE_YEAR_TO_DATE", "OPEN_PIPELINE_VALUE",
                  "PIPELINE_VELOCITY", "QUOTA_ATTAINMENT", "ACTIVITIES_LOGGED", "CALLS_MADE", "ACCOUNTS_ENGAGED",
                  "ACTIVITIES_PER_WON_DEAL", "REVENUE_PER_ACTIVITY", "TIME_TO_FIRST_CALL", "LEAD_CONVERSION_RATE",
                  "PRODUCTS_PER_WON_DEAL", "LATE_STAGE_CONVERSION_RATE")
TARGET_P95 = {"sqlite": 1.0, "postgresql": 0.3}
TARGET_REFRESH, TARGET_RSS_MB = 60.0, 1024


def latency_rows(store: str, mode: str, timings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """p50 / p95 / max of every call per grain (and over all grains), the slowest KPI, errors and skips."""
    rows = []
    for grain in (*GRAINS, "every grain"):
        chosen = [t for t in timings if grain in (t["grain"], "every grain")]
        calls = [(s, t["code"]) for t in chosen for s in t["seconds"]]
        if not calls:
            continue
        seconds = np.array([s for s, _ in calls])
        p95 = float(np.percentile(seconds, 95))
        sources = [s for t in chosen for s in t["sources"]]
        rows.append({"store": store, "mode": mode, "grain": grain, "KPIs": len({t["code"] for t in chosen}),
                     "calls": len(calls), "from kpi_value": f"{sources.count('kpi_value') / len(sources):.0%}",
                     "p50 ms": round(float(np.percentile(seconds, 50)) * 1000, 1), "p95 ms": round(p95 * 1000, 1),
                     "max ms": round(float(seconds.max()) * 1000, 1), "slowest": max(calls)[1],
                     "errors": sum("error" in t for t in chosen), "not at grain": sum("skipped" in t for t in chosen),
                     "over cap": sum("over_cap" in t for t in chosen),
                     "p95 target met": p95 < TARGET_P95[store]})
    return rows


def refresh_row(store: str, made: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    r = got["refresh"]
    return {"store": store, "opportunities": made["rows"].get("opportunity", 0),
            "activities": made["rows"].get("activity", 0), "generate s": round(made["seconds"], 1),
            "KPIs": f"{got['kpis']} of {got['computed_kpis']}", "grains": len(GRAINS),
            "refresh s": round(r["seconds"], 1), "refreshed": r["computed"], "failed": len(r["failed"]),
            "KPI x grain not cut": r["skipped"], "kpi_value rows": r["rows"],
            "refresh target met": r["seconds"] < TARGET_REFRESH, "peak RSS MB": got["peak_rss_mb"],
            "RSS target met": got["peak_rss_mb"] < TARGET_RSS_MB}


def run(scale: float, stores: tuple[str, ...], codes: tuple[str, ...], refreshed: tuple[str, ...], repeat: int,
        cap_s: float) -> dict[str, Any]:
    out: dict[str, Any] = {"scale": scale, "grains": list(GRAINS), "latency": [], "refresh": [], "raw": {}}
    with tempfile.TemporaryDirectory(prefix="crmhub-bench-kpi-") as tmp:
        for kind in stores:
            with store_url(kind, Path(tmp)) as url:
                if url is None:
                    continue
                print(f"  {kind}: generating the store (scale {scale})", flush=True)
                made = run_child("bench.kpi_worker", {"cmd": "populate", "url": url, "scale": scale})
                if "error" in made:
                    out["refresh"].append({"store": kind, "error": made["error"]})
                    continue
                print(f"  {kind}: {made['seconds']:.0f} s to generate; measuring", flush=True)
                got = run_child("bench.kpi_worker", {"cmd": "measure", "url": url, "codes": list(codes),
                                                     "refreshed": list(refreshed), "grains": list(GRAINS),
                                                     "repeat": repeat, "cap_s": cap_s})
                out["raw"][kind] = {"populate": made, "measure": got}
                if "error" in got:
                    out["refresh"].append({"store": kind, "error": got["error"]})
                    continue
                out["latency"] += latency_rows(kind, "compiled", got["compiled"])
                out["latency"] += latency_rows(kind, "served", got["stored"])
                out["refresh"].append(refresh_row(kind, made, got))
    return out


def main(quick: bool = False, scale: float | None = None, stores: tuple[str, ...] = STORES,
         codes: tuple[str, ...] = REPRESENTATIVE, refreshed: tuple[str, ...] = (), repeat: int = 3,
         cap_s: float = 300.0, as_json: bool = False) -> None:
    scale = scale if scale is not None else (0.01 if quick else 1.0)
    print(f"## KPI engine (scale {scale}: {round(500_000 * scale):,} opportunities, "
          f"{round(5_000_000 * scale):,} activities)", flush=True)
    out = run(scale, stores, codes, refreshed, repeat, cap_s)
    save("kpi_latency", out["latency"], title=f"KPI latency, scale {scale} (grains {', '.join(GRAINS)})")
    save("kpi_refresh", out["refresh"], title=f"KPI refresh and peak RSS, scale {scale}")
    if as_json:
        print(json.dumps(out, default=str))
        return
    print(markdown(out["latency"]) + "\n\n" + markdown(out["refresh"]))
    for kind, raw in out["raw"].items():
        failed = raw["measure"].get("refresh", {}).get("failed", {})
        for code, why in sorted(failed.items()):
            print(f"  {kind}: refresh failed {code}: {why}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.kpi")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 500,000 opportunities, 5,000,000 activities")
    parser.add_argument("--quick", action="store_true", help="scale 0.01")
    parser.add_argument("--stores", default=",".join(STORES), help="sqlite, postgresql or both")
    parser.add_argument("--kpis", default="representative", help="timed compiled: representative (20), all, or "
                                                                 "CODE,CODE,...")
    parser.add_argument("--refresh", default="all", help="refreshed and timed served: all, representative or "
                                                          "CODE,CODE,...")
    parser.add_argument("--cap", type=float, default=300.0, help="seconds: a KPI's finer grains are not run once a "
                                                                 "call takes longer")
    parser.add_argument("--repeat", type=int, default=3, help="calls per KPI and grain")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    named = {"representative": REPRESENTATIVE, "all": ()}
    main(scale=0.01 if args.quick else args.scale, stores=tuple(s for s in args.stores.split(",") if s),
         codes=named.get(args.kpis, tuple(args.kpis.split(","))),
         refreshed=named.get(args.refresh, tuple(args.refresh.split(","))), repeat=args.repeat, cap_s=args.cap,
         as_json=args.json)
