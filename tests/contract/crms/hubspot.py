"""The contract suite's HubSpot: a private-app token, its standard objects, contacts as the edited object (its custom
objects: ``hubspot_custom.py``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from sandbox.common.launcher import SandboxInfo, SandboxProcess
from tests.contract.harness import Harness

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"  # the sandbox's private-app token (test-only)
OBJECTS = ("contacts", "companies", "deals", "owners", "calls", "emails", "meetings", "notes", "tasks", "products",
           "line_items", "tickets", "quotes", "goal_targets", "feedback_submissions", "deal_stages",
           "deal_contact_roles")


def hubspot_block(info: SandboxInfo, objects: tuple[str, ...] = OBJECTS,
                  mapping: Mapping[str, Any] | None = None) -> str:
    block = (
        f"    kind: hubspot\n    base_url: {info.https_url}\n    ca_bundle: {info.ca_path}\n"
        f"    auth: {{flow: private_app, token: {TOKEN}}}\n"
        f"    objects: [{', '.join(objects)}]\n"
    )
    return block + (f"    mapping: {json.dumps(mapping)}\n" if mapping else "")


def hubspot_break(obj: str) -> dict[str, Any]:
    return {
        "path": f"^/crm/v3/objects/{obj}(/search)?$",
        "status": 400,
        "times": 1,
        "body": {
            "status": "error",
            "message": "injected failure",
            "category": "VALIDATION_ERROR",
            "correlationId": "00000000-0000-0000-0000-000000000000",
        },
    }


def gdpr_delete(crm: Harness, obj: str, record_id: str) -> None:
    """HubSpot's GDPR delete, through the public API: the contact is purged, no archived list shows it."""
    with httpx.Client(base_url=crm.info.https_url, verify=crm.info.ca_path,
                      headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60) as api:
        resp = api.post(f"/crm/v3/objects/{obj}/gdpr-delete", json={"objectId": record_id})
    assert resp.status_code == 204, resp.text


def start(state: Path, scale: int) -> tuple[SandboxProcess, Harness]:
    sb = SandboxProcess("hubspot", scale=scale, state_dir=state, options={"search_lag_ms": "200"})
    sb.start()
    return sb, hubspot_harness(sb, "hubspot_test", ("contacts", "companies", "deals", "owners", "calls", "notes",
                                                   "products", "line_items", "tickets", "quotes", "goal_targets",
                                                   "feedback_submissions", "deal_stages", "deal_contact_roles"))


def hubspot_harness(sb: SandboxProcess, connection: str, objects: tuple[str, ...]) -> Harness:
    return Harness(
        "hubspot",
        connection,
        sb.info,
        sb.admin(),
        hubspot_block,
        objects,
        "contacts",
        "jobtitle",
        hubspot_break,
        wrong_secret=("pat-na1-11111111", "pat-na1-99999999"),
        missing_id="999999999",
        id_order=int,
        deletable=("contacts", "companies", "deals", "calls", "notes", "products", "line_items", "tickets", "quotes"),
        purge=gdpr_delete,
        reconcile_note="id reconciliation",
    )
