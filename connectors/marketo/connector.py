"""The Marketo connector: check, discover, read changes, write — over one client, one limiter and one budget."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta

from connectors.base import (
    ApiUsage,
    ChangeBatch,
    Cursor,
    FieldInfo,
    ObjectSchema,
    ObjectSpec,
    OutboundChange,
    WriteResult,
)
from connectors.errors import ConfigError
from connectors.marketo.activities import ActivityReader, type_attributes
from connectors.marketo.client import MarketoClient
from connectors.marketo.leads import LeadReader
from connectors.marketo.objects import ACTIVITY_FIELDS, BATCH, OBJECTS
from connectors.marketo.writer import MarketoWriter


class MarketoConnector:
    kind = "marketo"

    def __init__(self, *, name: str, client: MarketoClient, settle_lag: timedelta,
                 clock: Callable[[], datetime] | None = None, page_size: int | None = None,
                 bulk: str = "auto", objects: Sequence[ObjectSpec] = OBJECTS) -> None:
        self.name = name
        self.client = client
        self.objects = tuple(objects)
        clock = clock or (lambda: datetime.now(UTC))
        self.leads = LeadReader(client, settle_lag=settle_lag, clock=clock, page_size=page_size or BATCH, bulk=bulk)
        self.activities = ActivityReader(client, clock=clock)
        self._writer = MarketoWriter(client, self.leads)

    @property
    def usage(self) -> ApiUsage:
        return self.client.usage

    def check(self) -> None:
        """A token and one cheap call: wrong credentials surface here as an AuthError naming the connection."""
        self.client.get("/rest/v1/leads/describe2.json", obj="leads")

    def discover(self) -> list[ObjectSchema]:
        out = []
        for spec in self.objects:
            if spec.options["api"] == "leads":
                body = self.client.get("/rest/v1/leads/describe2.json", obj="leads")
                fields = (body.get("result") or [{}])[0].get("fields") or []
                out.append(ObjectSchema(spec.name, tuple(
                    FieldInfo(f["name"], f.get("dataType", "string"), f.get("displayName", ""),
                              updateable=bool(f.get("updateable", False))) for f in fields)))
            else:
                names = [*ACTIVITY_FIELDS, *type_attributes(self.activities.describe())]
                out.append(ObjectSchema(spec.name, tuple(FieldInfo(n, "string") for n in names)))
        return out

    def read_changes(self, spec: ObjectSpec, since: Cursor, *, fields: Sequence[str],
                     full_refresh: bool = False) -> Iterator[ChangeBatch]:
        if spec.options["api"] == "leads":
            return self.leads.read(spec, since, fields, full_refresh)
        return self.activities.read(spec, since, full_refresh)

    def write(self, spec: ObjectSpec, changes: Sequence[OutboundChange]) -> Sequence[WriteResult]:
        if spec.options["api"] != "leads":
            raise ConfigError(f"Marketo {spec.name} are read-only: write-back goes to leads", connection=self.name,
                              object=spec.name)
        return self._writer.write(spec, changes)

    def close(self) -> None:
        self.client.close()
