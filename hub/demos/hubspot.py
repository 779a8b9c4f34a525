"""The demo's HubSpot: private-app token, eleven objects, a person's edits and a merge."""

from __future__ import annotations

from typing import Any

from hub.demos import DemoCrm
from sandbox.common.launcher import SandboxAdmin, SandboxInfo

DEMO_HUBSPOT_TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"  # the sandbox's default private-app token


def _hubspot_block(info: SandboxInfo) -> dict[str, Any]:
    return {
        "kind": "hubspot",
        "base_url": info.https_url,
        "ca_bundle": info.ca_path,
        "auth": {"flow": "private_app", "token": "${DEMO_HUBSPOT_TOKEN}"},
        "objects": ["contacts", "companies", "deals", "owners", "calls", "emails", "meetings", "notes", "tasks",
                    "products", "line_items"],
        "settle_lag_seconds": 2,
    }


def _hubspot_edits(admin: SandboxAdmin) -> dict[str, Any]:
    done: dict[str, Any] = {}
    for obj, (edits, deletes, creates) in {
        "contacts": (25, 5, 10),
        "companies": (5, 2, 3),
        "deals": (10, 3, 4),
    }.items():
        done[obj] = admin.post(
            f"/_admin/random_edits/{obj}", {"seed": 11, "edits": edits, "deletes": deletes, "creates": creates}
        )
    live = admin.get("/_admin/truth/contacts", ids="true")["ids"]
    survivor, absorbed = live[0], live[1]
    admin.post("/_admin/merge/contacts", {"primary": survivor, "merged": absorbed})
    done["merged"] = {"contacts": {"primary": survivor, "merged": absorbed}}
    return done


DEMO = DemoCrm(
    "hubspot_demo",
    "hubspot",
    {"DEMO_HUBSPOT_TOKEN": DEMO_HUBSPOT_TOKEN},
    _hubspot_block,
    _hubspot_edits,
    ("contacts", "companies", "deals", "owners", "calls", "emails", "meetings", "notes", "tasks", "products",
     "line_items"),
    {"lead_score": "crmhub_score", "lead_grade": "crmhub_grade", "lead_reasons": "crmhub_reasons",
     "win_probability": "crmhub_win_probability"},
)
