"""An in-memory connector for sync tests: pages of native records and tombstones, one cursor after each page.

The cursor's state is the index of the next page, so a run resumes exactly where its last landed batch ended,
the way a real connector resumes from the cursor it is given.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
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
    Record,
    Tombstone,
    WriteResult,
)
from connectors.errors import CrmhubError, TransientError
from mapping.spec import FieldRule, ObjectMapping

SPEC = ObjectSpec(name="people", entity="contact", primary_key="pid", cursor_field="modified")
MAPPING = ObjectMapping(
    object="people",
    entity="contact",
    rules=(
        FieldRule("first_name", "given", "string"),
        FieldRule("last_name", "family", "string"),
        FieldRule("email", "mail", "email"),
        FieldRule("account_id", "org", "ref", {"object": "orgs"}),
        FieldRule("created_at", "created", "datetime"),
        FieldRule("updated_at", "modified", "datetime"),
    ),
    custom=(("tier", "tier"),),
)
NATIVE_FIELDS = ("pid", "given", "family", "mail", "org", "created", "modified", "tier")
T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def person(pid: str, **overrides: Any) -> Record:
    """A native record that maps and passes the shipped contact suite unless overridden."""
    return {
        "pid": pid,
        "given": "Ada",
        "family": f"Family {pid}",
        "mail": f"P{pid}@Example.com",
        "org": "o1",
        "created": "2024-01-01T10:00:00+02:00",
        "modified": "2024-02-01T00:00:00Z",
        "tier": "gold",
        **overrides,
    }


def page_cursor(index: int) -> Cursor:
    """The cursor after page ``index``: a watermark that moves with the pages and the next page to read."""
    return Cursor(T0 + timedelta(minutes=index), {"page": index + 1})


@dataclass(frozen=True, slots=True)
class Page:
    upserts: Sequence[Record] = ()
    deletes: Sequence[Tombstone] = ()
    live_ids: frozenset[str] | None = None


@dataclass(slots=True)
class FakeConnector:
    """Implements ``connectors.base.Connector`` over a list of pages.

    ``fail_after`` raises ``fail_with`` (once) after that many batches of a read; ``overlap`` re-reads that
    many pages before the cursor, as a connector with a closed window start does.
    """

    pages: Sequence[Page]
    name: str = "toy"
    kind: str = "fake"
    fail_after: int | None = None
    fail_with: BaseException = field(
        default_factory=lambda: TransientError(
            "HTTP 503 from the fake", connection="toy", object="people", status=503
        )
    )
    overlap: int = 0
    objects: Sequence[ObjectSpec] = (SPEC,)
    usage: ApiUsage = field(default_factory=ApiUsage)
    started_from: list[Cursor] = field(default_factory=list)
    fields_asked: list[list[str]] = field(default_factory=list)
    closed: bool = False
    # What discover() lists; None: the people object's fields, all typed "string".
    schemas: Sequence[ObjectSchema] | None = None

    def check(self) -> None:
        if self.closed:
            raise CrmhubError("closed", connection=self.name)

    def discover(self) -> Sequence[ObjectSchema]:
        if self.schemas is not None:
            return list(self.schemas)
        return [ObjectSchema(SPEC.name, tuple(FieldInfo(name, "string") for name in NATIVE_FIELDS))]

    def read_changes(
        self, spec: ObjectSpec, since: Cursor, *, fields: Sequence[str], full_refresh: bool = False
    ) -> Iterator[ChangeBatch]:
        self.started_from.append(since)
        self.fields_asked.append(list(fields))
        start = 0 if full_refresh else max(0, int(since.state.get("page", 0)) - self.overlap)
        for served, index in enumerate(range(start, len(self.pages))):
            if self.fail_after is not None and served == self.fail_after:
                self.fail_after = None
                raise self.fail_with
            self.usage.calls += 1
            page = self.pages[index]
            yield ChangeBatch(
                spec, [dict(r) for r in page.upserts], list(page.deletes), page_cursor(index), api_calls=1,
                live_ids=page.live_ids,
            )

    def write(self, spec: ObjectSpec, changes: Sequence[OutboundChange]) -> Sequence[WriteResult]:
        return [WriteResult(c.source_id, "skipped", "the fake connector does not write") for c in changes]

    def read_current(self, spec: ObjectSpec, source_ids: Sequence[str],
                     fields: Sequence[str]) -> dict[str, tuple[dict[str, Any], str | None]]:
        """The pages' last word on each record (the fake keeps no versions)."""
        latest = {str(r[spec.primary_key]): r for page in self.pages for r in page.upserts}
        return {sid: ({f: latest[sid].get(f) for f in fields}, None) for sid in source_ids if sid in latest}

    def close(self) -> None:
        self.closed = True


def pages_of(records: Sequence[Record], size: int) -> list[Page]:
    return [Page(upserts=list(records[i : i + size])) for i in range(0, len(records), size)]
