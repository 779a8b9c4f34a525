"""HubSpot contacts from the sandbox into SQLite and PostgreSQL: records/s, and API calls against the minimum.

The sandbox runs with its ``unlimited`` profile (no rate limits) so the figure is crmhub's, not HubSpot's
190-requests-per-10-seconds policy; the connector's own search limiter is lifted to match.
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

SHARE = 0.85  # of the population that the HubSpot sandbox makes contacts


def run(contacts: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp, SandboxProcess(
        "hubspot", scale=math.ceil(contacts / SHARE), profile="unlimited", state_dir=Path(tmp) / "sb"
    ) as sb:
        admin = sb.admin()
        truth = admin.get("/_admin/truth/contacts")["count"]
        cfg = parse_config(
            f"version: 1\nconnections:\n  hubspot_bench:\n    kind: hubspot\n    base_url: {sb.info.https_url}\n"
            f"    ca_bundle: {sb.info.ca_path}\n    auth: {{flow: private_app, token: "
            f"pat-na1-11111111-2222-3333-4444-555555555555}}\n    objects: [contacts]\n")
        checker = QualityChecker(load_suites())
        checker.check("contact", [{"source_id": "warm-up", "last_name": "x", "email": "a@b.co"}])  # GX import
        mapping = load_spec("hubspot")["contacts"]
        for kind in ("sqlite", "postgresql"):
            with bench_store(kind, Path(tmp)) as engine:
                if engine is None:
                    continue
                connector = build_connector("hubspot_bench", cfg.connection("hubspot_bench"),
                                            settle_lag=timedelta(seconds=1), options={"search_per_second": 1000})
                spec = spec_named(connector.objects, "contacts", connection="hubspot_bench")
                admin.reset_calls()
                started = time.perf_counter()
                full = run_stream(engine=engine, connector=connector, spec=spec, mapping=mapping, checker=checker)
                seconds = time.perf_counter() - started
                full_calls = admin.calls()["total"]
                time.sleep(1.5)
                admin.reset_calls()
                again = run_stream(engine=engine, connector=connector, spec=spec, mapping=mapping, checker=checker)
                rows.append({
                    "store": kind, "contacts": truth, "records_per_s": round(full.counts.read / seconds),
                    "seconds": round(seconds, 1), "share_in_gx": round(full.seconds_in_quality / seconds, 3),
                    "api_calls": full_calls, "api_calls_minimum": math.ceil(truth / 100),
                    "unchanged_sync_calls": admin.calls()["total"], "unchanged_minimum": 2,
                    "unchanged_upserted": again.counts.upserted, "reconciled": full.counts.reconciles(),
                    "peak_rss_mb": round(peak_rss_mb()),
                })
    return rows


def main(quick: bool = False) -> list[dict[str, Any]]:
    rows = run(10_000 if quick else 100_000)
    save("hubspot_sync", rows)
    print("\n## HubSpot contacts: sandbox -> store\n")
    print(markdown(rows))
    return rows


if __name__ == "__main__":
    main()
