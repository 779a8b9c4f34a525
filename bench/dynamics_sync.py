"""Dynamics 365 contacts from the sandbox into SQLite and PostgreSQL.

The sandbox runs with its ``unlimited`` profile (service protection reported in headers but never enforced), so
the figure is crmhub's. The first sync is a change-tracking read in pages of 5,000 (plus one table-definition call);
an unchanged sync is one call: the delta link answering "no changes".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from bench.common import QUICK_RECORDS
from bench.sync import SyncCase, sync_figures
from sandbox.common.launcher import SandboxAdmin, SandboxInfo

SHARE = 0.218  # contacts per person of the population (0.4 are in this org; about half of them contacts)
PAGE = 5_000


def _connection(info: SandboxInfo, admin: SandboxAdmin) -> str:
    creds = admin.get("/_admin/credentials")
    return (f"    base_url: {info.https_url}\n    authority_url: {info.https_url}\n    ca_bundle: {info.ca_path}\n"
            f"    auth: {{flow: client_credentials, tenant_id: {creds['tenant_id']}, "
            f"client_id: {creds['client_id']}, client_secret: {creds['client_secret']}}}\n")


def _minimum(variant: str, records: int, calls: Mapping[str, int]) -> int:
    return math.ceil(records / PAGE) + 1


CASE = SyncCase(
    module=__name__, crm="dynamics", object="contacts", entity="contact",
    warm_up={"source_id": "warm-up", "last_name": "x", "email": "a@b.co"},
    sandbox=lambda volume: (math.ceil(volume / SHARE), {}),
    connection=_connection, minimum_calls=_minimum, unchanged_minimum=1,
    auth_endpoints=("get_token", "openid_configuration", "instance_discovery"),
)


def volumes(quick: bool) -> list[int]:
    return [QUICK_RECORDS] if quick else [10_000, 100_000]


def main(quick: bool = False) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for volume in volumes(quick):
        print(f"  Dynamics 365 contacts: {volume:,}", flush=True)
        rows += sync_figures(CASE, volume)
    return rows
