"""The demo's Dynamics 365: Entra ID client credentials, thirteen tables, a person's edits and deletes.

Deletes of accounts cascade in Dataverse (their contacts, opportunities and activities go too); the delta links of
those tables report them, which the comparison with the sandbox's truth checks.
"""

from __future__ import annotations

from typing import Any

from hub.demos import DemoCrm
from sandbox.common.launcher import SandboxAdmin, SandboxInfo

# The sandbox's fixed app registration (GET /_admin/credentials).
DEMO_DYNAMICS_TENANT = "7f3c2a9e-5d41-4b8e-9c16-2a0f8e4d6b31"
DEMO_DYNAMICS_CLIENT_ID = "3b9d8c1a-6e2f-4a57-8d09-c4e1f7a2b580"
DEMO_DYNAMICS_SECRET = "sandbox-dynamics-secret"
OBJECTS = ("accounts", "contacts", "leads", "opportunities", "systemusers", "teams", "campaigns", "phonecalls",
           "emails", "appointments", "tasks", "products", "opportunityproducts")


def _dynamics_block(info: SandboxInfo) -> dict[str, Any]:
    return {
        "kind": "dynamics",
        "base_url": info.https_url,
        "authority_url": info.https_url,  # Entra ID is emulated on the sandbox's own host
        "ca_bundle": info.ca_path,
        "auth": {"flow": "client_credentials", "tenant_id": DEMO_DYNAMICS_TENANT,
                 "client_id": DEMO_DYNAMICS_CLIENT_ID, "client_secret": "${DEMO_DYNAMICS_SECRET}"},
        "objects": list(OBJECTS),
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
     "win_probability": "crmhub_winprobability"},
)
