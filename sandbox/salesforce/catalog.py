"""The org's sObjects, looked up the way Salesforce does: case-insensitively by name, or by an id's key prefix."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.salesforce.fields import FieldDef, ObjectDef, text
from sandbox.salesforce.objects_activity import CAMPAIGN, CAMPAIGN_MEMBER, EVENT, TASK, USER
from sandbox.salesforce.objects_currency import CURRENCY_TYPE, DATED_CONVERSION_RATE
from sandbox.salesforce.objects_custom import SEEDED, custom_prefix, seeded_objects
from sandbox.salesforce.objects_plans import PLANNING
from sandbox.salesforce.objects_products import OPPORTUNITY_LINE_ITEM, PRICEBOOK2, PRICEBOOK_ENTRY, PRODUCT2
from sandbox.salesforce.objects_sales import ACCOUNT, CONTACT, LEAD, OPPORTUNITY, OPPORTUNITY_HISTORY
from sandbox.salesforce.objects_service import (
    CASE,
    CONTRACT,
    OPPORTUNITY_COMPETITOR,
    OPPORTUNITY_CONTACT_ROLE,
    QUOTE,
)
from sandbox.salesforce.objects_territory import (
    FORECASTING_QUOTA,
    FORECASTING_TYPE,
    OBJECT_TERRITORY2_ASSOCIATION,
    OPPORTUNITY_STAGE,
    TERRITORY2,
    TERRITORY2_MODEL,
    TERRITORY2_TYPE,
    USER_TERRITORY2_ASSOCIATION,
)

STANDARD: tuple[ObjectDef, ...] = (
    ACCOUNT, CONTACT, LEAD, OPPORTUNITY, OPPORTUNITY_HISTORY, TASK, EVENT, USER, CAMPAIGN, CAMPAIGN_MEMBER, PRODUCT2,
    PRICEBOOK2, PRICEBOOK_ENTRY, OPPORTUNITY_LINE_ITEM, CASE, CONTRACT, QUOTE, OPPORTUNITY_CONTACT_ROLE,
    OPPORTUNITY_COMPETITOR, OPPORTUNITY_STAGE, TERRITORY2_MODEL, TERRITORY2_TYPE, TERRITORY2,
    USER_TERRITORY2_ASSOCIATION, OBJECT_TERRITORY2_ASSOCIATION, FORECASTING_TYPE, FORECASTING_QUOTA, CURRENCY_TYPE,
    DATED_CONVERSION_RATE)
OBJECTS: tuple[ObjectDef, ...] = (*STANDARD, *seeded_objects((*SEEDED, *PLANNING)))

# Polymorphic lookups (Task.Who, Task.What, ...) resolve against this pseudo-entity, as SOQL does.
NAME_ENTITY = ObjectDef(
    "Name", "000", "Name", "Names",
    (FieldDef("Id", "id", length=18), text("Name"), text("Type", 40), text("FirstName", 40), text("LastName", 80),
     FieldDef("Email", "email", length=80), FieldDef("Phone", "phone", length=40), text("Title", 128)),
    createable=False, updateable=False, deletable=False, replicateable=False,
)


@dataclass(frozen=True, slots=True)
class ChildRelationship:
    child: ObjectDef
    field: FieldDef

    @property
    def name(self) -> str:
        return self.field.child_relationship or ""


class Catalog:
    def __init__(self, objects: tuple[ObjectDef, ...] = OBJECTS) -> None:
        self.objects = objects
        self._by_lower = {o.name.lower(): o for o in objects}
        self._by_prefix = {o.key_prefix: o for o in objects}

    def replace_object(self, obj: ObjectDef) -> None:
        """An admin changed an object's fields (sandbox/salesforce/admin_fields.py): the same name, a new definition."""
        self.objects = tuple(obj if o.name == obj.name else o for o in self.objects)
        self._by_lower[obj.name.lower()] = obj
        self._by_prefix[obj.key_prefix] = obj

    def add_object(self, obj: ObjectDef) -> None:
        """An admin created a custom object (sandbox/salesforce/admin_objects.py)."""
        self.objects = (*self.objects, obj)
        self._by_lower[obj.name.lower()] = obj
        self._by_prefix[obj.key_prefix] = obj

    def next_custom_prefix(self) -> str:
        return custom_prefix(sum(1 for o in self.objects if o.custom))

    def get(self, name: str) -> ObjectDef | None:
        return self._by_lower.get(name.lower())

    def by_id(self, record_id: str) -> ObjectDef | None:
        return self._by_prefix.get(record_id[:3])

    def names(self) -> list[str]:
        return [o.name for o in self.objects]

    def children_of(self, parent: str) -> list[ChildRelationship]:
        out = []
        for obj in self.objects:
            for f in obj.fields:
                if f.type == "reference" and parent in f.reference_to and f.child_relationship:
                    out.append(ChildRelationship(obj, f))
        return out

    def cascades(self, parent: str) -> list[ChildRelationship]:
        """The children Salesforce deletes with ``parent`` (an Account takes its Contacts and Opportunities)."""
        return [c for c in self.children_of(parent) if c.field.cascade_delete]
