"""The Salesforce connector: check, discover, read changes, write — over one client, one budget, one describe cache."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from connectors.base import ApiUsage, ChangeBatch, Cursor, ObjectSchema, ObjectSpec, OutboundChange, WriteResult
from connectors.salesforce.bulk import Bulk
from connectors.salesforce.client import SalesforceClient
from connectors.salesforce.objects import OBJECTS
from connectors.salesforce.reader import SalesforceReader
from connectors.salesforce.schema import Describer
from connectors.salesforce.window import ReadSettings
from connectors.salesforce.writer import SalesforceWriter


class SalesforceConnector:
    kind = "salesforce"

    def __init__(self, *, name: str, client: SalesforceClient, settle_lag: timedelta, clock: Callable[[], datetime],
                 settings: ReadSettings, bulk_write_threshold: int = 2_000,
                 objects: Sequence[ObjectSpec] = OBJECTS) -> None:
        self.name = name
        self.client = client
        self.objects = tuple(objects)
        self.bulk = Bulk(client, page_records=settings.bulk_page)
        self.describer = Describer(client)
        self._reader = SalesforceReader(client, self.bulk, self.describer, settle_lag=settle_lag, clock=clock,
                                        settings=settings)
        self._writer = SalesforceWriter(client, self.bulk, bulk_threshold=bulk_write_threshold)

    @property
    def usage(self) -> ApiUsage:
        return self.client.usage

    def check(self) -> None:
        """A login and one call: wrong credentials surface here as an AuthError naming the connection.
        ``limits`` also tells the budget where the day stands before the first sync call."""
        limits = self.client.get_json("limits")
        daily = limits.get("DailyApiRequests") or {}
        if "Max" in daily:
            self.client.usage.daily_limit = int(daily["Max"])
            self.client.usage.daily_remaining = int(daily.get("Remaining", daily["Max"]))

    def discover(self) -> list[ObjectSchema]:
        """Describe of every object crmhub reads: fields with custom and formula (calculated) ones flagged."""
        available = {s["name"] for s in self.client.get_json("sobjects").get("sobjects", []) if s.get("queryable")}
        self.describer.forget()  # discover is asked for the truth of now: a field an admin just added must show
        return [self.describer.schema(spec.name) for spec in self.objects if spec.name in available]

    def read_changes(self, spec: ObjectSpec, since: Cursor, *, fields: Sequence[str],
                     full_refresh: bool = False) -> Iterator[ChangeBatch]:
        return self._reader.read(spec, since, fields, full_refresh)

    def write(self, spec: ObjectSpec, changes: Sequence[OutboundChange]) -> Sequence[WriteResult]:
        return self._writer.write(spec, changes)

    def read_current(self, spec: ObjectSpec, source_ids: Sequence[str],
                     fields: Sequence[str]) -> dict[str, tuple[dict[str, Any], str | None]]:
        """The written fields' values and the record's version now (the write-back engine's reconciliation)."""
        return self._writer.current(spec, source_ids, fields)

    def close(self) -> None:
        self.client.close()
