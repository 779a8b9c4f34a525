"""The organisation's custom tables, made as a maker makes them (through the metadata API's own code path), and
their seeded rows.

``new_customerhealth`` (Customer Health): a health score per customer (an account that won a deal) for each of the
last four quarters since it became one: score 0-100, status Green/Amber/Red from the score, churn risk 0-1; its
account lookup is parental (deleting the account deletes its health records). ``new_qbr`` (Quarterly Business
Review): reviews held each quarter with about 60% of the customers, a planned one for the coming weeks, now and then
a cancelled one; a yearly strategic review for the largest; the account lookup removes the link when the account is
deleted (the default of a lookup a maker adds). Both are user-owned (the account's owner) and change-tracked.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from typing import Any

from sandbox.dynamics import seedtools as st
from sandbox.dynamics.custom_tables import add_column, add_lookup, add_table
from sandbox.dynamics.guids import GuidFactory
from sandbox.dynamics.store import Ref, Store
from sandbox.dynamics.tables import TABLES

DAY = 86400
QBR_SHARE = 0.6
COLOURS = ((100000000, "Green"), (100000001, "Amber"), (100000002, "Red"))
OUTCOMES = ("Renewal on track; agreed to pilot the analytics add-on.", "Adoption below plan; training scheduled.",
            "Executive sponsor changed; re-introduction meeting booked.", "Expansion to a second region discussed.",
            "Support escalations reviewed; action plan agreed.", "Budget freeze next quarter; renewal at risk.")


def label(text: str) -> dict[str, Any]:
    return {"@odata.type": "Microsoft.Dynamics.CRM.Label",
            "LocalizedLabels": [{"@odata.type": "Microsoft.Dynamics.CRM.LocalizedLabel", "Label": text,
                                 "LanguageCode": 1033}]}


def column(cast: str, schema: str, display: str, **extra: Any) -> dict[str, Any]:
    return {"@odata.type": f"Microsoft.Dynamics.CRM.{cast}AttributeMetadata", "SchemaName": schema,
            "DisplayName": label(display), "Description": label(display),
            "RequiredLevel": {"Value": "None", "CanBeChanged": True,
                              "ManagedPropertyLogicalName": "canmodifyrequirementlevelsettings"}, **extra}


def choice(schema: str, display: str, options: tuple[tuple[int, str], ...]) -> dict[str, Any]:
    return column("Picklist", schema, display, OptionSet={
        "@odata.type": "Microsoft.Dynamics.CRM.OptionSetMetadata", "IsGlobal": False, "OptionSetType": "Picklist",
        "Options": [{"Value": v, "Label": label(text)} for v, text in options]})


def table(schema: str, display: str, plural: str) -> dict[str, Any]:
    return {"@odata.type": "Microsoft.Dynamics.CRM.EntityMetadata", "SchemaName": schema,
            "DisplayName": label(display), "DisplayCollectionName": label(plural), "Description": label(display),
            "OwnershipType": "UserOwned", "IsActivity": False, "HasActivities": False, "HasNotes": True,
            "ChangeTrackingEnabled": True,
            "Attributes": [column("String", "new_Name", "Name", IsPrimaryName=True, MaxLength=100,
                                  FormatName={"Value": "Text"})]}


def account_lookup(table_logical: str, delete: str) -> dict[str, Any]:
    return {"@odata.type": "Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata",
            "SchemaName": f"new_account_{table_logical}", "ReferencedEntity": "account",
            "ReferencedAttribute": "accountid", "ReferencingEntity": table_logical,
            "CascadeConfiguration": {"Assign": "NoCascade", "Delete": delete, "Merge": "NoCascade",
                                     "Reparent": "NoCascade", "Share": "NoCascade", "Unshare": "NoCascade"},
            "Lookup": column("Lookup", "new_AccountId", "Account")}


DEFINITIONS: tuple[tuple[dict[str, Any], tuple[dict[str, Any], ...], dict[str, Any]], ...] = (
    (table("new_CustomerHealth", "Customer Health", "Customer Health Records"), (
        column("DateTime", "new_RecordedOn", "Recorded On", Format="DateOnly", DateTimeBehavior={"Value": "DateOnly"}),
        column("Integer", "new_Score", "Health Score", MinValue=0, MaxValue=100, Format="None"),
        choice("new_Status", "Health Status", COLOURS),
        column("Decimal", "new_ChurnRisk", "Churn Risk", MinValue=0, MaxValue=1, Precision=2),
    ), account_lookup("new_customerhealth", "Cascade")),
    (table("new_QBR", "Quarterly Business Review", "Quarterly Business Reviews"), (
        column("DateTime", "new_HeldOn", "Held On", Format="DateOnly", DateTimeBehavior={"Value": "DateOnly"}),
        choice("new_Status", "Review Status", ((100000000, "Planned"), (100000001, "Held"),
                                               (100000002, "Cancelled"))),
        choice("new_ReviewType", "Review Type", ((100000000, "QBR"), (100000001, "Strategic Review"))),
        choice("new_HealthRating", "Health Rating", COLOURS),
        column("Memo", "new_Outcome", "Outcome", MaxLength=2000, Format="TextArea"),
    ), account_lookup("new_qbr", "RemoveLink")),
)


def define(store: Store) -> list[str]:
    """Create the custom tables through the metadata API's code; the entity sets asking for change tracking."""
    tracked = []
    for body, columns, lookup in DEFINITIONS:
        created, wants_tracking = add_table(store, body)
        for col in columns:
            add_column(store, store.catalog[created.logical], col)
        add_lookup(store, lookup)
        if wants_tracking:
            tracked.append(created.entity_set)
    return tracked


