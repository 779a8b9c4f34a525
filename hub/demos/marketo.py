"""The demo's Marketo: client credentials, leads, their activities, programs, memberships and companies, two custom
objects mapped in the config (product usage snapshots, NPS answers), and what no canonical entity holds, kept as
typed raw tables and tagged with the registry model each fills: the customer programmes' custom objects (loyalty
memberships, community memberships, advocacy activities) and the Design Studio files (CONTENT). Between the syncs a
person edits, deletes and creates leads, behaves (page visits, a form fill, email opens and clicks), changes NPS
answers and programme records, and uploads, replaces and deletes files.

The custom objects are listed on every read (``custom_reconcile_hours: 0``): Marketo leaves no trace of a deleted
custom object record, and the leads the demo deletes take theirs with them. Their bulk export jobs complete at once
(``export_job_s=0``) where Marketo's take minutes."""

from __future__ import annotations

from typing import Any

from hub.demos import DemoCrm
from sandbox.common.launcher import SandboxAdmin, SandboxInfo

DEMO_MARKETO_SECRET = "crmhub-sandbox-secret"  # the sandbox's default client secret
# The sandbox's custom objects as an admin maps them: the account is the linked lead's company rollup.
CUSTOM_OBJECTS: dict[str, Any] = {
    "productUsage_c": {
        "entity": "product_usage",
        "fields": {"account_id": {"from": "companyKey", "ref": "companies"}, "period_start": "periodStart",
                   "active_users": "activeUsers", "licensed_users": "licensedUsers", "usage_events": "usageEvents",
                   "created_at": "createdAt", "updated_at": "updatedAt"},
        "custom": ["productCode", "usageId", "leadID"],
    },
    "npsResponse_c": {
        "entity": "feedback",
        "fields": {"account_id": {"from": "companyKey", "ref": "companies"}, "received_on": "respondedOn",
                   "feedback_type": {"const": "nps"}, "score": "score", "channel": "channel", "comment": "comment",
                   "created_at": "createdAt", "updated_at": "updatedAt"},
        "custom": ["surveyName", "responseId", "leadID"],
    },
}
STANDARD = ("leads", "activities", "programs", "program_members", "companies")
# Objects no mapping holds: each lands in its typed raw table, and its `model:` says which registry model it fills.
RAW_MODELS = {"loyaltyProgram_c": "LOYALTY_PROGRAM", "customerCommunity_c": "CUSTOMER_COMMUNITY",
              "advocacyProgram_c": "CUSTOMER_ADVOCACY_PROGRAM", "files": "CONTENT"}
OBJECTS = (*STANDARD, *CUSTOM_OBJECTS, *RAW_MODELS)
# A person's changes between the syncs, per raw object: (edits, deletes, creates)
RAW_EDITS = {"loyaltyProgram_c": (3, 1, 1), "customerCommunity_c": (6, 2, 3), "advocacyProgram_c": (3, 1, 2),
             "files": (3, 1, 2)}


def _marketo_block(info: SandboxInfo) -> dict[str, Any]:
    return {
        "kind": "marketo",
        "base_url": info.https_url,
        "ca_bundle": info.ca_path,
        "auth": {"flow": "client_credentials", "client_id": "crmhub-sandbox-client",
                 "client_secret": "${DEMO_MARKETO_SECRET}"},
        "objects": {name: {"model": RAW_MODELS[name]} if name in RAW_MODELS else {} for name in OBJECTS},
        "settle_lag_seconds": 2,
        "custom_reconcile_hours": 0,
        "mapping": CUSTOM_OBJECTS,
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
    done["npsResponse_c"] = admin.post("/_admin/random_edits/npsResponse_c",
                                       {"seed": 11, "edits": 6, "deletes": 3, "creates": 4})
    for name, (edits, deletes, creates) in RAW_EDITS.items():
        done[name] = admin.post(f"/_admin/random_edits/{name}",
                                {"seed": 11, "edits": edits, "deletes": deletes, "creates": creates})
    return done


DEMO = DemoCrm(
    "marketo_demo",
    "marketo",
    {"DEMO_MARKETO_SECRET": DEMO_MARKETO_SECRET},
    _marketo_block,
    _marketo_edits,
    OBJECTS,
    {"lead_score": "crmhubScore", "lead_grade": "crmhubGrade", "lead_reasons": "crmhubReasons"},
    {"export_job_s": "0"},
)
