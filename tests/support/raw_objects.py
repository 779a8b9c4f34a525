"""A Salesforce-style custom object no mapping holds, for the typed raw table tests: its spec, its describe (typed
as Salesforce types them) and native records, served by the in-memory FakeConnector."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from connectors.base import FieldInfo, ObjectSchema, ObjectSpec, Record
from sync.raw import RawSettings, planned_mapping
from sync.runner import Stream, SyncPlan
from tests.support.fakes import FakeConnector, Page

OBJECT = "Training_Program__c"
TABLE = "raw_toy__training_program__c"
SPEC = ObjectSpec(name=OBJECT, entity="", primary_key="Id", cursor_field="SystemModstamp")
FIELDS: tuple[tuple[str, str], ...] = (
    ("Id", "id"),
    ("Name", "string"),
    ("Program_Type__c", "picklist"),
    ("Duration_Hours__c", "double"),
    ("Seats__c", "int"),
    ("Active__c", "boolean"),
    ("Start_Date__c", "date"),
    ("Description__c", "textarea"),
    ("OwnerId", "reference"),
    ("Venue__c", "location"),  # a compound: read as its parts below, not by default as a whole
    ("Venue__Latitude__s", "double"),
    ("Venue__Longitude__s", "double"),
    ("CreatedDate", "datetime"),
    ("SystemModstamp", "datetime"),
)


def schema(*extra: tuple[str, str], retype: dict[str, str] | None = None) -> ObjectSchema:
    """The object's describe, with ``extra`` fields added and ``retype`` fields given another type."""
    retyped = [(name, (retype or {}).get(name, kind)) for name, kind in FIELDS]
    return ObjectSchema(OBJECT, tuple(FieldInfo(name, kind, custom=name.endswith("__c"))
                                      for name, kind in (*retyped, *extra)))


def program(sid: str, **overrides: Any) -> Record:
    """A native record as the Salesforce connector yields it (values as the REST API sends them)."""
    return {
        "Id": sid,
        "Name": f"Onboarding {sid}",
        "Program_Type__c": "onboarding",
        "Duration_Hours__c": 12.5,
        "Seats__c": 20,
        "Active__c": True,
        "Start_Date__c": "2024-03-01",
        "Description__c": "Two weeks\nof product training",
        "OwnerId": "005000000000001AAA",
        "Venue__c": {"latitude": 48.85, "longitude": 2.35},
        "Venue__Latitude__s": 48.85,
        "Venue__Longitude__s": 2.35,
        "CreatedDate": "2024-01-10T09:00:00.000+0000",
        "SystemModstamp": "2024-02-01T10:00:00.000+0000",
        **overrides,
    }


def connector(pages: Sequence[Page], *, described: ObjectSchema | None = None) -> FakeConnector:
    return FakeConnector(list(pages), objects=(SPEC,), schemas=[described or schema()])


def plan(fake: FakeConnector, *, policy: str = "evolve", fields: Sequence[str] | None = None,
         types: dict[str, str] | None = None) -> SyncPlan:
    settings = RawSettings("salesforce", tuple(fields) if fields is not None else None, types or {})
    stream = Stream(fake, SPEC, planned_mapping(fake.name, OBJECT), policy, raw=settings)
    return SyncPlan([stream], {fake.name: fake})
