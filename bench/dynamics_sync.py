"""Dynamics 365 contacts from the sandbox into SQLite and PostgreSQL: records/s, and API calls against the minimum.

The sandbox runs with its ``unlimited`` profile (service protection reported in headers but never enforced), so
the figure is crmhub's. The first sync is a change-tracking read in pages of 5,000 (plus one table-definition call);
an unchanged sync is one call: the delta link answering "no changes".
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
from sandbox.common.launcher import SandboxAdmin, SandboxProcess
from sync.stream import run_stream

SHARE = 0.218  # contacts per person of the population (0.4 are in this org; about half of them contacts)
PAGE = 5_000
AUTH_ENDPOINTS = ("get_token", "openid_configuration", "instance_discovery")


def _api_calls(admin: SandboxAdmin) -> int:
    """Web API calls the sandbox served (token requests are Entra ID's, not Dataverse's)."""
    by = admin.calls()["by_endpoint"]
    return sum(n for name, n in by.items() if name not in AUTH_ENDPOINTS)


def run(contacts: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp, SandboxProcess(
        "dynamics", scale=math.ceil(contacts / SHARE), profile="unlimited", state_dir=Path(tmp) / "sb"
    ) as sb:
        admin = sb.admin()
        creds = admin.get("/_admin/credentials")
        truth = admin.get("/_admin/truth/contacts")["count"]
        url = sb.info.https_url
        cfg = parse_config(
            f"version: 1\nconnections:\n  dynamics_bench:\n    kind: dynamics\n    base_url: {url}\n"
            f"    authority_url: {url}\n    ca_bundle: {sb.info.ca_path}\n    auth: {{flow: client_credentials, "
            f"tenant_id: {creds['tenant_id']}, client_id: {creds['client_id']}, "
            f"client_secret: {creds['client_secret']}}}\n    objects: [contacts]\n")
        checker = QualityChecker(load_suites())
        checker.check("contact", [{"source_id": "warm-up", "last_name": "x", "email": "a@b.co"}])  # GX import
        mapping = load_spec("dynamics")["contacts"]
        for kind in ("sqlite", "postgresql"):
            with bench_store(kind, Path(tmp)) as engine:
                if engine is None:
                    continue
                connector = build_connector("dynamics_bench", cfg.connection("dynamics_bench"),
                                            settle_lag=timedelta(seconds=1))
                spec = spec_named(connector.objects, "contacts", connection="dynamics_bench")
                admin.reset_calls()
                started = time.perf_counter()
                full = run_stream(engine=engine, connector=connector, spec=spec, mapping=mapping, checker=checker)
                seconds = time.perf_counter() - started
                full_calls = _api_calls(admin)
                admin.reset_calls()
                again = run_stream(engine=engine, connector=connector, spec=spec, mapping=mapping, checker=checker)
                rows.append({
                    "store": kind, "contacts": truth, "records_per_s": round(full.counts.read / seconds),
                    "seconds": round(seconds, 1), "share_in_gx": round(full.seconds_in_quality / seconds, 3),
                    "api_calls": full_calls, "api_calls_minimum": math.ceil(truth / PAGE) + 1,
                    "unchanged_sync_calls": _api_calls(admin), "unchanged_minimum": 1,
                    "unchanged_upserted": again.counts.upserted, "reconciled": full.counts.reconciles(),
                    "status": full.status, "peak_rss_mb": round(peak_rss_mb()),
                })
                connector.close()
    return rows


def main(quick: bool = False) -> list[dict[str, Any]]:
    rows = run(10_000 if quick else 100_000)
    save("dynamics_sync", rows)
    print("\n## Dynamics 365 contacts: sandbox -> store\n")
    print(markdown(rows))
    return rows


if __name__ == "__main__":
    main()
