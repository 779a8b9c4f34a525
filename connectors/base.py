"""The connector protocol and the data types that cross it.

A connector reads native records and writes outbound changes; it knows nothing of the store. Per-object facts are data
(``ObjectSpec``), not subclasses.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from connectors.errors import ConfigError
from connectors.suggest import did_you_mean

Record = dict[str, Any]  # one native record, flattened: native field name -> raw value as the CRM sent it


def require_utc(value: datetime | None, what: str) -> datetime | None:
    """UTC everywhere: a naive datetime is a bug; an aware one in another zone is converted, never relabelled."""
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware (got naive {value.isoformat()})")
    return value.astimezone(UTC)

Options = TypeVar("Options")


@dataclass(frozen=True, slots=True)
class ObjectSpec:
    name: str  # CRM-native: "contacts", "Opportunity", "accounts", "leads"
    entity: str  # canonical entity its records map to by default
    primary_key: str
    cursor_field: str | None
    # The CRM's own per-object facts (endpoint, modified-time field, id prefix, …) as that CRM's frozen dataclass,
    # read through ``options_of`` so a misspelt fact is an AttributeError at import, not a silent default.
    options: object = None


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a stream stands: a watermark plus opaque per-CRM parts (paging token, delta link, window bounds)."""

    watermark: datetime | None = None
    state: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "watermark", require_utc(self.watermark, "cursor watermark"))


@dataclass(frozen=True, slots=True)
class Tombstone:
    source_id: str
    deleted_at: datetime | None = None  # when the CRM says; None when it does not
    merged_into: str | None = None  # the surviving record's id when the delete is a merge


@dataclass(frozen=True, slots=True)
class Cascade:
    """Records of another stream that the CRM deletes with this stream's records (Marketo takes a lead's
    activities and program memberships with it, and reports none of them): when a unit tombstones records —
    reported deletes, or purges a listing found — the live rows of ``object`` whose canonical ``field`` refers to
    one of them are tombstoned too, by that link alone (no listing of the dependent object), except ``keep``."""

    object: str  # the dependent stream's object name ("activities")
    entity: str  # its canonical entity ("activity")
    field: str  # its canonical reference to this stream's records ("lead_id")
    keep: frozenset[str] = frozenset()  # dependent source ids that outlive the owner (Marketo's Delete Lead)


@dataclass(frozen=True, slots=True)
class ChangeBatch:
    spec: ObjectSpec
    upserts: Sequence[Record]
    deletes: Sequence[Tombstone]
    next_cursor: Cursor  # saved only in the transaction that lands this batch
    api_calls: int = 0  # calls spent producing this batch
    notes: Sequence[str] = ()  # things the run should say ("delta token expired: full re-read")
    # A complete listing of the object's live ids, taken BEFORE any record of this read was fetched: every live
    # record in the store that is absent from it was purged in the CRM and is tombstoned (Salesforce's Id
    # reconciliation, Dynamics' recovery from an expired delta token). Yield it ahead of the read's records.
    live_ids: frozenset[str] | None = None
    cascades: tuple[Cascade, ...] = ()  # dependents that go with this batch's deletes (see Cascade)


@dataclass(frozen=True, slots=True)
class FieldInfo:
    name: str
    type: str  # the CRM's own type name
    label: str = ""
    custom: bool = False
    calculated: bool = False
    updateable: bool = False
    options: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ObjectSchema:
    name: str
    fields: tuple[FieldInfo, ...]
    custom: bool = False  # an object an admin created (Salesforce ``__c``, a HubSpot custom object, …)

    def field_names(self) -> set[str]:
        return {f.name for f in self.fields}


@dataclass(frozen=True, slots=True)
class OutboundChange:
    source_id: str
    values: Mapping[str, Any]  # native field name -> value to write
    # The record's last-modified instant (ISO 8601) as crmhub last read it or as its own last write left it; a CRM
    # value newer than this means a person changed the record: a conflict, not a write. None: write unconditionally.
    expected_version: str | None = None


@dataclass(frozen=True, slots=True)
class WriteResult:
    source_id: str
    status: str  # "updated" | "created" | "skipped" | "conflict" | "failed"
    message: str = ""
    retryable: bool = False
    fields: tuple[str, ...] = ()
    version: str | None = None  # the record's modified time (or etag) after this write, when the CRM says

    @property
    def ok(self) -> bool:
        return self.status in ("updated", "created")


@dataclass(slots=True)
class ApiUsage:
    """Calls this connector made, and what the CRM says is left (from its own usage headers)."""

    calls: int = 0
    daily_limit: int | None = None
    daily_remaining: int | None = None
    updated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def used_share(self) -> float | None:
        if not self.daily_limit or self.daily_remaining is None:
            return None
        return 1.0 - self.daily_remaining / self.daily_limit


class Connector(Protocol):
    name: str  # the connection's name in crmhub.yaml
    kind: str

    # Read-only: the connectors fix their objects at construction and compute usage from their client.
    @property
    def objects(self) -> Sequence[ObjectSpec]: ...

    @property
    def usage(self) -> ApiUsage: ...

    def check(self) -> None: ...  # raises AuthError / ConfigError

    def discover(self) -> Sequence[ObjectSchema]: ...

    def read_changes(
        self, spec: ObjectSpec, since: Cursor, *, fields: Sequence[str], full_refresh: bool = False
    ) -> Iterator[ChangeBatch]: ...

    def write(self, spec: ObjectSpec, changes: Sequence[OutboundChange]) -> Sequence[WriteResult]: ...

    # The written fields' values and each record's version now, by source id (records that are gone are absent):
    # the write-back engine settles intents a crashed run left unanswered from this.
    def read_current(self, spec: ObjectSpec, source_ids: Sequence[str],
                     fields: Sequence[str]) -> Mapping[str, tuple[Mapping[str, Any], str | None]]: ...

    def close(self) -> None: ...


def spec_named(specs: Sequence[ObjectSpec], name: str, *, connection: str) -> ObjectSpec:
    for spec in specs:
        if spec.name == name:
            return spec
    names = [s.name for s in specs]
    raise ConfigError(
        f"object {name!r} is not supported{did_you_mean(name, names)}; supported: {', '.join(names)}",
        connection=connection,
    )


def options_of(spec: ObjectSpec, kind: type[Options]) -> Options:
    """``spec.options`` as the CRM's options type; another type is a bug in the connector's object table."""
    if not isinstance(spec.options, kind):
        raise TypeError(f"object {spec.name}: options are {type(spec.options).__name__}, expected {kind.__name__}")
    return spec.options
