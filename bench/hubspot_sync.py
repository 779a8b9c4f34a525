"""HubSpot contacts from the sandbox into SQLite and PostgreSQL, beside the naive script and dlt on the same data.

The sandbox runs with its ``unlimited`` profile (no rate limits) so the figure is crmhub's, not HubSpot's
190-requests-per-10-seconds policy; the connector's own search limiter is lifted to match. The minimum for a full
read is one list page per 100 contacts; an incremental read is search pages of 200 plus the archived list.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bench import dlt_hubspot, naive
from bench.common import QUICK_RECORDS
from bench.sync import SyncCase, Variant, sync_figures
from sandbox.common.launcher import SandboxAdmin, SandboxInfo

SHARE = 0.85  # of the population that the HubSpot sandbox makes contacts
TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"  # the sandbox's private-app token, not a secret


def _connection(info: SandboxInfo, admin: SandboxAdmin) -> str:
    return (f"    base_url: {info.https_url}\n    ca_bundle: {info.ca_path}\n"
            f"    auth: {{flow: private_app, token: {TOKEN}}}\n")


def _minimum(variant: str, records: int, calls: Mapping[str, int]) -> int:
    return math.ceil(records / 100)


CASE = SyncCase(
    module=__name__, crm="hubspot", object="contacts", entity="contact",
    warm_up={"source_id": "warm-up", "last_name": "x", "email": "a@b.co"},
    sandbox=lambda volume: (math.ceil(volume / SHARE), {}),
    connection=_connection, minimum_calls=_minimum, unchanged_minimum=2,
    variants=(Variant("", {"search_per_second": 1000}),),
)


def alternatives(info: SandboxInfo, truth: int, workdir: Path) -> list[dict[str, Any]]:
    return naive.hubspot_rows(info, TOKEN, truth, workdir) + dlt_hubspot.rows(info, TOKEN, truth, workdir)


def volumes(quick: bool) -> list[int]:
    return [QUICK_RECORDS] if quick else [10_000, 100_000, 1_000_000]


def main(quick: bool = False, *, compare_up_to: int = 100_000) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for volume in volumes(quick):
        print(f"  HubSpot contacts: {volume:,}", flush=True)
        rows += sync_figures(CASE, volume, alternatives=alternatives if volume <= compare_up_to else None)
    return rows
