"""The demo's Dynamics 365: Entra ID client credentials, the standard tables (issue 17's too), the org's two custom
tables mapped in config, knowledge articles and three more custom tables kept as typed raw tables (each tagged with its
registry model), and a person's edits and deletes.

Deletes of accounts cascade in Dataverse (their contacts, opportunities, activities and cases go too); the delta
links of those tables report them, which the comparison with the sandbox's truth checks. The opportunity-competitor
links have no delta link nor modifiedon: a disassociation shows only as an id missing from the next listing.
"""

from __future__ import annotations

from typing import Any

from hub.demos import DemoCrm
from sandbox.common.launcher import SandboxAdmin, SandboxInfo

# The sandbox's fixed app registration (GET /_admin/credentials).
DEMO_DYNAMICS_TENANT = "7f3c2a9e-5d41-4b8e-9c16-2a0f8e4d6b31"
DEMO_DYNAMICS_CLIENT_ID = "3b9d8c1a-6e2f-4a57-8d09-c4e1f7a2b580"
DEMO_DYNAMICS_SECRET = "sandbox-dynamics-secret"
STANDARD = ("accounts", "contacts", "leads", "opportunities", "systemusers", "teams", "campaigns", "phonecalls",
            "emails", "appointments", "tasks", "products", "opportunityproducts", "incidents", "competitors",
            "opportunitycompetitorscollection", "territories", "goals", "contracts", "quotes", "processstages",
            "transactioncurrencies", "organizations")
_COLOURS = {"100000000": "green", "100000001": "amber", "100000002": "red"}
# The org's custom tables, mapped in the connection's config (no spec file can know an org's custom tables);
# choices by their values (the default publisher's option value prefix, 100000000), lookups by table.
CUSTOM_MAPPINGS: dict[str, dict[str, Any]] = {
    "new_customerhealth": {"entity": "customer_health", "fields": {
        "account_id": {"from": "_new_accountid_value", "ref": "accounts"}, "recorded_on": "new_recordedon",
        "score": "new_score", "status": {"from": "new_status", "transform": "map", "values": _COLOURS},
        "churn_risk": "new_churnrisk", "created_at": "createdon", "updated_at": "modifiedon"},
        "custom": ["new_name"]},
    "new_qbr": {"entity": "qbr", "fields": {
        "account_id": {"from": "_new_accountid_value", "ref": "accounts"},
        "owner_id": {"from": "_ownerid_value@systemuser", "ref": "systemusers"}, "held_on": "new_heldon",
        "status": {"from": "new_status", "transform": "map",
                   "values": {"100000000": "planned", "100000001": "held", "100000002": "cancelled"}},
        "review_type": {"from": "new_reviewtype", "transform": "map",
                        "values": {"100000000": "qbr", "100000001": "strategic_review"}},
        "health_rating": {"from": "new_healthrating", "transform": "map", "values": _COLOURS},
        "outcome": "new_outcome", "created_at": "createdon", "updated_at": "modifiedon"},
        "custom": ["new_name"]},
}
# Tables no canonical entity holds: kept as typed raw tables, each tagged with the registry model it holds. Whole
# numbers and choices already come typed from the metadata; the Customer Goal's decimals stay numbers.
RAW_OBJECTS: dict[str, dict[str, Any]] = {
    "knowledgearticles": {"model": "KNOWLEDGE_BASE"},
    "new_sla": {"model": "SLA"},
    "new_customeronboarding": {"model": "CUSTOMER_ONBOARDING"},
    "new_customergoal": {"model": "CUSTOMER_GOAL"},
}
OBJECTS = (*STANDARD, *CUSTOM_MAPPINGS, *RAW_OBJECTS)
# The org marks the accounts it manages as key accounts with the Category "Preferred Customer" (the other is
# "Standard"); the key-account KPIs count them.
KEY_ACCOUNTS: dict[str, dict[str, Any]] = {
    "accounts": {"values": {"accountcategorycode@label": {"Preferred Customer": "key"}}}}


def _dynamics_block(info: SandboxInfo) -> dict[str, Any]:
    return {
        "kind": "dynamics",
        "base_url": info.https_url,
        "authority_url": info.https_url,  # Entra ID is emulated on the sandbox's own host
        "ca_bundle": info.ca_path,
        "auth": {"flow": "client_credentials", "tenant_id": DEMO_DYNAMICS_TENANT,
                 "client_id": DEMO_DYNAMICS_CLIENT_ID, "client_secret": "${DEMO_DYNAMICS_SECRET}"},
        "objects": {obj: RAW_OBJECTS.get(obj, {}) for obj in OBJECTS},
        "mapping": {**CUSTOM_MAPPINGS, **KEY_ACCOUNTS},
        "settle_lag_seconds": 2,
    }


def _dynamics_edits(admin: SandboxAdmin) -> dict[str, Any]:
    done: dict[str, Any] = {}
    for obj, (edits, deletes, creates) in {
        "contacts": (25, 5, 10),
        "accounts": (5, 2, 3),
        "leads": (10, 3, 5),
        "opportunities": (10, 3, 4),
        "phonecalls": (5, 2, 0),
        "opportunityproducts": (5, 2, 2),  # quantities and discounts retyped: Dataverse recomputes the amounts
        "incidents": (5, 2, 3),
        "quotes": (3, 1, 1),
        "goals": (2, 0, 0),
        "new_qbr": (5, 2, 3),
        "new_customerhealth": (3, 1, 2),
        "knowledgearticles": (3, 1, 0),
        "new_sla": (2, 0, 0),
        "new_customeronboarding": (3, 1, 1),
        "new_customergoal": (4, 2, 2),
        # associations are only created and deleted; a disassociation leaves no trace but the next listing's
        "opportunitycompetitorscollection": (0, 2, 2),
    }.items():
        done[obj] = admin.post(
            f"/_admin/random_edits/{obj}", {"seed": 11, "edits": edits, "deletes": deletes, "creates": creates}
        )
    # Users are not change-tracked: their edits arrive through a modifiedon window.
    user = admin.get("/_admin/truth/systemusers", ids="true")["ids"][0]
    admin.patch(f"/_admin/records/systemusers/{user}", {"fields": {"title": "Head of Demo"}})
    done["systemusers"] = {"edited": [user]}
    return done


DEMO = DemoCrm(
    "dynamics_demo",
    "dynamics",
    {"DEMO_DYNAMICS_SECRET": DEMO_DYNAMICS_SECRET},
    _dynamics_block,
    _dynamics_edits,
    OBJECTS,
    {"lead_score": "crmhub_score", "lead_grade": "crmhub_grade", "lead_reasons": "crmhub_reasons",
     "win_probability": "crmhub_winprobability", "deal_warnings": "crmhub_dealwarnings"},
)
