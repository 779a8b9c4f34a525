"""The contract suite's Salesforce: client-credentials OAuth, twelve objects, Contact as the edited object.

Pages are Salesforce's smallest (200 records) and the population twice the suite's default, so the resume test's
injected failure lands on the second page of Contacts, after the first has landed with its cursor.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from config import parse_config
from connectors.registry import build_connector
from connectors.salesforce.connector import SalesforceConnector
from sandbox.common.launcher import SandboxAdmin, SandboxInfo, SandboxProcess
from tests.contract.harness import Harness

OBJECTS = ("Account", "Contact", "Lead", "Opportunity", "OpportunityHistory", "Task", "Event", "User", "Campaign",
           "CampaignMember", "Product2", "OpportunityLineItem")
CLIENT_SECRET = "crmhub-sandbox-secret"


def salesforce_block(info: SandboxInfo, objects: tuple[str, ...] = OBJECTS,
                     mapping: dict[str, Any] | None = None) -> str:
    return (
        f"    kind: salesforce\n    base_url: {info.https_url}\n    ca_bundle: {info.ca_path}\n"
        f"    auth: {{flow: client_credentials, client_id: crmhub-sandbox-client, client_secret: {CLIENT_SECRET}}}\n"
        f"    objects: [{', '.join(objects)}]\n    page_size: 200\n    overlap_seconds: 5\n"
        + (f"    mapping: {json.dumps(mapping)}\n" if mapping else "")
    )


def salesforce_break(obj: str) -> dict[str, Any]:
    """Every SOQL call (query, queryAll, nextRecordsUrl) fails with a 400 Salesforce will not take back on retry."""
    return {
        "path": r"^/services/data/v[0-9.]+/query",
        "status": 400,
        "times": 1,
        "body": [{"message": "injected failure", "errorCode": "MALFORMED_QUERY"}],
    }


def purge_without_trail(crm: Harness, obj: str, record_id: str) -> None:
    """Deleted and emptied from the Recycle Bin, and the delete log trimmed (Salesforce's background purge of a
    large delete log): neither queryAll nor deleted/ shows it, only the Id's absence."""
    crm.admin.delete(f"/_admin/records/{obj}/{record_id}?mode=purge")
    assert crm.admin.post(f"/_admin/trim_delete_log/{obj}", {"ids": [record_id]})["trimmed"] == [record_id]


def start(state: Path, scale: int) -> tuple[SandboxProcess, Harness]:
    sb = SandboxProcess("salesforce", scale=scale * 2, state_dir=state)
    sb.start()
    return sb, salesforce_harness(sb, "salesforce_test", OBJECTS)


def salesforce_harness(sb: SandboxProcess, connection: str, objects: tuple[str, ...]) -> Harness:
    return Harness(
        "salesforce",
        connection,
        sb.info,
        sb.admin(),
        salesforce_block,
        objects,
        "Contact",
        "Title",
        salesforce_break,
        wrong_secret=(CLIENT_SECRET, "crmhub-wrong-secret-9"),
        missing_id="003000000000000AAA",
        unchanged_calls=3,
        deletable=("Account", "Contact", "Lead", "Opportunity", "Task", "Event", "Campaign", "CampaignMember",
                   "Product2", "OpportunityLineItem"),  # OpportunityHistory goes with its Opportunity; Users never
        purge=purge_without_trail,
        reconcile_note="Id reconciliation",
    )


def connector(info: SandboxInfo, *, connection: str = "salesforce_test", extra: str = "",
              clock: Callable[[], datetime] | None = None, **options: Any) -> SalesforceConnector:
    """A connector on the sandbox with ``options`` (see connectors/salesforce/config.py) and YAML ``extra`` lines."""
    cfg = parse_config(f"version: 1\nconnections:\n  {connection}:\n{salesforce_block(info)}{extra}")
    built = build_connector(connection, cfg.connection(connection), settle_lag=timedelta(seconds=1), clock=clock,
                            options=options)
    assert isinstance(built, SalesforceConnector)
    return built


def sandbox_clock(admin: SandboxAdmin) -> Callable[[], datetime]:
    """The sandbox's own clock, so a test can move time (late commits, session timeouts, 30-day reaches)."""
    return lambda: datetime.fromisoformat(admin.get("/_admin/clock")["now"])
