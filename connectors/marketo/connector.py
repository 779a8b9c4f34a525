"""The Marketo connector: check, discover, read changes, write — over one client, one limiter and one budget."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
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
from connectors.errors import ConfigError
from connectors.marketo.activities import ActivityReader, type_attributes
from connectors.marketo.client import MarketoClient
from connectors.marketo.companies import CompanyReader
from connectors.marketo.custom import CustomObjectReader
from connectors.marketo.custom_types import COMPANY_KEY as CUSTOM_COMPANY_KEY
from connectors.marketo.custom_types import CustomTypes, custom_spec
from connectors.marketo.custom_writer import CustomObjectWriter
from connectors.marketo.files import FILE_FIELDS, FileReader
from connectors.marketo.leads import LeadReader
from connectors.marketo.objects import (
    ACTIVITY_FIELDS,
    BATCH,
    COMPANY_FIELDS,
    COMPANY_KEY,
    OBJECTS,
    MarketoOptions,
)
from connectors.marketo.programs import MEMBER_FIELDS, MemberReader, ProgramReader
from connectors.marketo.writer import MarketoWriter

# Fields of the objects whose shape the connector fixes (programs as flattened, members, the company rollup).
DERIVED: dict[str, tuple[str, ...]] = {
    "programs": ("id", "name", "description", "createdAt", "updatedAt", "url", "type", "channel", "status",
                 "workspace", "folderName", "active", "cost"),
    "program_members": ("id", *MEMBER_FIELDS),
    "companies": ("id", "leadCount", "domain", "createdAt", "updatedAt", *COMPANY_FIELDS),
}


class MarketoConnector:
    kind = "marketo"

    def __init__(self, *, name: str, client: MarketoClient, settle_lag: timedelta,
                 clock: Callable[[], datetime] | None = None, page_size: int | None = None,
                 bulk: str = "auto", objects: Sequence[ObjectSpec] = OBJECTS,
                 reconcile_every: timedelta | None = None, custom: Mapping[str, str] | None = None,
                 custom_reconcile_every: timedelta | None = None) -> None:
        """``custom``: the custom objects the connection syncs, API name -> the canonical entity its mapping names.
        Their specs exist from here on (no call made); check, discover and their first read confirm each is an
        approved custom object of the instance."""
        self.name = name
        self.client = client
        self.objects = (*objects, *(custom_spec(n, entity) for n, entity in (custom or {}).items()))
        clock = clock or (lambda: datetime.now(UTC))
        # Absent unless set, so each reader keeps its own default (Any: mypy would match it against every keyword).
        every: dict[str, Any] = {"reconcile_every": reconcile_every} if reconcile_every is not None else {}
        self.leads = LeadReader(client, settle_lag=settle_lag, clock=clock, page_size=page_size or BATCH, bulk=bulk,
                                **every)
        self.activities = ActivityReader(client, clock=clock)
        self.programs = ProgramReader(client, settle_lag=settle_lag, clock=clock, **every)
        self.members = MemberReader(client, self.programs, clock=clock)
        self.companies = CompanyReader(self.leads.snapshot, lambda: client.calls, clock)
        self.files = FileReader(client, clock=clock)
        self.types = CustomTypes(client)
        custom_every = custom_reconcile_every if custom_reconcile_every is not None else reconcile_every
        listing: dict[str, Any] = {"reconcile_every": custom_every} if custom_every is not None else {}
        self.customs = CustomObjectReader(client, self.types, settle_lag=settle_lag, clock=clock, **listing)
        self._writer = MarketoWriter(client, self.leads)
        self._custom_writer = CustomObjectWriter(client)

    def _custom_names(self) -> list[str]:
        return [s.name for s in self.objects if options_of(s, MarketoOptions).api == "custom"]

    @property
    def usage(self) -> ApiUsage:
        return self.client.usage

    def check(self) -> None:
        """A token and one cheap call: wrong credentials surface here as an AuthError naming the connection; then
        the configured custom objects must exist (one more call when there are any)."""
        self.client.get("/rest/v1/leads/describe2.json", obj="leads")
        if self._custom_names():
            self.types.require(self._custom_names())

    def discover(self) -> list[ObjectSchema]:
        out = []
        for spec in self.objects:
            api = options_of(spec, MarketoOptions).api
            if api == "leads":
                body = self.client.get("/rest/v1/leads/describe2.json", obj="leads")
                fields = (body.get("result") or [{}])[0].get("fields") or []
                out.append(ObjectSchema(spec.name, (*(
                    FieldInfo(f["name"], f.get("dataType", "string"), f.get("displayName", ""),
                              updateable=bool(f.get("updateable", False))) for f in fields),
                    FieldInfo(COMPANY_KEY, "string", "Company key (derived by crmhub)", calculated=True))))
            elif api == "custom":
                t = self.types.get(spec.name)
                derived = (FieldInfo(CUSTOM_COMPANY_KEY, "string", "Company key of the linked lead (derived by crmhub)",
                                     calculated=True),) if t.lead_link else ()
                out.append(ObjectSchema(spec.name, (*t.fields, *derived)))
            elif api == "files":
                out.append(ObjectSchema(spec.name, FILE_FIELDS))
            elif api == "activities":
                names = [*ACTIVITY_FIELDS, *type_attributes(self.activities.describe())]
                out.append(ObjectSchema(spec.name, tuple(FieldInfo(n, "string") for n in names)))
            else:
                out.append(ObjectSchema(spec.name, tuple(FieldInfo(n, "string") for n in DERIVED[api])))
        return out

    def read_changes(self, spec: ObjectSpec, since: Cursor, *, fields: Sequence[str],
                     full_refresh: bool = False) -> Iterator[ChangeBatch]:
        api = options_of(spec, MarketoOptions).api
        if api == "leads":
            return self.leads.read(spec, since, fields, full_refresh)
        if api == "programs":
            return self.programs.read(spec, since, full_refresh)
        if api == "program_members":
            return self.members.read(spec, since)
        if api == "companies":
            return self.companies.read(spec)
        if api == "files":
            return self.files.read(spec)
        if api == "custom":
            return self.customs.read(spec, since, fields, full_refresh)
        return self.activities.read(spec, since, full_refresh)

    def write(self, spec: ObjectSpec, changes: Sequence[OutboundChange]) -> Sequence[WriteResult]:
        api = options_of(spec, MarketoOptions).api
        if api == "custom":
            return self._custom_writer.write(spec, changes)
        if api != "leads":
            raise ConfigError(f"Marketo {spec.name} are read-only: write-back goes to leads and custom objects",
                              connection=self.name, object=spec.name)
        return self._writer.write(spec, changes)

    def read_current(self, spec: ObjectSpec, source_ids: Sequence[str],
                     fields: Sequence[str]) -> dict[str, tuple[dict[str, Any], str | None]]:
        """The written fields' values and the record's version now (the write-back engine's reconciliation)."""
        if options_of(spec, MarketoOptions).api == "custom":
            return self._custom_writer.current(spec, source_ids, fields)
        return self._writer.current(spec, source_ids, fields)

    def close(self) -> None:
        self.client.close()
