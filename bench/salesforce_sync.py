"""Salesforce Accounts from the sandbox into SQLite and PostgreSQL, through REST and through Bulk API 2.0.

Each path is forced with ``bulk_threshold`` (REST: above the volume; Bulk: 1). The sandbox runs with its
``unlimited`` profile (the daily allocation counted, never refused) and ``extra_accounts`` on a small population, so
the volume is Accounts alone. Figures: records/s of the whole sync (read, map, check, land), API calls against the
minimum the path needs, the calls of an unchanged incremental sync, and peak memory.
"""

from __future__ import annotations

import math
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.common import bench_store, markdown, peak_rss_mb, save
from config import parse_config
from connectors.base import spec_named
from connectors.registry import build_connector
from mapping.spec import load_spec
from quality.checker import QualityChecker
from quality.suite import load_suites
from sandbox.common.launcher import SandboxProcess
from sync.stream import run_stream

POPULATION = 400  # 50 companies of their own; the rest of the Accounts are the sandbox's extra_accounts
BULK_PAGE = 50_000
REST_PAGE = 2_000


def minimum_calls(path: str, accounts: int) -> int:
    """describe + COUNT() + the pages (REST) or job create + one poll + result pages (Bulk)."""
    if path == "rest":
        return 2 + math.ceil(accounts / REST_PAGE)
    return 2 + 2 + math.ceil(accounts / BULK_PAGE)


def run(accounts: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp, SandboxProcess(
        "salesforce", scale=POPULATION, profile="unlimited", state_dir=Path(tmp) / "sb",
        options={"extra_accounts": str(accounts - POPULATION // 8), "bulk_latency_s": "0.2"},
    ) as sb:
        admin = sb.admin()
        truth = admin.get("/_admin/truth/Account")["count"]
        cfg = parse_config(
            f"version: 1\nconnections:\n  salesforce_bench:\n    kind: salesforce\n    base_url: {sb.info.https_url}\n"
            f"    ca_bundle: {sb.info.ca_path}\n    auth: {{flow: client_credentials, "
            f"client_id: crmhub-sandbox-client, client_secret: crmhub-sandbox-secret}}\n    objects: [Account]\n")
        checker = QualityChecker(load_suites())
        checker.check("account", [{"source_id": "warm-up", "name": "x"}])  # GX import
        mapping = load_spec("salesforce")["Account"]
        for path, threshold in (("rest", truth + 1), ("bulk", 1)):
            for kind in ("sqlite", "postgresql"):
                with bench_store(kind, Path(tmp)) as engine:
                    if engine is None:
                        continue
                    connector = build_connector("salesforce_bench", cfg.connection("salesforce_bench"),
                                                settle_lag=timedelta(seconds=1),
                                                options={"bulk_threshold": threshold, "bulk_page": BULK_PAGE})
                    spec = spec_named(connector.objects, "Account", connection="salesforce_bench")
                    admin.reset_calls()
                    started = time.perf_counter()
                    full = run_stream(engine=engine, connector=connector, spec=spec, mapping=mapping,
                                      checker=checker)
                    seconds = time.perf_counter() - started
                    full_calls = connector.usage.calls
                    time.sleep(1.5)
                    before = connector.usage.calls
                    again = run_stream(engine=engine, connector=connector, spec=spec, mapping=mapping,
                                       checker=checker)
                    rows.append({
                        "path": path, "store": kind, "accounts": truth,
                        "records_per_s": round(full.counts.read / seconds), "seconds": round(seconds, 1),
                        "share_in_gx": round(full.seconds_in_quality / seconds, 3),
                        "api_calls": full_calls, "api_calls_minimum": minimum_calls(path, truth),
                        "unchanged_sync_calls": connector.usage.calls - before, "unchanged_minimum": 2,
                        "unchanged_upserted": again.counts.upserted, "reconciled": full.counts.reconciles(),
                        "peak_rss_mb": round(peak_rss_mb()),
                    })
    return rows


def main(quick: bool = False) -> list[dict[str, Any]]:
    rows = run(10_000 if quick else 100_000)
    save("salesforce_sync", rows)
    print("\n## Salesforce Accounts: sandbox -> store, REST and Bulk API 2.0\n")
    print(markdown(rows))
    return rows


if __name__ == "__main__":
    main()
