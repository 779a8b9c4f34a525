"""Reading Dataverse changes: change tracking where the table has it, ``modifiedon`` windows where it does not.

Tracked tables: the first read is a ``Prefer: odata.track-changes`` read paged by nextLink; its last page's
``@odata.deltaLink`` goes in the cursor and every later run follows it (changed rows, then ``$deletedEntity``
entries). Untracked tables: half-open windows ``[lo, hi)`` on ``modifiedon`` with ``hi = now - settle lag``, ordered
by ``(modifiedon, <pk>)`` and resumed by keyset, so ties on one second never split; deletes come from a complete id
listing taken before each window. Untracked tables without ``modifiedon`` (no cursor field: an N:N intersect table,
process stages) are listed whole on every run, their ids first, so deletes show as ids missing from the listing.
Requests address a table by its entity set, from its metadata (a custom table's is not its logical name).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from connectors.base import ChangeBatch, Cursor, ObjectSpec, Tombstone
from connectors.dynamics.client import ChangeTrackingDisabled, DynamicsClient
from connectors.dynamics.metadata import Catalog
from connectors.dynamics.objects import ANNOTATIONS, MAX_PAGE
from connectors.dynamics.state import ListingState, TrackState, WindowState, from_state
from connectors.dynamics.values import Wanted, flatten, instant_literal, parse_instant
from connectors.errors import ApiError, CursorExpired
from connectors.http.paging import Body, JsonPathToken, walk

NEXT_LINK = JsonPathToken(("@odata.nextLink",))
EXPIRED_NOTE = "delta token expired; full re-read, records missing from it are tombstoned"
COLUMNS_NOTE = "mapped columns changed since the delta link was issued; full re-read"
UNTRACKED_NOTE = "change tracking is no longer enabled on this table; reading by modifiedon windows"
RESTART_NOTE = "the saved nextLink of the initial read is no longer valid; initial read restarted"
REFUSED_NOTE = "the saved delta link was refused ({}); full re-read, records missing from it are tombstoned"


class DeltaLinkRefused(CursorExpired):
    """The service refused the saved delta link as a bad request (a token it cannot read): re-read, like expiry."""


class _ResumeRefused(Exception):
    """The saved nextLink of an initial read was refused (400) at its first fetch: the read starts over."""


@dataclass(frozen=True, slots=True)
class Keyset:
    """Windows page by keyset, not by link: the next page starts after the last row's ``(modifiedon, <pk>)``.
    There is one while the service says more rows follow (``@odata.nextLink``) and the page has rows."""

    pk: str

    def next_token(self, body: Body) -> str | None:
        rows = body.get("value")
        if not body.get("@odata.nextLink") or not isinstance(rows, list) or not rows:
            return None
        return json.dumps([rows[-1]["modifiedon"], rows[-1][self.pk]])


class DynamicsReader:
    def __init__(self, client: DynamicsClient, catalog: Catalog, *, settle_lag: timedelta,
                 clock: Callable[[], datetime], page_size: int = MAX_PAGE) -> None:
        self.client, self.catalog = client, catalog
        self.settle_lag, self.clock, self.page_size = settle_lag, clock, page_size

    def read(self, spec: ObjectSpec, since: Cursor, fields: Sequence[str], full_refresh: bool) -> Iterator[ChangeBatch]:
        wanted = Wanted.of(fields, always=(spec.primary_key, *((spec.cursor_field,) if spec.cursor_field else ())))
        if wanted.currencies:
            wanted = replace(wanted, iso_codes=self._iso_codes(spec))
        saved = None if full_refresh else from_state(since.state, connection=self.client.connection,
                                                     object=spec.name)
        state = saved or (TrackState("") if self.catalog.table(spec).tracked else self._untracked(spec))
        if isinstance(state, ListingState):
            yield from self._listing(spec, wanted, state, ())
            return
        if isinstance(state, WindowState):
            # A saved window state's watermark is where its window starts; a fresh read starts at the beginning.
            yield from self._windowed(spec, wanted, since.watermark if saved else None, state, ())
            return
        select = ",".join(wanted.select)
        if state.delta and state.select != select:
            yield from self._initial(spec, wanted, None, reconcile=True, notes=(COLUMNS_NOTE,))
        elif state.delta:
            try:
                yield from self._delta(spec, wanted, state.delta, state.next)
            except CursorExpired as exc:
                # Changes since the token are gone: read everything again and tombstone what is not there any more.
                note = REFUSED_NOTE.format(exc.message) if isinstance(exc, DeltaLinkRefused) else EXPIRED_NOTE
                yield from self._initial(spec, wanted, None, reconcile=True, notes=(note,))
            except ChangeTrackingDisabled:
                if spec.cursor_field is None:
                    yield from self._listing(spec, wanted, ListingState(), (UNTRACKED_NOTE,))
                else:
                    yield from self._windowed(spec, wanted, None, WindowState(), (UNTRACKED_NOTE,))
        else:
            yield from self._initial(spec, wanted, state.next, reconcile=full_refresh, notes=())

    # --- change tracking ---------------------------------------------------------------------------------------
    def _initial(self, spec: ObjectSpec, wanted: Wanted, resume: str | None, *, reconcile: bool,
                 notes: Sequence[str]) -> Iterator[ChangeBatch]:
        """The track-changes read. A saved nextLink resumes it: its paging cookie is a keyset (the last row's key)
        and carries the snapshot version, so it stays valid; if the service refuses it all the same, the read
        restarts from scratch WITH an id reconciliation, since deletes before the new snapshot would never show."""
        select = ",".join(wanted.select)
        started = self.clock()

        def fetch(link: str | None) -> dict[str, Any]:
            url, params = (link, None) if link else (self._set(spec), {"$select": select})
            try:
                return self.client.get(url, params=params, prefer=self._prefer(track=True), object=spec.name)
            except ApiError as exc:
                if link is not None and link == resume and exc.status == 400:
                    raise _ResumeRefused from None
                raise

        first, before = True, self.client.calls
        try:
            for page, next_link in walk(fetch, NEXT_LINK, start=resume, connection=self.client.connection,
                                        object=spec.name):
                # Listing AFTER the first page: the snapshot is fixed by then, so a record deleted between the
                # listing and the snapshot cannot slip through; the listing lands with the first page's records.
                live = self._list_ids(spec) if reconcile and first else None
                records = [flatten(r, wanted) for r in page.get("value", [])]
                if next_link:
                    cursor = Cursor(None, TrackState(select, next=next_link).to_state())
                else:
                    cursor = Cursor(started, TrackState(select, delta=page["@odata.deltaLink"]).to_state())
                yield ChangeBatch(spec, records, [], cursor, self.client.calls - before, notes if first else (),
                                  live)
                first, before = False, self.client.calls
        except _ResumeRefused:  # raised by the first fetch only, before anything of this read was yielded
            yield from self._initial(spec, wanted, None, reconcile=True, notes=(*notes, RESTART_NOTE))

    def _delta(self, spec: ObjectSpec, wanted: Wanted, delta: str, resume: str | None) -> Iterator[ChangeBatch]:
        select = ",".join(wanted.select)
        started = self.clock()
        start = resume or delta

        def fetch(link: str | None) -> dict[str, Any]:
            try:
                return self.client.get(link or start, prefer=self._prefer(track=False), object=spec.name)
            except ApiError as exc:
                # A saved link the service refuses as a bad request (a token it cannot read) leads to the same
                # place as an expired one: only a full re-read is sure to miss nothing.
                if link == start and exc.status == 400:
                    raise DeltaLinkRefused(exc.message, object=spec.name, status=400) from None
                raise

        before = self.client.calls
        for page, next_link in walk(fetch, NEXT_LINK, start=start, connection=self.client.connection,
                                    object=spec.name):
            records, deletes = [], []
            for item in page.get("value", []):
                if _is_deleted(item):
                    deletes.append(Tombstone(str(item.get("id") or _removed_id(item))))
                else:
                    records.append(flatten(item, wanted))
            if next_link:
                cursor = Cursor(None, TrackState(select, delta=delta, next=next_link).to_state())
            else:
                # Nothing changed since the link: Dataverse answers an empty JSON object, with no new delta link.
                # The link followed stays the one to follow next time.
                latest = page.get("@odata.deltaLink") or delta
                cursor = Cursor(started, TrackState(select, delta=latest).to_state())
            yield ChangeBatch(spec, records, deletes, cursor, self.client.calls - before)
            before = self.client.calls

    # --- modifiedon windows --------------------------------------------------------------------------------------
    def _windowed(self, spec: ObjectSpec, wanted: Wanted, lo: datetime | None, state: WindowState,
                  notes: Sequence[str]) -> Iterator[ChangeBatch]:
        hi = state.hi or (self.clock() - self.settle_lag).replace(microsecond=0)
        if lo is not None and hi <= lo:
            return  # nothing has settled since the last run
        pk = spec.primary_key
        before = self.client.calls
        # A window started afresh lists the live ids first: deletes leave no trace an untracked query could see.
        live = self._list_ids(spec) if state.last_id is None else None

        def fetch(keyset: str | None) -> dict[str, Any]:
            clauses = [f"modifiedon lt {instant_literal(hi)}"]
            if lo is not None:
                clauses.insert(0, f"modifiedon ge {instant_literal(lo)}")
            if keyset is not None:
                last_m, last_id = json.loads(keyset)
                m = instant_literal(parse_instant(last_m))
                clauses.append(f"(modifiedon gt {m} or (modifiedon eq {m} and {pk} gt {last_id}))")
            params = {"$select": ",".join(wanted.select), "$filter": " and ".join(clauses),
                      "$orderby": f"modifiedon asc,{pk} asc"}
            return self.client.get(self._set(spec), params=params, prefer=self._prefer(track=False),
                                   object=spec.name)

        start = json.dumps([state.last_m, state.last_id]) if state.last_id is not None else None
        for page, keyset in walk(fetch, Keyset(pk), start=start, connection=self.client.connection,
                                 object=spec.name):
            records = [flatten(r, wanted) for r in page.get("value", [])]
            if keyset is not None:
                last_m, last_id = json.loads(keyset)
                cursor = Cursor(lo, WindowState(hi, last_m, last_id).to_state())
            else:
                cursor = Cursor(hi, WindowState().to_state())
            yield ChangeBatch(spec, records, [], cursor, self.client.calls - before, notes, live)
            notes, live, before = (), None, self.client.calls

    # --- complete listings (no modifiedon) --------------------------------------------------------------------
    def _listing(self, spec: ObjectSpec, wanted: Wanted, state: ListingState,
                 notes: Sequence[str]) -> Iterator[ChangeBatch]:
        """Every row, paged by nextLink; a listing started afresh lists the ids first (its deletes), a saved nextLink
        continues one cut short (the ids went with its first page)."""
        started = self.clock()
        before = self.client.calls
        live = self._list_ids(spec) if state.next is None else None

        def fetch(link: str | None) -> dict[str, Any]:
            url, params = (link, None) if link else (self._set(spec), {"$select": ",".join(wanted.select)})
            return self.client.get(url, params=params, prefer=self._prefer(track=False), object=spec.name)

        for page, next_link in walk(fetch, NEXT_LINK, start=state.next, connection=self.client.connection,
                                    object=spec.name):
            records = [flatten(r, wanted) for r in page.get("value", [])]
            cursor = Cursor(None, ListingState(next_link).to_state()) if next_link else \
                Cursor(started, ListingState().to_state())
            yield ChangeBatch(spec, records, [], cursor, self.client.calls - before, notes, live)
            notes, live, before = (), None, self.client.calls

    # --- helpers -------------------------------------------------------------------------------------------------
    def _untracked(self, spec: ObjectSpec) -> WindowState | ListingState:
        return WindowState() if spec.cursor_field else ListingState()

    def _set(self, spec: ObjectSpec) -> str:
        """The entity set a request names (a custom table's comes from its metadata)."""
        return self.catalog.entity_set(spec)

    def _list_ids(self, spec: ObjectSpec) -> frozenset[str]:
        """Every live id, primary key only, in pages of 5,000."""
        ids: set[str] = set()

        def fetch(link: str | None) -> dict[str, Any]:
            url, params = (link, None) if link else (self._set(spec), {"$select": spec.primary_key})
            return self.client.get(url, params=params, prefer=f"odata.maxpagesize={MAX_PAGE}", object=spec.name)

        for page, _ in walk(fetch, NEXT_LINK, connection=self.client.connection, object=spec.name):
            ids.update(str(r[spec.primary_key]) for r in page.get("value", []))
        return frozenset(ids)

    def _iso_codes(self, spec: ObjectSpec) -> dict[str, str]:
        """transactioncurrencyid -> ISO code of every currency of the org (a few rows: one page)."""
        codes: dict[str, str] = {}

        def fetch(link: str | None) -> dict[str, Any]:
            url, params = (link, None) if link else ("transactioncurrencies",
                                                     {"$select": "transactioncurrencyid,isocurrencycode"})
            return self.client.get(url, params=params, prefer=f"odata.maxpagesize={MAX_PAGE}", object=spec.name)

        for page, _ in walk(fetch, NEXT_LINK, connection=self.client.connection, object=spec.name):
            codes.update((str(r["transactioncurrencyid"]).lower(), str(r["isocurrencycode"]))
                         for r in page.get("value", []) if r.get("isocurrencycode"))
        return codes

    def _prefer(self, *, track: bool) -> str:
        prefer = f"odata.maxpagesize={self.page_size},{ANNOTATIONS}"
        return prefer + ",odata.track-changes" if track else prefer


def _is_deleted(item: dict[str, Any]) -> bool:
    return "$deletedEntity" in str(item.get("@odata.context", "")) or "@removed" in item


def _removed_id(item: dict[str, Any]) -> str:
    """OData 4.01 deleted entries: ``{"@removed": {"reason": "deleted"}, "@id": ".../accounts(<guid>)"}``."""
    ref = str(item.get("@id", ""))
    return ref[ref.rfind("(") + 1:ref.rfind(")")] if "(" in ref else ref
