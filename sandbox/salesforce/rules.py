"""What the org does on save: derived standard fields, and this org's validation rules.

The validation rules run on every save of a record, so a record seeded with dirty data (a negative Amount) cannot
be saved again until someone fixes it: exactly the partial failures a write-back must report per record.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sandbox.salesforce import derive_products, derive_service
from sandbox.salesforce.coerce import RecordError
from sandbox.salesforce.derive_service import auto_numbers
from sandbox.salesforce.formulas import stage_defaults
from sandbox.salesforce.store import Store
from sandbox.salesforce.table import Table
from sandbox.salesforce.timefmt import fmt_datetime, stored_to_datetime

Row = list[Any]
_RANGE_FIELDS = {"Lead": ("Score__c",), "Contact": ("Score__c",), "Account": ("Health_Score__c",),
                 "Opportunity": ("Win_Probability__c",)}


def validation_errors(table: Table, row: Row) -> list[RecordError]:
    obj, col = table.obj.name, table.columns
    errors: list[RecordError] = []
    if obj == "Opportunity":
        amount = row[col["Amount"]]
        if amount is not None and amount < 0:
            errors.append(RecordError("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Amount cannot be negative.", ["Amount"]))
    for name in _RANGE_FIELDS.get(obj, ()):
        value = row[col[name]]
        if value is not None and not 0 <= value <= 100:
            label = table.obj.by_lower[name.lower()].api_label
            errors.append(RecordError("FIELD_CUSTOM_VALIDATION_EXCEPTION", f"{label} must be between 0 and 100.",
                                      [name]))
    return errors


def _full_name(first: str | None, last: str | None) -> str:
    return " ".join(p for p in (first, last) if p)


class Derivations:
    """Standard fields Salesforce computes on save (Name, Probability, IsClosed, AccountId on activities...)."""

    def __init__(self, *, store: Store) -> None:
        self.store = store
        self._by_object: dict[str, Callable[[Table, Row, Row | None, set[str], str], None]] = {
            "Contact": self._person, "Lead": self._person, "User": self._person,
            "Opportunity": self._opportunity, "Task": self._task, "Event": self._event,
            "CampaignMember": self._member,
            "PricebookEntry": lambda *a: derive_products.price_entry(store, *a),
            "OpportunityLineItem": lambda *a: derive_products.line_item(store, *a),
            "Case": derive_service.case, "Contract": derive_service.contract,
            "Quote": lambda *a: derive_service.quote(store, *a),
            "UserTerritory2Association": derive_service.user_territory,
            "ObjectTerritory2Association": derive_service.object_territory,
        }

    def apply(self, table: Table, row: Row, old: Row | None, changed: set[str], stamp: str) -> None:
        if old is None:
            auto_numbers(table, row)
        derive = self._by_object.get(table.obj.name)
        if derive is not None:
            derive(table, row, old, changed, stamp)

    @staticmethod
    def _person(table: Table, row: Row, old: Row | None, changed: set[str], stamp: str) -> None:
        col = table.columns
        row[col["Name"]] = _full_name(row[col["FirstName"]], row[col["LastName"]])
        if table.obj.name == "User" and old is None:
            row[col["UserType"]] = "Standard"

    @staticmethod
    def _opportunity(table: Table, row: Row, old: Row | None, changed: set[str], stamp: str) -> None:
        col = table.columns
        if old is None or "StageName" in changed:
            for name, value in stage_defaults(row[col["StageName"]]).items():
                if name not in changed or name in ("IsClosed", "IsWon"):
                    row[col[name]] = value
            if old is None or old[col["StageName"]] != row[col["StageName"]]:
                row[col["LastStageChangeDate"]] = stamp

    def _task(self, table: Table, row: Row, old: Row | None, changed: set[str], stamp: str) -> None:
        col = table.columns
        closed = row[col["Status"]] == "Completed"
        if closed and not row[col["IsClosed"]]:
            row[col["CompletedDateTime"]] = stamp
        row[col["IsClosed"]] = closed
        row[col["AccountId"]] = self._activity_account(row[col["WhatId"]], row[col["WhoId"]])

    def _event(self, table: Table, row: Row, old: Row | None, changed: set[str], stamp: str) -> None:
        col = table.columns
        start = row[col["StartDateTime"]]
        if start:
            row[col["ActivityDateTime"]] = start
            row[col["ActivityDate"]] = start[:10]
            if row[col["DurationInMinutes"]] is not None and ("EndDateTime" not in changed or old is None):
                end = stored_to_datetime(start) + timedelta(minutes=row[col["DurationInMinutes"]])
                row[col["EndDateTime"]] = fmt_datetime(end)
        row[col["AccountId"]] = self._activity_account(row[col["WhatId"]], row[col["WhoId"]])

    @staticmethod
    def _member(table: Table, row: Row, old: Row | None, changed: set[str], stamp: str) -> None:
        col = table.columns
        lead, contact = row[col["LeadId"]], row[col["ContactId"]]
        row[col["Type"]] = "Contact" if contact else "Lead"
        row[col["LeadOrContactId"]] = contact or lead
        responded = row[col["Status"]] == "Responded"
        if responded and not row[col["HasResponded"]]:
            row[col["FirstRespondedDate"]] = stamp[:10]
        row[col["HasResponded"]] = responded

    def _activity_account(self, what_id: str | None, who_id: str | None) -> str | None:
        """An activity's AccountId: its What's account (or the What itself), else its Contact's account."""
        for rid in (what_id, who_id):
            found = self.store.lookup(rid)
            if found is None:
                continue
            table, row = found
            if table.obj.name == "Account":
                return row[table.ix_id]
            if table.obj.name in ("Opportunity", "Contact"):
                return row[table.columns["AccountId"]]
        return None
