"""HubSpot's own association type ids (v4, HUBSPOT_DEFINED), per direction, for the objects this sandbox serves."""

from __future__ import annotations

# (from, to) -> type id of the plain (unlabeled) association.
TYPE_IDS: dict[tuple[str, str], int] = {
    ("contacts", "companies"): 279, ("companies", "contacts"): 280,
    ("deals", "contacts"): 3, ("contacts", "deals"): 4,
    ("deals", "companies"): 341, ("companies", "deals"): 342,
    ("line_items", "deals"): 20, ("deals", "line_items"): 19,
    ("tickets", "contacts"): 16, ("contacts", "tickets"): 15,
    ("tickets", "companies"): 339, ("companies", "tickets"): 340,
    ("quotes", "deals"): 64, ("deals", "quotes"): 63,
    ("quotes", "companies"): 71, ("companies", "quotes"): 72,
    ("quotes", "contacts"): 69, ("contacts", "quotes"): 70,
    ("feedback_submissions", "contacts"): 98, ("contacts", "feedback_submissions"): 97,
    ("feedback_submissions", "companies"): 928, ("companies", "feedback_submissions"): 929,
}
_ENGAGEMENT_BASE = {  # (company→x, x→company, contact→x, x→contact, deal→x, x→deal)
    "calls": (181, 182, 193, 194, 205, 206), "emails": (185, 186, 197, 198, 209, 210),
    "meetings": (187, 188, 199, 200, 211, 212), "notes": (189, 190, 201, 202, 213, 214),
    "tasks": (191, 192, 203, 204, 215, 216),
}
for _kind, (_co_x, _x_co, _ct_x, _x_ct, _d_x, _x_d) in _ENGAGEMENT_BASE.items():
    TYPE_IDS.update({("companies", _kind): _co_x, (_kind, "companies"): _x_co, ("contacts", _kind): _ct_x,
                     (_kind, "contacts"): _x_ct, ("deals", _kind): _d_x, (_kind, "deals"): _x_d})
# Pairs with a "Primary" label: a record's single company is its primary company.
PRIMARY_TYPE_IDS = {("contacts", "companies"): 1, ("companies", "contacts"): 2, ("deals", "companies"): 5,
                    ("companies", "deals"): 6, ("tickets", "companies"): 26, ("companies", "tickets"): 25}
