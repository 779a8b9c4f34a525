"""A fifth CRM that lives in memory: the whole of what a new kind brings (its config model, its connector, its
descriptor), kept outside crmhub's packages to show that registering it is one line (``(*KINDS, MEMORY)``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import ClassVar, Literal

from config.models import ConnectionBase
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
from connectors.kinds import Clock, ConnectorKind
from connectors.tuning import Tuning

PEOPLE = ObjectSpec("people", "contact", "id", "updated")


class MemoryConnection(ConnectionBase):
    CRM_LABEL: ClassVar[str] = "Memory CRM"

    kind: Literal["memory"]
    people: list[dict[str, str]] = []


@dataclass(slots=True)
class MemoryConnector:
    name: str
    people: list[dict[str, str]]
    kind: str = "memory"
    objects: tuple[ObjectSpec, ...] = (PEOPLE,)
    usage: ApiUsage = field(default_factory=ApiUsage)
    written: list[OutboundChange] = field(default_factory=list)

    def check(self) -> None:
        return None

    def discover(self) -> Sequence[ObjectSchema]:
        return [ObjectSchema("people", tuple(FieldInfo(n, "string") for n in ("id", "email", "updated")))]

    def read_changes(self, spec: ObjectSpec, since: Cursor, *, fields: Sequence[str],
                     full_refresh: bool = False) -> Iterator[ChangeBatch]:
        self.usage.calls += 1
        rows = [dict(p) for p in self.people]
        yield ChangeBatch(spec, rows, [], Cursor(datetime.now(UTC)), api_calls=1,
                          live_ids=frozenset(p["id"] for p in rows))

    def write(self, spec: ObjectSpec, changes: Sequence[OutboundChange]) -> Sequence[WriteResult]:
        self.written += changes
        return [WriteResult(c.source_id, "updated") for c in changes]

    def close(self) -> None:
        return None


def _build(name: str, conn: MemoryConnection, *, settle_lag: timedelta, clock: Clock | None,
           tuning: Tuning) -> MemoryConnector:
    return MemoryConnector(name=name, people=list(conn.people))


MEMORY = ConnectorKind(MemoryConnection, _build, (PEOPLE,), "Memory CRM → {object} → add the key {field}")
