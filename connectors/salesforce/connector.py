"""The Salesforce connector: check, discover, read changes, write — over one client, one budget, one describe cache."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from connectors.base import (
    ApiUsage,
    ChangeBatch,
    Cursor,
    ObjectSchema,
    ObjectSpec,
    OutboundChange,
    WriteResult,
    options_of,
)
from connectors.errors import ConfigError
from connectors.salesforce.bulk import Bulk
from connectors.salesforce.client import SalesforceClient
from connectors.salesforce.objects import OBJECTS, SalesforceOptions
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
        ``limits`` also tells the budget where the day stands before the first sync call. A configured custom
        object the org does not have is a ConfigError naming it."""
        limits = self.client.get_json("limits")
        daily = limits.get("DailyApiRequests") or {}
        if "Max" in daily:
            self.client.usage.daily_limit = int(daily["Max"])
            self.client.usage.daily_remaining = int(daily.get("Remaining", daily["Max"]))
        if any(options_of(s, SalesforceOptions).custom for s in self.objects):
            self._check_custom(self._global())

    def discover(self) -> list[ObjectSchema]:
        """Describe of every object crmhub reads and of every custom object of the org (``custom`` set), fields
        with custom and formula (calculated) ones flagged: a custom object not configured yet shows here, so a
        person can map it."""
        entries = self._global()
        self._check_custom(entries)
        queryable = {e["name"] for e in entries if e.get("queryable")}
        wanted = [spec.name for spec in self.objects if spec.name in queryable]
        wanted += sorted(e["name"] for e in entries if e.get("custom") and e.get("queryable") and
                         not e.get("customSetting") and e["name"] not in wanted)
        self.describer.forget()  # discover is asked for the truth of now: a field an admin just added must show
        return [self.describer.schema(name) for name in wanted]

    def _global(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self.client.get_json("sobjects").get("sobjects", [])
        return entries

    def _check_custom(self, entries: list[dict[str, Any]]) -> None:
        known = {e["name"] for e in entries}
        missing = [s.name for s in self.objects if options_of(s, SalesforceOptions).custom and s.name not in known]
        if missing:
            custom = sorted(e["name"] for e in entries if e.get("custom")) or ["none"]
            raise ConfigError(f"custom object {', '.join(missing)} is not in this Salesforce org (its custom "
                              f"objects: {', '.join(custom)}); create it or fix the name in objects",
                              connection=self.name)

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
