"""One activity, whether decoded from the seeded columns or logged since, and its API and CSV renderings."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sandbox.marketo.activity_ids import IdShape
from sandbox.marketo.activity_types import CHANGE_DATA_VALUE
from sandbox.marketo.timefmt import iso

# Columns of a bulk activity export, in Marketo's default order, plus the optional ``actionResult``.
EXPORT_COLUMNS = ("marketoGUID", "leadId", "activityDate", "activityTypeId", "campaignId",
                  "primaryAttributeValueId", "primaryAttributeValue", "attributes")
EXPORT_OPTIONAL = ("actionResult",)


@dataclass(frozen=True, slots=True)
class FieldChange:
    field_id: int
    name: str
    new: Any
    old: Any


@dataclass(slots=True)
class Activity:
    id: int
    lead_id: int
    date: int
    type_id: int
    primary_id: int | None = None
    primary_value: str | None = None
    attributes: list[tuple[str, Any]] = field(default_factory=list)
    campaign_id: int | None = None
    change: FieldChange | None = None

    def api(self, shape: IdShape) -> dict[str, Any]:
        out: dict[str, Any] = {
            **shape.id_field(self.id), "marketoGUID": shape.guid(self.id), "leadId": self.lead_id,
            "activityDate": iso(self.date),
            "activityTypeId": self.type_id,
        }
        if self.campaign_id is not None:
            out["campaignId"] = self.campaign_id
        if self.primary_id is not None:
            out["primaryAttributeValueId"] = self.primary_id
        if self.primary_value is not None:
            out["primaryAttributeValue"] = self.primary_value
        # Marketo leaves empty attributes out of an activity record.
        out["attributes"] = [{"name": n, "value": v} for n, v in self.attributes if v is not None and v != ""]
        return out

    def lead_change(self, shape: IdShape) -> dict[str, Any]:
        out: dict[str, Any] = {
            **shape.id_field(self.id), "marketoGUID": shape.guid(self.id), "leadId": self.lead_id,
            "activityDate": iso(self.date),
            "activityTypeId": self.type_id, "fields": [],
        }
        if self.change is not None and self.type_id == CHANGE_DATA_VALUE:
            out["fields"] = [{"id": self.change.field_id, "name": self.change.name, "newValue": self.change.new,
                              "oldValue": self.change.old}]
        out["attributes"] = [{"name": n, "value": v} for n, v in self.attributes
                             if n not in ("New Value", "Old Value") and v is not None and v != ""]
        return out

    def export_row(self, columns: tuple[str, ...], shape: IdShape) -> list[str]:
        values: dict[str, Any] = {
            "marketoGUID": shape.guid(self.id), "leadId": self.lead_id, "activityDate": iso(self.date),
            "activityTypeId": self.type_id,
            "campaignId": self.campaign_id,
            "primaryAttributeValueId": self.primary_id, "primaryAttributeValue": self.primary_value,
            "attributes": json.dumps({n: v for n, v in self.attributes if v is not None and v != ""},
                                     separators=(",", ":")),
            "actionResult": "succeeded",
        }
        return ["null" if values[c] is None else str(values[c]) for c in columns]
