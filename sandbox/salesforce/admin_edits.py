"""People at work in the org (random edits, creates, deletes) and an admin's month-end mass update."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sandbox.salesforce import picklists as pl
from sandbox.salesforce.admin_generic import custom_create, custom_edits
from sandbox.salesforce.coerce import RecordError, check_value, coerce
from sandbox.salesforce.errors import ApiError
from sandbox.salesforce.fields import ObjectDef
from sandbox.salesforce.org import Org
from sandbox.salesforce.store import RowWrite
from sandbox.salesforce.timefmt import fmt_datetime
from sandbox.salesforce.writes import Prepared

Gen = Callable[[random.Random], Any]
_FIRST = ("Ada", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kemi", "Lars")
_LAST = ("Abbott", "Baptiste", "Castro", "Dahl", "Eriksen", "Fontaine", "Gallo", "Hughes", "Ivanova", "Jensen")
_WORDS = ("Blue", "Harbor", "Summit", "Nimbus", "Vertex", "Cedar", "Quartz", "Lumen", "Atlas", "Orbit")

EDITS: dict[str, list[tuple[str, Gen]]] = {
    "Account": [("Rating", lambda r: r.choice(pl.RATING)), ("NumberOfEmployees", lambda r: r.randint(5, 5000)),
                ("Type", lambda r: r.choice(pl.ACCOUNT_TYPE)), ("Health_Score__c", lambda r: float(r.randint(0, 100)))],
    "Contact": [("Title", lambda r: r.choice(("VP Sales", "Director", "Analyst", "Head of Ops"))),
                ("Score__c", lambda r: float(r.randint(0, 100))), ("LeadSource", lambda r: r.choice(pl.LEAD_SOURCE)),
                ("Lifecycle_Stage__c", lambda r: r.choice(pl.LIFECYCLE))],
    "Lead": [("Status", lambda r: r.choice(("Working - Contacted", "Closed - Not Converted"))),
             ("Rating", lambda r: r.choice(pl.RATING)), ("Score__c", lambda r: float(r.randint(0, 100))),
             ("Title", lambda r: r.choice(("CTO", "Buyer", "Consultant")))],
    "Opportunity": [("NextStep", lambda r: r.choice(("Send proposal", "Call CFO", "Legal review"))),
                    ("Amount", lambda r: round(r.uniform(5_000, 250_000), 2))],
    "Task": [("Status", lambda r: r.choice(pl.TASK_STATUS)), ("Priority", lambda r: r.choice(pl.TASK_PRIORITY))],
    "Event": [("Location", lambda r: r.choice(("Zoom", "HQ", "Customer office")))],
    "Campaign": [("Status", lambda r: r.choice(pl.CAMPAIGN_STATUS))],
    "CampaignMember": [("Status", lambda r: r.choice(pl.MEMBER_STATUS))],
    "User": [("Title", lambda r: r.choice(("Account Executive", "Sales Manager", "CSM")))],
    "Case": [("Status", lambda r: r.choice(pl.CASE_STATUS)), ("Priority", lambda r: r.choice(pl.CASE_PRIORITY))],
    "Contract": [("Description", lambda r: r.choice(("Renewal under review", "Signed by legal"))),
                 ("Renewal_Date__c", lambda r: f"20{r.randint(27, 29)}-0{r.randint(1, 9)}-01")],
    "Quote": [("Status", lambda r: r.choice(pl.QUOTE_STATUS))],
    "OpportunityContactRole": [("Role", lambda r: r.choice(pl.CONTACT_ROLE))],
    "OpportunityCompetitor": [("Strengths", lambda r: r.choice(("Price", "Incumbent", "Features"))),
                              ("Weaknesses", lambda r: r.choice(("Support", "Scale", "Roadmap")))],
    "ForecastingQuota": [("QuotaAmount", lambda r: float(r.randrange(100, 900) * 1000))],
    "Territory2": [("Description", lambda r: r.choice(("Realigned for the new fiscal year", "Split by segment")))],
    "UserTerritory2Association": [("RoleInTerritory2", lambda r: r.choice(pl.ROLE_IN_TERRITORY))],
}


def live_ids(org: Org, obj: str) -> list[str]:
    table = org.store.tables[obj]
    return sorted(rid for rid, row in table.rows.items() if not row[table.ix_deleted])


def person_actor(org: Org, obj: str, row: list[Any] | None, rnd: random.Random) -> str:
    """People edit their own records: the owner when a sales rep owns it, else some rep."""
    table = org.store.tables[obj]
    owner = row[table.columns["OwnerId"]] if row is not None and "OwnerId" in table.columns else None
    if owner and owner != org.store.integration_user_id:
        return str(owner)
    reps = [rid for rid in live_ids(org, "User") if rid != org.store.integration_user_id]
    return rnd.choice(reps)


def create_values(org: Org, obj: str, rnd: random.Random, n: int) -> dict[str, Any]:
    first, last = rnd.choice(_FIRST), rnd.choice(_LAST)
    company = f"{rnd.choice(_WORDS)} {rnd.choice(_WORDS)} {rnd.choice(('Inc', 'GmbH', 'Ltd'))}"
    today = org.now().date()

    def pick(other: str) -> str | None:
        ids = live_ids(org, other)
        return rnd.choice(ids) if ids else None
    templates: dict[str, Callable[[], dict[str, Any]]] = {
        "Account": lambda: {"Name": company, "Type": "Prospect", "Industry": rnd.choice(pl.INDUSTRY)},
        "Contact": lambda: {"FirstName": first, "LastName": last, "AccountId": pick("Account"),
                            "Email": f"{first}.{last}.{n}@new-{rnd.randint(1, 999)}.example".lower()},
        "Lead": lambda: {"FirstName": first, "LastName": last, "Company": company, "LeadSource": "Web",
                         "Email": f"{first}.{last}.{n}@{company.split()[0].lower()}.example".lower()},
        "Opportunity": lambda: {"Name": f"{company} - New deal", "StageName": "Prospecting",
                                "CloseDate": (today + timedelta(days=60)).isoformat(), "AccountId": pick("Account"),
                                "Amount": round(rnd.uniform(5_000, 100_000), 2)},
        "Task": lambda: {"Subject": "Follow up", "WhoId": pick("Contact"),
                         "ActivityDate": (today + timedelta(days=3)).isoformat()},
        "Event": lambda: {"Subject": "Meeting", "DurationInMinutes": 60, "WhoId": pick("Contact"),
                          "StartDateTime": fmt_datetime(org.now() + timedelta(days=2))},
        "Campaign": lambda: {"Name": f"{company} Webinar", "Type": "Webinar", "Status": "Planned"},
        "CampaignMember": lambda: {"CampaignId": pick("Campaign"), "LeadId": pick("Lead")},
        "Case": lambda: {"Subject": "Cannot export report", "AccountId": pick("Account"), "Origin": "Web"},
        "User": lambda: {"Username": f"{first}.{last}.{n}@crmhub-sandbox.example".lower(), "LastName": last,
                         "FirstName": first, "Email": f"{first}.{last}@crmhub-sandbox.example".lower(),
                         "Alias": (first[0] + last)[:8].lower(), "TimeZoneSidKey": "Europe/London"},
    }
    definition = org.catalog.get(obj)
    if obj not in templates and definition is not None and definition.custom:
        return custom_create(org, definition, rnd, n, lambda other: live_ids(org, other))
    if obj not in templates:
        raise ApiError(400, "INVALID_TYPE_FOR_OPERATION", f"people do not create {obj} records")
    return {k: v for k, v in templates[obj]().items() if v is not None}


def typed(obj: ObjectDef, values: dict[str, Any]) -> dict[Any, Any]:
    out = {}
    for name, value in values.items():
        f = obj.field(name)
        if f is None:
            raise ApiError(400, "INVALID_FIELD", f"No such column '{name}' on sobject of type {obj.name}")
        out[f] = coerce(f, value)
    return out


def random_edits(org: Org, obj: ObjectDef, *, seed: int, edits: int, deletes: int,
                 creates: int) -> dict[str, list[str]]:
    rnd = random.Random(f"{seed}:{obj.name}:random-edits")
    out: dict[str, list[str]] = {"edited": [], "deleted": [], "created": []}
    candidates = live_ids(org, obj.name)
    rnd.shuffle(candidates)
    spec = EDITS.get(obj.name) or (custom_edits(org, obj) if obj.custom else [])
    if edits and not spec:
        raise ApiError(400, "INVALID_TYPE_FOR_OPERATION", f"people do not edit {obj.name} records")
    for rid in candidates:
        if len(out["edited"]) >= edits:
            break
        row = org.store.current(obj.name, rid)
        name, gen = rnd.choice(spec)
        prepared = org.writer.prepare_update(obj, rid, typed(obj, {name: gen(rnd)}),
                                             actor=person_actor(org, obj.name, row, rnd))
        if isinstance(prepared, Prepared):  # a rep whose save fails a rule moves on to another record
            org.writer.apply([prepared])
            out["edited"].append(rid)
    if deletes:
        if not obj.deletable:
            raise ApiError(400, "INVALID_TYPE_FOR_OPERATION", f"people do not delete {obj.name} records")
        edited = set(out["edited"])  # a list here made 5,000 deletes at 1,000,000 Accounts quadratic
        doomed = [rid for rid in candidates if rid not in edited][:deletes]
        actor = person_actor(org, obj.name, None, rnd)
        org.store.delete(obj.name, doomed, mode="soft", actor=actor)
        out["deleted"] = doomed
    for i in range(creates):
        actor = person_actor(org, obj.name, None, rnd)
        prepared = org.writer.prepare_create(obj, typed(obj, create_values(org, obj.name, rnd, i)), actor=actor)
        if isinstance(prepared, list):
            raise ApiError(500, "UNKNOWN_EXCEPTION", f"seeded create failed: {prepared[0].message}")
        org.writer.apply([prepared])
        out["created"].append(prepared.id)
    return out


def bulk_touch(org: Org, obj: ObjectDef, *, count: int, fields: dict[str, Any], actor: str) -> dict[str, Any]:
    """An admin's mass update (a data load at month end): ``count`` records share ONE modified timestamp."""
    table = org.store.tables[obj.name]
    values = typed(obj, fields)
    for f, value in values.items():
        problem: RecordError | None = check_value(f, value)
        if not f.updateable or f.unique or problem is not None:
            raise ApiError(400, "INVALID_FIELD_FOR_INSERT_UPDATE" if problem is None else problem.status_code,
                           f"cannot mass-update {f.name}" if problem is None else problem.message)
    ids = live_ids(org, obj.name)[:count]
    now = org.now()
    stamp = fmt_datetime(now)
    writes = []
    for rid in ids:
        row = list(org.store.current(obj.name, rid) or [])
        for f, value in values.items():
            row[table.columns[f.name]] = value
        row[table.ix_modstamp] = stamp
        if "LastModifiedDate" in table.columns:
            row[table.columns["LastModifiedDate"]], row[table.columns["LastModifiedById"]] = stamp, actor
        writes.append(RowWrite(obj.name, row))
    org.store.commit(writes, stamped=now)
    return {"timestamp": stamp, "ids": ids}