class CustomSeeder:
    def __init__(self, *, seed: int, store: Store, rows: dict[str, list[list[Any]]], span: st.SeedSpan) -> None:
        self.seed, self.store, self.rows, self.span = seed, store, rows, span
        self.guids = GuidFactory(seed, "custom")
        rows.setdefault("new_customerhealth", [])
        rows.setdefault("new_qbr", [])

    def run(self) -> None:
        col = TABLES["opportunity"].col
        customers: dict[str, int] = {}
        for opp in self.rows["opportunity"]:
            if opp[col["statecode"]] == 1 and opp[col["~customerid_type"]] == "account":
                closed = _seconds(opp[col["actualclosedate"]])
                customers[opp[col["customerid"]]] = min(closed, customers.get(opp[col["customerid"]], closed))
        accounts = TABLES["account"].col
        for account in self.rows["account"]:
            if account[0] in customers:
                rnd = random.Random(f"{self.seed}:dynamics:custom:{account[0]}")
                self.health(account, customers[account[0]], rnd)
                if rnd.random() < QBR_SHARE:
                    large = (account[accounts["numberofemployees"]] or 0) >= 1000
                    self.reviews(account, customers[account[0]], large, rnd)

    def health(self, account: list[Any], since: int, rnd: random.Random) -> None:
        health = self.store.catalog["new_customerhealth"]
        owner, name = account[TABLES["account"].col["ownerid"]], account[TABLES["account"].col["name"]]
        base = rnd.uniform(35, 95)
        for quarter in range(4, 0, -1):
            at = self.span.end - quarter * 91 * DAY + rnd.randint(0, 10) * DAY
            if at < since:
                continue
            score = max(0, min(100, round(base + rnd.gauss(0, 10))))
            status = COLOURS[0][0] if score >= 70 else COLOURS[1][0] if score >= 45 else COLOURS[2][0]
            recorded = _ordinal(self.span.clamp(at))
            self.rows["new_customerhealth"].append(st.row_for(health, {
                "new_customerhealthid": self.guids.new(),
                "new_name": f"{name or 'Account'} {date.fromordinal(recorded)}",
                "new_recordedon": recorded, "new_score": score, "new_status": status,
                "new_churnrisk": round(min(1.0, max(0.0, 1 - score / 100 + rnd.uniform(-0.1, 0.1))), 2),
                "new_accountid": Ref("account", account[0]),
                **st.stamps(self.span.clamp(at), self.span.modified_after(self.span.clamp(at), rnd), owner),
            }))

    def reviews(self, account: list[Any], since: int, large: bool, rnd: random.Random) -> None:
        qbr = self.store.catalog["new_qbr"]
        owner, name = account[TABLES["account"].col["ownerid"]], account[TABLES["account"].col["name"]]
        for quarter in range(4, -1, -1):  # the last four quarters, and one planned for the coming weeks
            held = self.span.end - quarter * 91 * DAY + rnd.randint(-20, 20) * DAY
            if held < since:
                continue
            planned = held >= self.span.end
            status = 100000000 if planned else 100000002 if rnd.random() < 0.1 else 100000001
            strategic = large and quarter == 4
            created = self.span.clamp(min(held, self.span.end) - rnd.randint(10, 30) * DAY)
            day = _ordinal(held)
            kind = "Strategic review" if strategic else "QBR"
            self.rows["new_qbr"].append(st.row_for(qbr, {
                "new_qbrid": self.guids.new(),
                "new_name": f"{kind} {date.fromordinal(day)} - {name or 'Account'}",
                "new_heldon": day, "new_status": status, "new_reviewtype": 100000001 if strategic else 100000000,
                "new_healthrating": rnd.choice(COLOURS)[0] if status == 100000001 else None,
                "new_outcome": rnd.choice(OUTCOMES) if status == 100000001 else None,
                "new_accountid": Ref("account", account[0]),
                **st.stamps(created, self.span.modified_after(created, rnd), owner),
            }))


def _seconds(ordinal: int) -> int:
    d = date.fromordinal(ordinal)
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


def _ordinal(seconds: int) -> int:
    return datetime.fromtimestamp(seconds, UTC).date().toordinal()
