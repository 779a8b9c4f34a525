"""``python -m bench [--quick] [--only hubspot,salesforce,...] [--volumes 100000]``: run every benchmark, write
bench/results/latest.json and bench/results/latest.md, and print the tables.

crmhub's syncs run here, each (CRM, volume, path, store) in a fresh process; benchmarks owned elsewhere (Marketo,
mapping + quality, write-back, scoring, the KPI engine) run through ``bench.section`` in their own processes. A module
not written yet is reported as missing, not skipped silently.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from bench import dynamics_sync, hubspot_sync, report, salesforce_sync
from bench.common import RESULTS, STORES, save
from bench.sync import sync_figures

CRMHUB_SYNCS: dict[str, tuple[ModuleType, str]] = {
    "hubspot": (hubspot_sync, "HubSpot contacts: crmhub, the naive script and dlt on the same data"),
    "salesforce": (salesforce_sync, "Salesforce Accounts: crmhub (REST, Bulk API 2.0) and the naive script"),
    "dynamics": (dynamics_sync, "Dynamics 365 contacts"),
}
COMPARE_UP_TO = 100_000  # the alternatives hold a whole table in memory: not at 1,000,000
# (name, module, function, sections it writes with their titles)
OTHERS: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = (
    ("marketo", "bench.marketo_sync", "main", (("marketo_sync", "Marketo leads and activities"),)),
    ("mapping_quality", "bench.mapping_quality", "run", (("mapping_quality", "Mapping + quality rows/s"),)),
    ("writeback", "bench.writeback", "run", (("writeback", "Write-back: API calls against the minimum"),)),
    ("identity", "bench.identity", "main", (("identity", "Identity resolution"),)),
    ("scoring", "bench.scoring", "main", (("scoring_speed", "Scoring speed (SQLite)"),
                                          ("scoring_accuracy", "Scoring accuracy (public datasets)"))),
    ("kpi", "bench.kpi", "main", (("kpi_latency", "KPI latency: compiled, and served after a refresh"),
                                  ("kpi_refresh", "KPI refresh and peak RSS"))),
    ("dashboard_export", "bench.dashboard_export", "main", (("dashboard_export", "Dashboard exports"),)),
)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="10,000 records per CRM, no 100,000 / 1,000,000")
    parser.add_argument("--only", default="", help="comma-separated: " + ", ".join([*CRMHUB_SYNCS, *(o[0] for o in
                                                                                                      OTHERS)]))
    parser.add_argument("--volumes", default="", help="comma-separated sync volumes to run (default: every tier)")
    parser.add_argument("--workers", default="0", help="comma-separated sync.workers counts for crmhub's syncs "
                                                       "(processes mapping and checking beside the main one)")
    parser.add_argument("--stores", default=",".join(STORES), help="comma-separated: " + ", ".join(STORES))
    args = parser.parse_args()
    workers = tuple(int(n) for n in args.workers.split(",") if n.strip())
    stores = tuple(s.strip() for s in args.stores.split(",") if s.strip() in STORES)
    # A SIGTERM (or a SIGINT, which a background shell ignores) must still stop the sandboxes and drop the stores.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    started = time.perf_counter()
    _start_results(keep=bool(only))
    order = section_order()
    syncs = {name: mod for name, (mod, _) in CRMHUB_SYNCS.items() if not only or name in only}
    chosen = {int(v.replace("_", "")) for v in args.volumes.split(",") if v.strip()}
    tiers = sorted({v for mod in syncs.values() for v in mod.volumes(args.quick) if not chosen or v in chosen})
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in syncs}
    # Smaller volumes of every CRM first, then the others' benchmarks, the 1,000,000 runs last: each tier is saved
    # as it ends, so an interrupted full run still leaves every figure it measured.
    for tier in tiers:
        if tier > COMPARE_UP_TO:
            _others(only, quick=args.quick)
        for name, mod in syncs.items():
            if tier not in mod.volumes(args.quick):
                continue
            print(f"\n# {CRMHUB_SYNCS[name][1]}: {tier:,} records", flush=True)
            alternatives = getattr(mod, "alternatives", None) if tier <= COMPARE_UP_TO else None
            rows[name] += sync_figures(mod.CASE, tier, alternatives=alternatives, workers=workers, stores=stores)
            save(f"{name}_sync", rows[name], title=CRMHUB_SYNCS[name][1])
            compared = [r for name_rows in rows.values() for r in name_rows]
            save("side_by_side", report.side_by_side(compared))
            save("api_targets", report.targets(compared))
    if not tiers or max(tiers) <= COMPARE_UP_TO:
        _others(only, quick=args.quick)
    print("\n" + report.write_markdown(order))
    print(f"(benchmarks took {time.perf_counter() - started:,.0f} s; tables in {RESULTS / 'latest.md'})")


def section_order() -> list[tuple[str, str]]:
    """(section, title) of latest.json in the order the tables are printed."""
    order = [("side_by_side", "Side by side: crmhub / alternative, initial sync records/s"),
             ("api_targets", "API calls against the minimum; unchanged-CRM syncs")]
    order += [(f"{name}_sync", title) for name, (_, title) in CRMHUB_SYNCS.items()]
    return order + [section for other in OTHERS for section in other[3]]


def _others(only: set[str], *, quick: bool) -> None:
    for name, module, function, _ in OTHERS:
        if not only or name in only:
            _run_section(name, module, function, quick=quick)


def _start_results(*, keep: bool) -> None:
    """A full run starts a new latest.json (the previous one becomes previous.json); a partial run adds to it."""
    RESULTS.mkdir(exist_ok=True)
    latest = RESULTS / "latest.json"
    if latest.exists() and not keep:
        latest.replace(RESULTS / "previous.json")
    if not latest.exists():
        latest.write_text(json.dumps({}))


def _run_section(name: str, module: str, function: str, *, quick: bool) -> None:
    if importlib.util.find_spec(module) is None:
        print(f"\n# {name}: {module} is not written yet (hook: {module}.{function}(quick))", flush=True)
        save(name, [{"benchmark": name, "status": f"missing: {module}.{function}(quick) does not exist yet"}])
        return
    print(f"\n# {name} ({module}.{function})", flush=True)
    command = [sys.executable, "-m", "bench.section", module, function, *(["--quick"] if quick else [])]
    code = subprocess.run(command, cwd=Path(__file__).parent.parent).returncode
    if code != 0:
        save(name, [{"benchmark": name, "status": f"failed: {module}.{function} exited {code} (see output above)"}])


if __name__ == "__main__":
    main()
