"""Marketo custom object types as the connector sees them: ``GET /rest/v1/customobjects.json`` lists the approved
types (one call), ``GET /rest/v1/customobjects/{name}/describe.json`` gives one type's fields and link.

A custom object is named in crmhub.yaml by its API name (``npsResponse_c``). Marketo gives types no naming rule
(the UI appends ``_c``, the Metadata API takes any name), so a name that is not a standard object is taken as a
custom object and checked against the instance's list by ``check``/``discover`` and before its first read: one
that is not there is a ConfigError naming it and the types the instance has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connectors.base import FieldInfo, ObjectSpec
from connectors.errors import ConfigError
from connectors.marketo.client import MarketoClient
from connectors.marketo.objects import MarketoOptions
from connectors.marketo.values import parse_instant
from connectors.suggest import did_you_mean

SYSTEM_FIELDS = ("marketoGUID", "createdAt", "updatedAt")
COMPANY_KEY = "companyKey"  # derived: the company key of the linked lead (connectors/marketo/companies.py)


@dataclass(frozen=True, slots=True)
class CustomType:
    name: str
    created_at: datetime | None  # when the type was approved: no record is older
    dedupe: tuple[str, ...]
    fields: tuple[FieldInfo, ...]
    # (field on the record, lead field it holds: "id" or "email") when the type links to a lead; None otherwise
    lead_link: tuple[str, str] | None
    links: tuple[tuple[str, str, str], ...]  # (field, linked object, its field) for every link

    def field_types(self) -> dict[str, str]:
        return {f.name: f.type for f in self.fields}


def parse_type(raw: dict[str, Any]) -> CustomType:
    links = tuple((str(r["field"]), str((r.get("relatedTo") or {}).get("name", "")),
                   str((r.get("relatedTo") or {}).get("field", ""))) for r in raw.get("relationships") or ())
    lead = next(((f, obj_field.lower()) for f, obj, obj_field in links if obj.lower() == "lead"), None)
    fields = tuple(FieldInfo(str(f["name"]), str(f.get("dataType", "string")), str(f.get("displayName", "")),
                             custom=f["name"] not in SYSTEM_FIELDS, updateable=bool(f.get("updateable", False)))
                   for f in raw.get("fields") or ())
    created = raw.get("createdAt")
    return CustomType(str(raw["name"]), parse_instant(str(created)) if created else None,
                      tuple(str(d) for d in raw.get("dedupeFields") or ()), fields, lead, links)


def custom_spec(name: str, entity: str) -> ObjectSpec:
    """A custom object's stream: records keyed by marketoGUID, read by ``updatedAt`` windows."""
    return ObjectSpec(name, entity, "marketoGUID", "updatedAt", MarketoOptions("custom"))


class CustomTypes:
    """The instance's custom object types, asked once per connector (the list) and once per type (describe)."""

    def __init__(self, client: MarketoClient) -> None:
        self.client = client
        self._names: list[str] | None = None
        self._described: dict[str, CustomType] = {}

    def names(self) -> list[str]:
        if self._names is None:
            body = self.client.get("/rest/v1/customobjects.json", obj="customobjects")
            self._names = sorted(str(t["name"]) for t in body.get("result") or ())
        return self._names

    def get(self, name: str) -> CustomType:
        if name not in self._described:
            self.require([name])
            body = self.client.get(f"/rest/v1/customobjects/{name}/describe.json", obj=name)
            self._described[name] = parse_type((body.get("result") or [{}])[0])
        return self._described[name]

    def require(self, names: list[str]) -> None:
        """Every name is an approved custom object of this instance, or a ConfigError naming it."""
        known = self.names()
        for name in names:
            if name not in known:
                raise ConfigError(
                    f"object {name!r} is neither a Marketo standard object nor an approved custom object of this "
                    f"instance{did_you_mean(name, known)}; custom objects: {', '.join(known) or 'none'}",
                    connection=self.client.connection, object=name)
