"""The contract suite's Marketo: client credentials, leads, activities, programs, their members and the company
rollup; leads as the edited object.

A page size of 50 makes the first load of the small sandbox span several pages, so a failure can strike mid-load.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox.common.launcher import SandboxInfo, SandboxProcess
from tests.contract.harness import Harness

CLIENT_SECRET = "crmhub-sandbox-secret"
OBJECTS = ("leads", "activities", "programs", "program_members", "companies")


def marketo_block(info: SandboxInfo) -> str:
    return (
        f"    kind: marketo\n    base_url: {info.https_url}\n    ca_bundle: {info.ca_path}\n"
        f"    auth: {{flow: client_credentials, client_id: crmhub-sandbox-client, client_secret: {CLIENT_SECRET}}}\n"
        f"    objects: [{', '.join(OBJECTS)}]\n    page_size: 50\n"
    )


def marketo_break(obj: str) -> dict[str, Any]:
    """Marketo fails under HTTP 200: a non-retryable envelope error on the lead listing."""
    path = "^/rest/v1/leads.json$" if obj == "leads" else "^/rest/v1/activities.json$"
    return {
        "path": path,
        "method": "GET",
        "status": 200,
        "times": 1,
        "body": {"requestId": "dead#beef", "success": False,
                 "errors": [{"code": "1003", "message": "injected failure"}]},
    }


def id_age(record_id: str) -> tuple[int, ...]:
    """Lead and program ids are numbers; a program member's is ``<program id>:<lead id>``."""
    return tuple(int(part) for part in record_id.split(":"))


def purge_lead(crm: Harness, obj: str, record_id: str) -> None:
    """A lead deleted so long ago that its Delete Lead activity aged out: deletedleads no longer shows it."""
    crm.admin.delete(f"/_admin/records/{obj}/{record_id}?mode=purge")


def start(state: Path, scale: int, **sandbox: Any) -> tuple[SandboxProcess, Harness]:
    sb = SandboxProcess("marketo", scale=scale, state_dir=state, **sandbox)
    sb.start()
    return sb, Harness(
        "marketo",
        "marketo_test",
        sb.info,
        sb.admin(),
        marketo_block,
        OBJECTS,
        "leads",
        "title",
        marketo_break,
        wrong_secret=(CLIENT_SECRET, "crmhub-sandbox-wrong-0"),
        missing_id="999999999",
        merges=False,
        unchanged_calls=3,
        id_order=id_age,
        deletable=("leads", "programs", "program_members"),  # activities go with their lead (a cascade)
        purge=purge_lead,
        reconcile_note="lead id listing",
    )
