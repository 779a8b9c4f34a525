"""The demo's HubSpot: private-app token, its standard objects, two custom objects mapped in the demo's config and
four more kept as typed raw tables (each tagged with its registry model), a person's edits (a merge, a relabelled
contact role, custom records) between the syncs."""

from __future__ import annotations

from typing import Any

from hub.demos import DemoCrm
from sandbox.common.launcher import SandboxAdmin, SandboxInfo

DEMO_HUBSPOT_TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"  # the sandbox's default private-app token
OBJECTS = ("contacts", "companies", "deals", "owners", "calls", "emails", "meetings", "notes", "tasks", "products",
           "line_items", "tickets", "quotes", "goal_targets", "feedback_submissions", "deal_stages",
           "deal_contact_roles", "p_channel_partner", "p_partner_deal", "p_partner_portal_activity",
           "p_incentive_program", "p_market", "p_sales_content")
# The sandbox's custom objects (Channel Partner, Partner Deal) mapped in config, as an admin maps a custom object no
# spec file knows; a partner deal's partner is an association to the other custom object.
CUSTOM_MAPPINGS: dict[str, Any] = {
    "p_channel_partner": {"entity": "channel_partner", "fields": {
        "name": "partner_name", "account_id": {"from": "associations.companies", "ref": "companies"},
        "tier": "partner_tier", "status": "partner_status", "country": "country",
        "owner_id": {"from": "hubspot_owner_id", "ref": "owners"}, "joined_on": "joined_on",
        "created_at": "hs_createdate", "updated_at": "hs_lastmodifieddate"}},
    "p_partner_deal": {"entity": "partner_deal", "fields": {
        "partner_id": {"from": "associations.p_channel_partner", "ref": "p_channel_partner"},
        "opportunity_id": {"from": "associations.deals", "ref": "deals"},
        "account_id": {"from": "associations.companies", "ref": "companies"}, "amount": "amount",
        "currency": "currency", "status": "registration_status", "registered_on": "registered_on",
        "closed_on": "closed_on", "created_at": "hs_createdate", "updated_at": "hs_lastmodifieddate"}},
}

# Custom objects no canonical entity holds: kept as typed raw tables, each tagged with the registry model it holds.
# HubSpot types every number property ``number``; the counts among them are typed as whole numbers, and a reference
# (an association, which discover lists as ``associations.<type>``) as the other record's id.
RAW_OBJECTS: dict[str, dict[str, Any]] = {
    "p_partner_portal_activity": {"model": "PARTNER_PORTAL", "types": {
        "logins": "integer", "active_users": "integer", "deals_registered": "integer", "content_downloads": "integer",
        "associations.p_channel_partner": "string"}},
    "p_incentive_program": {"model": "INCENTIVE_PROGRAM", "types": {"associations.p_channel_partner": "string"}},
    "p_market": {"model": "MARKET"},
    "p_sales_content": {"model": "SALES_CONTENT", "types": {
        "uses": "integer", "uses_in_won_deals": "integer", "associations.products": "string"}},
}

# The portal's account-based marketing: its ideal-customer-profile tier 1 companies are its target accounts
# (hs_is_target_account), the accounts it manages as key accounts; the key-account KPIs count them.
KEY_ACCOUNTS: dict[str, dict[str, Any]] = {"companies": {"values": {"hs_ideal_customer_profile": {"tier_1": "key"}}}}


def _hubspot_block(info: SandboxInfo) -> dict[str, Any]:
    return {
        "kind": "hubspot",
        "base_url": info.https_url,
        "ca_bundle": info.ca_path,
        "auth": {"flow": "private_app", "token": "${DEMO_HUBSPOT_TOKEN}"},
        "objects": {obj: RAW_OBJECTS.get(obj, {}) for obj in OBJECTS},
        "mapping": {**CUSTOM_MAPPINGS, **KEY_ACCOUNTS},
        "settle_lag_seconds": 2,
    }


def _hubspot_edits(admin: SandboxAdmin) -> dict[str, Any]:
    done: dict[str, Any] = {}
    for obj, (edits, deletes, creates) in {
        "contacts": (25, 5, 10),
        "companies": (5, 2, 3),
        "deals": (10, 3, 4),
        "tickets": (6, 1, 3),
        "quotes": (3, 1, 2),
        "p_channel_partner": (3, 1, 2),
        "p_partner_deal": (4, 1, 2),
        "p_partner_portal_activity": (3, 1, 2),
        "p_incentive_program": (2, 1, 1),
        "p_market": (2, 1, 1),
        "p_sales_content": (3, 1, 2),
    }.items():
        done[obj] = admin.post(
            f"/_admin/random_edits/{obj}", {"seed": 11, "edits": edits, "deletes": deletes, "creates": creates}
        )
    live = admin.get("/_admin/truth/contacts", ids="true")["ids"]
    survivor, absorbed = live[0], live[1]
    admin.post("/_admin/merge/contacts", {"primary": survivor, "merged": absorbed})
    done["merged"] = {"contacts": {"primary": survivor, "merged": absorbed}}
    # A rep names a contact's role on a deal (an association label): the deal changes, and so does the role.
    deal, contact = admin.get("/_admin/truth/deal_contact_roles", ids="true")["ids"][-1].split("_")
    admin.put(f"/_admin/associations/deals/{deal}/contacts/{contact}", {"labels": ["Economic buyer"]})
    done["relabelled"] = {"deal": deal, "contact": contact, "role": "Economic buyer"}
    return done


DEMO = DemoCrm(
    "hubspot_demo",
    "hubspot",
    {"DEMO_HUBSPOT_TOKEN": DEMO_HUBSPOT_TOKEN},
    _hubspot_block,
    _hubspot_edits,
    OBJECTS,
    {"lead_score": "crmhub_score", "lead_grade": "crmhub_grade", "lead_reasons": "crmhub_reasons",
     "win_probability": "crmhub_win_probability", "deal_warnings": "crmhub_deal_warnings"},
)
