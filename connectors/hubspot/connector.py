"""The HubSpot connector: check, discover, read changes, write — over one client and one budget."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.base import (
    ApiUsage,
    ChangeBatch,
    Cursor,
    FieldInfo,
    ObjectSchema,
    ObjectSpec,
    OutboundChange,
    WriteResult,
    options_of,
)
from connectors.hubspot.client import HubSpotClient
from connectors.hubspot.objects import OBJECTS, RECONCILE_HOURS, HubSpotOptions
from connectors.hubspot.reader import HubSpotReader
from connectors.hubspot.writer import HubSpotWriter

OWNER_FIELDS = ("id", "email", "firstName", "lastName", "userId", "createdAt", "updatedAt", "archived", "team")


class HubSpotConnector:
    kind = "hubspot"

    def __init__(self, *, name: str, client: HubSpotClient, settle_lag: timedelta,
                 clock: Callable[[], datetime] | None = None, objects: Sequence[ObjectSpec] = OBJECTS,
                 reconcile_every: timedelta = timedelta(hours=RECONCILE_HOURS)) -> None:
        self.name = name
        self.client = client
        self.objects = tuple(objects)
        clock = clock or (lambda: datetime.now(UTC))
        self._reader = HubSpotReader(client, settle_lag=settle_lag, clock=clock, reconcile_every=reconcile_every)
        self._writer = HubSpotWriter(client)

    @property
    def usage(self) -> ApiUsage:
        return self.client.usage

    def check(self) -> None:
        """One cheap authenticated call: a wrong token surfaces here as an AuthError naming the connection."""
        self.client.owners_page(after=None, archived=False, limit=1)

    def discover(self) -> list[ObjectSchema]:
        out = []
        for spec in self.objects:
            if options_of(spec, HubSpotOptions).api == "owners":
                out.append(ObjectSchema(spec.name, tuple(FieldInfo(f, "string") for f in OWNER_FIELDS)))
                continue
            body = self.client.properties(spec.name)
            out.append(ObjectSchema(spec.name, tuple(_field(p) for p in body.get("results", []))))
        return out

    def read_changes(self, spec: ObjectSpec, since: Cursor, *, fields: Sequence[str],
                     full_refresh: bool = False) -> Iterator[ChangeBatch]:
        return self._reader.read(spec, since, fields, full_refresh)

    def write(self, spec: ObjectSpec, changes: Sequence[OutboundChange]) -> Sequence[WriteResult]:
        return self._writer.write(spec, changes)

    def read_current(self, spec: ObjectSpec, source_ids: Sequence[str],
                     fields: Sequence[str]) -> dict[str, tuple[dict[str, Any], str | None]]:
        """The written fields' values and the record's version now (the write-back engine's reconciliation)."""
        return self._writer.current(spec, source_ids, fields)

    def ensure_property(self, object_type: str, name: str, *, label: str, type_: str = "number",
                        field_type: str = "number", group: str = "contactinformation") -> bool:
        """Create a custom property when absent (write-back targets); True when it was created."""
        names = {p["name"] for p in self.client.properties(object_type).get("results", [])}
        if name in names:
            return False
        self.client.create_property(object_type, {"name": name, "label": label, "type": type_,
                                                  "fieldType": field_type, "groupName": group})
        return True

    def close(self) -> None:
        """The transport's pools close with the process; nothing is buffered here."""


def _field(p: dict[str, Any]) -> FieldInfo:
    meta = p.get("modificationMetadata") or {}
    # hubspotDefined marks HubSpot's own properties. createdUserId says nothing here: HubSpot documents it as absent
    # for a property created outside HubSpot's UI, i.e. every property an integration created through the API.
    return FieldInfo(
        name=p["name"], type=p.get("type", "string"), label=p.get("label", ""),
        custom=not p.get("hubspotDefined", False) and not str(p.get("groupName", "")).startswith("hs_"),
        calculated=bool(p.get("calculated", False)), updateable=not meta.get("readOnlyValue", False),
        options=tuple(o.get("value", "") for o in p.get("options") or []),
    )
