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
from connectors.errors import AuthError, ConfigError
from connectors.hubspot.client import HubSpotClient
from connectors.hubspot.custom_fields import custom_fields
from connectors.hubspot.listings import ROLE_FIELDS, STAGE_FIELDS
from connectors.hubspot.objects import OBJECTS, RECONCILE_HOURS, HubSpotOptions
from connectors.hubspot.reader import HubSpotReader
from connectors.hubspot.users import derived_fields
from connectors.hubspot.writer import HubSpotWriter

OWNER_FIELDS = ("id", "email", "firstName", "lastName", "userId", "createdAt", "updatedAt", "archived", "team")
FIXED_FIELDS = {"owners": OWNER_FIELDS, "pipelines": STAGE_FIELDS, "roles": ROLE_FIELDS}


class HubSpotConnector:
    kind = "hubspot"

    def __init__(self, *, name: str, client: HubSpotClient, settle_lag: timedelta,
                 clock: Callable[[], datetime] | None = None, objects: Sequence[ObjectSpec] = OBJECTS,
                 reconcile_every: timedelta = timedelta(hours=RECONCILE_HOURS)) -> None:
        self.name = name
        self.client = client
        self.objects = tuple(objects)
        self._schemas: list[dict[str, Any]] | None = None
        clock = clock or (lambda: datetime.now(UTC))
        self._reader = HubSpotReader(client, settle_lag=settle_lag, clock=clock, reconcile_every=reconcile_every)
        self._writer = HubSpotWriter(client)

    @property
    def usage(self) -> ApiUsage:
        return self.client.usage

    def check(self) -> None:
        """One cheap authenticated call: a wrong token surfaces here as an AuthError naming the connection. A
        configured custom object the portal does not have is a ConfigError naming it (one more call)."""
        self.client.owners_page(after=None, archived=False, limit=1)
        if self._custom_specs():
            self._custom_schemas()

    def discover(self) -> list[ObjectSchema]:
        """Every object crmhub reads, and every custom object of the portal (``custom`` set; named ``p_<name>``
        unless configured under another of its names): a custom object not configured yet shows here, so a person
        can map it."""
        schemas = self._custom_schemas()
        listed = self._all_schemas() if schemas else self._optional_schemas()
        out = []
        for spec in self.objects:
            opts = options_of(spec, HubSpotOptions)
            if opts.api in FIXED_FIELDS:
                out.append(ObjectSchema(spec.name, tuple(FieldInfo(f, "string") for f in FIXED_FIELDS[opts.api])))
            elif opts.custom:
                schema = schemas[spec.name]
                out.append(ObjectSchema(spec.name, custom_fields(schema, listed, _field), custom=True))
            else:
                body = self.client.properties(spec.name)
                fields = [_field(p) for p in body.get("results", [])]
                fields += [FieldInfo(f, "string", "the owner of this HubSpot user (crmhub)", calculated=True)
                           for f in derived_fields(opts.user_fields)]
                out.append(ObjectSchema(spec.name, tuple(fields)))
        configured = {s.get("objectTypeId") for s in schemas.values()}
        out += [ObjectSchema(f"p_{s['name']}", custom_fields(s, listed, _field), custom=True)
                for s in listed if s.get("objectTypeId") not in configured]
        return out

    def _optional_schemas(self) -> list[dict[str, Any]]:
        """The portal's custom objects when none is configured: a token without the custom-object scope (or a portal
        below Enterprise) answers 403, and that must not stop the standard objects from syncing."""
        try:
            return self._all_schemas()
        except AuthError as exc:  # HubSpot's 403 MISSING_SCOPES: the token may not read custom objects
            if exc.status != 403:
                raise
            return []

    def _custom_specs(self) -> list[ObjectSpec]:
        return [s for s in self.objects if options_of(s, HubSpotOptions).custom]

    def _all_schemas(self) -> list[dict[str, Any]]:
        if self._schemas is None:
            self._schemas = list(self.client.schemas().get("results", []))
        return self._schemas

    def _custom_schemas(self) -> dict[str, dict[str, Any]]:
        """The schema of each configured custom object, by its configured name; a name the portal does not know is a
        ConfigError naming it and the custom objects there are."""
        self._schemas = None  # asked for the truth of now: an object or property an admin just added must show
        found: dict[str, dict[str, Any]] = {}
        if not self._custom_specs():
            return found
        missing = []
        for spec in self._custom_specs():
            schema = next((s for s in self._all_schemas() if spec.name.lower() in _names(s)), None)
            if schema is None:
                missing.append(spec.name)
            else:
                found[spec.name] = schema
        if missing:
            there = sorted(f"p_{s['name']} ({s.get('objectTypeId')})" for s in self._all_schemas()) or ["none"]
            raise ConfigError(f"custom object {', '.join(missing)} is not in this HubSpot portal (its custom objects: "
                              f"{', '.join(there)}); create it or fix the name in objects", connection=self.name)
        return found

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


def _names(schema: dict[str, Any]) -> set[str]:
    """Every name HubSpot's API takes for a custom object, lower-cased (its bare name is not one of them)."""
    return {str(schema.get("objectTypeId", "")).lower(), str(schema.get("fullyQualifiedName", "")).lower(),
            f"p_{schema.get('name', '')}".lower()}


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
