"""The Dynamics 365 / Dataverse connector: check, discover, read changes, write — over one client and one budget."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.base import (
    ApiUsage,
    ChangeBatch,
    Cursor,
    ObjectSchema,
    ObjectSpec,
    OutboundChange,
    WriteResult,
)
from connectors.dynamics.client import DynamicsClient
from connectors.dynamics.metadata import Catalog
from connectors.dynamics.objects import MAX_BATCH, MAX_PAGE, OBJECTS
from connectors.dynamics.reader import DynamicsReader
from connectors.dynamics.writer import DynamicsWriter


class DynamicsConnector:
    kind = "dynamics"

    def __init__(self, *, name: str, client: DynamicsClient, settle_lag: timedelta,
                 clock: Callable[[], datetime] | None = None, objects: Sequence[ObjectSpec] = OBJECTS,
                 page_size: int = MAX_PAGE, batch_size: int = MAX_BATCH) -> None:
        self.name = name
        self.client = client
        self.objects = tuple(objects)
        self.catalog = Catalog(client)
        self._reader = DynamicsReader(client, self.catalog, settle_lag=settle_lag,
                                      clock=clock or (lambda: datetime.now(UTC)), page_size=page_size)
        self._writer = DynamicsWriter(client, self.catalog, batch_size=batch_size)

    @property
    def usage(self) -> ApiUsage:
        return self.client.usage

    def check(self) -> None:
        """A token and one cheap authenticated call (WhoAmI): bad credentials surface here as an AuthError. A
        configured custom table the environment does not have is a ConfigError naming it."""
        self.client.get("WhoAmI")
        self.catalog.check_custom(self.objects)

    def discover(self) -> list[ObjectSchema]:
        """The configured tables and every custom table of the environment (``custom`` set on those)."""
        return self.catalog.discover(self.objects)

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
