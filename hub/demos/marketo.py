"""The demo's Marketo: client credentials, leads, their activities, programs, memberships and companies; a person's
edits, deletions and new behaviour (page visits, a form fill, email opens and clicks) between the two syncs."""

from __future__ import annotations

from typing import Any

from hub.demos import DemoCrm
from sandbox.common.launcher import SandboxAdmin, SandboxInfo

DEMO_MARKETO_SECRET = "crmhub-sandbox-secret"  # the sandbox's default client secret


def _marketo_block(info: SandboxInfo) -> dict[str, Any]:
    return {
        "kind": "marketo",
        "base_url": info.https_url,
        "ca_bundle": info.ca_path,
        "auth": {"flow": "client_credentials", "client_id": "crmhub-sandbox-client",
                 "client_secret": "${DEMO_MARKETO_SECRET}"},
        "objects": ["leads", "activities", "programs", "program_members", "companies"],
        "settle_lag_seconds": 2,
    }


def _marketo_edits(admin: SandboxAdmin) -> dict[str, Any]:
    done: dict[str, Any] = {"leads": admin.post("/_admin/random_edits/leads",
                                                {"seed": 11, "edits": 25, "deletes": 5, "creates": 10})}
    # New behaviour from leads that survived the edits: what lead scoring feeds on.
    live = admin.get("/_admin/truth/leads", ids="true")["ids"]
    behaviour = [
        {"activityTypeId": 1, "primaryAttributeValue": "/pricing"},
        {"activityTypeId": 1, "primaryAttributeValue": "/demo"},
        {"activityTypeId": 2, "primaryAttributeValueId": 1, "attributes": {"Form Fields": "{\"demo\": true}"}},
        {"activityTypeId": 10, "primaryAttributeValueId": 1001, "primaryAttributeValue": "Newsletter"},
        {"activityTypeId": 11, "primaryAttributeValueId": 1001, "primaryAttributeValue": "Newsletter",
         "attributes": {"Link": "https://example.com/pricing"}},
    ]
    logged = []
    for i, lead in enumerate(live[:20]):
        act = admin.post("/_admin/records/activities", {"fields": {"leadId": int(lead), **behaviour[i % 5]}})
        logged.append(str(act["marketoGUID"]))  # activities are keyed by marketoGUID (id may be absent)
    done["activities"] = {"created": logged}
    return done


DEMO = DemoCrm(
    "marketo_demo",
    "marketo",
    {"DEMO_MARKETO_SECRET": DEMO_MARKETO_SECRET},
    _marketo_block,
    _marketo_edits,
    ("leads", "activities", "programs", "program_members", "companies"),
    {"lead_score": "crmhubScore", "lead_grade": "crmhubGrade", "lead_reasons": "crmhubReasons"},
)
