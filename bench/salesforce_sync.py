"""Salesforce Accounts from the sandbox into SQLite and PostgreSQL, through REST and through Bulk API 2.0, beside
the naive simple-salesforce script on the same data.

Each path is forced with ``bulk_threshold`` (REST: above any volume; Bulk: 1). The sandbox runs with its
``unlimited`` profile (the daily allocation counted, never refused) and ``extra_accounts`` on a small population, so
the volume is Accounts alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bench import naive
from bench.common import QUICK_RECORDS
from bench.sync import SyncCase, Variant, sync_figures
from sandbox.common.launcher import SandboxAdmin, SandboxInfo

POPULATION = 400  # 50 companies of their own; the rest of the Accounts are the sandbox's extra_accounts
BULK_PAGE = 50_000
REST_PAGE = 2_000
CLIENT = "client_id: crmhub-sandbox-client, client_secret: crmhub-sandbox-secret"  # the sandbox's, not secrets


def _connection(info: SandboxInfo, admin: SandboxAdmin) -> str:
    return (f"    base_url: {info.https_url}\n    ca_bundle: {info.ca_path}\n"
            f"    auth: {{flow: client_credentials, {CLIENT}}}\n")


def _minimum(variant: str, records: int, calls: Mapping[str, int]) -> int:
    """describe + COUNT() + the pages (REST) or job create + one poll + result pages (Bulk)."""
    if variant == "rest":
        return 2 + math.ceil(records / REST_PAGE)
    return 2 + 2 + math.ceil(records / BULK_PAGE)


CASE = SyncCase(
    module=__name__, crm="salesforce", object="Account", entity="account",
    warm_up={"source_id": "warm-up", "name": "x"},
    sandbox=lambda volume: (POPULATION, {"extra_accounts": str(volume - POPULATION // 8), "bulk_latency_s": "0.2"}),
    connection=_connection, minimum_calls=_minimum, unchanged_minimum=2, auth_endpoints=("oauth_token",),
    variants=(Variant("rest", {"bulk_threshold": 10**9}, max_volume=100_000),
              Variant("bulk", {"bulk_threshold": 1, "bulk_page": BULK_PAGE})),
)


def alternatives(info: SandboxInfo, truth: int, workdir: Path) -> list[dict[str, Any]]:
    return naive.salesforce_rows(info, truth, workdir)


def volumes(quick: bool) -> list[int]:
    return [QUICK_RECORDS] if quick else [10_000, 100_000, 1_000_000]


def main(quick: bool = False, *, compare_up_to: int = 100_000) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for volume in volumes(quick):
        print(f"  Salesforce Accounts: {volume:,}", flush=True)
        rows += sync_figures(CASE, volume, alternatives=alternatives if volume <= compare_up_to else None)
    return rows
